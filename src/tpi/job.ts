// From the user's choices (Print view controls or `tpi render` flags) to a RenderJob: the
// preset gives the layout settings, the custom preset takes overrides, the font and the
// augmentation ride along. Validated here so that the page and the CLI refuse the same things.

import { validateAugment, type Augment } from './augment.ts';
import { fontFamilyList, type FontId } from './fonts.ts';
import { customPreset, nativePreset, PAPER, type PresetName } from './presets.ts';
import type { RenderJob } from './render.ts';
import type { Alignment, LayoutSettings } from './types.ts';

export interface RenderChoices {
  preset: PresetName;
  font: FontId;
  /** native: the model's input size (default 512, SmolVLM); custom: the canvas side (default 336). */
  size?: number;
  /** Custom preset only. */
  minFontSize?: number;
  maxFontSize?: number;
  foreground?: string;
  background?: string;
  align?: Alignment;
  augment?: Augment | null;
  seed?: number;
}

export const DEFAULT_NATIVE_SIZE = 512;
export const MAX_CANVAS = 4096;
/** Opaque colours only: the PNG encoder and the model both expect opaque pixels. */
const COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function isColour(s: string): boolean {
  return COLOUR.test(s);
}

export function settingsFor(c: RenderChoices): LayoutSettings {
  const size = c.size;
  if (size !== undefined && (!Number.isInteger(size) || size < 16 || size > MAX_CANVAS)) {
    throw new RangeError(`the canvas size must be an integer from 16 to ${MAX_CANVAS}, got ${size}`);
  }
  let s: LayoutSettings;
  switch (c.preset) {
    case 'paper':
      s = { ...PAPER, margins: { ...PAPER.margins } };
      break;
    case 'native':
      s = nativePreset(size ?? DEFAULT_NATIVE_SIZE);
      break;
    case 'custom': {
      const base = nativePreset(size ?? PAPER.width);
      for (const k of ['foreground', 'background'] as const) {
        const v = c[k];
        if (v !== undefined && !isColour(v)) throw new RangeError(`${k} must be a colour like #000000, got "${v}"`);
      }
      const overrides: Partial<LayoutSettings> = {};
      if (c.minFontSize !== undefined) overrides.minFontSize = c.minFontSize;
      if (c.maxFontSize !== undefined) overrides.maxFontSize = c.maxFontSize;
      if (c.foreground !== undefined) overrides.foreground = c.foreground;
      if (c.background !== undefined) overrides.background = c.background;
      if (c.align !== undefined) overrides.align = c.align;
      s = customPreset(overrides, base);
      break;
    }
    default: {
      const unknown: never = c.preset;
      throw new RangeError(`unknown preset ${String(unknown)}`);
    }
  }
  return { ...s, fontFamily: fontFamilyList(c.font) };
}

export function jobFor(id: string, text: string, c: RenderChoices, settings: LayoutSettings = settingsFor(c)): RenderJob {
  if (c.augment) validateAugment(c.augment);
  return { id, text, preset: c.preset, settings, font: c.font, augment: c.augment ?? null, seed: c.seed ?? 0 };
}
