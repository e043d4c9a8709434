/**
 * Every WGSL kernel against its CPU twin (fp32, tight tolerance), on WebGPU in Node (Dawn; on
 * machines without a GPU, Chromium's SwiftShader). Shapes are tiny and deliberately not
 * multiples of the tile sizes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testGpu } from '../../gpu/test-gpu.ts';
import type { Backend, Tensor } from '../backend.ts';
import { CpuBackend } from '../cpu-backend.ts';
import { GpuBackend } from '../gpu-backend.ts';
import { linearBackward, linearForward, type LoraModule } from '../linear.ts';
import { expectClose, rand } from '../test-helpers.ts';
import { ropeTable } from './rope.ts';

let gpu: GpuBackend;
let tiled: GpuBackend;
const cpu = new CpuBackend(Float32Array);

beforeAll(async () => {
  const ctx = await testGpu();
  gpu = new GpuBackend(ctx); // the kernel set chosen for this adapter
  tiled = new GpuBackend(ctx, 'tiled'); // the real-GPU set, whatever the adapter
});

/** Runs `build` on both backends and compares every tensor it returns. */
async function compare(what: string, build: (be: Backend) => Tensor[], atol = 2e-6, rtol = 2e-5): Promise<void> {
  const c = build(cpu);
  for (const be of new Set([gpu, tiled])) {
    const g = build(be);
    for (let i = 0; i < g.length; i++) expectClose(await be.read(g[i]), await cpu.read(c[i]), atol, rtol, `${what} (${be.kernels}) output ${i} (${g[i].label})`);
  }
}

const t = (be: Backend, data: ArrayLike<number>, label = 'x') => be.tensor(data.length, label, data);

describe('WGSL kernels match their CPU twins', () => {
  for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
    it(`matmul transA=${transA} transB=${transB}, alpha/beta and offsets`, async () => {
      const [M, N, K] = [37, 70, 45];
      await compare('matmul', (be) => {
        const a = t(be, rand(M * K + 3, 1), 'a');
        const b = t(be, rand(N * K + 5, 2), 'b');
        const c = t(be, rand(M * N, 3), 'c');
        be.matmul(c, a, b, { M, N, K, transA, transB, alpha: 0.5, beta: 1, offA: 3, offB: 5 });
        const d = t(be, rand(M * N + 7, 4), 'd');
        be.matmul(d, a, b, { M, N, K, transA, transB, offA: 3, offB: 5, offC: 7 });
        return [c, d];
      });
    });
  }

  it('matmul and embedding lookup with float16 storage (frozen weights), odd offsets', async () => {
    const [M, N, K] = [9, 37, 21];
    await compare('f16', (be) => {
      const x = t(be, rand(M * K, 40), 'x');
      const w = be.halves(rand(N * K + 1, 41), 'w16');
      const y = be.tensor(M * N, 'y');
      be.matmul(y, x, w, { M, N, K, transB: true, offB: 1 });
      const dy = t(be, rand(M * N, 42), 'dy');
      const dx = be.tensor(M * K, 'dx');
      be.matmul(dx, dy, w, { M, N: K, K: N, offB: 1 });
      const out = be.tensor(3 * K, 'rows');
      be.embedding(out, be.ints([4, 0, 7], 'ids'), w, 3, K);
      return [y, dx, out];
    });
  });

  it('fill, copy, axpy and seeded dropout (identical masks)', async () => {
    await compare('elementwise', (be) => {
      const x = t(be, rand(1000, 5));
      const y = t(be, rand(1000, 6));
      be.axpy(y, x, 1000, -0.25);
      const z = be.tensor(1000, 'z');
      be.fill(z, 2.5);
      be.copy(z, x, 100, 10, 500);
      const d = be.tensor(1000, 'drop');
      be.dropout(d, x, 1000, 0.3, 1234);
      be.dropout(y, x, 1000, 0.3, 99, true);
      return [y, z, d];
    }, 1e-7, 1e-6); // one rounding apart at most (fused multiply-add); masks identical
    const d = cpu.tensor(10000, 'drop');
    cpu.dropout(d, t(cpu, new Float64Array(10000).fill(1)), 10000, 0.3, 7);
    const kept = (await cpu.read(d)).filter((v) => v !== 0).length / 10000;
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.02);
  });

  it('embedding lookup, scatter-add backward (repeated ids) and image-row scatter', async () => {
    const [V, C, T] = [11, 7, 9];
    const ids = [3, 0, 10, 3, 3, 7, 1, 0, 5];
    await compare('embedding', (be) => {
      const table = t(be, rand(V * C, 7), 'table');
      const idT = be.ints(ids, 'ids');
      const out = be.tensor(T * C, 'out');
      be.embedding(out, idT, table, T, C);
      be.scatterRows(out, t(be, rand(2 * C, 8), 'rows'), be.ints([2, 6], 'pos'), 2, C);
      const dtable = t(be, rand(V * C, 9), 'dtable');
      be.embeddingBackward(dtable, idT, t(be, rand(T * C, 10), 'dout'), T, C);
      return [out, dtable];
    });
  });

  it('RMSNorm forward and backward (dx accumulated, dw)', async () => {
    const [N, C] = [5, 300];
    await compare('rmsnorm', (be) => {
      const x = t(be, rand(N * C, 11, 2), 'x');
      const w = t(be, rand(C, 12), 'w');
      const out = be.tensor(N * C, 'out');
      const rstd = be.tensor(N, 'rstd');
      be.rmsnorm(out, rstd, x, w, N, C, 1e-5);
      const dx = t(be, rand(N * C, 13), 'dx');
      const dw = t(be, rand(C, 14), 'dw');
      be.rmsnormBackward(dx, dw, t(be, rand(N * C, 15), 'dout'), x, w, rstd, N, C, true);
      return [out, rstd, dx, dw];
    }, 1e-5, 1e-5);
  });

  it('RoPE forward and inverse, at an offset into a cache', async () => {
    await compare('rope', (be) => {
      const x = t(be, rand(12 * 2 * 16, 16), 'x');
      be.rope(x, t(be, ropeTable(64, 16, 100000), 'cs'), 3, 6, 2, 16, 40, false);
      const y = t(be, rand(5 * 4 * 8, 17), 'y');
      be.rope(y, t(be, ropeTable(8, 8, 10000), 'cs'), 0, 5, 4, 8, 0, true);
      return [x, y];
    }, 2e-6, 1e-5);
  });

  it('causal GQA attention forward, from scratch and after cached positions', async () => {
    const [H, KV, hd] = [4, 2, 8];
    for (const [T, P] of [[7, 0], [3, 5]]) {
      await compare(`attention T=${T} P=${P}`, (be) => {
        const q = t(be, rand(T * H * hd, 18), 'q');
        const k = t(be, rand((P + T + 2) * KV * hd, 19), 'k');
        const v = t(be, rand((P + T + 2) * KV * hd, 20), 'v');
        const out = be.tensor(T * H * hd, 'out');
        const lse = be.tensor(H * T, 'lse');
        be.attention(out, lse, q, k, v, T, P, H, KV, hd, be.tensor(H * T * (P + T), 'scratch'));
        return [out, lse];
      });
    }
  });

  it('causal GQA attention backward', async () => {
    const [T, H, KV, hd] = [6, 4, 2, 8];
    await compare('attention backward', (be) => {
      const q = t(be, rand(T * H * hd, 21), 'q');
      const k = t(be, rand(T * KV * hd, 22), 'k');
      const v = t(be, rand(T * KV * hd, 23), 'v');
      const out = be.tensor(T * H * hd, 'out');
      const lse = be.tensor(H * T, 'lse');
      be.attention(out, lse, q, k, v, T, 0, H, KV, hd, be.tensor(H * T * T, 's'));
      const [dq, dk, dv] = [be.tensor(T * H * hd, 'dq'), be.tensor(T * KV * hd, 'dk'), be.tensor(T * KV * hd, 'dv')];
      be.attentionBackward(dq, dk, dv, t(be, rand(T * H * hd, 24), 'dout'), out, lse, q, k, v, T, H, KV, hd, be.tensor(H * T * T, 'sp'), be.tensor(H * T * T, 'sds'));
      return [dq, dk, dv];
    });
  });

  it('SwiGLU forward and backward', async () => {
    await compare('swiglu', (be) => {
      const gate = t(be, rand(500, 25, 6), 'gate');
      const up = t(be, rand(500, 26), 'up');
      const out = be.tensor(500, 'out');
      be.swiglu(out, gate, up, 500);
      const [dg, du] = [be.tensor(500, 'dgate'), be.tensor(500, 'dup')];
      be.swigluBackward(dg, du, t(be, rand(500, 27), 'dout'), gate, up, 500);
      return [out, dg, du];
    });
  });

  it('masked softmax cross-entropy with its fused gradient', async () => {
    const [T, V] = [5, 640];
    await compare('cross-entropy', (be) => {
      const logits = t(be, rand(T * V, 28, 8), 'logits');
      const losses = be.tensor(T, 'losses');
      be.crossEntropy(losses, logits, be.ints([-1, 3, 639, -1, 0], 'targets'), T, V, 0.5, true);
      return [losses, logits];
    }, 1e-5, 1e-5);
  });

  it('AdamW step and sum of squares', async () => {
    await compare('adamw', (be) => {
      const p = t(be, rand(300, 29), 'p');
      const [m, v] = [t(be, rand(300, 30, 0.1), 'm'), t(be, rand(300, 31, 0.01).map(Math.abs), 'v')];
      const g = t(be, rand(300, 32), 'g');
      be.adamw(p, g, m, v, 300, { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 3, gradScale: 0.7 });
      const sums = be.tensor(2, 'sums');
      be.sumSquares(sums, 1, g, 300);
      be.sumSquares(sums, 0, p, 300);
      return [p, m, v, sums];
    }, 1e-6, 1e-5);
  });

  it('LoRA linear forward and backward with dropout', async () => {
    const [T, inF, outF, r] = [9, 20, 12, 4];
    await compare('lora', (be) => {
      const m: LoraModule = {
        name: 'm', rank: r, inF, outF, scale: 2,
        A: t(be, rand(r * inF, 33), 'A'), B: t(be, rand(outF * r, 34), 'B'),
        dA: t(be, new Float32Array(r * inF), 'dA'), dB: t(be, new Float32Array(outF * r), 'dB'),
      };
      const x = t(be, rand(T * inF, 35), 'x');
      const W = t(be, rand(outF * inF, 36), 'W');
      const y = be.tensor(T * outF, 'y');
      const saved = { h: be.tensor(T * r, 'h'), xd: be.tensor(T * inF, 'xd') };
      const dropout = { p: 0.25, seed: 77 };
      linearForward(be, y, x, W, T, inF, outF, { lora: { m, saved, dropout } });
      const dx = be.tensor(T * inF, 'dx');
      const scratch = { dh: be.tensor(T * r, 'dh'), dxd: be.tensor(T * inF, 'dxd') };
      linearBackward(be, dx, t(be, rand(T * outF, 37), 'dy'), x, W, T, inF, outF, false, { m, saved, dropout, scratch });
      return [y, dx, m.dA, m.dB];
    });
  });
});
