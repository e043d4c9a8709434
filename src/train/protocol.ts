/**
 * The typed protocol between the page and the training worker. One job at a time: `start`
 * begins it; `pause`, `resume` and `cancel` steer it; the worker answers with `status` and
 * `progress` events and exactly one `done` (with the adapter in PEFT form) or `error`.
 */
import type { LoraConfig } from './adapter.ts';
import type { TrainRecord } from './data.ts';
import type { PeftFiles } from './peft.ts';
import type { TrainConfig, TrainStatus } from './trainer.ts';

export interface TrainJob {
  /** registry id or Hub repo */
  modelId: string;
  source: 'local' | 'hub';
  records: TrainRecord[];
  input: 'text' | 'image';
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

export type TrainRequest = { type: 'start'; job: TrainJob } | { type: 'pause' } | { type: 'resume' } | { type: 'cancel' };

export type TrainEvent =
  | { type: 'status'; phase: TrainPhase; message: string }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; outcome: TrainOutcome }
  | { type: 'error'; kind: TrainErrorKind; message: string };

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
