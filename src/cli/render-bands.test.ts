import { describe, expect, it } from 'vitest';
import type { InputRecord } from '../tpi/dataset.ts';
import { Bands } from './render-bands.ts';

const records = (lengths: number[]): InputRecord[] => lengths.map((n, i) => ({ index: i, line: i + 1, id: `r${i}`, text: 'x'.repeat(n) }));
const drain = (b: Bands, band: number) => {
  const out: number[][] = [];
  for (let batch = b.take(band, true); batch; batch = b.take(band, true)) out.push(batch.slots);
  return out;
};

describe('Bands', () => {
  it('cuts a window into batches of its records by bands of equal work', () => {
    const b = new Bands(2, 3, 4, 20_000);
    // Costs (1 + length/1000): 1.01, 3, 1.01, 5, 1.01, 4; total 15.03. Cumulative by length:
    // 3.03 up to 10, 6.03 up to 2,000, 10.03 up to 3,000 ≥ 15.03 / 2, so band 0 takes lengths
    // up to 3,000 and band 1 the 4,000-character text.
    const window = b.cut(records([10, 2000, 10, 4000, 10, 3000]));
    expect(window.left).toBe(3);
    expect(b.queued).toBe(3);
    expect(drain(b, 0)).toEqual([[0, 1, 2], [4, 5], [3]]); // its own band in order, then band 1's
    expect(b.queued).toBe(0);
  });

  it('bands follow the work of all records so far, not just the last window', () => {
    const b = new Bands(2, 8, 4, 20_000);
    b.cut(records([10, 10, 10, 10, 10, 10, 10, 10])); // one length: all in band 0
    const w = b.cut(records([10, 20])); // work so far 8.08 + 1.01 + 1.02: the median is at 10
    expect(w.left).toBe(2);
    expect(drain(b, 1)).toEqual([[1], [0, 1, 2, 3, 4, 5, 6, 7], [0]]);
  });

  it('a worker thread takes another band’s batch when its own is empty', () => {
    const b = new Bands(2, 1, 1, 20_000);
    // Costs 4 × 1.01, 6, 7 (total 17.04): band 0 up to 5,000 characters, band 1 the 6,000.
    b.cut(records([10, 10, 10, 10, 5000, 6000]));
    expect(b.take(1, false)?.slots).toEqual([5]);
    expect(b.take(1, false)?.slots).toEqual([0]);
    expect(b.queued).toBe(4);
  });

  it('the main thread takes another band’s batch only when that band is backed up or the input has ended', () => {
    const b = new Bands(2, 1, 1, 20_000);
    // Ten texts of 10 characters carry 10.1 of 13.43: band 0 is length ≤ 10, band 1 the rest.
    b.cut(records([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 100, 110, 120]));
    for (let i = 0; i < 10; i++) expect(b.take(0, false)?.slots).toEqual([i]);
    expect(b.take(0, false)?.slots).toEqual([10]); // band 1 holds 3 > 2 × perThread
    expect(b.take(0, false)).toBeUndefined(); // 2: not backed up, and the input goes on
    expect(b.take(0, true)?.slots).toEqual([11]); // the input has ended
    expect(b.take(1, false)?.slots).toEqual([12]);
    expect(b.queued).toBe(0);
  });
});
