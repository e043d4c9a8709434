// The bundled fonts' coverage: the committed file against the fonts' cmaps (read with fontkit).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { COVERAGE_PATH, coverageFile } from '../../scripts/font-coverage/index.ts';
import { decodeCoverage, encodeCoverage, lacksGlyphs, notInFonts } from './coverage.ts';
import { FACES, FONT_IDS } from './fonts.ts';

const require = createRequire(import.meta.url);
const fontkit = require('fontkit') as { openSync(path: string): { characterSet: number[] } };

describe('bundled font coverage', () => {
  it('the committed file is what `npm run fonts:coverage` writes', () => {
    expect(readFileSync(COVERAGE_PATH, 'utf8')).toBe(coverageFile());
  });

  it('encodes runs of code points and decodes them back', () => {
    const points = [0, 1, 2, 5, 9, 10, 0x3000, 0x3001, 0x1f600];
    const runs = decodeCoverage(encodeCoverage(points));
    const back: number[] = [];
    for (let k = 0; k < runs.length; k += 2) for (let c = runs[k]; c < runs[k + 1]; c++) back.push(c);
    expect(back).toEqual(points);
    expect(decodeCoverage(encodeCoverage([]))).toHaveLength(0);
  });

  it('names exactly the characters no face of the font has, checked against each cmap', () => {
    for (const font of FONT_IDS) {
      const sets = (font === 'jp' ? ['jp'] : [font, 'jp']).map((f) => new Set(fontkit.openSync(require.resolve(FACES[f as typeof font].file)).characterSet));
      for (let cp = 0x21; cp < 0x2ffff; cp += cp < 0x3400 ? 1 : 97) {
        if (cp >= 0xd800 && cp < 0xe000) continue; // surrogates are not characters
        const ch = String.fromCodePoint(cp);
        if (/[\s\p{Cc}\p{Default_Ignorable_Code_Point}]/u.test(ch)) continue;
        const inFont = sets.some((s) => s.has(cp));
        if (notInFonts(ch, font).length !== (inFont ? 0 : 1)) expect.fail(`${font}: U+${cp.toString(16)} ${inFont ? 'is' : 'is not'} in the font`);
      }
    }
  });

  it('gives whole graphemes, each once, and nothing for text the fonts have', () => {
    expect(notInFonts('Hello, naïve café — €5 ★ 日本語のテキスト。Жук', 'sans')).toEqual([]);
    expect(notInFonts('Party 🎉 with ❤ and 👨‍👩‍👧‍👦 in 🇯🇵: مرحبا 안녕 🎉', 'sans')).toEqual(['🎉', '❤', '👨‍👩‍👧‍👦', '🇯🇵', 'م', 'ر', 'ح', 'ب', 'ا', '안', '녕']);
    expect(notInFonts('tab\tand\nnewline, zero\u200bwidth', 'mono')).toEqual([]);
  });
});

describe('lacksGlyphs', () => {
  it('agrees with notInFonts on every text, whatever it has seen before', () => {
    const texts = ['', 'plain ASCII', 'Latin-1: café ÿ ¡', 'curly “quotes” and — dashes', 'Привет', '日本語のテキスト', 'مرحبا', 'Party 🎉', 'zero\u200bwidth joiner\u200d and selector\ufe0f', 'flag 🇯🇵', '𓀀 hieroglyph', 'Ω≈√ and ☃'];
    for (const font of FONT_IDS) {
      const lacks = lacksGlyphs(font);
      for (const t of [...texts, ...texts.reverse()]) expect(lacks(t), `${font}: ${t}`).toBe(notInFonts(t, font).length > 0);
    }
  });
});
