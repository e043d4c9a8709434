/**
 * matmul: C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C, with op = identity or transpose.
 * Every linear layer's forward and backward is one of these:
 *   y  = x · Wᵀ      (M=T, N=out, K=in, transB)        forward of a PyTorch Linear W [out, in]
 *   dx = dy · W      (M=T, N=in,  K=out)               input gradient
 *   dW = dyᵀ · x     (M=out, N=in, K=T, transA)        weight gradient (LoRA A and B only)
 */
import type { MatmulSpec } from '../backend.ts';
import { header } from './wgsl.ts';

export type Arr = Float32Array | Float64Array;

/** CPU twin. Loops ordered so the innermost one walks memory contiguously; float64 sums. */
export function matmulCpu(c: Arr, a: Arr, b: Arr, s: MatmulSpec): void {
  const { M, N, K, transA = false, transB = false, alpha = 1, beta = 0, offA = 0, offB = 0, offC = 0 } = s;
  const acc = new Float64Array(transA ? M * N : N);
  const store = (row: number, sums: Float64Array, at: number) => {
    const o = offC + row * N;
    for (let n = 0; n < N; n++) c[o + n] = alpha * sums[at + n] + (beta === 0 ? 0 : beta * c[o + n]);
  };
  if (transA) {
    // C += A[k, m] · B(k, n): row k of A and of B at a time.
    for (let k = 0; k < K; k++)
      for (let m = 0; m < M; m++) {
        const av = a[offA + k * M + m];
        if (av === 0) continue;
        const o = m * N;
        if (transB) for (let n = 0; n < N; n++) acc[o + n] += av * b[offB + n * K + k];
        else for (let n = 0, bo = offB + k * N; n < N; n++) acc[o + n] += av * b[bo + n];
      }
    for (let m = 0; m < M; m++) store(m, acc, m * N);
    return;
  }
  for (let m = 0; m < M; m++) {
    const ao = offA + m * K;
    if (transB) {
      for (let n = 0; n < N; n++) {
        let sum = 0;
        const bo = offB + n * K;
        for (let k = 0; k < K; k++) sum += a[ao + k] * b[bo + k];
        acc[n] = sum;
      }
    } else {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const av = a[ao + k];
        if (av === 0) continue;
        const bo = offB + k * N;
        for (let n = 0; n < N; n++) acc[n] += av * b[bo + n];
      }
    }
    store(m, acc, 0);
  }
}

const PARAMS = 'M: u32, N: u32, K: u32, offA: u32, offB: u32, offC: u32, alpha: f32, beta: f32';

/**
 * Element i of B: f32, or f16 storage (frozen weights, two halves per u32, low half first)
 * unpacked to f32 — unpack2x16float is core WGSL, so this needs no `shader-f16`.
 */
export function readB(i: string, half: boolean): string {
  return half ? `unpack2x16float(B[(${i}) >> 1u])[(${i}) & 1u]` : `B[${i}]`;
}

/** Tile sizes of the WGSL kernel: a 64×64 block of C per workgroup, 4×4 per invocation. */
export const MM_TILE = 64;

/**
 * WGSL: 16×16 invocations, each owning a 4×4 block of C (rows ty + 16i, cols tx + 16j); A and
 * B tiles of 64×16 are staged in workgroup memory (8 KiB), k-major so the inner loop reads
 * broadcast-friendly rows. Loads are arranged so that consecutive invocations read
 * consecutive addresses for every transpose combination.
 */
export function matmulWgsl(transA: boolean, transB: boolean, bHalf = false): string {
  return `${header(PARAMS, ['A: array<f32>', bHalf ? 'B: array<u32>' : 'B: array<f32>', 'mut C: array<f32>'])}
const BM = 64u;
const BN = 64u;
const BK = 16u;
var<workgroup> As: array<f32, 1024>; // [BK][BM]
var<workgroup> Bs: array<f32, 1024>; // [BK][BN]

fn loadA(m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  return A[p.offA + ${transA ? 'k * p.M + m' : 'm * p.K + k'}];
}
fn loadB(k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  return ${readB(`p.offB + ${transB ? 'n * p.K + k' : 'k * p.N + n'}`, bHalf)};
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tx = lid.x;
  let ty = lid.y;
  let tid = ty * 16u + tx;
  let m0 = wg.y * BM;
  let n0 = wg.x * BN;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < p.K; k0 += BK) {
    for (var r = 0u; r < 4u; r++) {
      let e = tid + r * 256u;
      ${transA ? 'let ka = e / BM; let ma = e % BM;' : 'let ma = e / BK; let ka = e % BK;'}
      As[ka * BM + ma] = loadA(m0 + ma, k0 + ka);
      ${transB ? 'let nb = e / BK; let kb = e % BK;' : 'let kb = e / BN; let nb = e % BN;'}
      Bs[kb * BN + nb] = loadB(k0 + kb, n0 + nb);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = As[kk * BM + ty + i * 16u];
        b[i] = Bs[kk * BN + tx + i * 16u];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }
${storeBlock('m0 + ty + i * 16u', 'n0 + tx + j * 16u')}
}`;
}

/**
 * WGSL without workgroup memory or barriers: 8×8 invocations, each owning a 4×4 block of C and
 * reading A and B straight from storage. On CPU-emulated adapters (SwiftShader), where barriers
 * are expensive, this is 2–4× faster than the tiled kernel; on real GPUs the tiled one wins.
 */
export function matmulSimpleWgsl(transA: boolean, transB: boolean, bHalf = false): string {
  return `${header(PARAMS, ['A: array<f32>', bHalf ? 'B: array<u32>' : 'B: array<f32>', 'mut C: array<f32>'])}
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let m0 = gid.y * 4u;
  let n0 = gid.x * 4u;
  if (m0 >= p.M || n0 >= p.N) { return; }
  var rows: array<u32, 4>;
  var cols: array<u32, 4>;
  for (var i = 0u; i < 4u; i++) {
    rows[i] = min(m0 + i, p.M - 1u);
    cols[i] = min(n0 + i, p.N - 1u);
  }
  var acc: array<array<f32, 4>, 4>;
  for (var k = 0u; k < p.K; k++) {
    var a: array<f32, 4>;
    var b: array<f32, 4>;
    for (var i = 0u; i < 4u; i++) {
      a[i] = A[p.offA + ${transA ? 'k * p.M + rows[i]' : 'rows[i] * p.K + k'}];
      b[i] = ${readB(`p.offB + ${transB ? 'cols[i] * p.K + k' : 'k * p.N + cols[i]'}`, bHalf)};
    }
    for (var i = 0u; i < 4u; i++) {
      for (var j = 0u; j < 4u; j++) {
        acc[i][j] = fma(a[i], b[j], acc[i][j]);
      }
    }
  }
${storeBlock('m0 + i', 'n0 + j')}
}`;
}

/** The kernels' epilogue: C = alpha·acc + beta·C over the invocation's 4×4 block, bounds-checked. */
function storeBlock(row: string, col: string): string {
  return `  for (var i = 0u; i < 4u; i++) {
    let m = ${row};
    if (m >= p.M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let n = ${col};
      if (n >= p.N) { continue; }
      let idx = p.offC + m * p.N + n;
      var r = p.alpha * acc[i][j];
      if (p.beta != 0.0) { r += p.beta * C[idx]; }
      C[idx] = r;
    }
  }`;
}
