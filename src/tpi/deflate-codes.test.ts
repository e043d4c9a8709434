// Deflate's codes as png-pieces.ts writes them, checked against independent references: Kraft's
// equality and an unlimited Huffman code for the lengths, a bit-by-bit writer for BitWriter,
// and node:zlib's inflate for streams written with the codes.
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BitWriter, canonicalCodes, codeLengths, deflateCodes, distanceSymbol, lengthSymbol, MAX_MATCH, reverse } from './deflate-codes.ts';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Total bits of a plain Huffman code (no length limit): the sum of the merged weights. */
function huffmanCost(freqs: number[]): number {
  const heap = freqs.filter((f) => f > 0).sort((a, b) => a - b);
  let cost = 0;
  while (heap.length > 1) {
    const [a, b] = heap.splice(0, 2);
    cost += a + b;
    const i = heap.findIndex((x) => x > a + b);
    heap.splice(i < 0 ? heap.length : i, 0, a + b);
  }
  return cost;
}

const kraft = (lengths: Uint8Array) => lengths.reduce((sum, l) => sum + (l ? 2 ** -l : 0), 0);

describe('code lengths (package-merge)', () => {
  it('are complete, within the limit, and as short as a plain Huffman code when the limit does not bind', () => {
    const r = rng(7);
    for (let t = 0; t < 40; t++) {
      const n = 2 + Math.floor(r() * 60);
      const freqs = Array.from({ length: n }, () => (r() < 0.2 ? 0 : 1 + Math.floor(r() * 1000)));
      if (freqs.filter((f) => f > 0).length < 2) freqs[0] = freqs[1] = 1;
      const lengths = codeLengths(freqs, 15);
      expect(kraft(lengths)).toBeCloseTo(1, 12);
      freqs.forEach((f, i) => expect(lengths[i] > 0).toBe(f > 0));
      const cost = freqs.reduce((sum, f, i) => sum + f * lengths[i], 0);
      expect(cost).toBe(huffmanCost(freqs));
    }
  });

  it('stay within a binding limit and stay complete', () => {
    const fib = [1, 1];
    while (fib.length < 30) fib.push(fib.at(-1)! + fib.at(-2)!); // a plain Huffman code would need 29 bits
    const lengths = codeLengths(fib, 15);
    expect(Math.max(...lengths)).toBe(15);
    expect(kraft(lengths)).toBeCloseTo(1, 12);
    expect(codeLengths([0, 5, 0], 7)).toEqual(Uint8Array.from([0, 1, 0]));
  });

  it('give prefix-free canonical codes', () => {
    const lengths = codeLengths([10, 1, 1, 5, 30, 2, 2, 8], 15);
    const codes = canonicalCodes(lengths);
    const words = [...lengths].map((l, s) => reverse(codes[s], l).toString(2).padStart(l, '0'));
    for (const a of words) for (const b of words) if (a !== b) expect(b.startsWith(a)).toBe(false);
  });
});

describe('BitWriter', () => {
  it('writes what a bit-by-bit writer writes, through put and append at any offset', () => {
    const r = rng(3);
    const w = new BitWriter(4);
    const bits: number[] = [];
    for (let t = 0; t < 2000; t++) {
      if (r() < 0.7) {
        const n = 1 + Math.floor(r() * 31);
        const v = Math.floor(r() * 2 ** n);
        w.reserve(n);
        w.put(v, n);
        for (let i = 0; i < n; i++) bits.push((v >>> i) & 1);
      } else {
        const n = Math.floor(r() * 200);
        const src = new Uint32Array(Math.ceil(n / 32) + 1);
        for (let i = 0; i < n; i++) if (r() < 0.5) src[i >>> 5] |= 1 << (i & 31);
        w.reserve(n);
        w.append(src, 0, n);
        for (let i = 0; i < n; i++) bits.push((src[i >>> 5] >>> (i & 31)) & 1);
      }
    }
    expect(w.bitLength()).toBe(bits.length);
    const words = w.finish();
    for (let i = 0; i < bits.length; i++) expect((words[i >>> 5] >>> (i & 31)) & 1, `bit ${i}`).toBe(bits[i]);
  });
});

describe('deflateCodes', () => {
  it('maps lengths and distances to the symbols of RFC 1951', () => {
    expect([3, 10, 11, 12, 13, 257, 258].map(lengthSymbol)).toEqual([0, 7, 8, 8, 9, 27, 28]);
    expect([1, 4, 5, 6, 7, 24, 25, 337, 24577, 32768].map(distanceSymbol)).toEqual([0, 3, 4, 4, 5, 8, 9, 16, 29, 29]);
  });

  it('write a dynamic block that zlib inflates to the bytes meant', () => {
    const r = rng(11);
    const codes = deflateCodes(
      Array.from({ length: 286 }, () => 0.01 + r() * 10),
      Array.from({ length: 30 }, () => 0.01 + r()),
    );
    const w = new BitWriter(1024);
    w.append(codes.header, 0, codes.headerLen);
    const expected: number[] = [];
    for (let t = 0; t < 3000; t++) {
      w.reserve(64);
      if (expected.length > 0 && r() < 0.3) {
        const dist = 1 + Math.floor(r() * Math.min(expected.length, 32768));
        const len = 3 + Math.floor(r() * (MAX_MATCH - 2));
        w.put(codes.matchBits[len], codes.matchLen[len]);
        w.put(codes.distBits[dist], codes.distLen[dist]);
        for (let i = 0; i < len; i++) expected.push(expected[expected.length - dist]);
      } else {
        const v = Math.floor(r() * 256);
        w.put(codes.litBits[v], codes.litLen[v]);
        expected.push(v);
      }
    }
    w.put(codes.endBits, codes.endLen);
    const bytes = new Uint8Array(w.finish().buffer, 0, (w.bitLength() + 7) >>> 3);
    expect([...inflateRawSync(bytes)]).toEqual(expected);
  });

  it('refuses a symbol without a frequency (the encoder may need any of them)', () => {
    expect(() => deflateCodes(new Array(286).fill(0).map((_, i) => (i === 5 ? 0 : 1)), new Array(30).fill(1))).toThrow(/above zero/);
  });
});
