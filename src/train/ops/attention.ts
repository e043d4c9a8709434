/**
 * Causal grouped-query attention: query head h reads key/value head h / (H / KV). T queries
 * follow P cached positions; query t sees keys 0 ..= P + t. scale = 1 / sqrt(hd).
 *   s = scale · q·k,  p = softmax(s),  out = Σ p · v,  lse = log Σ exp(s)   (saved)
 * Backward (P = 0), recomputing p from lse as flash-attention does:
 *   dp = dout·v,  D = dout·out,  ds = p · (dp − D)
 *   dq = scale · Σ_j ds·k     dk = scale · Σ_{h,t} ds·q     dv = Σ_{h,t} p · dout
 * Layouts: q/out [T, H·hd]; k/v [*, KV·hd]; lse [H, T]; scratch [H, T, P+T].
 * The WGSL kernels are in attention-wgsl.ts.
 */
import type { Arr } from './matmul.ts';

export function attentionCpu(out: Arr, lse: Arr, q: Arr, k: Arr, v: Arr, T: number, P: number, H: number, KV: number, hd: number): void {
  const g = H / KV;
  const scale = 1 / Math.sqrt(hd);
  const s = new Float64Array(P + T);
  for (let h = 0; h < H; h++) {
    const kvh = Math.floor(h / g);
    for (let t = 0; t < T; t++) {
      const qo = t * H * hd + h * hd;
      const n = P + t + 1;
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        const ko = j * KV * hd + kvh * hd;
        let dot = 0;
        for (let d = 0; d < hd; d++) dot += q[qo + d] * k[ko + d];
        s[j] = dot * scale;
        if (s[j] > max) max = s[j];
      }
      let sum = 0;
      for (let j = 0; j < n; j++) sum += s[j] = Math.exp(s[j] - max);
      lse[h * T + t] = max + Math.log(sum);
      for (let d = 0; d < hd; d++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += s[j] * v[j * KV * hd + kvh * hd + d];
        out[qo + d] = acc / sum;
      }
    }
  }
}

export function attentionBackwardCpu(
  dq: Arr, dk: Arr, dv: Arr, dout: Arr, out: Arr, lse: Arr, q: Arr, k: Arr, v: Arr,
  T: number, H: number, KV: number, hd: number,
): void {
  const g = H / KV;
  const scale = 1 / Math.sqrt(hd);
  dk.fill(0, 0, T * KV * hd);
  dv.fill(0, 0, T * KV * hd);
  for (let h = 0; h < H; h++) {
    const kvh = Math.floor(h / g);
    for (let t = 0; t < T; t++) {
      const qo = t * H * hd + h * hd;
      let D = 0;
      for (let d = 0; d < hd; d++) D += dout[qo + d] * out[qo + d];
      for (let d = 0; d < hd; d++) dq[qo + d] = 0;
      for (let j = 0; j <= t; j++) {
        const ko = j * KV * hd + kvh * hd;
        let dot = 0;
        let dp = 0;
        for (let d = 0; d < hd; d++) {
          dot += q[qo + d] * k[ko + d];
          dp += dout[qo + d] * v[ko + d];
        }
        const p = Math.exp(dot * scale - lse[h * T + t]);
        const ds = p * (dp - D);
        for (let d = 0; d < hd; d++) {
          dq[qo + d] += scale * ds * k[ko + d];
          dk[ko + d] += scale * ds * q[qo + d];
          dv[ko + d] += p * dout[qo + d];
        }
      }
    }
  }
}
