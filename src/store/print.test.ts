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
});
