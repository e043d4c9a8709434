/**
 * The typed protocol between the page and the training worker. One job at a time: `start`
 * begins it; `pause`, `resume` and `cancel` steer it; the worker answers with `status` and
 * `progress` events and exactly one `done` (with the adapter in PEFT form) or `error`.
 * The examples come prepared (token ids, targets, image features): the page builds them with
 * its VLM engine worker, so this worker never loads ONNX Runtime. After a job, the trained
 * model stays in the worker: `generate` answers with it, the adapter on or off.
 */
import type { LoraConfig } from './adapter.ts';
import type { Example } from './examples.ts';
import type { PeftFiles } from './peft.ts';
import type { TrainConfig, TrainStatus } from './trainer.ts';

export interface TrainJob {
  /** registry id or Hub repo */
  modelId: string;
  source: 'local' | 'hub';
  examples: Example[];
  lora: LoraConfig;
  train: TrainConfig;
  /** 'auto' falls back to the CPU (slow) with a status message when WebGPU is missing */
  device: 'auto' | 'gpu' | 'cpu';
  /** frozen-weight storage; 'auto' (default): f16 where the device has shader-f16 */
  weights?: 'auto' | 'f32' | 'f16';
}

export type TrainPhase = 'starting' | 'loading-weights' | 'preparing-data' | 'training' | 'paused' | 'saving';

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  lr: number;
  gradNorm: number;
  tokensPerSecond: number;
  etaMs: number;
}

export interface TrainOutcome {
  status: TrainStatus;
  message: string;
  stepsDone: number;
  losses: number[];
  /** the trained (or last good) adapter, ready to save or hand to PEFT */
  adapter: PeftFiles;
  backend: string;
}

export type TrainErrorKind = 'gpu-unavailable' | 'bad-input' | 'busy' | 'internal';

/** Generation with the last trained model (base weights + adapter, or the base alone). */
export interface GenerateRequest {
  promptIds: number[];
  image: Example['image'];
  maxNewTokens: number;
  /** stop ids, e.g. <end_of_utterance> */
  eos: number[];
  /** false: the base model alone (the adapter is switched off, nothing reloaded) */
  adapter: boolean;
  /** 0 (default): greedy */
  temperature?: number;
  seed?: number;
}

export interface GenerateResult {
  ids: number[];
  probs: number[];
  stopReason: 'eos' | 'max-tokens' | 'stopped';
}

export type TrainRequest =
  | { type: 'start'; job: TrainJob }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' }
  | { type: 'generate'; id: number; req: GenerateRequest };

export type TrainEvent =
  | { type: 'status'; phase: TrainPhase; message: string }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; outcome: TrainOutcome }
  | { type: 'error'; kind: TrainErrorKind; message: string }
  | { type: 'generated'; id: number; result: GenerateResult }
  | { type: 'generate-failed'; id: number; message: string };

export class TrainError extends Error {
  override name = 'TrainError';
  constructor(
    readonly kind: TrainErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function assertNever(x: never): never {
  throw new Error(`Unexpected message ${JSON.stringify(x)}`);
}
