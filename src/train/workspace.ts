/**
 * Activation buffers for sequences of up to T tokens. Training keeps every layer's
 * activations for the backward pass (and the gradient scratch); inference shares one set across
 * layers, and only the key/value cache [kvCap, KV·hd] is per layer.
 * Shapes: D hidden, Q = H·hd, K = KV·hd, I intermediate, V vocabulary, r LoRA rank.
 */
import type { Adapter } from './adapter.ts';
import type { Backend, Tensor } from './backend.ts';
import { MODULES, moduleShape, type LlamaConfig, type ModuleName } from './config.ts';
import type { LoraSaved, LoraScratch } from './linear.ts';

export interface LayerActs {
  resid: Tensor; // [T, D] layer input
  rstd1: Tensor; // [T]
  n1: Tensor; // [T, D]
  q: Tensor; // [T, Q] after RoPE
  k: Tensor; // [kvCap, K] after RoPE (the cache)
  v: Tensor; // [kvCap, K]
  lse: Tensor; // [H, T]
  att: Tensor; // [T, Q]
  mid: Tensor; // [T, D] residual after attention
  rstd2: Tensor; // [T]
  n2: Tensor; // [T, D]
  gate: Tensor; // [T, I]
  up: Tensor; // [T, I]
  act: Tensor; // [T, I]
  lora: Map<ModuleName, LoraSaved>;
}

export interface Grads {
  dresid: Tensor; // [T, D]
  dn: Tensor; // [T, D]
  dq: Tensor; // [T, Q]
  dk: Tensor; // [T, K]
  dv: Tensor; // [T, K]
  datt: Tensor; // [T, Q]
  dgate: Tensor; // [T, I]
  dup: Tensor; // [T, I]
  dact: Tensor; // [T, I]
  scratchP: Tensor; // [H, T, T]
  scratchDS: Tensor; // [H, T, T]
  lora: LoraScratch;
}

export interface WorkspaceOptions {
  /** most tokens per forward call */
  T: number;
  /** key/value cache length (≥ T; generation: prompt + new tokens) */
  kvCap?: number;
  train: boolean;
  /** LoRA dropout > 0 in training: keep drop(x) per module */
  dropout?: boolean;
  /** logits for every row (training, tests) or only the last (generation) */
  allLogits?: boolean;
}

export class Workspace {
  readonly T: number;
  readonly kvCap: number;
  readonly layers: LayerActs[] = [];
  readonly residOut: Tensor;
  readonly rstdF: Tensor;
  readonly nF: Tensor;
  readonly logits: Tensor;
  readonly losses: Tensor;
  readonly ids: Tensor;
  readonly targets: Tensor;
  readonly attScratch: Tensor;
  readonly grads: Grads | null = null;
  private owned: Tensor[] = [];

  constructor(
    private be: Backend,
    readonly cfg: LlamaConfig,
    adapter: Adapter | null,
    readonly opts: WorkspaceOptions,
  ) {
    const { hidden: D, heads: H, intermediate: I, vocab: V } = cfg;
    const Q = H * cfg.headDim;
    const K = cfg.kvHeads * cfg.headDim;
    const T = (this.T = opts.T);
    const kvCap = (this.kvCap = Math.max(T, opts.kvCap ?? T));
    const t = (n: number, label: string) => {
      const x = be.tensor(n, label);
      this.owned.push(x);
      return x;
    };
    const rmax = Math.max(1, adapter?.maxRank ?? 1);
    // Only the modules the adapter targets keep LoRA activations.
    const sharedLora = (i: number) =>
      new Map(
        MODULES.filter((m) => adapter?.targets(opts.train ? i : -1, m)).map((m) => [
          m,
          { h: t(T * rmax, `l${i}.${m}.h`), xd: opts.dropout ? t(T * moduleShape(cfg, m)[0], `l${i}.${m}.xd`) : null },
        ]),
      );
    const perLayer = (i: number): LayerActs => ({
      resid: t(T * D, `l${i}.resid`), rstd1: t(T, `l${i}.rstd1`), n1: t(T * D, `l${i}.n1`),
      q: t(T * Q, `l${i}.q`), k: t(kvCap * K, `l${i}.k`), v: t(kvCap * K, `l${i}.v`), lse: t(H * T, `l${i}.lse`),
      att: t(T * Q, `l${i}.att`), mid: t(T * D, `l${i}.mid`), rstd2: t(T, `l${i}.rstd2`), n2: t(T * D, `l${i}.n2`),
      gate: t(T * I, `l${i}.gate`), up: t(T * I, `l${i}.up`), act: t(T * I, `l${i}.act`),
      lora: sharedLora(i),
    });
    if (opts.train) {
      for (let i = 0; i < cfg.layers; i++) this.layers.push(perLayer(i));
      this.residOut = t(T * D, 'resid_out');
    } else {
      const shared = perLayer(0);
      for (let i = 0; i < cfg.layers; i++) this.layers.push(i === 0 ? shared : { ...shared, k: t(kvCap * K, `l${i}.k`), v: t(kvCap * K, `l${i}.v`) });
      this.residOut = shared.resid;
    }
    this.rstdF = t(T, 'rstdF');
    this.nF = t(T * D, 'nF');
    this.logits = t((opts.allLogits || opts.train ? T : 1) * V, 'logits');
    this.losses = t(T, 'losses');
    this.ids = be.ints(new Int32Array(T), 'ids');
    this.targets = be.ints(new Int32Array(T).fill(-1), 'targets');
    this.owned.push(this.ids, this.targets);
    this.attScratch = t(H * T * kvCap, 'att_scratch');
    if (opts.train) {
      const maxIn = Math.max(D, I, Q);
      this.grads = {
        dresid: t(T * D, 'dresid'), dn: t(T * D, 'dn'), dq: t(T * Q, 'dq'), dk: t(T * K, 'dk'), dv: t(T * K, 'dv'),
        datt: t(T * Q, 'datt'), dgate: t(T * I, 'dgate'), dup: t(T * I, 'dup'), dact: t(T * I, 'dact'),
        scratchP: this.attScratch, scratchDS: t(H * T * T, 'att_scratch_ds'),
        lora: { dh: t(T * rmax, 'lora_dh'), dxd: opts.dropout ? t(T * maxIn, 'lora_dxd') : null },
      };
    }
  }

  free(): void {
    this.owned.forEach((x) => this.be.free(x));
    this.owned = [];
  }
}
