/**
 * The Llama decoder (SmolLM2 / SmolVLM's language model) forward and backward over the backend
 * ops, llm.c style: explicit buffers, one pass per direction, shapes in comments.
 *   x = embed(ids) (image features at <image> positions)
 *   per layer:  h = x + o(attn(rope(q(n1)), rope(k(n1)), v(n1))),  n1 = rmsnorm(x)
 *               x' = h + down(silu(gate(n2)) · up(n2)),             n2 = rmsnorm(h)
 *   logits = rmsnorm(x_L) · lm_headᵀ
 * Every linear layer may carry a LoRA module; base weights are frozen and get no gradient.
 */
import { hash32, type Backend, type Tensor } from './backend.ts';
import type { Adapter } from './adapter.ts';
import { MODULES, type LlamaConfig, type ModuleName } from './config.ts';
import { linearBackward, linearForward, type Dropout } from './linear.ts';
import { ropeTable } from './ops/rope.ts';
import type { LlamaWeights } from './weights.ts';
import type { LayerActs, Workspace } from './workspace.ts';

export interface ForwardOptions {
  /** tokens already in the key/value cache (generation) */
  past?: number;
  /** LoRA dropout (training only): probability and a per-forward seed */
  dropout?: Dropout | null;
  /** logits of every row (default) or only the last row */
  lastOnly?: boolean;
}

export class LlamaModel {
  readonly rope: Tensor;

  constructor(
    readonly be: Backend,
    readonly cfg: LlamaConfig,
    readonly w: LlamaWeights,
    public adapter: Adapter | null = null,
    ropePositions = Math.min(cfg.maxPositions, 8192),
  ) {
    this.rope = be.tensor(ropePositions * cfg.headDim, 'rope_cos_sin', ropeTable(ropePositions, cfg.headDim, cfg.theta));
  }

  /** ws.layers[0].resid = embeddings of ids [T], then image feature rows [n, D] at positions. */
  embed(ws: Workspace, ids: readonly number[], image?: { rows: Tensor; positions: readonly number[] }): void {
    const T = ids.length;
    if (T > ws.T) throw new Error(`${T} tokens do not fit a workspace of ${ws.T}.`);
    this.be.write(ws.ids, ids);
    this.be.embedding(ws.layers[0].resid, ws.ids, this.w.embed, T, this.cfg.hidden);
    if (image && image.positions.length > 0) {
      const pos = this.be.ints(image.positions, 'image_positions');
      this.be.scatterRows(ws.layers[0].resid, image.rows, pos, image.positions.length, this.cfg.hidden);
      this.be.free(pos);
    }
  }

  /** Decoder over ws.layers[0].resid [T, D] → ws.logits. */
  forward(ws: Workspace, T: number, o: ForwardOptions = {}): void {
    const { be, cfg, w } = this;
    const P = o.past ?? 0;
    if (P + T > ws.kvCap) throw new Error(`${P + T} positions do not fit a cache of ${ws.kvCap}.`);
    if (P + T > this.rope.size / cfg.headDim) throw new Error(`Position ${P + T} is past the rotary table.`);
    const { hidden: D, heads: H, kvHeads: KV, headDim: hd, intermediate: I } = cfg;
    const [Q, K] = [H * hd, KV * hd];
    for (let l = 0; l < cfg.layers; l++) {
      const a = ws.layers[l];
      const p = w.layers[l].proj;
      const lin = (m: ModuleName, y: Tensor, x: Tensor, inF: number, outF: number, accumulate = false, offY = 0) =>
        linearForward(be, y, x, p[m], T, inF, outF, { accumulate, offY, lora: this.lora(a, l, m, o.dropout) });
      // attention block
      be.rmsnorm(a.n1, a.rstd1, a.resid, w.layers[l].inNorm, T, D, cfg.eps);
      lin('q_proj', a.q, a.n1, D, Q);
      lin('k_proj', a.k, a.n1, D, K, false, P * K);
      lin('v_proj', a.v, a.n1, D, K, false, P * K);
      be.rope(a.q, this.rope, 0, T, H, hd, P, false);
      be.rope(a.k, this.rope, P, T, KV, hd, P, false);
      be.attention(a.att, a.lse, a.q, a.k, a.v, T, P, H, KV, hd, ws.attScratch);
      be.copy(a.mid, a.resid, T * D);
      lin('o_proj', a.mid, a.att, Q, D, true);
      // MLP block, written into the next layer's input
      be.rmsnorm(a.n2, a.rstd2, a.mid, w.layers[l].postNorm, T, D, cfg.eps);
      lin('gate_proj', a.gate, a.n2, D, I);
      lin('up_proj', a.up, a.n2, D, I);
      be.swiglu(a.act, a.gate, a.up, T * I);
      const next = l + 1 < cfg.layers ? ws.layers[l + 1].resid : ws.residOut;
      be.copy(next, a.mid, T * D);
      lin('down_proj', next, a.act, I, D, true);
    }
    be.rmsnorm(ws.nF, ws.rstdF, ws.residOut, w.norm, T, D, cfg.eps);
    const rows = o.lastOnly ? 1 : T;
    be.matmul(ws.logits, ws.nF, w.lmHead, { M: rows, N: cfg.vocab, K: D, transB: true, offA: (T - rows) * D });
  }

  /**
   * Per-token losses against `targets` (−1 = not trained) into ws.losses, then the backward
   * pass, which adds gradScale · ∂loss/∂(A, B) into the LoRA gradients (zeroed by the caller once
   * per optimizer step). Call after forward() on the same workspace.
   */
  lossAndBackward(ws: Workspace, T: number, targets: readonly number[], gradScale: number, dropout: Dropout | null = null): void {
    const { be, cfg, w } = this;
    const g = ws.grads;
    if (!g) throw new Error('The workspace was not made for training.');
    be.write(ws.targets, targets);
    be.crossEntropy(ws.losses, ws.logits, ws.targets, T, cfg.vocab, gradScale, true);
    const { hidden: D, heads: H, kvHeads: KV, headDim: hd, intermediate: I } = cfg;
    const [Q, K] = [H * hd, KV * hd];
    // dnF [T, D] = dlogits [T, V] · lm_head [V, D]
    be.matmul(g.dn, ws.logits, w.lmHead, { M: T, N: D, K: cfg.vocab });
    be.rmsnormBackward(g.dresid, null, g.dn, ws.residOut, w.norm, ws.rstdF, T, D, false);
    for (let l = cfg.layers - 1; l >= 0; l--) {
      const a = ws.layers[l];
      const p = w.layers[l].proj;
      const back = (m: ModuleName, dx: Tensor | null, dy: Tensor, x: Tensor, inF: number, outF: number, acc: boolean) => {
        const lora = this.lora(a, l, m, dropout);
        linearBackward(be, dx, dy, x, p[m], T, inF, outF, acc, lora && { ...lora, scratch: g.lora });
      };
      // MLP block: dresid holds d(x_{l+1})
      back('down_proj', g.dact, g.dresid, a.act, I, D, false);
      be.swigluBackward(g.dgate, g.dup, g.dact, a.gate, a.up, T * I);
      back('gate_proj', g.dn, g.dgate, a.n2, D, I, false);
      back('up_proj', g.dn, g.dup, a.n2, D, I, true);
      be.rmsnormBackward(g.dresid, null, g.dn, a.mid, w.layers[l].postNorm, a.rstd2, T, D, true);
      // attention block: dresid holds d(mid)
      back('o_proj', g.datt, g.dresid, a.att, Q, D, false);
      be.attentionBackward(g.dq, g.dk, g.dv, g.datt, a.att, a.lse, a.q, a.k, a.v, T, H, KV, hd, g.scratchP, g.scratchDS);
      be.rope(g.dq, this.rope, 0, T, H, hd, 0, true);
      be.rope(g.dk, this.rope, 0, T, KV, hd, 0, true);
      // The first layer's input gradient would only reach the frozen embeddings.
      const dn = l > 0 ? g.dn : null;
      back('q_proj', dn, g.dq, a.n1, D, Q, false);
      back('k_proj', dn, g.dk, a.n1, D, K, true);
      back('v_proj', dn, g.dv, a.n1, D, K, true);
      if (l > 0) be.rmsnormBackward(g.dresid, null, g.dn, a.resid, w.layers[l].inNorm, a.rstd1, T, D, true);
    }
  }

  private lora(a: LayerActs, layer: number, m: ModuleName, dropout: Dropout | null | undefined) {
    const mod = this.adapter?.get(layer, m);
    const saved = a.lora.get(m);
    if (!mod) return null;
    if (!saved) throw new Error(`The workspace was made without the adapter's ${m} on layer ${layer}.`);
    const d = dropout && dropout.p > 0 ? { p: dropout.p, seed: hash32((dropout.seed ^ hash32(layer * 8 + MODULES.indexOf(m) + 1)) >>> 0) } : null;
    return { m: mod, saved, dropout: d };
  }

  free(): void {
    this.be.free(this.rope);
  }
}
