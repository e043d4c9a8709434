import { describe, expect, it } from 'vitest';
import { PAPER, PRESET_NAMES, customPreset, nativePreset, presetSettings, withText } from './presets.ts';
import { layoutText } from './layout.ts';
import { countCells, monospaceMeasurer } from './fake-measurer.ts';

describe('presets', () => {
  it('names the three presets', () => {
    expect(PRESET_NAMES).toEqual(['paper', 'native', 'custom']);
  });

  it('paper: 336×336, black on white, 32 px cap', () => {
    expect(PAPER).toMatchObject({ width: 336, height: 336, maxFontSize: 32, foreground: '#000000', background: '#ffffff' });
    expect(PAPER.minFontSize).toBeLessThan(PAPER.maxFontSize);
    expect(Object.isFrozen(PAPER) && Object.isFrozen(PAPER.margins)).toBe(true);
    expect(presetSettings('paper')).toEqual(PAPER);
  });

  it('native scales the canvas, margins and font cap to the model input size', () => {
    const s = nativePreset(512);
    expect(s).toMatchObject({ width: 512, height: 512, maxFontSize: 49, minFontSize: PAPER.minFontSize });
    expect(s.margins).toEqual({ top: 12, right: 12, bottom: 12, left: 12 }); // 8 × 512 / 336 ≈ 12.2
    expect(presetSettings('native', { size: 384 }).width).toBe(384);
    expect(() => presetSettings('native')).toThrow(/size/);
    expect(() => nativePreset(0)).toThrow(RangeError);
  });

  it('custom merges overrides, margins side by side, and validates', () => {
    const s = customPreset({ width: 400, margins: { left: 20 }, align: 'center' });
    expect(s).toMatchObject({ width: 400, height: 336, align: 'center' });
    expect(s.margins).toEqual({ top: 8, right: 8, bottom: 8, left: 20 });
    expect(PAPER.margins.left).toBe(8); // the base is not mutated
    expect(() => customPreset({ minFontSize: 0 })).toThrow(RangeError);
    expect(presetSettings('custom', { overrides: { height: 100 } }).height).toBe(100);
  });

  it('a short caption prints at the 32 px cap; a long description shrinks', () => {
    expect(layoutText(withText(PAPER, 'A red bus.'), monospaceMeasurer).fontSize).toBe(32);
    const long = 'A crowded street market at dusk with stalls selling fruit and lanterns overhead. '.repeat(6);
    const layout = layoutText(withText(PAPER, long), monospaceMeasurer);
    expect(layout.fontSize).toBeLessThan(32);
    expect(layout.fontSize).toBeGreaterThanOrEqual(PAPER.minFontSize);
    expect(layout.overflow).toBe(false);
  });
});

describe('fake measurer', () => {
  it('measures 0.6 em per narrow grapheme, 1 em per wide one, 0 for invisible ones', () => {
    const m = monospaceMeasurer;
    expect(m.measure('abc', 10, 'x')).toBe(18);
    expect(m.measure('日本', 10, 'x')).toBe(20);
    expect(m.measure('e\u0301', 10, 'x')).toBe(6);
    expect(m.measure('\u200B', 10, 'x')).toBe(0);
    expect(m.measure('👨‍👩‍👧‍👦', 10, 'x')).toBe(10);
    expect(countCells('aあ b')).toEqual({ narrow: 3, wide: 1 });
  });
});
