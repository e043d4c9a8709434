// Pages handed from a rendering thread to the main thread as placed pieces: what the main thread
// codes from its copy of the pieces must be the very file the rendering thread would have
// written itself, whatever the backlog, and the copy must follow the thread's numbering as it
// starts again.
import { describe, expect, it } from 'vitest';
import { pageFrame, placedPage } from '../tpi/compose.ts';
import type { PieceBitmap } from '../tpi/pieces.ts';
import { encodePlacedPng } from '../tpi/png-pieces.ts';
import { batchRenderer } from './render-batch.ts';
import { nodeCrc } from './render-backend.ts';
import { newsBuffers, PieceMirror, PieceNumbers, SharedCoverage } from './render-handoff.ts';
import type { ThreadInit } from './render-protocol.ts';

const frame = pageFrame(64, 64, '#000', '#fff', { top: 2, right: 2, bottom: 2, left: 2 })!;
const shared = new SharedCoverage(64);
const bitmap = (v: number): PieceBitmap => {
  const alpha = shared.array(4);
  alpha.set([v, 255, 0, v]);
  return { left: 0, top: -3, width: 2, height: 2, alpha };
};

describe('piece numbers and the main thread’s copy', () => {
  it('send each piece once, rebuild pages exactly, and start again past the limit', () => {
    const [a, b, c] = [bitmap(10), bitmap(20), bitmap(30)];
    const numbers = new PieceNumbers(2);
    const mirror = new PieceMirror(frame);
    const pages = [placedPage(frame, [a, b, a], [1, 5, 9], [4, 4, 4]), placedPage(frame, [b, c], [3, 7], [9, 9])];

    numbers.startBatch();
    const refs = pages.map((p) => numbers.ref(p));
    const news = numbers.take();
    const transfer = newsBuffers(news);
    expect([...news.pieces].filter((_, k) => k % 7 === 0)).toEqual([1, 2, 3]); // piece numbers
    expect(news.coverage).toEqual([shared.array(0).buffer]); // all three in one block
    expect(news.forgetBelow).toBe(0);
    // What crosses to the main thread: a structured clone with the buffers moved.
    mirror.update(structuredClone(news, { transfer }));
    expect([news.pages.length, news.pieces.length]).toEqual([0, 0]); // moved, not copied
    pages.forEach((p, i) => expect(mirror.page(refs[i])).toEqual(p));
    expect(numbers.take().pieces.length).toBe(0); // news are given once

    // Three pieces known, limit two: the next batch numbers them anew, and the copy forgets the old numbers.
    numbers.startBatch();
    const again = numbers.ref(pages[1]);
    const fresh = numbers.take();
    expect(fresh.forgetBelow).toBe(4);
    expect([...fresh.pages]).toEqual([2, 4, 5, 3, 7, 9, 9]);
    mirror.update(fresh);
    expect(mirror.page(again)).toEqual(pages[1]);
    mirror.update({ ...fresh, pages: Int32Array.of(1, 2, 0, 0) });
    expect(() => mirror.page(0)).toThrow(/never sent/);
  });
});

describe('shared coverage', () => {
  it('is read by the main thread in place, not copied, and is required', () => {
    const shared = new SharedCoverage(64);
    // Two pieces in one 64-byte block, one too big for it in its own memory.
    const [a, b, big] = [3, 4, 40].map((n, i): PieceBitmap => {
      const alpha = shared.array(n * 4);
      alpha.fill(10 * (i + 1));
      return { left: i, top: -1 - i, width: n, height: 4, alpha };
    });
    expect(a.alpha.buffer).toBe(b.alpha.buffer);
    expect([a.alpha.byteOffset, b.alpha.byteOffset, big.alpha.byteOffset]).toEqual([0, 12, 0]);
    expect(big.alpha.buffer).not.toBe(a.alpha.buffer);
    const numbers = new PieceNumbers();
    const ref = numbers.ref(placedPage(frame, [a, big, b], [1, 2, 3], [4, 5, 6]));
    const news = numbers.take();
    expect(news.coverage).toEqual([a.alpha.buffer, big.alpha.buffer]);
    const mirror = new PieceMirror(frame);
    mirror.update(structuredClone(news, { transfer: newsBuffers(news) }));
    const page = mirror.page(ref);
    expect(page.bitmaps).toEqual([a, big, b]);
    // The same bytes: what the rendering thread writes, the main thread sees.
    a.alpha[0] = 99;
    expect(page.bitmaps[0].alpha[0]).toBe(99);
    // Coverage in ordinary memory cannot be handed off.
    numbers.ref(placedPage(frame, [{ ...a, alpha: a.alpha.slice() }], [1], [1]));
    expect(() => numbers.take()).toThrow(/shared memory/);
  });
});

describe('batchRenderer with hand-off', () => {
  const records = [
    'A red bus waits at the stop while two children look at it.',
    'the the the cat sat on the mat, and the cat sat on the hat.',
    'Party 🎉 time: drawn by the canvas, so coded where it was drawn.',
  ].map((text, i) => ({ index: i, line: i + 1, id: `r${i}`, text }));
  const init = (waiting: number): ThreadInit => ({ choices: { preset: 'paper', font: 'sans' }, mode: 'png', textRenderer: 'system', handOff: Int32Array.of(waiting) });

  it('hands off composited pages while the main thread keeps up, and codes the same files itself when it does not', async () => {
    const keepingUp = init(0);
    const handed = await batchRenderer(keepingUp)(records);
    const behind = await batchRenderer(init(1_000))(records);
    const main = new PieceMirror(pageFrame(336, 336, '#000000', '#ffffff', { top: 8, right: 8, bottom: 8, left: 8 })!);
    main.update(handed.news!);
    expect(handed.results.map((r) => ('placed' in r ? 'placed' : 'png' in r ? 'png' : 'error'))).toEqual(['placed', 'placed', 'png']);
    expect(Atomics.load(keepingUp.handOff!, 0)).toBe(2); // the main thread takes them off as it writes them
    expect(behind.results.every((r) => 'png' in r)).toBe(true);
    handed.results.forEach((r, i) => {
      const own = behind.results[i];
      const file = 'placed' in r ? encodePlacedPng(main.page(r.placed), nodeCrc) : 'png' in r ? r.png : null;
      expect(file, records[i].text).toEqual('png' in own ? own.png : undefined);
    });
  });
});
