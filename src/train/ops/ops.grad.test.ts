/**
 * Every backward pass (CPU twins in float64) against central finite differences of its
 * forward pass, through the scalar L = Σ w · out (so dL/dout = w).
 */
import { describe, expect, it } from 'vitest';
import type { Backend, Tensor } from '../backend.ts';
import { CpuBackend, CpuTensor } from '../cpu-backend.ts';
import { linearBackward, linearForward, type LoraModule } from '../linear.ts';
import { AdamW, clipScale } from '../optim.ts';
import { expectClose, numericGrad, rand, weightedSum } from '../test-helpers.ts';
import { matmulCpu } from './matmul.ts';
import { ropeTable } from './rope.ts';

const be: Backend = new CpuBackend(Float64Array);
const data = (t: Tensor) => (t as CpuTensor).data as Float64Array;
const t = (d: ArrayLike<number>, label = 'x') => be.tensor(d.length, label, d);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => expectClose(a, b, 1e-7, 1e-6, what);

describe('backward passes against finite differences (float64)', () => {
  it('matmul: every transpose combination equals the naive definition', () => {
    const [M, N, K] = [5, 7, 6];
    const a = rand(M * K, 1);
    const b = rand(K * N, 2);
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const c = new Float64Array(M * N);
        matmulCpu(c, a, b, { M, N, K, transA, transB });
        const ref = new Float64Array(M * N);
        for (let m = 0; m < M; m++)
          for (let n = 0; n < N; n++)
            for (let k = 0; k < K; k++) ref[m * N + n] += a[transA ? k * M + m : m * K + k] * b[transB ? n * K + k : k * N + n];
        close(c, ref, `matmul ${transA} ${transB}`);
      }
  });

  it('linear + LoRA (dropout on): dx, dA and dB', () => {
    const [T, inF, outF, r] = [4, 6, 5, 3];
    const x = t(rand(T * inF, 3));
    const W = t(rand(outF * inF, 4));
    const m: LoraModule = { name: 'm', rank: r, inF, outF, scale: 1.5, A: t(rand(r * inF, 5)), B: t(rand(outF * r, 6)), dA: t(new Float64Array(r * inF)), dB: t(new Float64Array(outF * r)) };
    const saved = { h: be.tensor(T * r, 'h'), xd: be.tensor(T * inF, 'xd') };
    const dropout = { p: 0.3, seed: 5 };
    const w = rand(T * outF, 7);
    const y = be.tensor(T * outF, 'y');
    const loss = () => {
      linearForward(be, y, x, W, T, inF, outF, { lora: { m, saved, dropout } });
      return weightedSum(data(y), w);
    };
    loss();
    const dx = be.tensor(T * inF, 'dx');
    linearBackward(be, dx, t(w), x, W, T, inF, outF, false, { m, saved, dropout, scratch: { dh: be.tensor(T * r, 'dh'), dxd: be.tensor(T * inF, 'dxd') } });
    close(data(dx), numericGrad(data(x), loss), 'dx');
    close(data(m.dA), numericGrad(data(m.A), loss), 'dA');
    close(data(m.dB), numericGrad(data(m.B), loss), 'dB');
  });

  it('embedding: scatter-add is the gradient of the lookup', () => {
    const [V, C, T] = [6, 3, 5];
    const table = t(rand(V * C, 8));
    const ids = be.ints([2, 0, 2, 5, 2], 'ids');
    const w = rand(T * C, 9);
    const out = be.tensor(T * C, 'out');
    const loss = () => (be.embedding(out, ids, table, T, C), weightedSum(data(out), w));
    const dtable = t(new Float64Array(V * C));
    be.embeddingBackward(dtable, ids, t(w), T, C);
    close(data(dtable), numericGrad(data(table), loss), 'dtable');
  });

  it('RMSNorm: dx and dw', () => {
    const [N, C] = [3, 8];
    const x = t(rand(N * C, 10, 2));
    const wt = t(rand(C, 11));
    const w = rand(N * C, 12);
    const out = be.tensor(N * C, 'out');
    const rstd = be.tensor(N, 'rstd');
    const loss = () => (be.rmsnorm(out, rstd, x, wt, N, C, 1e-5), weightedSum(data(out), w));
    loss();
    const dx = be.tensor(N * C, 'dx');
    const dw = t(new Float64Array(C));
    be.rmsnormBackward(dx, dw, t(w), x, wt, rstd, N, C, false);
    close(data(dx), numericGrad(data(x), loss), 'dx');
    close(data(dw), numericGrad(data(wt), loss), 'dw');
  });

  it('RoPE: the inverse rotation is the gradient', () => {
    const [T, heads, hd] = [4, 2, 8];
    const cs = t(ropeTable(16, hd, 100000));
    const x0 = rand(T * heads * hd, 13);
    const x = t(x0);
    const w = rand(T * heads * hd, 14);
    const y = be.tensor(x0.length, 'y');
    const loss = () => (be.copy(y, x, x0.length), be.rope(y, cs, 0, T, heads, hd, 3, false), weightedSum(data(y), w));
    const dx = t(w);
    be.rope(dx, cs, 0, T, heads, hd, 3, true);
    close(data(dx), numericGrad(data(x), loss), 'dx');
  });

  it('causal GQA attention: dq, dk, dv', () => {
    const [T, H, KV, hd] = [5, 4, 2, 3];
    const q = t(rand(T * H * hd, 15));
    const k = t(rand(T * KV * hd, 16));
    const v = t(rand(T * KV * hd, 17));
    const w = rand(T * H * hd, 18);
    const out = be.tensor(T * H * hd, 'out');
    const lse = be.tensor(H * T, 'lse');
    const none = be.tensor(1, 'unused');
    const loss = () => (be.attention(out, lse, q, k, v, T, 0, H, KV, hd, none), weightedSum(data(out), w));
    loss();
    const [dq, dk, dv] = [be.tensor(T * H * hd, 'dq'), be.tensor(T * KV * hd, 'dk'), be.tensor(T * KV * hd, 'dv')];
    be.attentionBackward(dq, dk, dv, t(w), out, lse, q, k, v, T, H, KV, hd, none, none);
    close(data(dq), numericGrad(data(q), loss), 'dq');
    close(data(dk), numericGrad(data(k), loss), 'dk');
    close(data(dv), numericGrad(data(v), loss), 'dv');
  });

  it('SwiGLU: dgate and dup', () => {
    const gate = t(rand(20, 19, 4));
    const up = t(rand(20, 20));
    const w = rand(20, 21);
    const out = be.tensor(20, 'out');
    const loss = () => (be.swiglu(out, gate, up, 20), weightedSum(data(out), w));
    const [dg, du] = [be.tensor(20, 'dg'), be.tensor(20, 'du')];
    be.swigluBackward(dg, du, t(w), gate, up, 20);
    close(data(dg), numericGrad(data(gate), loss), 'dgate');
    close(data(du), numericGrad(data(up), loss), 'dup');
  });

  it('masked cross-entropy: the fused gradient, zero on masked rows', () => {
    const [T, V] = [4, 9];
    const logits = t(rand(T * V, 22, 3));
    const targets = be.ints([4, -1, 0, 8], 'targets');
    const losses = be.tensor(T, 'losses');
    const scratch = be.tensor(T * V, 'scratch');
    const loss = () => (be.copy(scratch, logits, T * V), be.crossEntropy(losses, scratch, targets, T, V, 1, false), 0.25 * data(losses).reduce((a, b) => a + b));
    const num = numericGrad(data(logits), loss);
    be.crossEntropy(losses, logits, targets, T, V, 0.25, true);
    close(data(logits), num, 'dlogits');
    expect(Array.from(data(logits).subarray(V, 2 * V))).toEqual(new Array(V).fill(0));
  });

  it('AdamW: the first step is −lr·sign(g) after decoupled decay; clipping scales the gradient', async () => {
    const p0 = rand(10, 23);
    const g0 = rand(10, 24);
    const p = t(p0);
    const g = t(g0);
    const opt = new AdamW(be, [{ name: 'p', p, g, size: 10 }], { beta1: 0.9, beta2: 0.999, eps: 1e-12, weightDecay: 0.1 });
    const norm = await opt.gradNorm();
    expect(norm).toBeCloseTo(Math.hypot(...g0), 12);
    const scale = clipScale(norm, 0.5);
    expect(scale).toBeCloseTo(0.5 / (norm + 1e-6), 12);
    expect(clipScale(0.1, 1)).toBe(1);
    opt.step(0.01, 1, scale);
    close(data(p), Array.from(p0, (x, i) => x * (1 - 0.01 * 0.1) - 0.01 * Math.sign(g0[i])), 'p after one step');
  });
});
