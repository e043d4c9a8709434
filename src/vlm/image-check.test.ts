import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_BYTES, MAX_PIXELS, checkImageBytes, sniffFormat } from './image-check.ts';
import { crc32 } from '../tpi/png.ts';

// ---- Real files, encoded with libvips (sharp 0.35) and pasted here; sizes verified by its decoder. ----

/** The well-known 1×1 RGBA PNG (70 bytes). */
const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const PNG_300x7 =
  'iVBORw0KGgoAAAANSUhEUgAAASwAAAAHCAIAAAA9A+djAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAATUlEQVRYhe3VQQ0AQAwCwSq5d/2rQNbJ4NFJULCwYfJWEEAgPREGfQQQSPWKSGiCCCwJjQCBvfzGnrDfgeQ2BBL2O5DchkDCfgeS2xA+timnURA1uvwAAAAASUVORK5CYII=';
/** Baseline JPEG 260×5: SOI, APP1 (Exif), DQT, DQT, SOF0, DHT×4, SOS, data, EOI. */
const JPEG_EXIF_260x5 =
  '/9j/4QDkRXhpZgAASUkqAAgAAAAIABIBAwABAAAAAQAAABoBBQABAAAAbgAAABsBBQABAAAAdgAAACgBAwABAAAAAgAAADEBAgAGAAAAfgAAABMCAwABAAAAAQAAAJiCAgAJAAAAhAAAAGmHBAABAAAAjgAAAAAAAAA4YwAA6AMAADhjAADoAwAAc2hhcnAAdHBpIHRlc3QAAAYAAJAHAAQAAAAwMjEwAZEHAAQAAAABAgMAAKAHAAQAAAAwMTAwAaADAAEAAAD//wAAAqAEAAEAAAAEAQAAA6AEAAEAAAAFAAAAAAAAAP/bAEMAEAsMDgwKEA4NDhIREBMYKBoYFhYYMSMlHSg6Mz08OTM4N0BIXE5ARFdFNzhQbVFXX2JnaGc+TXF5cGR4XGVnY//bAEMBERISGBUYLxoaL2NCOEJjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY//AABEIAAUBBAMBIgACEQEDEQH/xAAVAAEBAAAAAAAAAAAAAAAAAAAABf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAWAQEBAQAAAAAAAAAAAAAAAAAABAb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCQAkagAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB/9k=';
/** Progressive JPEG 9×513 (SOF2). */
const JPEG_PROGRESSIVE_9x513 =
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wgARCAIBAAkDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAT/xAAWAQEBAQAAAAAAAAAAAAAAAAAAAwX/2gAMAwEAAhADEAAAAYxHUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAHD/2gAIAQEAAQUCAv/EABQRAQAAAAAAAAAAAAAAAAAAAFD/2gAIAQMBAT8BB//EABQRAQAAAAAAAAAAAAAAAAAAAFD/2gAIAQIBAT8BB//EABQQAQAAAAAAAAAAAAAAAAAAAHD/2gAIAQEABj8CAv/EABQQAQAAAAAAAAAAAAAAAAAAAHD/2gAIAQEAAT8hAv/aAAwDAQACAAMAAAAQ+++++++++++++++++++++++++++++++++//EABQRAQAAAAAAAAAAAAAAAAAAAFD/2gAIAQMBAT8QB//EABQRAQAAAAAAAAAAAAAAAAAAAFD/2gAIAQIBAT8QB//EABQQAQAAAAAAAAAAAAAAAAAAAHD/2gAIAQEAAT8QAv/Z';
/** Baseline JPEG 24×10 of noise: its scan data holds stuffed 0xFF00 bytes. */
const JPEG_NOISE_24x10 =
  '/9j/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgr/wAARCAAKABgDASIAAhEBAxEB/8QAGQAAAgMBAAAAAAAAAAAAAAAAAAgDBQYH/8QAJBAAAQUAAQQCAwEAAAAAAAAAAwECBAUGBwAIERMSIRQiIxX/xAAWAQEBAQAAAAAAAAAAAAAAAAAAAgf/xAAiEQACAQQBBQEBAAAAAAAAAAABAgMEBRESAAcTISIxBhX/2gAMAwEAAhEDEQA/AItXS8xYjZxrA290tfb2Yf8AJz+DTKiFKro5bQUN0mb7wz5v4iQIAJf7iC5fPuH/ADYRH1OxBYZ+suNdl9UJlbdZ6BcRLXNXcqdd2cIMJzIAjmOJCK4hJRCyJPyC0j1l/JijGZxtT2qVdZZdutVyXY1wJGjg8fZ60haA4WvnR50y6vAy5TDqnsYY42MGUiKjiNY1rlVEROl+0ux10ncsvZOpsiTtDs5VNfzHziKWyrZJan8mFIeq+TRy+E9gnqrH+P2RepudPPbLH/QqWE0sEqxZKn2VjqMBmdQVIDLsrgMqtjYbcU9NTLcqq3QQxg0wkRXdTI2vex9LA52IPknwCCC7GTjgZTlbnHl/jqtnwruHsrCsvy3dXZyiSCtjLKjBIwZFhBeIKoBBEVEcYDZUshvg8YhgGdc671ABg9mNZOghaE5uOKyYUwmo175CkRFMqp9qRUixkV6/apHF9/zb4Oth6c9GYf3VhNygqo6dQ8iaGlhlwY3ZCQx0wGI21x65xsfvEV+ttwq6hUhnjVHxhKyoiySqEluw0IY5OAWBYKFXYhcn/9k=';
/** Progressive JPEG 24×10 of noise: ten scans with DHT segments between them. */
const JPEG_NOISE_PROGRESSIVE_24x10 =
  '/9j/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgr/wgARCAAKABgDASIAAhEBAxEB/8QAGQAAAgMBAAAAAAAAAAAAAAAAAAcCBAUG/8QAFgEBAQEAAAAAAAAAAAAAAAAAAAEG/9oADAMBAAIQAxAAAAGFTVX0OA502D//xAAZEAACAwEAAAAAAAAAAAAAAAADBAEFBgL/2gAIAQEAAQUCaDcJOOQRcatreW9dlRDJnWXG+ntrEcYz/8QAIhEAAQMDAwUAAAAAAAAAAAAAAQIDEQAEEiEjQTFRcYHw/9oACAEDAQE/AW22xcu26EJ28gCRkYz89/pOVJv7a4dcAQtIB4ecTwOuBRPvWIE6V//EACMRAAECBQMFAAAAAAAAAAAAAAECMQADBBEhBhRBBRITMlH/2gAIAQIBAT8BqZa6ah3Ew96kKCWcHHJIw4uDkAvmNOaMR12g3KJqZYuoW8SFepIfDvbj7H//xAAlEAACAQMCBgMBAAAAAAAAAAABAgMEERIAIQUTIjFBURRScZL/2gAIAQEABj8CWQ19THLIOVT0HxQGjUyhMnuHfHBA3YextfU1XS1Q5c1Okyy00zPNIgToBJF9yxLNtfq8A3jdJkrJI5zNFIxY45KDY4Cw2sfIyYnsABFxKSMNUJw+nlSoI61d5pwzX73I2J8657VUheorGhnfM3kjYxZI3tT5Go3QWJ4dG5I+1+/70r/I9a//xAAeEAEAAgIBBQAAAAAAAAAAAAABABEhMWFBUYGx8f/aAAgBAQABPyHPyPJA7nfXiWEqdT6M3LIFZlmTWrWKVY8sOtYIulg0q+oxsABgRFazMjzDD1g/z5Uv0r0J/9oADAMBAAIAAwAAABDTL//EABgRAQEBAQEAAAAAAAAAAAAAAAERITEA/9oACAEDAQE/EBjEq3A6htDq4Ii3kiU5ZVViKsEIFBT/AP/EABgRAQEBAQEAAAAAAAAAAAAAAAERMQAh/9oACAECAQE/EJZV1XoiASggSBHEAhbhVUXkRhqVvf/EABgQAQEBAQEAAAAAAAAAAAAAAAERIQAx/9oACAEBAAE/EJObDGqd9/L4LpkM3nXtUFDbwG7j0VSNgsHEmpp9akBZFaREIBzvxtLNrYStnh4RBalgKTVAr1NfD//Z';
const GIF_270x9 = 'R0lGODlhDgEJAIAAAExpccgeKCH5BAUAAAAALAAAAAAOAQkAAAIyjI+py+0Po5y02ouz3rz7D4biSJbmiabqyrbuC8fyTNf2jef6zvf+DwwKh8Si8YhMTgoAOw==';
/** Lossy WebP ('VP8 ' chunk). */
const WEBP_VP8_290x11 =
  'UklGRlwAAABXRUJQVlA4IFAAAADQAwCdASoiAQsAPtFor1KoJiQioagBABoJaQDHqAT5w4cOHDhw4NAA/uns/rhbLMn//G8f5Lv7d9tfBb2a3XCPmBL8Q+JtbrhHzAl+IfEuAA==';
/** Lossless WebP ('VP8L' chunk). */
const WEBP_VP8L_280x13 = 'UklGRiQAAABXRUJQVlA4TBcAAAAvFwEDAAdQjyIXpf8BICH8f69F9D8tAgA=';
/** Lossy WebP with alpha ('VP8X' chunk, then ALPH and VP8). */
const WEBP_VP8X_700x300 =
  'UklGRnoCAABXRUJQVlA4WAoAAAAQAAAAuwIAKwEAQUxQSBkAAAABB1DAiAgISJL+/w8j+p/xn//85z//+T9JAFZQOCA6AgAAEDEAnQEqvAIsAT7RaLFTKCYkoqAIAQAaCWlu4XdhDIOAAJ7APfbJyHvtk5D32ych77ZOQ99so9FAuoB3370vHF94L/a+8yt9rd1vSH/ukPfi+hwgu0qBZLteLk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych77ZOQ99snIe+2TkPfbJyHvtk5D32ych70gA/v+ZG/+DdbczFf//G8f+3f/4FcDS3mF9FEX5OsIiuxZOsIiuxZOsIiuxZOsIiuxZOsIiuxZOsIiuxZOsIiuxZOsIiuxZOsIiuxZOsIiwY7OJjzJdEywOACzKEgr0CAO8KAiAEQliQgBNkxwAo600EAPyWJCAE2THACjrTQQA/JYkIATZMcAKOtNBAD8liQgBNkxwAo600EAPyWJCAE2THACjrTQQAAAA';

// ---- Helpers that build files by hand. ----

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: ArrayLike<number>[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const u32be = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const textOf = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

function pngChunk(type: string, data: ArrayLike<number>): Uint8Array {
  const body = concat(ascii(type), data);
  return concat(u32be(data.length), body, u32be(crc32(body)));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function ihdr(width: number, height: number, colorType = 2): Uint8Array {
  return pngChunk('IHDR', [...u32be(width), ...u32be(height), 8, colorType, 0, 0, 0]);
}

/** A complete PNG whose IHDR claims width×height but whose IDAT holds only a few bytes. */
function pngClaiming(width: number, height: number): Uint8Array {
  return concat(PNG_SIGNATURE, ihdr(width, height), pngChunk('IDAT', deflateSync(Buffer.alloc(16))), pngChunk('IEND', []));
}

/** A 24-bit BMP (BITMAPINFOHEADER); a negative height is a top-down bitmap. */
function bmp(width: number, height: number): Uint8Array {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const pixels = rowSize * Math.abs(height);
  const b = new Uint8Array(54 + pixels);
  const dv = new DataView(b.buffer);
  b.set(ascii('BM'));
  dv.setUint32(2, b.length, true); // file size
  dv.setUint32(10, 54, true); // pixel data offset
  dv.setUint32(14, 40, true); // info header size
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true);
  dv.setUint16(26, 1, true); // planes
  dv.setUint16(28, 24, true); // bits per pixel
  dv.setUint32(34, pixels, true);
  for (let i = 54; i < b.length; i++) b[i] = i & 0xff;
  return b;
}

describe('hand-built headers are well formed', () => {
  it('the CRC-32 and IHDR builder reproduce the IHDR chunk of the real 1×1 PNG byte for byte', () => {
    const real = b64(PNG_1x1);
    expect(Array.from(ihdr(1, 1, 6))).toEqual(Array.from(real.subarray(8, 33)));
  });
});

describe('sniffFormat', () => {
  it.each([
    ['png', PNG_1x1],
    ['jpeg', JPEG_EXIF_260x5],
    ['gif', GIF_270x9],
    ['webp', WEBP_VP8_290x11],
  ])('%s', (format, data) => {
    expect(sniffFormat(b64(data))).toBe(format);
  });

  it('bmp', () => expect(sniffFormat(bmp(2, 2))).toBe('bmp'));

  it('RIFF without WEBP is not WebP (a WAV file)', () => {
    expect(sniffFormat(concat(ascii('RIFF'), [0, 0, 0, 0], ascii('WAVEfmt ')))).toBeNull();
  });

  it('partial signatures are not enough', () => {
    expect(sniffFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(sniffFormat(Uint8Array.from([0xff, 0xd8]))).toBeNull();
    expect(sniffFormat(new Uint8Array())).toBeNull();
  });
});

describe('checkImageBytes: dimensions from the header', () => {
  it.each([
    ['PNG 1×1', PNG_1x1, 'png', 1, 1],
    ['PNG 300×7', PNG_300x7, 'png', 300, 7],
    ['JPEG with an Exif APP1 and DQT segments before SOF0', JPEG_EXIF_260x5, 'jpeg', 260, 5],
    ['progressive JPEG (SOF2)', JPEG_PROGRESSIVE_9x513, 'jpeg', 9, 513],
    ['baseline JPEG with stuffed bytes', JPEG_NOISE_24x10, 'jpeg', 24, 10],
    ['progressive JPEG with ten scans', JPEG_NOISE_PROGRESSIVE_24x10, 'jpeg', 24, 10],
    ['GIF', GIF_270x9, 'gif', 270, 9],
    ['WebP VP8', WEBP_VP8_290x11, 'webp', 290, 11],
    ['WebP VP8L', WEBP_VP8L_280x13, 'webp', 280, 13],
    ['WebP VP8X', WEBP_VP8X_700x300, 'webp', 700, 300],
  ])('%s', (_, data, format, width, height) => {
    expect(checkImageBytes(b64(data), 'x')).toEqual({ ok: true, format, width, height });
  });

  it('the fixtures exercise the intended header variants', () => {
    const exif = b64(JPEG_EXIF_260x5);
    expect([exif[2], exif[3]]).toEqual([0xff, 0xe1]); // APP1 right after SOI
    expect(textOf(exif, 6, 10)).toBe('Exif');
    expect(textOf(b64(WEBP_VP8_290x11), 12, 16)).toBe('VP8 ');
    expect(textOf(b64(WEBP_VP8L_280x13), 12, 16)).toBe('VP8L');
    expect(textOf(b64(WEBP_VP8X_700x300), 12, 16)).toBe('VP8X');
    const noise = b64(JPEG_NOISE_24x10);
    const sos = noise.findIndex((x, i) => x === 0xff && noise[i + 1] === 0xda);
    expect(noise.subarray(sos).some((x, i, a) => x === 0xff && a[i + 1] === 0x00)).toBe(true);
  });

  it('JPEG with a JFIF APP0, an Exif APP1 and a fill byte before a marker', () => {
    const exif = b64(JPEG_EXIF_260x5);
    const app0 = [0xff, 0xe0, 0x00, 0x10, ...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
    const file = concat([0xff, 0xd8], app0, [0xff], exif.subarray(2)); // 0xFF 0xFF 0xE1: a fill byte
    expect(checkImageBytes(file)).toEqual({ ok: true, format: 'jpeg', width: 260, height: 5 });
  });

  it('BMP, bottom-up and top-down (negative height)', () => {
    expect(checkImageBytes(bmp(3, 2))).toEqual({ ok: true, format: 'bmp', width: 3, height: 2 });
    expect(checkImageBytes(bmp(5, -4))).toEqual({ ok: true, format: 'bmp', width: 5, height: 4 });
  });

  it('reads a view into a larger buffer at its own offset', () => {
    const png = b64(PNG_300x7);
    const big = new Uint8Array(png.length + 100).fill(0xee);
    big.set(png, 37);
    expect(checkImageBytes(big.subarray(37, 37 + png.length))).toEqual({ ok: true, format: 'png', width: 300, height: 7 });
  });

  it('a header with a zero dimension has no pixels', () => {
    expect(checkImageBytes(pngClaiming(0, 5), 'flat.png')).toEqual({ ok: false, message: '"flat.png" has no pixels (0×5).' });
  });
});

describe('checkImageBytes: not an image, or an unsupported one', () => {
  it('a zero-byte file', () => {
    expect(checkImageBytes(new Uint8Array(), 'empty.png')).toEqual({ ok: false, message: '"empty.png" is empty (0 bytes).' });
  });

  it('a text file', () => {
    expect(checkImageBytes(ascii('hello, world\nthis is text\n'), 'notes.txt')).toEqual({
      ok: false,
      message: '"notes.txt" is not an image (PNG, JPEG, GIF, WebP or BMP).',
    });
  });

  it.each([
    ['SVG', 'logo.svg', ascii('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ['SVG', 'drawing', ascii('<?xml version="1.0"?><svg/>')],
    ['SVG', 'commented.SVG', ascii('<!-- made by hand --><svg/>')], // recognised by its name
    ['HEIC/HEIF', 'IMG_0001.heic', concat([0, 0, 0, 0x18], ascii('ftypheic'), [0, 0, 0, 0])],
    ['AVIF', 'photo.avif', concat([0, 0, 0, 0x1c], ascii('ftypavif'), [0, 0, 0, 0])],
    ['TIFF', 'scan.tif', concat(ascii('II*\0'), [8, 0, 0, 0, 0, 0, 0, 0])],
    ['TIFF', 'scan-be.tif', concat(ascii('MM\0*'), [0, 0, 0, 8, 0, 0, 0, 0])],
    ['PDF', 'paper.pdf', ascii('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')],
  ])('%s (%s) is named in the message', (kind, name, data) => {
    expect(checkImageBytes(data, name)).toEqual({
      ok: false,
      message: `"${name}" is a ${kind} file, which is not supported. Use PNG, JPEG, GIF, WebP or BMP.`,
    });
  });
});

describe('checkImageBytes: truncated or damaged files', () => {
  it('a PNG cut in the middle of its IDAT is truncated', () => {
    const png = b64(PNG_300x7);
    expect(checkImageBytes(png.subarray(0, 90), 'cut.png')).toEqual({ ok: false, message: '"cut.png" is truncated: the PNG data ends early.' });
  });

  it('a PNG cut inside IHDR has a damaged header', () => {
    expect(checkImageBytes(b64(PNG_1x1).subarray(0, 20), 'cut.png')).toEqual({
      ok: false,
      message: '"cut.png" looks like a PNG but its header is truncated or damaged.',
    });
  });

  it('a PNG whose first chunk is not IHDR is damaged', () => {
    const file = concat(PNG_SIGNATURE, pngChunk('IDAT', [1, 2, 3, 4, 5, 6, 7, 8, 9]), pngChunk('IEND', []));
    expect(checkImageBytes(file, 'odd.png')).toMatchObject({ ok: false, message: expect.stringMatching(/header is truncated or damaged/) });
  });

  it.each([
    ['Exif baseline', JPEG_EXIF_260x5],
    ['progressive', JPEG_PROGRESSIVE_9x513],
    ['noise baseline', JPEG_NOISE_24x10],
    ['noise progressive', JPEG_NOISE_PROGRESSIVE_24x10],
  ])('a JPEG (%s) without its EOI marker, or cut in the scan data, is truncated', (_, data) => {
    const jpeg = b64(data);
    expect([jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd9]);
    const message = '"cut.jpg" is truncated: the JPEG data ends early.';
    expect(checkImageBytes(jpeg.subarray(0, jpeg.length - 2), 'cut.jpg')).toEqual({ ok: false, message });
    expect(checkImageBytes(jpeg.subarray(0, jpeg.length - 40), 'cut.jpg')).toEqual({ ok: false, message });
  });

  it('a JPEG cut before its SOF has a damaged header', () => {
    expect(checkImageBytes(b64(JPEG_EXIF_260x5).subarray(0, 300), 'cut.jpg')).toEqual({
      ok: false,
      message: '"cut.jpg" looks like a JPEG but its header is truncated or damaged.',
    });
  });

  it('a JPEG whose segments do not chain is damaged', () => {
    const file = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde]);
    expect(checkImageBytes(file, 'bad.jpg')).toMatchObject({ ok: false, message: expect.stringMatching(/header is truncated or damaged/) });
  });

  it('bytes after a JPEG EOI are allowed: short padding, long padding, a motion photo video', () => {
    const jpeg = b64(JPEG_EXIF_260x5);
    const ok = { ok: true, format: 'jpeg', width: 260, height: 5 };
    expect(checkImageBytes(concat(jpeg, new Uint8Array(100)))).toEqual(ok);
    expect(checkImageBytes(concat(jpeg, new Uint8Array(4096)))).toEqual(ok);
    // Phones append an MP4 after the picture's EOI ("motion photos").
    const video = new Uint8Array(200_000);
    video.set([0, 0, 0, 0x18, ...ascii('ftypmp42')]);
    for (let i = 12; i < video.length; i++) video[i] = (i * 7919) & 0x7f;
    expect(checkImageBytes(concat(jpeg, video), 'PXL_MP.jpg')).toEqual(ok);
  });

  it('an EOI inside an Exif thumbnail does not make a cut JPEG complete', () => {
    const jpeg = b64(JPEG_EXIF_260x5);
    const thumbnail = [0xff, 0xd8, 0xff, 0xd9]; // an (empty) embedded JPEG inside an APP1 segment
    const app1 = [0xff, 0xe1, 0x00, 2 + 6 + thumbnail.length, ...ascii('Exif\0\0'), ...thumbnail];
    const cut = concat([0xff, 0xd8], app1, jpeg.subarray(2, jpeg.length - 20));
    expect(checkImageBytes(cut, 'cut.jpg')).toMatchObject({ ok: false, message: expect.stringMatching(/is truncated/) });
    const whole = concat([0xff, 0xd8], app1, jpeg.subarray(2));
    expect(checkImageBytes(whole)).toEqual({ ok: true, format: 'jpeg', width: 260, height: 5 });
  });

  it('restart markers in the scan data belong to the scan', () => {
    const sof0 = [0xff, 0xc0, 0x00, 0x0b, 8, 0x00, 0x02, 0x00, 0x03, 1, 1, 0x11, 0];
    const sos = [0xff, 0xda, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0];
    const scan = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd1, 0x78];
    const file = concat([0xff, 0xd8], sof0, sos, scan, [0xff, 0xd9]);
    expect(checkImageBytes(file)).toEqual({ ok: true, format: 'jpeg', width: 3, height: 2 });
    expect(checkImageBytes(file.subarray(0, file.length - 2))).toMatchObject({ ok: false, message: expect.stringMatching(/is truncated/) });
  });
});

describe('checkImageBytes: limits', () => {
  it('a PNG claiming 30000×30000 is refused from its header, without decoding', () => {
    const bomb = pngClaiming(30000, 30000);
    expect(bomb.length).toBeLessThan(200); // far too little data for 900 MP: nothing was decoded
    expect(checkImageBytes(bomb, 'bomb.png')).toEqual({
      ok: false,
      message: '"bomb.png" is 30000×30000 pixels (900.0 MP); the limit is 40 MP.',
    });
  });

  it('the pixel limit is 40 MP, inclusive', () => {
    expect(MAX_PIXELS).toBe(40_000_000);
    // 8000 × 5000 = 40 000 000 exactly; 8001 × 5000 = 40 005 000.
    expect(checkImageBytes(pngClaiming(8000, 5000))).toEqual({ ok: true, format: 'png', width: 8000, height: 5000 });
    expect(checkImageBytes(pngClaiming(8001, 5000), 'big.png')).toEqual({
      ok: false,
      message: '"big.png" is 8001×5000 pixels (40.1 MP); the limit is 40 MP.',
    });
  });

  it('honours a custom pixel limit', () => {
    expect(checkImageBytes(b64(PNG_300x7), 'x.png', 2000)).toMatchObject({ ok: false, message: expect.stringMatching(/300×7 pixels/) });
    expect(checkImageBytes(b64(PNG_300x7), 'x.png', 2100)).toMatchObject({ ok: true });
  });

  it('bombs in other formats are refused too', () => {
    const gif = b64(GIF_270x9);
    gif.set([0xff, 0xff, 0xff, 0xff], 6); // logical screen 65535×65535
    expect(checkImageBytes(gif, 'bomb.gif')).toMatchObject({ ok: false, message: expect.stringMatching(/65535×65535 pixels/) });
    const jpeg = b64(JPEG_EXIF_260x5);
    jpeg.set([0xfd, 0xe8, 0xfd, 0xe8], 375); // SOF0 at 370: height and width 65000
    expect(checkImageBytes(jpeg, 'bomb.jpg')).toMatchObject({ ok: false, message: expect.stringMatching(/65000×65000 pixels/) });
    expect(checkImageBytes(bmp(1, -1).fill(0x7f, 18, 26), 'bomb.bmp')).toMatchObject({ ok: false, message: expect.stringMatching(/pixels/) });
  });

  it('files over 50 MB are refused before anything else is read', () => {
    expect(MAX_BYTES).toBe(50 * 1024 * 1024);
    const big = new Uint8Array(MAX_BYTES + 1);
    big.set(b64(PNG_1x1));
    expect(checkImageBytes(big, 'huge.png')).toEqual({ ok: false, message: '"huge.png" is 50.1 MB; the limit is 50 MB.' });
    const text = new Uint8Array(60 * 1024 * 1024).fill(0x61);
    expect(checkImageBytes(text, 'huge.txt')).toEqual({ ok: false, message: '"huge.txt" is 60.0 MB; the limit is 50 MB.' });
  });

  it('a file of exactly 50 MB passes the size check', () => {
    const png = b64(PNG_1x1);
    const file = new Uint8Array(MAX_BYTES);
    file.set(png.subarray(0, png.length - 12)); // everything up to the IEND chunk
    file.set(png.subarray(png.length - 12), MAX_BYTES - 12); // IEND at the very end
    expect(checkImageBytes(file)).toEqual({ ok: true, format: 'png', width: 1, height: 1 });
  });
});
