/** safetensors: F32/F16/BF16 decoding, header from a prefix, writer round trip, the tiny model. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTensor, headerLength, parseHeader, readSafetensors, writeSafetensors } from './safetensors.ts';

/** A file with one tensor per dtype, written by hand (not by our writer). */
function handMade(): Uint8Array {
  const f32 = new Float32Array([1.5, -2, 3.25]);
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x7c00]); // 1, -2, 0.333251953125, +inf
  const bf16 = new Uint16Array([0x3f80, 0xc040, 0x4049]); // 1, -3, 3.140625
  const body = [new Uint8Array(f32.buffer), new Uint8Array(f16.buffer), new Uint8Array(bf16.buffer)];
  const header = JSON.stringify({
    __metadata__: { format: 'pt' },
    a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] },
    b: { dtype: 'F16', shape: [2, 2], data_offsets: [12, 20] },
    c: { dtype: 'BF16', shape: [3], data_offsets: [20, 26] },
  });
  const hb = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + hb.length + 26);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let o = 8 + hb.length;
  for (const b of body) (out.set(b, o), (o += b.length));
  return out;
}

describe('safetensors', () => {
  it('reads F32, F16 and BF16 as float32', () => {
    const t = readSafetensors(handMade());
    expect(Array.from(t.get('a')!.data)).toEqual([1.5, -2, 3.25]);
    expect(Array.from(t.get('b')!.data)).toEqual([1, -2, 0.333251953125, Infinity]);
    expect(t.get('b')!.shape).toEqual([2, 2]);
    expect(Array.from(t.get('c')!.data)).toEqual([1, -3, 3.140625]);
    expect(() => decodeTensor('I8', new Uint8Array(4))).toThrow(/not supported/);
  });

  it('parses the header from a prefix of the file (for HTTP range requests)', () => {
    const file = handMade();
    const n = headerLength(file.subarray(0, 8));
    const h = parseHeader(file.subarray(0, 8 + n));
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(Object.keys(h.tensors)).toEqual(['a', 'b', 'c']);
    expect(h.dataStart).toBe(8 + n);
    expect(() => parseHeader(file.subarray(0, 10))).toThrow(/header needs/);
  });

  it('writes files it reads back, with an 8-byte aligned data section', () => {
    const bytes = writeSafetensors(new Map([['x.weight', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]]), { format: 'pt' });
    expect(parseHeader(bytes).dataStart % 8).toBe(0);
    expect(Array.from(readSafetensors(bytes).get('x.weight')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads the tiny model’s language-model tensors', () => {
    const file = new Uint8Array(readFileSync(path.resolve(import.meta.dirname, '../../models/tiny-random-smolvlm/model.safetensors')));
    const t = readSafetensors(file, (n) => n.startsWith('model.text_model.') || n === 'lm_head.weight');
    expect(t.get('model.text_model.embed_tokens.weight')!.shape).toEqual([640, 64]);
    expect(t.get('lm_head.weight')!.shape).toEqual([640, 64]);
    expect([...t.keys()].some((n) => n.includes('vision'))).toBe(false);
  });
});
