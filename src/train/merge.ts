/**
 * Merging an adapter into the base weights (PEFT's merge_and_unload): W ← W + s · B · A for
 * every module, after which the model needs no adapter; `unmergeAdapter` subtracts it again.
 * Merged weights give the adapter's outputs up to float32 rounding.
 */
import type { Adapter } from './adapter.ts';
import type { Backend } from './backend.ts';
import { MODULES } from './config.ts';
import type { LlamaWeights } from './weights.ts';

function apply(be: Backend, w: LlamaWeights, adapter: Adapter, sign: 1 | -1): void {
  const wasEnabled = adapter.enabled;
  adapter.enabled = true;
  for (let l = 0; l < w.layers.length; l++)
    for (const m of MODULES) {
      const mod = adapter.get(l, m);
      if (!mod) continue;
      // W [out, in] += sign · s · B [out, r] · A [r, in]
      be.matmul(w.layers[l].proj[m], mod.B, mod.A, { M: mod.outF, N: mod.inF, K: mod.rank, alpha: sign * mod.scale, beta: 1 });
    }
  adapter.enabled = wasEnabled;
}

export function mergeAdapter(be: Backend, w: LlamaWeights, adapter: Adapter): void {
  apply(be, w, adapter, 1);
}

export function unmergeAdapter(be: Backend, w: LlamaWeights, adapter: Adapter): void {
  apply(be, w, adapter, -1);
}
