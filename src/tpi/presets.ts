// Layout presets: the TPI paper's setting, the model's native input size, and custom settings.

import { validateSettings } from './layout.ts';
import type { LayoutOptions, LayoutSettings, Margins } from './types.ts';

export const PRESET_PAPER = 'paper';
export const PRESET_NATIVE = 'native';
export const PRESET_CUSTOM = 'custom';
export const PRESET_NAMES = [PRESET_PAPER, PRESET_NATIVE, PRESET_CUSTOM] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Placeholder family: the drawer that bundles fonts (so output is identical on every machine)
 * replaces it with the bundled family's name.
 */
export const DEFAULT_FONT_FAMILY = 'sans-serif';

/**
 * The TPI paper (arXiv 2512.03463): Pillow, 336×336, black text on white, font size capped at
 * 32 and shrunk until the text fits. Pillow itself does none of that: `Image.new` fills black
 * by default, `ImageDraw.text` draws in white by default, anchors at the top-left ('la'),
 * leaves 4 px (`spacing=4`) between lines of multiline text, never wraps, and its default font
 * (`ImageFont.load_default()`, Pillow ≥ 10.1) is Aileron at 10 px. So wrapping, fitting and
 * colours were the paper's own choices. Its margin is not stated; 8 px and a line height of
 * 1.2 em (close to Pillow's line advance of roughly 1.1–1.3 em at these sizes) are ours.
 * The minimum of 6 px is where the paper's "shrink until it fits" stops being legible.
 */
export const PAPER: Readonly<LayoutSettings> = Object.freeze({
  width: 336,
  height: 336,
  margins: Object.freeze({ top: 8, right: 8, bottom: 8, left: 8 }),
  fontFamily: DEFAULT_FONT_FAMILY,
  minFontSize: 6,
  maxFontSize: 32,
  lineHeight: 1.2,
  align: 'left',
  foreground: '#000000',
  background: '#ffffff',
  overflow: 'truncate',
  tabSize: 4,
});

/**
 * The model's own input size (e.g. 512 for SmolVLM), so that no resampling blurs the glyphs.
 * Margins and the font cap scale with the canvas so that a TPI looks the same as the paper's
 * once the model has resized it; the minimum stays in absolute pixels (legibility floor).
 */
export function nativePreset(size: number, base: Readonly<LayoutSettings> = PAPER): LayoutSettings {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`native size must be a positive integer, got ${size}`);
  const scale = size / base.width;
  const m = base.margins;
  const settings: LayoutSettings = {
    ...base,
    width: size,
    height: Math.round(base.height * scale),
    margins: {
      top: Math.round(m.top * scale),
      right: Math.round(m.right * scale),
      bottom: Math.round(m.bottom * scale),
      left: Math.round(m.left * scale),
    },
    maxFontSize: Math.max(base.minFontSize, Math.round(base.maxFontSize * scale)),
  };
  validateSettings(settings);
  return settings;
}

export type SettingsOverrides = Partial<Omit<LayoutSettings, 'margins'>> & { margins?: Partial<Margins> };

/** Any settings, starting from a base (the paper's by default); validated, so typos fail early. */
export function customPreset(overrides: SettingsOverrides, base: Readonly<LayoutSettings> = PAPER): LayoutSettings {
  const settings: LayoutSettings = { ...base, ...overrides, margins: { ...base.margins, ...overrides.margins } };
  validateSettings(settings);
  return settings;
}

/** Settings for a preset by name: `native` needs the model's size, `custom` takes overrides. */
export function presetSettings(name: PresetName, opts: { size?: number; overrides?: SettingsOverrides } = {}): LayoutSettings {
  switch (name) {
    case PRESET_PAPER:
      return customPreset(opts.overrides ?? {});
    case PRESET_NATIVE:
      if (opts.size === undefined) throw new RangeError('the native preset needs the model input size');
      return customPreset(opts.overrides ?? {}, nativePreset(opts.size));
    case PRESET_CUSTOM:
      return customPreset(opts.overrides ?? {});
    default: {
      const unknown: never = name;
      throw new RangeError(`unknown preset ${String(unknown)}`);
    }
  }
}

export function withText(settings: Readonly<LayoutSettings>, text: string): LayoutOptions {
  return { ...settings, margins: { ...settings.margins }, text };
}
