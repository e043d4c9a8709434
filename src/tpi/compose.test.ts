// The shortcuts of the fast path against the plain way, with the bundled fonts in Node: pieces
// read back through their measured ink box, and line widths extended piece by piece.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { nodeBackend } from '../cli/render-backend.ts';
import { pageFrame, paintPlaced, paintPlacedRow, pieceEnd, placedPage } from './compose.ts';
import { jobFor, type RenderChoices } from './job.ts';
import { breakText } from './linebreak.ts';
import { fontFamilyList, isLatin1, PIECE } from './fonts.ts';
import { createPieceRasterizer, type PieceBitmap, type RasterContext } from './pieces.ts';
import { renderTpi } from './render.ts';
import type { TextMeasurer } from './types.ts';

const { createCanvas } = createRequire(import.meta.url)('@napi-rs/canvas') as typeof import('@napi-rs/canvas');

const TEXTS = [
  'A red double-decker bus waits at a stop on a rainy street; people with umbrellas stand under the shelter.',
  'Ångström façade — naïve café, jÿ ÀÉÎÕÜ fjord: “quoted” (brackets) [and] {braces} | pipes, 1,234.56 %.',
  '吾輩は猫である。名前はまだ無い。Tokyo 東京 at night: ラーメン屋 on the corner.',
  'The quick brown fox jumps over the lazy dog. '.repeat(40),
];

/** The same measurer without its optional shortcuts. */
const plain = (m: TextMeasurer): TextMeasurer => ({ measure: (t, s, f) => m.measure(t, s, f), metrics: m.metrics });

describe('fast-path shortcuts', () => {
  it('pieces read through their measured ink box equal pieces read whole', async () => {
    const fast = nodeBackend();
    const base = nodeBackend();
    const whole = { ...base, measurer: plain(base.measurer) }; // no ink boxes: whole padded boxes
    for (const font of ['sans', 'serif', 'mono', 'jp'] as const) {
      for (const choices of [{ preset: 'paper', font }, { preset: 'custom', font, size: 512, maxFontSize: 64 }] as RenderChoices[]) {
        for (const text of TEXTS) {
          const job = jobFor('i', text, choices);
          const [a, b] = [await renderTpi(job, fast), await renderTpi(job, whole)];
          expect(a.meta, `${font}: ${text}`).toEqual(b.meta);
          expect(a.grey, `${font}: composited`).not.toBeNull();
          expect(Buffer.compare(Buffer.from(a.grey!), Buffer.from(b.grey!)), `${font} ${a.meta.font_size}px: ${text.slice(0, 30)}`).toBe(0);
        }
      }
    }
  });

  it('pieces read back from unaligned pixels (converted to words, as on big-endian machines) equal pieces read through a view', () => {
    const { measurer } = nodeBackend();
    const canvas = (w: number, h: number) => createCanvas(w, h).getContext('2d');
    const unaligned = (w: number, h: number): RasterContext => {
      const ctx = canvas(w, h);
      return {
        set font(f: string) {
          ctx.font = f;
        },
        set fillStyle(s: string) {
          ctx.fillStyle = s;
        },
        fillRect: (x, y, rw, rh) => ctx.fillRect(x, y, rw, rh),
        fillText: (t, x, y) => ctx.fillText(t, x, y),
        getImageData(x, y, gw, gh) {
          const data = ctx.getImageData(x, y, gw, gh).data;
          const shifted = new Uint8ClampedArray(new ArrayBuffer(data.length + 1), 1, data.length);
          shifted.set(data);
          return { data: shifted };
        },
      } as RasterContext;
    };
    const [viewed, converted] = [createPieceRasterizer(canvas), createPieceRasterizer(unaligned)];
    let inked = 0;
    for (const size of [9, 20, 32]) {
      const [a, b] = [viewed.font(size, '"TPI Noto Sans"', fontFamilyList('sans'), measurer), converted.font(size, '"TPI Noto Sans"', fontFamilyList('sans'), measurer)];
      for (const piece of TEXTS[1].split(' ')) {
        const [pa, pb] = [a(piece), b(piece)];
        expect(pb, `${size}px ${piece}`).toEqual(pa);
        if (pa.bitmap.width > 0) inked++;
      }
    }
    expect(inked).toBeGreaterThan(20);
  });

  it('extending line widths piece by piece breaks lines as measuring whole lines does', () => {
    const m = nodeBackend().measurer;
    for (const font of ['sans', 'serif', 'jp'] as const) {
      for (const size of [7, 13, 24, 32]) {
        for (const text of TEXTS) {
          const opts = { maxWidth: 320, fontSize: size, fontFamily: fontFamilyList(font) };
          const [a, b] = [breakText(text, opts, m), breakText(text, opts, plain(m))];
          expect(a.map((l) => [l.text, l.start, l.end])).toEqual(b.map((l) => [l.text, l.start, l.end]));
          a.forEach((l, i) => expect(Math.abs(l.width - b[i].width)).toBeLessThan(1e-9));
        }
      }
    }
  });
});

describe('pieces of a line', () => {
  it('are cut where the PIECE expression cuts them, with or without it (Latin-1 lines)', () => {
    const pieces = (text: string) => {
      const out: string[] = [];
      for (let start = 0, end = 0; start < text.length; start = end) out.push(text.slice(start, (end = pieceEnd(text, start, isLatin1(text)))));
      return out;
    };
    for (const text of [...TEXTS, ' lead', 'trail  ', '  ', 'a', 'a\u00a0b  c', 'é  ÿ', 'x 日本 y', 'ﾃｽﾄ a']) {
      expect(pieces(text), text).toEqual(text.match(new RegExp(PIECE.source, 'gu')) ?? []);
    }
  });
});

describe('one row of a placed page', () => {
  it('is that row of the painted page, for pieces that overlap, are clipped or stick out of the page', () => {
    let s = 7;
    const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const frame = pageFrame(50, 40, '#202020', '#f0f0f0', { top: 5, right: 6, bottom: 7, left: 8 })!;
    const bitmap = (): PieceBitmap => {
      const [width, height] = [1 + Math.floor(r() * 20), 1 + Math.floor(r() * 15)];
      return { left: 0, top: 0, width, height, alpha: Uint8Array.from({ length: width * height }, () => (r() < 0.3 ? 0 : Math.floor(r() * 256))) };
    };
    const bitmaps = Array.from({ length: 30 }, bitmap);
    const page = placedPage(frame, bitmaps, bitmaps.map(() => Math.floor(r() * 70) - 10), bitmaps.map(() => Math.floor(r() * 60) - 10));
    const painted = paintPlaced(page).data;
    const row = new Uint8ClampedArray(50);
    for (let y = 0; y < 40; y++) {
      paintPlacedRow(page, y, row);
      expect([...row], `row ${y}`).toEqual([...painted.subarray(50 * y, 50 * (y + 1))]);
    }
  });
});
