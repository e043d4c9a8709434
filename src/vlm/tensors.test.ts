import { describe, expect, it } from 'vitest';
import {
  TextDelta,
  argmaxWithProb,
  countToken,
  f16ToF32,
  f32ToF16,
  mergeImageFeatures,
  probOf,
  sampleWithProb,
  seededRandom,
  toFloat16Bits,
  toFloat32,
} from './tensors.ts';

const isHalfNaN = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/**
 * Independent float16 decoder: builds the float32 bit pattern and reads it through a DataView
 * (normals and infinities), and scales subnormals by hand.
 */
function refF16ToF32(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const dv = new DataView(new ArrayBuffer(4));
  if (exp === 0) {
    const mag = mant / 1024 / 16384; // mant × 2^-10 × 2^-14
    return sign ? -mag : mag;
  }
  const e32 = exp === 31 ? 0xff : exp - 15 + 127;
  dv.setUint32(0, (sign | (e32 << 23) | (mant << 13)) >>> 0);
  return dv.getFloat32(0);
}

/** All positive finite halves in increasing order, by bit pattern 0x0000..0x7bff. */
const POSITIVE_HALVES = Array.from({ length: 0x7c00 }, (_, h) => refF16ToF32(h));

/** Independent round-to-nearest-even: binary search over the table of halves. */
function refF32ToF16(v: number): number {
  const x = Math.fround(v);
  if (Number.isNaN(x)) return NaN;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // 65520 is the midpoint between 65504 and 2^16: ties to "even" infinity
  let lo = 0;
  let hi = 0x7bff;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (POSITIVE_HALVES[mid] <= a) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0x7bff || POSITIVE_HALVES[lo] === a) return sign | lo;
  const dLo = a - POSITIVE_HALVES[lo];
  const dHi = POSITIVE_HALVES[lo + 1] - a;
  const h = dLo < dHi ? lo : dHi < dLo ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
  return sign | h;
}

describe('f16ToF32', () => {
  it.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xbc00, -1],
    [0xc000, -2],
    [0x4000, 2],
    [0x3800, 0.5],
    [0x3e00, 1.5],
    [0x3c01, 1 + 2 ** -10],
    [0x3bff, 1 - 2 ** -11],
    [0x7bff, 65504],
    [0xfbff, -65504],
    [0x0400, 2 ** -14], // smallest normal
    [0x0001, 2 ** -24], // smallest subnormal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x8001, -(2 ** -24)],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('bits %i decode to %d', (h, v) => {
    expect(f16ToF32(h)).toBe(v);
  });

  it('0x8000 is negative zero', () => {
    expect(Object.is(f16ToF32(0x8000), -0)).toBe(true);
  });

  it('all-ones exponent with a mantissa is NaN', () => {
    for (const h of [0x7c01, 0x7e00, 0x7fff, 0xfe00]) expect(f16ToF32(h)).toBeNaN();
  });

  it('agrees with an independent decoder on all 65536 patterns', () => {
    for (let h = 0; h < 0x10000; h++) {
      const got = f16ToF32(h);
      if (isHalfNaN(h)) expect(got).toBeNaN();
      else if (!Object.is(got, refF16ToF32(h))) expect.fail(`0x${h.toString(16)}: ${got} ≠ ${refF16ToF32(h)}`);
    }
  });
});

describe('f32ToF16', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [-65504, 0xfbff],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [1023 * 2 ** -24, 0x03ff],
    [0.5, 0x3800],
    [1 / 3, 0x3555],
    [0, 0x0000],
    [-0, 0x8000],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [1e6, 0x7c00], // overflow
    [-1e6, 0xfc00],
    [2 ** -26, 0x0000], // underflow
    [-(2 ** -26), 0x8000],
  ])('%d encodes to bits %i', (v, h) => {
    expect(f32ToF16(v)).toBe(h);
  });

  it.each([
    ['1 + 2^-11, halfway between 0x3c00 and 0x3c01: to even', 1 + 2 ** -11, 0x3c00],
    ['1 + 3·2^-11, halfway between 0x3c01 and 0x3c02: to even', 1 + 3 * 2 ** -11, 0x3c02],
    ['just above the first midpoint: up', 1 + 2 ** -11 + 2 ** -20, 0x3c01],
    ['just below the second midpoint: down', 1 + 3 * 2 ** -11 - 2 ** -20, 0x3c01],
    ['65519 rounds down to the largest half', 65519, 0x7bff],
    ['65520, the midpoint to 2^16, rounds to infinity', 65520, 0x7c00],
    ['2^-25, halfway between 0 and the smallest subnormal: to zero', 2 ** -25, 0x0000],
    ['1.5·2^-24 halfway between 0x0001 and 0x0002: to even', 1.5 * 2 ** -24, 0x0002],
    ['2.5·2^-24 halfway between 0x0002 and 0x0003: to even', 2.5 * 2 ** -24, 0x0002],
    ['just above 2^-25: up to the smallest subnormal', 2 ** -25 * (1 + 2 ** -20), 0x0001],
    ['1023.5·2^-24: carries from the largest subnormal into the smallest normal', 1023.5 * 2 ** -24, 0x0400],
    ['negative tie keeps the sign', -(1 + 2 ** -11), 0xbc00],
  ])('%s', (_, v, h) => {
    expect(f32ToF16(v)).toBe(h);
  });

  it('encodes NaN as a NaN pattern', () => {
    expect(isHalfNaN(f32ToF16(NaN))).toBe(true);
  });

  it('round-trips every non-NaN half value', () => {
    for (let h = 0; h < 0x10000; h++) {
      if (isHalfNaN(h)) {
        expect(isHalfNaN(f32ToF16(f16ToF32(h)))).toBe(true);
        continue;
      }
      const back = f32ToF16(f16ToF32(h));
      if (back !== h) expect.fail(`0x${h.toString(16)} → ${f16ToF32(h)} → 0x${back.toString(16)}`);
    }
  });

  it('rounds like an independent nearest-even search on midpoints and random values', () => {
    const values: number[] = [];
    // Every midpoint between neighbouring halves, and values just either side of it.
    for (let h = 0; h < 0x7bff; h += 7) {
      const m = (POSITIVE_HALVES[h] + POSITIVE_HALVES[h + 1]) / 2;
      values.push(m, -m, m * (1 + 2 ** -22), m * (1 - 2 ** -22));
    }
    // Log-uniform random magnitudes from 2^-30 to 2^17 (a fixed LCG, not the code under test).
    let s = 12345;
    for (let i = 0; i < 20000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const v = 2 ** (-30 + (47 * s) / 2 ** 32);
      values.push(i % 2 ? v : -v);
    }
    for (const v of values) {
      const got = f32ToF16(v);
      const want = refF32ToF16(v);
      if (got !== want) expect.fail(`${v}: 0x${got.toString(16)} ≠ 0x${want.toString(16)}`);
    }
  });
});

describe('toFloat32 / toFloat16Bits', () => {
  it('decodes half bits, passes float32 through', () => {
    expect(Array.from(toFloat32(new Uint16Array([0x3c00, 0xc000, 0x3800]), true))).toEqual([1, -2, 0.5]);
    const f = new Float32Array([1.5, 2.5]);
    expect(toFloat32(f, false)).toBe(f);
    expect(Array.from(toFloat32([0.25, 3], false))).toEqual([0.25, 3]);
  });

  it('encodes float32 to half bits', () => {
    expect(Array.from(toFloat16Bits(new Float32Array([1, -2, 65504, Infinity])))).toEqual([0x3c00, 0xc000, 0x7bff, 0x7c00]);
  });
});

describe('mergeImageFeatures', () => {
  const IMG = 42;
  // 4 feature rows of width 2: row r = [10r, 10r + 1].
  const features = new Float32Array([0, 1, 10, 11, 20, 21, 30, 31]);

  it('writes consecutive feature rows at the image-token positions, starting at firstRow', () => {
    const ids = [5, IMG, 7, IMG, IMG];
    const embeds = new Float32Array(ids.length * 2).fill(-1);
    const used = mergeImageFeatures(embeds, ids, IMG, features, 2, 1);
    expect(used).toBe(3);
    expect(Array.from(embeds)).toEqual([-1, -1, 10, 11, -1, -1, 20, 21, 30, 31]);
  });

  it('starts at row 0 when firstRow is 0', () => {
    const embeds = new Float32Array(6).fill(-1);
    expect(mergeImageFeatures(embeds, [IMG, 1, IMG], IMG, features, 2, 0)).toBe(2);
    expect(Array.from(embeds)).toEqual([0, 1, -1, -1, 10, 11]);
  });

  it('leaves the embeddings alone when there are no image tokens', () => {
    const embeds = new Float32Array(4).fill(-1);
    expect(mergeImageFeatures(embeds, [1, 2], IMG, features, 2, 0)).toBe(0);
    expect(Array.from(embeds)).toEqual([-1, -1, -1, -1]);
  });

  it('works on half-precision bits (Uint16Array)', () => {
    const half = new Uint16Array([0x3c00, 0x4000, 0xc000, 0x3800]); // rows [1, 2], [-2, 0.5]
    const embeds = new Uint16Array(4);
    expect(mergeImageFeatures(embeds, [IMG, IMG], IMG, half, 2, 0)).toBe(2);
    expect(Array.from(embeds)).toEqual([0x3c00, 0x4000, 0xc000, 0x3800]);
  });

  it('throws when the prompt has more image tokens than feature rows remain', () => {
    const embeds = new Float32Array(6);
    expect(() => mergeImageFeatures(embeds, [IMG, IMG, IMG], IMG, features, 2, 2)).toThrow(
      'The prompt has more image tokens than the image has features (4).',
    );
    expect(() => mergeImageFeatures(new Float32Array(10), [IMG, IMG, IMG, IMG, IMG], IMG, features, 2, 0)).toThrow(/more image tokens/);
  });

  it('countToken counts occurrences', () => {
    expect(countToken([IMG, 1, IMG, IMG, 2], IMG)).toBe(3);
    expect(countToken([], IMG)).toBe(0);
  });
});

describe('argmaxWithProb / probOf', () => {
  it('picks the largest logit with its softmax probability', () => {
    // softmax([1, 3, 2])[1] = 1 / (e^-2 + 1 + e^-1) = 1 / 1.503214724 = 0.665240956
    const p = argmaxWithProb(new Float32Array([1, 3, 2]));
    expect(p.id).toBe(1);
    expect(p.prob).toBeCloseTo(0.665240956, 7);
  });

  it('ties go to the lowest id', () => {
    // softmax([2, 5, 5])[1] = 1 / (e^-3 + 2) = 0.487856
    const p = argmaxWithProb(new Float32Array([2, 5, 5]));
    expect(p.id).toBe(1);
    expect(p.prob).toBeCloseTo(0.4878555, 6);
  });

  it('handles negative logits and a maximum at the end', () => {
    expect(argmaxWithProb(new Float32Array([-5, -3, -1])).id).toBe(2);
    expect(argmaxWithProb(new Float32Array([-Infinity, -7])).id).toBe(1);
  });

  it('probOf: logits ln(1..4) give probabilities 0.1..0.4', () => {
    const logits = new Float32Array([1, 2, 3, 4].map(Math.log));
    for (let i = 0; i < 4; i++) expect(probOf(logits, i)).toBeCloseTo((i + 1) / 10, 6);
  });

  it('probOf is stable for huge logits', () => {
    const logits = new Float32Array([1000, 1000, 1000 - Math.log(2)]);
    expect(probOf(logits, 0)).toBeCloseTo(0.4, 5);
    expect(probOf(logits, 2)).toBeCloseTo(0.2, 5);
  });
});

describe('sampleWithProb', () => {
  // Probabilities 0.1, 0.2, 0.3, 0.4: cumulative 0.1, 0.3, 0.6, 1.0.
  const logits = new Float32Array([1, 2, 3, 4].map(Math.log));

  it.each([
    [0, 0],
    [0.05, 0],
    [0.15, 1],
    [0.29, 1],
    [0.31, 2],
    [0.59, 2],
    [0.61, 3],
    [0.9999, 3],
  ])('temperature 1, u = %d → token %i', (u, id) => {
    const p = sampleWithProb(logits, 1, u);
    expect(p.id).toBe(id);
    expect(p.prob).toBeCloseTo((id + 1) / 10, 6);
  });

  it('temperature 2 flattens the distribution; the reported prob stays at temperature 1', () => {
    // Weights √1..√4 = 1, 1.4142, 1.7321, 2 (sum 6.1463): cumulative 0.1627, 0.3928, 0.6746, 1.
    expect(sampleWithProb(logits, 2, 0.35).id).toBe(1);
    expect(sampleWithProb(logits, 1, 0.35).id).toBe(2);
    expect(sampleWithProb(logits, 2, 0.17).id).toBe(1);
    expect(sampleWithProb(logits, 2, 0.16).id).toBe(0);
    expect(sampleWithProb(logits, 2, 0.35).prob).toBeCloseTo(0.2, 6);
  });

  it('is deterministic for a given u', () => {
    for (const u of [0.01, 0.42, 0.77]) expect(sampleWithProb(logits, 0.7, u)).toEqual(sampleWithProb(logits, 0.7, u));
  });

  it('temperature 0 or near 0 gives the argmax whatever u is', () => {
    const l = new Float32Array([0.3, 2.5, -1, 2.4]);
    for (const u of [0, 0.2, 0.5, 0.9999]) {
      expect(sampleWithProb(l, 0, u).id).toBe(1);
      expect(sampleWithProb(l, -1, u).id).toBe(1);
      expect(sampleWithProb(l, 1e-4, u).id).toBe(1);
    }
    expect(sampleWithProb(l, 0, 0.9).prob).toBeCloseTo(argmaxWithProb(l).prob, 12);
  });
});

describe('seededRandom', () => {
  it('matches mulberry32 reference values (computed with an independent Python implementation)', () => {
    const r = seededRandom(42);
    expect([r(), r(), r(), r()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693]);
    const z = seededRandom(0);
    expect([z(), z()]).toEqual([0.26642920868471265, 0.0003297457005828619]);
    const m = seededRandom(2 ** 32 - 1);
    expect(m()).toBe(0.8964226141106337);
  });

  it('is reproducible per seed and differs between seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const sa = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c())).not.toEqual(sa);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const r = seededRandom(123);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = r();
      if (!(x >= 0 && x < 1)) expect.fail(`out of range: ${x}`);
      sum += x;
    }
    expect(sum / n).toBeGreaterThan(0.48);
    expect(sum / n).toBeLessThan(0.52);
  });
});

describe('TextDelta', () => {
  // Ids are UTF-8 bytes; decoding an incomplete sequence yields U+FFFD, as a real tokenizer does.
  const decode = (ids: number[]) => new TextDecoder().decode(Uint8Array.from(ids));

  it('emits only the new text and holds back an incomplete UTF-8 tail', () => {
    const td = new TextDelta(decode);
    const ids: number[] = [];
    const deltas: string[] = [];
    // "Hi", "é" (C3 A9), "😀" (F0 9F 98 80), "!"
    for (const b of [0x48, 0x69, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0x21]) {
      ids.push(b);
      deltas.push(td.next([...ids]));
    }
    expect(deltas).toEqual(['H', 'i', '', 'é', '', '', '', '😀', '!']);
    expect(td.text).toBe('Hié😀!');
    expect(deltas.join('')).toBe(td.text);
  });

  it('text does not include a held-back tail', () => {
    const td = new TextDelta(decode);
    td.next([0x61]);
    expect(td.next([0x61, 0xe2, 0x82])).toBe(''); // first two bytes of "€"
    expect(td.text).toBe('a');
    expect(td.next([0x61, 0xe2, 0x82, 0xac])).toBe('€');
    expect(td.text).toBe('a€');
  });

  it('emits multi-token deltas at once', () => {
    const words = ['Hello', ',', ' world'];
    const td = new TextDelta((ids) => ids.map((i) => words[i]).join(''));
    expect(td.next([0])).toBe('Hello');
    expect(td.next([0, 1, 2])).toBe(', world');
    expect(td.next([0, 1, 2])).toBe('');
  });
});
