/**
 * WGSL kernels of attention.ts (same notation). Forward: scores → softmax (+lse) → p·v.
 * Backward: p and ds for every (h, t, j) → dq (per query) and dk/dv (per key, summing the
 * heads of its group in order: deterministic, no atomics).
 */
import { kernel1d } from './wgsl.ts';

const DIMS = 'n: u32, T: u32, P: u32, H: u32, KV: u32, hd: u32';

// n = H · T · (P+T): s[h, t, j] = scale · q[t, h]·k[j, h/g]  (j > P + t: masked, left 0)
export const ATTN_SCORES_WGSL = kernel1d(
  `${DIMS}, scale: f32`,
  ['mut s: array<f32>', 'q: array<f32>', 'k: array<f32>'],
  `  let Tk = p.P + p.T;
  let j = i % Tk;
  let t = (i / Tk) % p.T;
  let h = i / (Tk * p.T);
  if (j > p.P + t) { s[i] = 0.0; return; }
  let kvh = h / (p.H / p.KV);
  let qo = t * p.H * p.hd + h * p.hd;
  let ko = j * p.KV * p.hd + kvh * p.hd;
  var dot = 0.0;
  for (var d = 0u; d < p.hd; d++) { dot += q[qo + d] * k[ko + d]; }
  s[i] = dot * p.scale;`,
);

// n = H · T invocations, one per (h, t) row: softmax over j ≤ P + t in place, lse[h, t].
export const ATTN_SOFTMAX_WGSL = kernel1d(
  'n: u32, T: u32, P: u32',
  ['mut s: array<f32>', 'mut lse: array<f32>'],
  `  let Tk = p.P + p.T;
  let cnt = p.P + i % p.T + 1u;
  let o = i * Tk;
  var m = -3.4e38;
  for (var j = 0u; j < cnt; j++) { m = max(m, s[o + j]); }
  var sum = 0.0;
  for (var j = 0u; j < cnt; j++) { sum += exp(s[o + j] - m); }
  for (var j = 0u; j < cnt; j++) { s[o + j] = exp(s[o + j] - m) / sum; }
  lse[i] = m + log(sum);`,
);

// n = T · H · hd: out[t, h, d] = Σ_{j ≤ P+t} p[h, t, j] · v[j, h/g, d]
export const ATTN_PV_WGSL = kernel1d(
  DIMS,
  ['mut out: array<f32>', 's: array<f32>', 'v: array<f32>'],
  `  let Tk = p.P + p.T;
  let d = i % p.hd;
  let h = (i / p.hd) % p.H;
  let t = i / (p.hd * p.H);
  let kvh = h / (p.H / p.KV);
  let so = (h * p.T + t) * Tk;
  var acc = 0.0;
  for (var j = 0u; j <= p.P + t; j++) { acc += s[so + j] * v[j * p.KV * p.hd + kvh * p.hd + d]; }
  out[i] = acc;`,
);

// n = H · T · T: p and ds for every pair (t, j ≤ t); 0 above the diagonal.
export const ATTN_DS_WGSL = kernel1d(
  `${DIMS}, scale: f32`,
  ['mut sp: array<f32>', 'mut sds: array<f32>', 'q: array<f32>', 'k: array<f32>', 'v: array<f32>', 'dout: array<f32>', 'out: array<f32>', 'lse: array<f32>'],
  `  let j = i % p.T;
  let t = (i / p.T) % p.T;
  let h = i / (p.T * p.T);
  if (j > t) { sp[i] = 0.0; sds[i] = 0.0; return; }
  let kvh = h / (p.H / p.KV);
  let qo = t * p.H * p.hd + h * p.hd;
  let ko = j * p.KV * p.hd + kvh * p.hd;
  var dot = 0.0;
  var dp = 0.0;
  var D = 0.0;
  for (var d = 0u; d < p.hd; d++) {
    dot += q[qo + d] * k[ko + d];
    dp += dout[qo + d] * v[ko + d];
    D += dout[qo + d] * out[qo + d];
  }
  let pr = exp(dot * p.scale - lse[h * p.T + t]);
  sp[i] = pr;
  sds[i] = pr * (dp - D);`,
);

// n = T · H · hd: dq[t, h, d] = scale · Σ_{j ≤ t} ds[h, t, j] · k[j, h/g, d]
export const ATTN_DQ_WGSL = kernel1d(
  `${DIMS}, scale: f32`,
  ['mut dq: array<f32>', 'sds: array<f32>', 'k: array<f32>'],
  `  let d = i % p.hd;
  let h = (i / p.hd) % p.H;
  let t = i / (p.hd * p.H);
  let kvh = h / (p.H / p.KV);
  let so = (h * p.T + t) * p.T;
  var acc = 0.0;
  for (var j = 0u; j <= t; j++) { acc += sds[so + j] * k[j * p.KV * p.hd + kvh * p.hd + d]; }
  dq[i] = acc * p.scale;`,
);

// n = T · KV · hd: dk[j, kvh, d] and dv[j, kvh, d], summing heads h of the group and t ≥ j.
export const ATTN_DKV_WGSL = kernel1d(
  `${DIMS}, scale: f32`,
  ['mut dk: array<f32>', 'mut dv: array<f32>', 'sp: array<f32>', 'sds: array<f32>', 'q: array<f32>', 'dout: array<f32>'],
  `  let d = i % p.hd;
  let kvh = (i / p.hd) % p.KV;
  let j = i / (p.hd * p.KV);
  let g = p.H / p.KV;
  var ak = 0.0;
  var av = 0.0;
  for (var h = kvh * g; h < (kvh + 1u) * g; h++) {
    for (var t = j; t < p.T; t++) {
      let si = (h * p.T + t) * p.T + j;
      let qi = t * p.H * p.hd + h * p.hd + d;
      ak += sds[si] * q[qi];
      av += sp[si] * dout[qi];
    }
  }
  dk[i] = ak * p.scale;
  dv[i] = av;`,
);
