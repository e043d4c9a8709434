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
import { newsBuffers, PieceMirror, PieceNumbers } from './render-handoff.ts';
import type { ThreadInit } from './render-protocol.ts';

const frame = pageFrame(64, 64, '#000', '#fff', { top: 2, right: 2, bottom: 2, left: 2 })!;
const bitmap = (v: number): PieceBitmap => ({ left: 0, top: -3, width: 2, height: 2, alpha: Uint8Array.of(v, 255, 0, v) });

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
    expect([...news.pieces].filter((_, k) => k % 6 === 0)).toEqual([1, 2, 3]); // piece numbers
    expect(news.alpha.length).toBe(12);
    expect(news.forgetBelow).toBe(0);
    // What crosses to the main thread: a structured clone with the buffers moved.
    mirror.update(structuredClone(news, { transfer }));
    expect([news.pages.length, news.pieces.length, news.alpha.length]).toEqual([0, 0, 0]); // moved, not copied
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
