// A small PNG encoder for printed images: the same code in the render workers and in Node, with
// the deflate step injected (fflate in the page, node:zlib in the CLI). Black-on-white TPIs are
// written as 8-bit greyscale, which makes them four times smaller to compress than RGBA.

export type Deflate = (data: Uint8Array) => Uint8Array;
/** CRC-32 of bytes (node:zlib has a native one; crc32 below is the portable one). */
export type Crc = (data: Uint8Array) => number;

export type PngColour = 'grey' | 'rgb' | 'rgba';

/** Whether typed arrays are little-endian (32-bit views of pixels and bits rely on it). */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The pixels as one 32-bit word each (R in the low byte on little-endian machines), or null. */
function words(rgba: Uint8Array | Uint8ClampedArray): Uint32Array | null {
  return LITTLE_ENDIAN && rgba.byteOffset % 4 === 0 ? new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length >> 2) : null;
}

/** The smallest PNG colour type that keeps every pixel exactly. */
export function pngColourOf(rgba: Uint8Array | Uint8ClampedArray): PngColour {
  const w = words(rgba);
  if (w) {
    let grey = true;
    for (let i = 0; i < w.length; i++) {
      const v = w[i];
      if (v >>> 24 !== 255) return 'rgba';
      // R = G = B: the low three bytes are equal.
      if (grey && ((v ^ (v >>> 8)) & 0xffff) !== 0) grey = false;
    }
    return grey ? 'grey' : 'rgb';
  }
  let grey = true;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] !== 255) return 'rgba';
    if (grey && (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2])) grey = false;
  }
  return grey ? 'grey' : 'rgb';
}

const CHANNELS: Record<PngColour, number> = { grey: 1, rgb: 3, rgba: 4 };
const COLOUR_TYPE: Record<PngColour, number> = { grey: 0, rgb: 2, rgba: 6 };

/**
 * Greyscale rows with the PNG "Up" filter (each byte minus the byte above: text on a flat
 * background becomes mostly zeros, which deflate compresses fast), or null as soon as a pixel
 * is not opaque grey. One pass over 32-bit words: the common case costs no separate check.
 */
function greyRows(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array | null {
  if (!LITTLE_ENDIAN || rgba.byteOffset % 4 !== 0) return null;
  const w = new Int32Array(rgba.buffer, rgba.byteOffset, width * height);
  const out = new Uint8Array((width + 1) * height);
  for (let y = 0, src = 0, o = 0; y < height; y++) {
    out[o++] = 2; // Up
    for (let x = 0; x < width; x++, src++, o++) {
      const v = w[src];
      const g = v & 0xff;
      if (v !== (g * 0x10101) - 16777216) return null; // not 0xff g g g
      out[o] = y === 0 ? g : g - (w[src - width] & 0xff); // wraps modulo 256 on store
    }
  }
  return out;
}

/** Rows of any colour type with the "Up" filter (the general, slower path). */
function filteredRows(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, colour: PngColour): Uint8Array {
  const ch = CHANNELS[colour];
  const stride = width * ch;
  const out = new Uint8Array((stride + 1) * height);
  const row = new Uint8Array(stride);
  const prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const src = y * width * 4;
    if (ch === 1) for (let x = 0; x < width; x++) row[x] = rgba[src + 4 * x];
    else if (ch === 3) {
      for (let x = 0, j = 0; x < width; x++, j += 3) {
        const s = src + 4 * x;
        row[j] = rgba[s];
        row[j + 1] = rgba[s + 1];
        row[j + 2] = rgba[s + 2];
      }
    } else row.set(rgba.subarray(src, src + stride));
    const o = y * (stride + 1);
    out[o] = 2; // Up
    for (let i = 0; i < stride; i++) out[o + 1 + i] = (row[i] - prev[i]) & 0xff;
    prev.set(row);
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);

let rowBuffer = new Uint8Array(0);

/**
 * Grey pixels (one byte each, row-major) → an 8-bit greyscale PNG. Rows are left unfiltered
 * (filter type 0): a row copy each, and on printed text deflate does as well as with "Up".
 */
export function encodeGreyPng(grey: Uint8Array | Uint8ClampedArray, width: number, height: number, deflate: Deflate, crc: Crc = crc32): Uint8Array {
  if (grey.length !== width * height) throw new RangeError(`expected ${width * height} bytes of grey, got ${grey.length}`);
  // One buffer reused from image to image (deflate reads it before returning): fewer large
  // allocations, less garbage collection.
  if (rowBuffer.length !== (width + 1) * height) rowBuffer = new Uint8Array((width + 1) * height);
  const rows = rowBuffer;
  for (let y = 0; y < height; y++) {
    rows[y * (width + 1)] = 0; // filter: none
    rows.set(grey.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  return assemblePng(width, height, 'grey', deflate(rows), crc);
}

/** RGBA pixels (row-major, 4 bytes per pixel) → PNG file bytes. */
export function encodePng(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, deflate: Deflate, crc: Crc = crc32): Uint8Array {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const grey = greyRows(rgba, width, height);
  const colour = grey ? 'grey' : pngColourOf(rgba);
  return assemblePng(width, height, colour, deflate(grey ?? filteredRows(rgba, width, height, colour)), crc);
}

/** A PNG file around `idat`, the zlib stream of the filtered rows. */
function assemblePng(width: number, height: number, colour: PngColour, idat: Uint8Array, crc: Crc): Uint8Array {
  const out = pngShell(width, height, colour, idat.length, crc);
  out.set(idat, IDAT_DATA);
  return sealPng(out, idat.length, crc);
}

/** Where a PNG made by pngShell takes its IDAT data. */
export const IDAT_DATA = 41;
const IEND = Uint8Array.of(0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82);
/** The signature and IHDR chunk of the last size asked for (a run has one). */
let head = { width: 0, height: 0, colour: '' as PngColour | '', bytes: new Uint8Array(0) };

function pngHead(width: number, height: number, colour: PngColour, crc: Crc): Uint8Array {
  if (head.width === width && head.height === height && head.colour === colour) return head.bytes;
  const bytes = new Uint8Array(33);
  bytes.set(SIGNATURE);
  const v = new DataView(bytes.buffer);
  v.setUint32(8, 13);
  bytes.set([0x49, 0x48, 0x44, 0x52], 12); // IHDR
  v.setUint32(16, width);
  v.setUint32(20, height);
  bytes[24] = 8; // bit depth
  bytes[25] = COLOUR_TYPE[colour];
  // compression, filter and interlace methods: all 0
  v.setUint32(29, crc(bytes.subarray(12, 29)));
  head = { width, height, colour, bytes };
  return bytes;
}

/**
 * A PNG file with all but its image data: signature, IHDR, an IDAT of `idatLength` bytes to be
 * written at IDAT_DATA, IEND. Then sealPng. One buffer, written once: no chunk is copied; in
 * `into` when it is long enough (every byte is written).
 */
export function pngShell(width: number, height: number, colour: PngColour, idatLength: number, crc: Crc, into?: Uint8Array): Uint8Array {
  const bytes = IDAT_DATA + idatLength + 4 + IEND.length;
  const out = into && into.length >= bytes ? into.subarray(0, bytes) : new Uint8Array(bytes);
  out.set(pngHead(width, height, colour, crc));
  out[33] = idatLength >>> 24;
  out[34] = (idatLength >>> 16) & 0xff;
  out[35] = (idatLength >>> 8) & 0xff;
  out[36] = idatLength & 0xff;
  out[37] = 0x49; // IDAT
  out[38] = 0x44;
  out[39] = 0x41;
  out[40] = 0x54;
  out.set(IEND, IDAT_DATA + idatLength + 4);
  return out;
}

/** The IDAT's CRC, once its data is in place. */
export function sealPng(out: Uint8Array, idatLength: number, crc: Crc): Uint8Array {
  new DataView(out.buffer, out.byteOffset).setUint32(IDAT_DATA + idatLength, crc(out.subarray(37, IDAT_DATA + idatLength)));
  return out;
}
