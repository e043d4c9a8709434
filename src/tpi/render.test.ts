// Drawing, measuring and PNG in Node, with the same backend as `tpi render` (@napi-rs/canvas and
// the bundled fonts). The same properties are checked in Chromium by e2e/print-drawing.spec.ts.
import { createCanvas, Image } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { nodeBackend, nodeDeflate, registerBundledFonts } from '../cli/render-backend.ts';
import { createCanvasMeasurer, cssFont, fontFamilyList } from './fonts.ts';
import { NO_AUGMENT } from './augment.ts';
import { jobFor } from './job.ts';
import { encodePng, pngColourOf } from './png.ts';
import { renderTpi, rgbaToModelPixels, toModelPixels } from './render.ts';

const backend = nodeBackend();
const paper = { preset: 'paper', font: 'sans' } as const;

function decodePng(png: Uint8Array, w: number, h: number): Uint8ClampedArray {
  const img = new Image();
  img.src = Buffer.from(png);
  const ctx = createCanvas(w, h).getContext('2d');
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, w, h).data;
}

describe('measuring by pieces', () => {
  it('sums of pieces match whole-line measurements of the bundled fonts', () => {
    registerBundledFonts();
    const ctx = createCanvas(8, 8).getContext('2d');
    const m = createCanvasMeasurer(createCanvas(8, 8).getContext('2d'));
    for (const font of ['sans', 'serif', 'mono', 'jp'] as const) {
      const family = fontFamilyList(font);
      for (const text of ['The quick brown fox jumps over the lazy dog.', 'AVA Tokyo, WAVE. Yes!', '吾輩は猫である。名前はまだ無い。', 'Mixed 日本語 and English テキスト.']) {
        ctx.font = cssFont(24, family);
        const whole = ctx.measureText(text).width;
        expect(Math.abs(m.measure(text, 24, family) - whole), `${font}: ${text}`).toBeLessThan(0.02 * whole + 0.5);
      }
    }
  });

  it('measures a piece once and scales it: within 5e-5 of the width measured at each size, ink boxes held', () => {
    // The measurer relies on canvas advances being linear in the size (see MEASURE_SIZE): each
    // piece is measured at one size only. Checked against the canvas at every size asked for.
    registerBundledFonts();
    const ctx = createCanvas(8, 8).getContext('2d');
    for (const font of ['sans', 'serif', 'mono', 'jp'] as const) {
      const family = fontFamilyList(font);
      const m = createCanvasMeasurer(createCanvas(8, 8).getContext('2d'));
      for (const piece of ['The', 'quick,', 'AVATAR', 'office', 'Wy', '12.5%', 'naïve', 'j', '"quoted"', '日', 'ー', '。']) {
        for (let size = 5; size <= 64; size += size < 16 ? 1 : 3.5) {
          ctx.font = cssFont(size, family);
          const direct = ctx.measureText(piece);
          expect(Math.abs(m.measure(piece, size, family) - direct.width), `${font} ${piece} ${size}px`).toBeLessThan(5e-5 * direct.width);
          const ink = m.ink!(piece, size, family)!;
          for (const [got, want] of [[ink.left, direct.actualBoundingBoxLeft], [ink.right, direct.actualBoundingBoxRight], [ink.ascent, direct.actualBoundingBoxAscent], [ink.descent, direct.actualBoundingBoxDescent]]) {
            expect(got, `${font} ${piece} ${size}px ink`).toBeGreaterThanOrEqual(want);
            expect(got, `${font} ${piece} ${size}px ink`).toBeLessThan(want + 5);
          }
        }
      }
    }
  });

  it('extending the previous text gives the same width as measuring it afresh', () => {
    const fresh = () => createCanvasMeasurer(createCanvas(8, 8).getContext('2d'));
    const family = fontFamilyList('sans');
    const a = fresh();
    const b = fresh();
    let text = '';
    for (const piece of ['The', ' quick', ' brown', '  fox', '日本', '語', 'ok', ' 。']) {
      text += piece;
      a.measure(text.slice(0, -1), 17, family);
      expect(a.measure(text, 17, family)).toBe(b.measure(text, 17, family));
    }
  });
});

describe('PNG', () => {
  it('round-trips grey, colour and transparent pixels through an independent decoder', () => {
    const w = 37;
    const h = 23;
    const grey = new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : (Math.floor(i / 4) * 7) % 256));
    const rgb = new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 13) % 256));
    const rgba = new Uint8ClampedArray(w * h * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 5) % 256));
    expect([pngColourOf(grey), pngColourOf(rgb)]).toEqual(['grey', 'rgb']);
    for (const px of [grey, rgb]) expect(decodePng(encodePng(px, w, h, nodeDeflate), w, h)).toEqual(px);
    rgba[3] = 0;
    expect(pngColourOf(rgba)).toBe('rgba');
    expect(encodePng(rgba, w, h, nodeDeflate)[25]).toBe(6); // colour type RGBA in IHDR
    expect(() => encodePng(grey, w + 1, h, nodeDeflate)).toThrow(RangeError);
  });
});

describe('drawing', () => {
  const inkCount = (px: Uint8ClampedArray) => px.filter((v, i) => i % 4 === 0 && v < 128).length;
  const marginInk = (px: Uint8ClampedArray, w: number, h: number, m: number) => {
    let n = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x < m || y < m || x >= w - m || y >= h - m) && px[4 * (y * w + x)] !== 255) n++;
    return n;
  };

  it('draws text inside the margins, identically twice, and the PNG holds the same pixels', async () => {
    for (const text of ['A red bus.', '東京の夜。ラーメン屋の前にタクシーが止まっている。', 'A verylongwordthatmustbebrokenacrossseverallineswithoutanyspacesatall '.repeat(12)]) {
      const job = jobFor('t', text, paper);
      const a = await renderTpi(job, backend);
      const b = await renderTpi(job, backend);
      expect(inkCount(a.rgba)).toBeGreaterThan(200);
      expect(marginInk(a.rgba, 336, 336, 8)).toBe(0);
      expect(Buffer.compare(Buffer.from(a.rgba), Buffer.from(b.rgba))).toBe(0);
      expect(decodePng(a.png(nodeDeflate), 336, 336)).toEqual(a.rgba); // the grey PNG path
    }
  });

  it('compositing cached pieces looks like drawing whole lines, and falls back for emoji and RTL', async () => {
    const canvasOnly = { ...backend, pieces: undefined };
    for (const text of ['A red double-decker bus waits at a stop on a rainy street.', '東京の夜。ラーメン屋（らーめん）の前にタクシーが止まっている。', 'Colour #ff0000, 42 px; "quotes" & café.']) {
      const job = jobFor('c', text, paper);
      const [fast, slow] = [await renderTpi(job, backend), await renderTpi(job, canvasOnly)];
      expect(fast.grey, 'composited, in grey').not.toBeNull();
      expect(fast.meta).toEqual(slow.meta);
      let diff = 0;
      for (let i = 0; i < slow.rgba.length; i += 4) diff += Math.abs(fast.rgba[i] - slow.rgba[i]);
      expect(diff / (336 * 336), text).toBeLessThan(3); // words start at whole pixels instead of fractions
    }
    for (const text of ['Party 🎉 time', 'שלום עולם']) {
      const r = await renderTpi(jobFor('f', text, paper), backend);
      expect(r.grey, `${text}: drawn by the canvas`).toBeNull();
      expect(inkCount(r.rgba)).toBeGreaterThan(30);
    }
    const coloured = await renderTpi(jobFor('k', 'Blue on yellow.', { preset: 'custom', font: 'sans', foreground: '#0000ff', background: '#ffff00' }), backend);
    expect(coloured.grey).toBeNull();
    expect([...coloured.rgba.subarray(0, 4)]).toEqual([255, 255, 0, 255]);
  });

  it('seeded augmentation is reproducible, differs between seeds and ids, and keeps the size', async () => {
    const augment = { rotate: 4, perspective: 0, paper: 0.5, blur: 1, noise: 0.05, jpeg: 60 };
    const run = (id: string, seed: number) => renderTpi(jobFor(id, 'Augmented text, slightly rotated.', { ...paper, augment, seed }), backend);
    const [a, b, c, d] = await Promise.all([run('x', 1), run('x', 1), run('x', 2), run('y', 1)]);
    expect(Buffer.compare(Buffer.from(a.rgba), Buffer.from(b.rgba))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.rgba), Buffer.from(c.rgba))).not.toBe(0);
    expect(a.meta.augment).toMatchObject({ paper: 0.5, noise: 0.05, jpeg: 60 });
    expect(Math.abs(a.meta.augment!.angle)).toBeLessThanOrEqual(4);
    expect(a.meta.augment!.seed).not.toBe(d.meta.augment!.seed);
    expect(a.rgba.length).toBe(336 * 336 * 4);
  });

  it('perspective moves the page corners, seeded, recorded in the metadata, and is off at 0', async () => {
    const text = 'Augmented text, seen at a slant.';
    const plain = await renderTpi(jobFor('p', text, paper), backend);
    const off = await renderTpi(jobFor('p', text, { ...paper, augment: { ...NO_AUGMENT, perspective: 0 }, seed: 1 }), backend);
    expect(Buffer.compare(Buffer.from(plain.rgba), Buffer.from(off.rgba))).toBe(0);
    const run = (seed: number) => renderTpi(jobFor('p', text, { ...paper, augment: { ...NO_AUGMENT, perspective: 0.06 }, seed }), backend);
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    expect(Buffer.compare(Buffer.from(a.rgba), Buffer.from(b.rgba))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.rgba), Buffer.from(c.rgba))).not.toBe(0);
    expect(Buffer.compare(Buffer.from(a.rgba), Buffer.from(plain.rgba))).not.toBe(0);
    const corners = a.meta.augment!.corners!;
    expect(corners).toHaveLength(8);
    expect(corners.every((v) => Number.isInteger(v) && Math.abs(v) <= 20)).toBe(true);
    expect(corners.some((v) => v !== 0)).toBe(true);
    expect(corners).not.toEqual(c.meta.augment!.corners);
    expect(Math.abs(a.meta.augment!.angle) + a.meta.augment!.blur).toBe(0);
    // The text is all still there (a little smaller), inside the margins, on white.
    expect(inkCount(a.rgba) / inkCount(plain.rgba)).toBeGreaterThan(0.7);
    expect(marginInk(a.rgba, 336, 336, 8)).toBe(0);
  });

  it('gives model-ready pixels: planar RGB normalised with mean and std 0.5', async () => {
    const r = await renderTpi(jobFor('m', 'Pixels.', { preset: 'native', font: 'sans', size: 128 }), backend);
    expect(r.meta).toMatchObject({ width: 128, height: 128, preset: 'native' });
    const x = toModelPixels(r);
    expect(x).toEqual(rgbaToModelPixels(r.rgba, 128, 128));
    expect(x.length).toBe(3 * 128 * 128);
    expect(x[0]).toBe(1); // white corner → (1 - 0.5) / 0.5
    expect(Math.min(...x)).toBeLessThan(-0.5); // dark text somewhere
  });
});
