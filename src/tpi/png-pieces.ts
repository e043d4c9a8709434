// A PNG encoder that writes a printed page from its placed pieces instead of deflating its
// pixels. Each piece's rows are deflate-coded once (literals, runs, and copies of the row
// above), with one set of Huffman codes per page colour and width; a page is then written row
// by row from those bits, background runs, and copies of the previous occurrence of the same
// piece on the page. Natural text repeats its words, so most of a page is a copy of bits coded
// before. Rows where pieces overlap or are clipped are coded from the painted pixels.
// The Adler-32 checksum is summed per piece row once, and in closed form for runs.
//
// Files come out about 1.3× the size of zlib's level 1 (smaller than Pillow's defaults), for
// about half of its time warm; docs/bench-render.md has the figures. The functions are kept
// small on purpose: V8 compiles each one in every thread of a run, and one large function cost
// several times their compile time.

import { paintPlacedRow, type PlacedPage } from './compose.ts';
import type { PieceBitmap } from './pieces.ts';
import { BitWriter, deflateCodes, distanceSymbol, MAX_MATCH, MIN_MATCH, WINDOW, type DeflateCodes } from './deflate-codes.ts';
import { crc32, IDAT_DATA, LITTLE_ENDIAN, pngShell, sealPng, type Crc } from './png.ts';

const ADLER = 65521;

/**
 * How often each symbol is expected on printed pages, per 100 literals, for the fixed codes.
 * The coverage shares come from a histogram of the benchmark's 1,000 pages (background inside
 * a piece's ink span ~20 %, full ink ~17 %, each anti-aliased value ~0.25 %); the filter byte,
 * a run's first byte, the match lengths and the distances are estimates, not tuned. Any symbol
 * can still be written (floor): these only set how many bits each takes.
 */
const PRIOR = {
  background: 20,
  ink: 17,
  edge: 0.25,
  filter: 1.5,
  runStart: 10,
  floor: 0.001,
  length: (symbol: number) => (symbol < 8 ? 1 : symbol < 16 ? 0.6 : 0.2),
  distance: { run: 10, up: 3, other: 0.1 },
};

/** The Huffman codes for pages of this foreground, background and width (made once, kept). */
const codeSets = new Map<string, DeflateCodes>();

function codesFor(fg: number, bg: number, stride: number, lut: Uint8ClampedArray): DeflateCodes {
  const key = `${fg},${bg},${stride}`;
  let codes = codeSets.get(key);
  if (codes) return codes;
  const lit = new Float64Array(286).fill(PRIOR.floor);
  for (let a = 0; a < 256; a++) lit[lut[a]] += a === 0 ? PRIOR.background : a === 255 ? PRIOR.ink : PRIOR.edge;
  lit[0] += PRIOR.filter;
  lit[bg] += PRIOR.runStart;
  for (let s = 0; s < 29; s++) lit[257 + s] += PRIOR.length(s);
  const dist = new Float64Array(30).fill(PRIOR.floor);
  dist[0] += PRIOR.distance.run;
  if (stride <= WINDOW) dist[distanceSymbol(stride)] += PRIOR.distance.up;
  for (let s = 1; s < 30; s++) dist[s] += PRIOR.distance.other;
  if (codeSets.size >= 64) codeSets.clear();
  codes = deflateCodes(lit, dist);
  codeSets.set(key, codes);
  return codes;
}

// ---- Pieces, coded once ----

/**
 * A piece's rows, coded. `data` holds, for its h rows: the ink span [t0, t1) of each row, where
 * its bits start in `data` and how many there are, its sums Σv and Σ(n−i)v mod 65521 (for
 * Adler-32); then the bits. One allocation per piece: they are made by the thousand.
 */
class PieceRows {
  /** The page (encode call) this piece last occurred on cleanly, and where (byte position). */
  page = 0;
  pos = 0;
  constructor(
    readonly codes: DeflateCodes,
    readonly stride: number,
    readonly h: number,
    readonly data: Uint32Array,
  ) {}
}
const T0 = 0;
const T1 = 1;
const START = 2;
const BITS = 3;
const SUM_A = 4;
const SUM_B = 5;
const FIELDS = 6;

const coded = new WeakMap<PieceBitmap, PieceRows>();
const pieceBits = new BitWriter(1024);
let meta = new Uint32Array(0);
/** Per row of the piece being coded: prefix sums of literal bits; per column, the lengths of copies. */
let litSum = new Int32Array(0);
let runFrom = new Int32Array(0);
let upFrom = new Int32Array(0);

function rowsFor(bm: PieceBitmap, codes: DeflateCodes, lut: Uint8ClampedArray, stride: number): PieceRows {
  const known = coded.get(bm);
  if (known !== undefined && known.codes === codes && known.stride === stride) return known;
  const r = codePiece(bm, codes, lut, stride);
  coded.set(bm, r);
  return r;
}

function codePiece(bm: PieceBitmap, codes: DeflateCodes, lut: Uint8ClampedArray, stride: number): PieceRows {
  const { width: w, height: h } = bm;
  if (meta.length < FIELDS * h) meta = new Uint32Array(2 * FIELDS * h);
  if (runFrom.length < w + 1) [litSum, runFrom, upFrom] = [new Int32Array(2 * w + 1), new Int32Array(2 * w + 1), new Int32Array(2 * w + 1)];
  const wr = pieceBits;
  wr.pos = wr.cur = wr.n = 0;
  wr.reserve(h * (16 * w + 64));
  for (let j = 0; j < h; j++) {
    spanAndSums(bm, j, lut, codes.litLen, h);
    copyLengths(bm, j, stride, h);
    meta[START * h + j] = FIELDS * h + wr.pos;
    codeRow(wr, bm, j, lut, codes, stride, h);
    meta[BITS * h + j] = 32 * (FIELDS * h + wr.pos - meta[START * h + j]) + wr.n;
    if (wr.n > 0) {
      wr.words[wr.pos++] = wr.cur;
      wr.cur = wr.n = 0;
    }
  }
  const data = new Uint32Array(FIELDS * h + wr.pos);
  data.set(meta.subarray(0, FIELDS * h));
  data.set(wr.words.subarray(0, wr.pos), FIELDS * h);
  return new PieceRows(codes, stride, h, data);
}

/** Row j's ink span, its Adler-32 sums and the prefix sums of its literals' bits. */
function spanAndSums(bm: PieceBitmap, j: number, lut: Uint8ClampedArray, litLen: Uint8Array, h: number): void {
  const { width: w, alpha } = bm;
  const row = j * w;
  let a0 = 0;
  while (a0 < w && alpha[row + a0] === 0) a0++;
  let a1 = w;
  while (a1 > a0 && alpha[row + a1 - 1] === 0) a1--;
  meta[T0 * h + j] = a0;
  meta[T1 * h + j] = a1;
  let sa = 0;
  let sb = 0;
  let bits = 0;
  for (let k = a0; k < a1; k++) {
    const v = lut[alpha[row + k]];
    sa += v;
    sb += (a1 - k) * v;
    litSum[k] = bits;
    bits += litLen[v];
  }
  litSum[a1] = bits;
  meta[SUM_A * h + j] = sa % ADLER;
  meta[SUM_B * h + j] = sb % ADLER;
}

/**
 * For each column of row j's span, how many bytes from there on copy bytes this piece has put
 * on the page already: a run of the byte before, or the row above (inside that row's span).
 */
function copyLengths(bm: PieceBitmap, j: number, stride: number, h: number): void {
  const { width: w, alpha } = bm;
  const row = j * w;
  const a0 = meta[T0 * h + j];
  const a1 = meta[T1 * h + j];
  runFrom[a1] = 0;
  for (let k = a1 - 1; k > a0; k--) runFrom[k] = alpha[row + k] === alpha[row + k - 1] ? runFrom[k + 1] + 1 : 0;
  runFrom[a0] = 0;
  upFrom.fill(0, a0, a1 + 1);
  if (j === 0 || stride > WINDOW) return;
  const lo = Math.max(a0, meta[T0 * h + j - 1]);
  for (let k = Math.min(a1, meta[T1 * h + j - 1]) - 1; k >= lo; k--) upFrom[k] = alpha[row + k] === alpha[row - w + k] ? upFrom[k + 1] + 1 : 0;
}

/** Row j as literals and copies, whichever is shorter at each point (greedy). */
function codeRow(wr: BitWriter, bm: PieceBitmap, j: number, lut: Uint8ClampedArray, codes: DeflateCodes, stride: number, h: number): void {
  const { litBits, litLen, matchBits, matchLen, distBits, distLen } = codes;
  const alpha = bm.alpha;
  const row = j * bm.width;
  const a1 = meta[T1 * h + j];
  for (let k = meta[T0 * h + j]; k < a1; ) {
    const run = runFrom[k];
    const up = upFrom[k];
    let best = up > run ? up : run;
    if (best >= MIN_MATCH) {
      if (best > MAX_MATCH) best = MAX_MATCH;
      const dist = up > run ? stride : 1;
      if (matchLen[best] + distLen[dist] < litSum[k + best] - litSum[k]) {
        wr.put(matchBits[best], matchLen[best]);
        wr.put(distBits[dist], distLen[dist]);
        k += best;
        continue;
      }
    }
    const v = lut[alpha[row + k]];
    wr.put(litBits[v], litLen[v]);
    k++;
  }
}

// ---- Pages ----

// Scratch for one page, grown as needed: each piece's coded rows; row segments (one piece's ink
// span in one page row) in lists per page row, in order of x; per piece, whether it is clean
// (its pixels on the page are its own: not clipped, meeting no other piece's ink) and the
// distance back to its previous clean occurrence.
let rows: PieceRows[] = [];
let segPiece = new Int32Array(0);
let segRow = new Int32Array(0);
let segX0 = new Int32Array(0);
let segX1 = new Int32Array(0);
let segNext = new Int32Array(0);
let head = new Int32Array(0);
let tail = new Int32Array(0);
let rowEnd = new Int32Array(0);
let generic = new Uint8Array(0);
let dirty = new Uint8Array(0);
let back = new Int32Array(0);
let pageCount = 0;
const out = new BitWriter(16384);
/** Adler-32's two sums over the rows written so far. */
let s1 = 1;
let s2 = 0;

/** The pixels of a row that is coded from them. */
let painted = new Uint8ClampedArray(0);

/**
 * The PNG of a grey placed page (8-bit greyscale, filter None), coded from its pieces; null
 * for colour pages or on big-endian machines (then deflate the pixels). Only the rows where
 * pieces overlap or are clipped are painted, one at a time. The file decodes to exactly
 * paintPlaced's pixels. `reuse`: the bytes may be overwritten by the next call (for a caller
 * that writes them at once), which spares allocating a buffer a file.
 */
export function encodePlacedPng(p: PlacedPage, crc: Crc = crc32, reuse = false): Uint8Array | null {
  const { frame } = p;
  if (frame.channels !== 1 || !LITTLE_ENDIAN) return null;
  const stride = frame.width + 1;
  const codes = codesFor(frame.fg[0], frame.bg[0], stride, frame.lut);
  const n = p.bitmaps.length;
  let segments = 0;
  for (let i = 0; i < n; i++) {
    rows[i] = rowsFor(p.bitmaps[i], codes, frame.lut, stride);
    segments += p.bitmaps[i].height;
  }
  grow(segments, frame.width, frame.height, n);
  const s = collectSegments(p);
  for (let t = 0; t < s; t++) generic[segRow[t]] |= dirty[segPiece[t]]; // stored either way (see collectSegments)
  findCopies(p, stride);
  out.pos = out.cur = out.n = 0;
  out.reserve(codes.headerLen);
  out.append(codes.header, 0, codes.headerLen);
  s1 = 1;
  s2 = 0;
  writeRows(p, codes);
  out.put(codes.endBits, codes.endLen);
  rows.length = 0; // keeps no piece alive
  return finish(frame.width, frame.height, crc, reuse);
}

function grow(segments: number, width: number, height: number, pieces: number): void {
  if (painted.length < width) painted = new Uint8ClampedArray(width);
  if (segPiece.length < segments) [segPiece, segRow, segX0, segX1, segNext] = [0, 1, 2, 3, 4].map(() => new Int32Array(2 * segments));
  if (head.length < height) [head, tail, rowEnd, generic] = [new Int32Array(height), new Int32Array(height), new Int32Array(height), new Uint8Array(height)];
  if (dirty.length < pieces) [dirty, back] = [new Uint8Array(2 * pieces), new Int32Array(2 * pieces)];
  head.fill(-1, 0, height);
  rowEnd.fill(0, 0, height);
  generic.fill(0, 0, height);
  dirty.fill(0, 0, pieces);
}

/** Row segments of every piece, in lists per row; marks pieces dirty. Returns their count. */
function collectSegments(p: PlacedPage): number {
  const { clip } = p.frame;
  const { xs, ys } = p;
  let s = 0;
  for (let i = 0; i < p.bitmaps.length; i++) {
    const { h, data } = rows[i];
    for (let j = 0; j < h; j++) {
      const t0 = data[T0 * h + j];
      const t1 = data[T1 * h + j];
      if (t1 === t0) continue;
      const y = ys[i] + j;
      const x0 = xs[i] + t0;
      const x1 = xs[i] + t1;
      // A row not painted, or clipped: the rows below may not copy it. Stored every time, not
      // only when set: a store first reached after V8 has optimised this would deoptimise it.
      const hidden = y < clip.y0 || y >= clip.y1;
      dirty[i] |= hidden || x0 < clip.x0 || x1 > clip.x1 ? 1 : 0;
      if (hidden) continue;
      segPiece[s] = i;
      segRow[s] = y;
      segX0[s] = x0;
      segX1[s] = x1;
      segNext[s] = -1;
      if (head[y] < 0) head[y] = tail[y] = s;
      else if (x0 >= rowEnd[y]) {
        segNext[tail[y]] = s;
        tail[y] = s;
      } else insert(s, y, i);
      if (x1 > rowEnd[y]) rowEnd[y] = x1;
      s++;
    }
  }
  return s;
}

/**
 * Puts segment s (of piece i) where it goes in row y's list (a line whose descenders share
 * rows with the next line's ascenders); pieces whose spans meet are dirty.
 */
function insert(s: number, y: number, i: number): void {
  const x0 = segX0[s];
  let prev = -1;
  let next = head[y];
  while (next >= 0 && segX0[next] <= x0) {
    prev = next;
    next = segNext[next];
  }
  if (prev >= 0 && segX1[prev] > x0) dirty[i] = dirty[segPiece[prev]] = 1;
  if (next >= 0 && segX0[next] < segX1[s]) dirty[i] = dirty[segPiece[next]] = 1;
  segNext[s] = next;
  if (prev >= 0) segNext[prev] = s;
  else head[y] = s;
  if (next < 0) tail[y] = s;
}

/** For each clean piece, the distance back to the same piece's previous clean occurrence (0: none in reach). */
function findCopies(p: PlacedPage, stride: number): void {
  const page = ++pageCount;
  for (let i = 0; i < p.bitmaps.length; i++) {
    back[i] = 0;
    if (dirty[i]) continue;
    const r = rows[i];
    const pos = p.ys[i] * stride + p.xs[i];
    if (r.page === page && pos > r.pos && pos - r.pos <= WINDOW) back[i] = pos - r.pos;
    r.page = page;
    r.pos = pos;
  }
}

function writeRows(p: PlacedPage, codes: DeflateCodes): void {
  const { width: W, height: H } = p.frame;
  const bg = p.frame.bg[0];
  let blankAbove = false;
  for (let y = 0; y < H; y++) {
    out.reserve(16 * (W + 1) + 256);
    if (generic[y] !== 0) {
      paintPlacedRow(p, y, painted);
      pixelRow(codes, painted, 0, W);
      blankAbove = false;
    } else if (head[y] < 0) {
      blankRow(codes, W, bg, blankAbove);
      blankAbove = true;
    } else {
      inkRow(codes, p, y, bg);
      blankAbove = false;
    }
    s1 %= ADLER;
    s2 %= ADLER;
  }
}

/** [filter 0][background × W]: a copy of the row above when that one was blank too. */
function blankRow(codes: DeflateCodes, W: number, bg: number, blankAbove: boolean): void {
  if (blankAbove && W + 1 <= WINDOW) copy(codes, W + 1, W + 1);
  else {
    literal(codes, 0);
    gap(codes, bg, W);
  }
  s2 += s1 + W * s1 + (bg * W * (W + 1)) / 2;
  s1 += W * bg;
}

/** A row of clean pieces: background runs between their coded rows (or copies of their earlier occurrence). */
function inkRow(codes: DeflateCodes, p: PlacedPage, y: number, bg: number): void {
  const { matchLen, distLen } = codes;
  literal(codes, 0);
  s2 += s1;
  let x = 0;
  for (let t = head[y]; t >= 0; t = segNext[t]) {
    background(codes, bg, segX0[t] - x);
    const i = segPiece[t];
    const { h, data } = rows[i];
    const j = y - p.ys[i];
    const len = segX1[t] - segX0[t];
    const bits = data[BITS * h + j];
    const d = back[i];
    if (d > 0 && len >= MIN_MATCH && matchLen[len > MAX_MATCH ? MAX_MATCH : len] + distLen[d] < bits) copy(codes, len, d);
    else out.append(data, data[START * h + j], bits);
    s2 += len * s1 + data[SUM_B * h + j];
    s1 += data[SUM_A * h + j];
    x = segX1[t];
  }
  background(codes, bg, p.frame.width - x);
}

/** A row from the painted pixels: literals, and runs as copies of the byte before. */
function pixelRow(codes: DeflateCodes, grey: Uint8ClampedArray, base: number, W: number): void {
  literal(codes, 0);
  s2 += s1;
  for (let k = 0; k < W; ) {
    const v = grey[base + k];
    let m = 1;
    while (k + m < W && grey[base + k + m] === v) m++;
    literal(codes, v);
    if (m >= 4) copy(codes, m - 1, 1);
    else for (let i = 1; i < m; i++) literal(codes, v);
    k += m;
  }
  for (let k = 0; k < W; k++) {
    s1 += grey[base + k];
    s2 += s1;
  }
}

/** `len` background bytes after a byte that may not be background, with their checksum. */
function background(codes: DeflateCodes, bg: number, len: number): void {
  gap(codes, bg, len);
  s2 += len * s1 + (bg * len * (len + 1)) / 2;
  s1 += len * bg;
}

function gap(codes: DeflateCodes, bg: number, len: number): void {
  // One loop for both cases, so that V8 has seen it run before the first short gap.
  const literals = len >= 4 ? 1 : len;
  for (let i = 0; i < literals; i++) literal(codes, bg);
  if (len >= 4) copy(codes, len - 1, 1);
}

function literal(codes: DeflateCodes, v: number): void {
  out.put(codes.litBits[v], codes.litLen[v]);
}

/** A copy of `len` ≥ 3 bytes from `dist` back, in matches of at most 258 and none under 3. */
function copy(codes: DeflateCodes, len: number, dist: number): void {
  const { matchBits, matchLen, distBits, distLen } = codes;
  while (len > 0) {
    // Over 258, a match leaves at least 3 for the next one (so 259 is 256 + 3). Math.min rather
    // than a test for 259 and 260: V8 would first meet that branch after optimising this.
    const m = len <= MAX_MATCH ? len : Math.min(MAX_MATCH, len - MIN_MATCH);
    out.put(matchBits[m], matchLen[m]);
    out.put(distBits[dist], distLen[dist]);
    len -= m;
  }
}

/** The zlib stream around the deflate bits, in a PNG. */
/** The last file, when the caller took it for use at once (a writer): its buffer serves the next. */
let reused = new Uint8Array(0);

function finish(width: number, height: number, crc: Crc, reuse: boolean): Uint8Array {
  const bytes = (out.bitLength() + 7) >>> 3;
  if (out.n > 0) out.words[out.pos] = out.cur;
  const idat = 2 + bytes + 4;
  if (reuse && reused.length < idat + 64) reused = new Uint8Array(2 * idat + 64);
  const file = pngShell(width, height, 'grey', idat, crc, reuse ? reused : undefined);
  file[IDAT_DATA] = 0x78; // deflate, 32 KB window
  file[IDAT_DATA + 1] = 0x01; // no dictionary, fastest (0x7801 is a multiple of 31, as the header check wants)
  file.set(new Uint8Array(out.words.buffer, 0, bytes), IDAT_DATA + 2);
  new DataView(file.buffer).setUint32(IDAT_DATA + 2 + bytes, ((s2 << 16) | s1) >>> 0);
  return sealPng(file, idat, crc);
}
