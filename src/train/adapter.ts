/**
 * A LoRA adapter on the language model: one LoraModule (A [r, in], B [out, r] and their
 * gradients) per targeted linear layer, initialised as PEFT does (A ~ kaiming-uniform with
 * a = √5, i.e. U(−1/√in, 1/√in); B = 0, so a new adapter leaves the model unchanged).
 * `enabled` switches it off without touching the base weights.
 */
import { seededRandom } from '../vlm/tensors.ts';
import type { Backend } from './backend.ts';
import { MODULES, moduleShape, modulePath, type LlamaConfig, type ModuleName } from './config.ts';
import type { LoraModule } from './linear.ts';
import type { TrainableParam } from './optim.ts';

export interface LoraConfig {
  rank: number;
  alpha: number;
  dropout: number;
  targets: ModuleName[];
  /** rank-stabilised scaling alpha/√r (PEFT use_rslora) instead of alpha/r */
  rslora?: boolean;
  /** initialisation seed */
  seed: number;
}

export const LORA_DEFAULTS: LoraConfig = { rank: 8, alpha: 16, dropout: 0.05, targets: ['q_proj', 'v_proj'], seed: 0 };

/** Host copy of one module's matrices. */
export interface HostLora {
  rank: number;
  inF: number;
  outF: number;
  scale: number;
  A: Float32Array;
  B: Float32Array;
}

export function loraScale(alpha: number, rank: number, rslora = false): number {
  return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
}

export class Adapter {
  enabled = true;
  private byLayer: Map<ModuleName, LoraModule>[];

  private constructor(
    private be: Backend,
    readonly model: LlamaConfig,
    readonly config: LoraConfig,
    readonly modules: Map<string, LoraModule>,
  ) {
    this.byLayer = Array.from({ length: model.layers }, () => new Map());
    for (let i = 0; i < model.layers; i++)
      for (const m of MODULES) {
        const mod = modules.get(modulePath(model, i, m));
        if (mod) this.byLayer[i].set(m, mod);
      }
  }

  /** A fresh adapter: B = 0, A seeded uniform. */
  static create(be: Backend, model: LlamaConfig, config: LoraConfig): Adapter {
    const rnd = seededRandom(config.seed);
    const host = new Map<string, HostLora>();
    for (let i = 0; i < model.layers; i++)
      for (const m of config.targets) {
        const [inF, outF] = moduleShape(model, m);
        const bound = 1 / Math.sqrt(inF);
        const A = Float32Array.from({ length: config.rank * inF }, () => (2 * rnd() - 1) * bound);
        host.set(modulePath(model, i, m), { rank: config.rank, inF, outF, scale: loraScale(config.alpha, config.rank, config.rslora), A, B: new Float32Array(outF * config.rank) });
      }
    return Adapter.fromHost(be, model, config, host);
  }

  /** An adapter from host matrices (an import, or the last good copy). */
  static fromHost(be: Backend, model: LlamaConfig, config: LoraConfig, host: Map<string, HostLora>): Adapter {
    const modules = new Map<string, LoraModule>();
    for (const [name, h] of host) {
      modules.set(name, {
        name, rank: h.rank, inF: h.inF, outF: h.outF, scale: h.scale,
        A: be.tensor(h.A.length, `${name}.lora_A`, h.A),
        B: be.tensor(h.B.length, `${name}.lora_B`, h.B),
        dA: be.tensor(h.A.length, `${name}.lora_A.grad`, new Float32Array(h.A.length)),
        dB: be.tensor(h.B.length, `${name}.lora_B.grad`, new Float32Array(h.B.length)),
      });
    }
    return new Adapter(be, model, config, modules);
  }

  /** The module on this layer, when the adapter targets it and is enabled. */
  get(layer: number, m: ModuleName): LoraModule | undefined {
    return this.enabled ? this.byLayer[layer]?.get(m) : undefined;
  }

  /** Does the adapter have this module on this layer (layer −1: on any layer)? */
  targets(layer: number, m: ModuleName): boolean {
    return layer < 0 ? this.byLayer.some((l) => l.has(m)) : this.byLayer[layer]?.has(m) === true;
  }

  get maxRank(): number {
    return Math.max(0, ...[...this.modules.values()].map((m) => m.rank));
  }

  parameterCount(): number {
    let n = 0;
    for (const m of this.modules.values()) n += m.A.size + m.B.size;
    return n;
  }

  params(): TrainableParam[] {
    return [...this.modules.values()].flatMap((m) => [
      { name: `${m.name}.lora_A`, p: m.A, g: m.dA, size: m.A.size },
      { name: `${m.name}.lora_B`, p: m.B, g: m.dB, size: m.B.size },
    ]);
  }

  async toHost(): Promise<Map<string, HostLora>> {
    const out = new Map<string, HostLora>();
    for (const [name, m] of this.modules) {
      const A = Float32Array.from(await this.be.read(m.A));
      const B = Float32Array.from(await this.be.read(m.B));
      out.set(name, { rank: m.rank, inF: m.inF, outF: m.outF, scale: m.scale, A, B });
    }
    return out;
  }

  /** Overwrites the matrices (restoring the last good state). */
  load(host: Map<string, HostLora>): void {
    for (const [name, h] of host) {
      const m = this.modules.get(name);
      if (!m) throw new Error(`The adapter has no module ${name}.`);
      this.be.write(m.A, h.A);
      this.be.write(m.B, h.B);
    }
  }

  free(): void {
    for (const m of this.modules.values()) [m.A, m.B, m.dA, m.dB].forEach((t) => this.be.free(t));
  }
}
