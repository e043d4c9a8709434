// Deflate's Huffman codes (RFC 1951) for an encoder that writes its own stream: code lengths
// limited to 15 bits (package-merge), canonical codes, the lengths' and distances' symbols with
// their extra bits, and a dynamic block's header. One set of codes serves a whole run, so that
// pieces of text can be encoded once and their bits reused (see png-pieces.ts).

/** Optimal code lengths for `freqs` with no code longer than `limit` (package-merge). Zero stays zero. */
export function codeLengths(freqs: ArrayLike<number>, limit: number): Uint8Array {
  const lengths = new Uint8Array(freqs.length);
  const used: number[] = [];
  for (let i = 0; i < freqs.length; i++) if (freqs[i] > 0) used.push(i);
  if (used.length === 0) return lengths;
  if (used.length === 1) {
    lengths[used[0]] = 1;
    return lengths;
  }
  if (used.length > 2 ** limit) throw new RangeError(`${used.length} symbols do not fit in codes of ${limit} bits`);
  // Ties broken by symbol, so that the lengths depend on nothing but the frequencies.
  used.sort((a, b) => freqs[a] - freqs[b] || a - b);
  type Item = { weight: number; symbols: number[] };
  const leaves: Item[] = used.map((s) => ({ weight: freqs[s], symbols: [s] }));
  let row: Item[] = leaves;
  for (let level = 1; level < limit; level++) {
    const packages: Item[] = [];
    for (let i = 0; i + 1 < row.length; i += 2) packages.push({ weight: row[i].weight + row[i + 1].weight, symbols: row[i].symbols.concat(row[i + 1].symbols) });
    row = merge(leaves, packages);
  }
  for (const item of row.slice(0, 2 * used.length - 2)) for (const s of item.symbols) lengths[s]++;
  return lengths;
}

function merge<T extends { weight: number }>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i].weight <= b[j].weight) ? a[i++] : b[j++]);
  return out;
}

/** Canonical codes for the lengths (RFC 1951 3.2.2), bit-reversed: deflate writes them from the low bit up. */
export function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const count = new Uint16Array(16);
  for (const l of lengths) if (l) count[l]++;
  const next = new Uint16Array(16);
  for (let bits = 1, code = 0; bits < 16; bits++) {
    code = (code + count[bits - 1]) << 1;
    next[bits] = code;
  }
  const codes = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const l = lengths[s];
    if (l) codes[s] = reverse(next[l]++, l);
  }
  return codes;
}

export function reverse(code: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) r |= ((code >>> i) & 1) << (bits - 1 - i);
  return r;
}

/** Length symbols 257–285: the first length of each and its extra bits. */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** Distance symbols 0–29. */
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

export const MAX_MATCH = 258;
export const MIN_MATCH = 3;
export const WINDOW = 32768;

/** The symbol (0–28, add 257) of a match length 3–258. */
export function lengthSymbol(len: number): number {
  let s = 28;
  while (LENGTH_BASE[s] > len) s--;
  return s;
}

/** The symbol (0–29) of a distance 1–32768. */
export function distanceSymbol(dist: number): number {
  let s = 29;
  while (DIST_BASE[s] > dist) s--;
  return s;
}

/**
 * A set of codes for one dynamic block, ready to write: each literal, each match length and each
 * distance as the bits that go into the stream (code and extra bits together, low bit first).
 */
export interface DeflateCodes {
  /** Literal byte → bits, and how many. */
  litBits: Uint32Array;
  litLen: Uint8Array;
  /** Match length (index 3–258) → length code and extra bits, and how many. */
  matchBits: Uint32Array;
  matchLen: Uint8Array;
  /** Distance (index 1–32768) → distance code and extra bits, and how many. */
  distBits: Uint32Array;
  distLen: Uint8Array;
  endBits: number;
  endLen: number;
  /** The block's header (BFINAL=1, BTYPE=2, the code lengths), as 32-bit words and a bit count. */
  header: Uint32Array;
  headerLen: number;
}

/** Order in which the code-length code's lengths are written. */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * Codes from frequencies of the 286 literal/length symbols and 30 distance symbols. Every
 * symbol must have a frequency above zero: the encoder may meet any byte and any distance.
 */
export function deflateCodes(litFreqs: ArrayLike<number>, distFreqs: ArrayLike<number>): DeflateCodes {
  if (litFreqs.length !== 286 || distFreqs.length !== 30) throw new RangeError('expected 286 literal/length and 30 distance frequencies');
  for (const f of [...Array.from(litFreqs), ...Array.from(distFreqs)]) if (!(f > 0)) throw new RangeError('every symbol needs a frequency above zero');
  const litLengths = codeLengths(litFreqs, 15);
  const distLengths = codeLengths(distFreqs, 15);
  const litCodes = canonicalCodes(litLengths);
  const distCodes = canonicalCodes(distLengths);

  const litBits = new Uint32Array(256);
  const litLen = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    litBits[b] = litCodes[b];
    litLen[b] = litLengths[b];
  }
  const matchBits = new Uint32Array(MAX_MATCH + 1);
  const matchLen = new Uint8Array(MAX_MATCH + 1);
  for (let len = MIN_MATCH; len <= MAX_MATCH; len++) {
    const s = lengthSymbol(len);
    const l = litLengths[257 + s];
    matchBits[len] = litCodes[257 + s] | ((len - LENGTH_BASE[s]) << l);
    matchLen[len] = l + LENGTH_EXTRA[s];
  }
  const distBits = new Uint32Array(WINDOW + 1);
  const distLen = new Uint8Array(WINDOW + 1);
  for (let s = 0; s < 30; s++) {
    const l = distLengths[s];
    const end = s < 29 ? DIST_BASE[s + 1] : WINDOW + 1;
    for (let d = DIST_BASE[s]; d < end; d++) {
      distBits[d] = distCodes[s] | ((d - DIST_BASE[s]) << l);
      distLen[d] = l + DIST_EXTRA[s];
    }
  }

  // The header: every length written with the code-length code (no run-length symbols: all
  // 316 lengths are above zero, and the header is written once per image, ~150 bytes).
  const all = [...litLengths, ...distLengths];
  const clFreqs = new Array<number>(19).fill(0);
  for (const l of all) clFreqs[l]++;
  const clLengths = codeLengths(clFreqs, 7);
  const clCodes = canonicalCodes(clLengths);
  let hclen = 19;
  while (hclen > 4 && clLengths[CL_ORDER[hclen - 1]] === 0) hclen--;
  const w = new BitWriter(64);
  w.put(1, 1); // BFINAL
  w.put(2, 2); // BTYPE: dynamic Huffman codes
  w.put(286 - 257, 5);
  w.put(30 - 1, 5);
  w.put(hclen - 4, 4);
  for (let i = 0; i < hclen; i++) w.put(clLengths[CL_ORDER[i]], 3);
  for (const l of all) w.put(clCodes[l], clLengths[l]);
  const headerLen = w.bitLength();
  return { litBits, litLen, matchBits, matchLen, distBits, distLen, endBits: litCodes[256], endLen: litLengths[256], header: w.finish(), headerLen };
}

/**
 * Bits written low bit first into 32-bit words (little-endian words are then deflate's byte
 * order). `put` takes up to 31 bits at once.
 */
export class BitWriter {
  words: Uint32Array;
  pos = 0;
  cur = 0;
  n = 0;

  constructor(capacityWords: number) {
    this.words = new Uint32Array(Math.max(4, capacityWords));
  }

  /** Room for at least `bits` more bits. */
  reserve(bits: number): void {
    const need = this.pos + (bits >>> 5) + 2;
    if (need <= this.words.length) return;
    const grown = new Uint32Array(Math.max(need, 2 * this.words.length));
    grown.set(this.words.subarray(0, this.pos));
    this.words = grown;
  }

  put(value: number, bits: number): void {
    const n = this.n;
    this.cur |= value << n;
    if (n + bits >= 32) {
      this.words[this.pos++] = this.cur;
      this.n = n + bits - 32;
      // The bits of value that did not fit (none when it ended exactly at the word's end).
      this.cur = this.n === 0 ? 0 : value >>> (bits - this.n);
    } else this.n = n + bits;
  }

  /** Appends `bits` bits stored low bit first in src[start…], the bits after them zero. */
  append(src: Uint32Array, start: number, bits: number): void {
    const n = this.n;
    const words = this.words;
    let i = start;
    let pos = this.pos;
    let cur = this.cur;
    let left = bits;
    if (n === 0) {
      for (; left >= 32; left -= 32) words[pos++] = src[i++];
      if (left > 0) {
        cur = src[i];
        this.n = left;
      }
    } else {
      const back = 32 - n;
      for (; left >= 32; left -= 32) {
        const v = src[i++];
        words[pos++] = cur | (v << n);
        cur = v >>> back;
      }
      if (left > 0) {
        const v = src[i];
        cur |= v << n;
        if (n + left >= 32) {
          words[pos++] = cur;
          cur = v >>> back;
          this.n = n + left - 32;
        } else this.n = n + left;
      }
    }
    this.pos = pos;
    this.cur = cur;
  }

  bitLength(): number {
    return 32 * this.pos + this.n;
  }

  /** The words written, the last one padded with zeros. */
  finish(): Uint32Array {
    const out = this.words.slice(0, this.pos + (this.n > 0 ? 1 : 0));
    if (this.n > 0) out[this.pos] = this.cur;
    return out;
  }
}
