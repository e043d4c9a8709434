import { describe, expect, it } from 'vitest';
import { NO_AUGMENT } from '../tpi/augment.ts';
import { DEFAULT_SETTINGS, restoredSettings } from './print.ts';

describe('restored Print settings', () => {
  it('fill in settings saved before they existed (augment.perspective)', () => {
    const old = { ...DEFAULT_SETTINGS, seed: 4, augment: { rotate: 2, paper: 0.3, blur: 0, noise: 0, jpeg: 75 } };
    const s = restoredSettings(old as never);
    expect(s.augment).toEqual({ ...NO_AUGMENT, rotate: 2, paper: 0.3, jpeg: 75, perspective: 0 });
    expect(s.seed).toBe(4);
    expect(restoredSettings({ ...DEFAULT_SETTINGS, augment: { ...NO_AUGMENT, perspective: 0.05 } }).augment.perspective).toBe(0.05);
    expect(restoredSettings(undefined)).toEqual(DEFAULT_SETTINGS);
  });

  it('reset fields that are not valid (storage edited or damaged) to their defaults, one by one', () => {
    const damaged = { ...DEFAULT_SETTINGS, font: 'comic', foreground: 'notacolour', background: '#00ff00', size: -3, maxFontSize: 20, minFontSize: 30, align: 'middle', seed: 1.5, augment: { ...NO_AUGMENT, rotate: 99, blur: 2, jpeg: 80.5 } };
    expect(restoredSettings(damaged as never)).toEqual({
      ...DEFAULT_SETTINGS,
      background: '#00ff00',
      maxFontSize: 20,
      minFontSize: DEFAULT_SETTINGS.minFontSize,
      augment: { ...NO_AUGMENT, blur: 2 },
    });
    expect(restoredSettings('garbage' as never)).toEqual(DEFAULT_SETTINGS);
    expect(restoredSettings({ augment: null } as never)).toEqual(DEFAULT_SETTINGS);
  });
});
