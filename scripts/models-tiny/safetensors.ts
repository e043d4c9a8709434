// safetensors (https://github.com/huggingface/safetensors) writer and reader, float32 only.
//
// Layout: u64 little-endian header length N, then N bytes of JSON
// {"__metadata__": {...}, "<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...},
// padded with spaces to a multiple of 8, then the raw little-endian tensor bytes. Keys are
// written in sorted order (as the Python library does), so the file is deterministic.

export interface F32Tensor {
  shape: number[];
  data: Float32Array;
}

export function writeSafetensors(tensors: Map<string, F32Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);

  const out = new Uint8Array(8 + headerBytes.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    for (const value of tensors.get(name)!.data) {
      dv.setFloat32(pos, value, true);
      pos += 4;
    }
  }
  return out;
}

export function readSafetensors(file: Uint8Array): Map<string, F32Tensor> {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
  const dataStart = 8 + headerLength;
  const out = new Map<string, F32Tensor>();
  for (const [name, info] of Object.entries(header) as [string, any][]) {
    if (name === '__metadata__') continue;
    if (info.dtype !== 'F32') throw new Error(`${name}: dtype ${info.dtype} not supported`);
    const [begin, end] = info.data_offsets as [number, number];
    const data = new Float32Array((end - begin) / 4);
    for (let i = 0; i < data.length; i++) data[i] = dv.getFloat32(dataStart + begin + i * 4, true);
    out.set(name, { shape: info.shape, data });
  }
  return out;
}
