/**
 * safetensors (https://github.com/huggingface/safetensors/blob/main/README.md#format):
 * u64 little-endian header size N, N bytes of JSON {name: {dtype, shape, data_offsets}, …,
 * "__metadata__"?}, then the raw little-endian tensor bytes. Reads F32, F16 and BF16 (and F64)
 * into Float32Array; writes F32. The header can be parsed from a prefix of the file alone, so
 * that only wanted tensors need to be fetched (HTTP range requests, see hub-weights.ts).
 * A small parser of our own: no maintained npm package reads tensor data in all three dtypes.
 */

export type StDtype = 'F64' | 'F32' | 'F16' | 'BF16';

export interface TensorInfo {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsHeader {
  tensors: Record<string, TensorInfo>;
  metadata: Record<string, string>;
  /** byte offset of the data section in the file (8 + N) */
  dataStart: number;
}

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** N, from the first 8 bytes. */
export function headerLength(first8: Uint8Array): number {
  if (first8.length < 8) throw new Error('safetensors: fewer than 8 bytes');
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > 100_000_000n) throw new Error(`safetensors: header size ${n} is not plausible`);
  return Number(n);
}

/** The header, from any prefix of the file that contains it. */
export function parseHeader(bytes: Uint8Array): SafetensorsHeader {
  const n = headerLength(bytes);
  if (bytes.length < 8 + n) throw new Error(`safetensors: header needs ${8 + n} bytes, got ${bytes.length}`);
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const { __metadata__: metadata = {}, ...tensors } = json;
  return { tensors, metadata, dataStart: 8 + n };
}

let f16Table: Float32Array | null = null;
function f16Lut(): Float32Array {
  if (f16Table) return f16Table;
  f16Table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    f16Table[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return f16Table;
}

/** Decodes one tensor's raw little-endian bytes to float32. */
export function decodeTensor(dtype: string, raw: Uint8Array): Float32Array {
  const aligned = (k: number) => (raw.byteOffset % k === 0 ? raw : raw.slice());
  switch (dtype) {
    case 'F32': {
      const r = aligned(4);
      return new Float32Array(r.buffer, r.byteOffset, r.byteLength / 4).slice();
    }
    case 'F64': {
      const r = aligned(8);
      return Float32Array.from(new Float64Array(r.buffer, r.byteOffset, r.byteLength / 8));
    }
    case 'F16': {
      const r = aligned(2);
      const h = new Uint16Array(r.buffer, r.byteOffset, r.byteLength / 2);
      const lut = f16Lut();
      const out = new Float32Array(h.length);
      for (let i = 0; i < h.length; i++) out[i] = lut[h[i]];
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const r = aligned(2);
      const h = new Uint16Array(r.buffer, r.byteOffset, r.byteLength / 2);
      const bits = new Uint32Array(h.length);
      for (let i = 0; i < h.length; i++) bits[i] = h[i] << 16;
      return new Float32Array(bits.buffer);
    }
    default:
      throw new Error(`safetensors: dtype ${dtype} is not supported (F32, F16, BF16, F64 are)`);
  }
}

/** Every tensor (or those `want` accepts) of a whole file, as float32. */
export function readSafetensors(file: Uint8Array, want: (name: string) => boolean = () => true): Map<string, HostTensor> {
  const h = parseHeader(file);
  const out = new Map<string, HostTensor>();
  for (const [name, info] of Object.entries(h.tensors)) {
    if (!want(name)) continue;
    const [b, e] = info.data_offsets;
    out.set(name, { shape: info.shape, data: decodeTensor(info.dtype, file.subarray(h.dataStart + b, h.dataStart + e)) });
  }
  return out;
}

/** A float32 safetensors file; names sorted (as the Python library writes them). */
export function writeSafetensors(tensors: Map<string, HostTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`safetensors: ${name} has ${t.data.length} values for shape [${t.shape}]`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const hb = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20); // padded with spaces
  hb.set(json);
  const out = new Uint8Array(8 + hb.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let pos = 8 + hb.length;
  for (const name of names) {
    const d = tensors.get(name)!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}
