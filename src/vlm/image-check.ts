/**
 * Checks an image file before it is decoded: format by magic number, dimensions from the
 * header (so a decompression bomb is refused without decoding it), and a truncation check
 * where the format has an end marker. Pure: runs in the page, the worker and Node.
 */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';

/** 40 megapixels: a 12-bit camera photo fits, a 20000×20000 bomb does not. */
export const MAX_PIXELS = 40_000_000;
/** 50 MB: larger files are refused before they are read into memory twice. */
export const MAX_BYTES = 50 * 1024 * 1024;
const MIB = 1024 * 1024;

/** One decimal, rounded up, so that a size just over a limit never reads as equal to it. */
function roundUp1(x: number): string {
  return (Math.ceil(x * 10) / 10).toFixed(1);
}

export type ImageCheck =
  | { ok: true; format: ImageFormat; width: number; height: number }
  | { ok: false; message: string };

export function sniffFormat(b: Uint8Array): ImageFormat | null {
  const at = (i: number, ...xs: number[]) => xs.every((x, k) => b[i + k] === x);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  if (at(0, 0x42, 0x4d)) return 'bmp';
  return null;
}

/** Formats a browser decodes but that we refuse, named so the message can say what it was. */
function knownUnsupported(b: Uint8Array, name: string): string | null {
  const s = String.fromCharCode(...b.subarray(0, 12));
  if (s.slice(4, 8) === 'ftyp') return /avif/.test(s) ? 'AVIF' : 'HEIC/HEIF';
  if (s.startsWith('<svg') || s.startsWith('<?xml') || /\.svg$/i.test(name)) return 'SVG';
  if (s.startsWith('II*\0') || s.startsWith('MM\0*')) return 'TIFF';
  if (s.startsWith('%PDF')) return 'PDF';
  return null;
}

export function checkImageBytes(bytes: Uint8Array, name = 'file', maxPixels = MAX_PIXELS): ImageCheck {
  if (bytes.length === 0) return { ok: false, message: `"${name}" is empty (0 bytes).` };
  if (bytes.length > MAX_BYTES) {
    return { ok: false, message: `"${name}" is ${roundUp1(bytes.length / MIB)} MB; the limit is ${MAX_BYTES / MIB} MB.` };
  }
  const format = sniffFormat(bytes);
  if (!format) {
    const other = knownUnsupported(bytes, name);
    return {
      ok: false,
      message: other
        ? `"${name}" is a ${other} file, which is not supported. Use PNG, JPEG, GIF, WebP or BMP.`
        : `"${name}" is not an image (PNG, JPEG, GIF, WebP or BMP).`,
    };
  }
  const size = readSize(bytes, format);
  if (!size) return { ok: false, message: `"${name}" looks like a ${format.toUpperCase()} but its header is truncated or damaged.` };
  const { width, height } = size;
  if (width <= 0 || height <= 0) return { ok: false, message: `"${name}" has no pixels (${width}×${height}).` };
  if (width * height > maxPixels) {
    return {
      ok: false,
      message: `"${name}" is ${width}×${height} pixels (${roundUp1((width * height) / 1e6)} MP); the limit is ${maxPixels / 1e6} MP.`,
    };
  }
  if (isTruncated(bytes, format)) return { ok: false, message: `"${name}" is truncated: the ${format.toUpperCase()} data ends early.` };
  return { ok: true, format, width, height };
}

function readSize(b: Uint8Array, f: ImageFormat): { width: number; height: number } | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  try {
    switch (f) {
      case 'png':
        // IHDR is always the first chunk.
        if (String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR') return null;
        return { width: dv.getUint32(16), height: dv.getUint32(20) };
      case 'gif':
        return { width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
      case 'bmp':
        return { width: Math.abs(dv.getInt32(18, true)), height: Math.abs(dv.getInt32(22, true)) };
      case 'webp':
        return webpSize(b, dv);
      case 'jpeg':
        return jpegSize(b, dv);
    }
  } catch {
    return null; // a read past the end: the header is cut short
  }
}

function webpSize(b: Uint8Array, dv: DataView): { width: number; height: number } | null {
  const chunk = String.fromCharCode(...b.subarray(12, 16));
  if (chunk === 'VP8X') return { width: 1 + (dv.getUint32(24, true) & 0xffffff), height: 1 + (dv.getUint32(27, true) & 0xffffff) };
  if (chunk === 'VP8 ') return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const v = dv.getUint32(21, true);
    return { width: 1 + (v & 0x3fff), height: 1 + ((v >> 14) & 0x3fff) };
  }
  return null;
}

function jpegSize(b: Uint8Array, dv: DataView): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: dv.getUint16(i + 5), width: dv.getUint16(i + 7) };
    }
    i += 2 + dv.getUint16(i + 2);
  }
  return null;
}

/**
 * PNG must end with IEND; JPEG must reach its EOI marker. Data after a JPEG's EOI is allowed:
 * padding, and the video a phone's "motion photo" appends after the picture.
 */
function isTruncated(b: Uint8Array, f: ImageFormat): boolean {
  if (f === 'png') {
    const tail = String.fromCharCode(...b.subarray(Math.max(0, b.length - 64)));
    return !tail.includes('IEND');
  }
  if (f === 'jpeg') {
    const walk = jpegReachesEoi(b);
    if (walk !== null) return !walk;
    // Segments we cannot follow: fall back to looking for EOI near the end.
    for (let i = b.length - 2; i >= Math.max(0, b.length - 1024); i--) {
      if (b[i] === 0xff && b[i + 1] === 0xd9) return false;
    }
    return true;
  }
  return false;
}

/**
 * Follows the JPEG's segments and entropy-coded scans from SOI. true: EOI was reached;
 * false: the data ended first; null: the structure could not be followed.
 */
function jpegReachesEoi(b: Uint8Array): boolean | null {
  const isRst = (m: number) => m >= 0xd0 && m <= 0xd7;
  let i = 2;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) { i++; continue; } // fill byte
    if (marker === 0xd9) return true; // EOI
    if (marker === 0x01 || isRst(marker)) { i += 2; continue; } // TEM, RSTn: no length field
    if (i + 3 >= b.length) return false;
    i += 2 + ((b[i + 2] << 8) | b[i + 3]);
    if (marker === 0xda) {
      // Scan data runs to the next marker; 0xFF00 (a stuffed 0xFF) and RSTn belong to it.
      while (i + 1 < b.length && !(b[i] === 0xff && b[i + 1] !== 0x00 && !isRst(b[i + 1]))) i++;
    }
  }
  return false;
}

/** Checks decoded pixels handed over without a file (a printed image); null when they are fine. */
export function checkPixels(p: { width: number; height: number; rgba: Uint8ClampedArray }, maxPixels = MAX_PIXELS): string | null {
  const { width: w, height: h } = p;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) return `the image size ${w}×${h} is not valid.`;
  if (w * h > maxPixels) return `the image has ${w}×${h} pixels, more than the ${maxPixels / 1e6} megapixels allowed.`;
  if (!(p.rgba instanceof Uint8ClampedArray) || p.rgba.length !== w * h * 4) return `expected ${w * h * 4} RGBA bytes for ${w}×${h}, got ${p.rgba?.length ?? 'none'}.`;
  return null;
}
