// The PNG coded from placed pieces, checked against an independent reference: node:zlib inflates
// it (checking the Adler-32 as it goes) and the rows must be exactly the painted page
// (paintPlaced), on real printed pages and on made-up pages that hit every path: overlapping and
// clipped pieces, lines sharing rows, repeats near and beyond deflate's window, pieces wider
// than one match, other colours and sizes.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { nodeBackend, nodeCrc } from '../cli/render-backend.ts';
import { pageFrame, paintPlaced, placedPage, type PlacedPage } from './compose.ts';
import type { PieceBitmap } from './pieces.ts';
import { jobFor } from './job.ts';
import { crc32 } from './png.ts';
import { encodePlacedPng } from './png-pieces.ts';
import { renderTpi } from './render.ts';

/** Width, height, colour type and the unfiltered rows of a PNG; checks the chunks' CRCs. */
function readPng(png: Uint8Array) {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  let width = 0;
  let height = 0;
  let colour = -1;
  const idat: Uint8Array[] = [];
  for (let o = 8; o < png.length; ) {
    const n = v.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    expect(v.getUint32(o + 8 + n), `${type} CRC`).toBe(crc32(png.subarray(o + 4, o + 8 + n)));
    if (type === 'IHDR') [width, height, colour] = [v.getUint32(o + 8), v.getUint32(o + 12), png[o + 17]];
    if (type === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + n));
    o += 12 + n;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width + 1) * height);
  const rows = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width + 1)], `filter of row ${y}`).toBe(0);
    rows.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  }
  return { width, height, colour, rows };
}

function expectSamePixels(page: PlacedPage, label: string) {
  const png = encodePlacedPng(page, nodeCrc)!;
  // The same bytes in the buffer reused from call to call (as the CLI's writer asks for them).
  expect(encodePlacedPng(page, nodeCrc, true), `${label}: reused buffer`).toEqual(png);
  const { width, height, colour, rows } = readPng(png);
  expect([width, height, colour], label).toEqual([page.frame.width, page.frame.height, 0]);
  const painted = paintPlaced(page).data;
  let diff = -1;
  for (let i = 0; i < rows.length && diff < 0; i++) if (rows[i] !== painted[i]) diff = i;
  expect(diff, `${label}: first differing pixel`).toBe(-1);
  return png;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** A made-up piece: ink in runs and repeated rows (as glyph stems are), empty rows and columns. */
function piece(r: () => number, width: number, height: number): PieceBitmap {
  const alpha = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    if (y > 0 && r() < 0.3) alpha.copyWithin(y * width, (y - 1) * width, y * width);
    else if (r() < 0.15) continue;
    else for (let x = 0; x < width; ) {
        const run = 1 + Math.floor(r() * 6);
        const v = r() < 0.3 ? 0 : r() < 0.5 ? 255 : Math.floor(r() * 256);
        alpha.fill(v, y * width + x, y * width + Math.min(width, x + run));
        x += run;
      }
  }
  return { left: 0, top: 0, width, height, alpha };
}

const margins = { top: 8, right: 8, bottom: 8, left: 8 };

describe('PNG from placed pieces', () => {
  it('decodes to exactly the painted pixels of printed pages', async () => {
    const backend = nodeBackend();
    const texts = [
      'A red double-decker bus waits at a stop on a rainy street, and two children in yellow coats look at it.',
      '東京の夜。ラーメン屋（らーめん）の前にタクシーが止まっている。「いらっしゃいませ」',
      'the the the the the the the the the the the the the the the the the the the the the the the the',
      'Averyveryverylongwordwithoutanyspaceswhatsoeverthatmustbebrokenacrosslines '.repeat(6),
      Array.from({ length: 400 }, (_, i) => ['cat', 'on', 'a', 'mat,', 'quietly', 'Żółw', 'naïve'][i % 7]).join(' '),
      'Jg Qy ÉÅ gjpqy ÀÉÎ — descenders under accented capitals.\n'.repeat(8),
      '',
    ];
    for (const [i, text] of texts.entries()) {
      for (const choices of [{ preset: 'paper', font: 'sans' }, { preset: 'native', font: 'serif', size: 512 }, { preset: 'custom', font: 'mono', size: 200, foreground: '#333333', background: '#eeeeee' }, { preset: 'custom', font: 'jp', foreground: '#ffffff', background: '#000000' }] as const) {
        const r = await renderTpi(jobFor(`t${i}`, text, choices), backend);
        expect(r.placed, `${text.slice(0, 20)} composited`).not.toBeNull();
        const png = expectSamePixels(r.placed!, `${choices.preset}/${choices.font}: ${text.slice(0, 30)}`);
        expect(r.pngFromPieces(nodeCrc)).toEqual(png);
        expect(readPng(png).rows).toEqual(Uint8Array.from(r.grey!));
      }
    }
  });

  it('codes overlapping, clipped and row-sharing pieces from the pixels, and repeats near and far', () => {
    const r = rng(5);
    for (let t = 0; t < 60; t++) {
      const width = [16, 64, 336, 700, 4096][t % 5];
      const height = [16, 40, 336, 90, 12][t % 5];
      const grey = t % 3 === 0 ? ['#000', '#fff'] : t % 3 === 1 ? ['#202020', '#f0f0f0'] : ['#ffffff', '#101010'];
      const frame = pageFrame(width, height, grey[0], grey[1], margins)!;
      const kinds = Array.from({ length: 6 }, () => piece(r, 1 + Math.floor(r() * (t % 7 === 0 ? 400 : 40)), 1 + Math.floor(r() * 30)));
      const bitmaps: PieceBitmap[] = [];
      const xs: number[] = [];
      const ys: number[] = [];
      // Lines of pieces left to right, some overlapping the one before, some past the margins.
      for (let y = -10; y < height + 10; y += 5 + Math.floor(r() * 25)) {
        for (let x = -20 + Math.floor(r() * 30); x < width; x += Math.floor(r() * 50) - 5) {
          bitmaps.push(kinds[Math.floor(r() * kinds.length)]);
          xs.push(x);
          ys.push(y + Math.floor(r() * 4));
        }
      }
      expectSamePixels(placedPage(frame, bitmaps, xs, ys), `page ${t} (${width}×${height}, ${bitmaps.length} pieces)`);
    }
  });

  it('splits long background runs into matches that all stay between 3 and 258 bytes', () => {
    // A run of background is one literal and a copy of len − 1 bytes; over 258 the copy is split
    // so that no match is under 3 (259 = 256 + 3, 260 = 257 + 3, 261 = 258 + 3, 517 = 258 + 256 + 3).
    const r = rng(11);
    const word = piece(r, 10, 6);
    const none = { top: 0, right: 0, bottom: 0, left: 0 };
    for (const run of [255, 256, 257, 258, 259, 260, 261, 262, 263, 515, 516, 517, 518, 519, 520]) {
      for (const [width, x] of [[run + 10, 0], [run + 10, run], [2 * run + 10, run]]) {
        const frame = pageFrame(width, 12, '#000', '#fff', none)!;
        expectSamePixels(placedPage(frame, [word], [x], [3]), `a run of ${run} in a row of ${width}`);
      }
    }
  });

  it('copies a repeated piece only from clean occurrences within the window', () => {
    // Anti-aliased edges are what literals cost most for: every value different.
    const word: PieceBitmap = { left: 0, top: 0, width: 30, height: 12, alpha: Uint8Array.from({ length: 360 }, (_, i) => (i * 37) % 251) };
    const frame = pageFrame(336, 336, '#000', '#fff', margins)!;
    // Clean repeats, a dirty one (overlapped) between them, and one beyond 32 KB back.
    const xs = [10, 60, 62, 110, 10, 10];
    const ys = [10, 10, 10, 10, 40, 300];
    const page = placedPage(frame, xs.map(() => word), xs, ys);
    const copied = expectSamePixels(page, 'repeats');
    // The same pixels from six distinct bitmaps (no copies between them) take more bytes.
    const distinct = placedPage(frame, xs.map(() => ({ ...word, alpha: word.alpha.slice() })), xs, ys);
    expect(copied.length).toBeLessThan(expectSamePixels(distinct, 'distinct').length - 300);
    // The same bitmaps again on a page of another colour and width: coded again for it.
    expectSamePixels(placedPage(pageFrame(200, 336, '#444', '#ddd', margins)!, page.bitmaps, xs, ys), 'recoded');
  });

  it('answers null for colour pages (then the pixels are deflated)', () => {
    const frame = pageFrame(64, 64, '#0000ff', '#ffff00', margins)!;
    expect(encodePlacedPng(placedPage(frame, [piece(rng(1), 8, 8)], [10], [10]), nodeCrc)).toBeNull();
  });
});
