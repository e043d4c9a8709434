/**
 * The training worker's logic, free of any Worker global so that it runs (and is tested) in
 * Node too: it receives TrainRequests, runs one job (weights → examples → training loop) and
 * posts TrainEvents. Pause holds the loop between steps; cancel ends it after the current step
 * and still delivers the adapter trained so far.
 */
import { Adapter } from './adapter.ts';
import type { Backend } from './backend.ts';
import type { ExampleBuilder } from './data.ts';
import { GpuUnavailableError } from '../gpu/device.ts';
import { LlamaModel } from './llama.ts';
import type { LoadedLanguageModel } from './weights.ts';
import { exportPeft } from './peft.ts';
import { assertNever, TrainError, type TrainEvent, type TrainJob, type TrainPhase, type TrainRequest } from './protocol.ts';
import { train } from './trainer.ts';
import { loadWeights, weightsDtype } from './weights.ts';

export interface TrainHostDeps {
  /** WebGPU (or the CPU twins when `device` allows); throws GpuUnavailableError */
  openBackend(device: TrainJob['device'], note: (m: string) => void): Promise<Backend>;
  loadModel(job: TrainJob, onProgress: (loaded: number, total: number) => void): Promise<LoadedLanguageModel>;
  exampleBuilder(job: TrainJob): Promise<ExampleBuilder>;
}

export class TrainHost {
  private running = false;
  private paused: { promise: Promise<void>; resume: () => void } | null = null;
  private cancelled = false;

  constructor(
    private deps: TrainHostDeps,
    private post: (e: TrainEvent) => void,
  ) {}

  handle(msg: TrainRequest): void {
    switch (msg.type) {
      case 'start':
        if (this.running) return this.post({ type: 'error', kind: 'busy', message: 'A training job is already running.' });
        void this.run(msg.job);
        return;
      case 'pause':
        if (this.running && !this.paused) {
          let resume = () => {};
          const promise = new Promise<void>((r) => (resume = r));
          this.paused = { promise, resume };
          this.post({ type: 'status', phase: 'paused', message: 'Paused after the current step.' });
        }
        return;
      case 'resume':
        this.resume();
        return;
      case 'cancel':
        this.cancelled = true;
        this.resume();
        return;
      default:
        assertNever(msg);
    }
  }

  private resume(): void {
    const p = this.paused;
    this.paused = null;
    if (p) {
      this.post({ type: 'status', phase: 'training', message: 'Resumed.' });
      p.resume();
    }
  }

  private async run(job: TrainJob): Promise<void> {
    this.running = true;
    this.cancelled = false;
    const status = (phase: TrainPhase, message: string) => this.post({ type: 'status', phase, message });
    try {
      if (job.records.length === 0) throw new TrainError('bad-input', 'There are no records to train on.');
      const be = await this.deps.openBackend(job.device, (message) => status('starting', message));
      status('loading-weights', `Loading ${job.modelId}…`);
      const lm = await this.deps.loadModel(job, (loaded, total) =>
        status('loading-weights', `Weights: ${(loaded / 2 ** 20).toFixed(0)} / ${(total / 2 ** 20).toFixed(0)} MiB`),
      );
      status('preparing-data', `Preparing ${job.records.length} records…`);
      const builder = await this.deps.exampleBuilder(job);
      const examples = [];
      for (const r of job.records) examples.push(await builder.example(r, job.input));
      const weights = loadWeights(be, lm.config, (n) => lm.tensors.get(n), weightsDtype(be, job.weights));
      const model = new LlamaModel(be, lm.config, weights, null, Math.min(lm.config.maxPositions, 8192));
      model.adapter = Adapter.create(be, lm.config, job.lora);
      status('training', `Training on ${be.description}.`);
      const result = await train(model, examples, job.train, {
        onStep: (l) => this.post({ type: 'progress', progress: { step: l.step, steps: l.steps, loss: l.loss, lr: l.lr, gradNorm: l.gradNorm, tokensPerSecond: l.tokensPerSecond, etaMs: l.etaMs } }),
        beforeStep: async () => {
          // Let pause/cancel messages in: the CPU backend never waits on anything by itself.
          await new Promise((r) => setTimeout(r, 0));
          if (this.paused) await this.paused.promise;
          return !this.cancelled;
        },
      });
      status('saving', result.message);
      const adapter = exportPeft(result.adapter, job.lora, lm.config, job.modelId);
      this.post({ type: 'done', outcome: { status: result.status, message: result.message, stepsDone: result.stepsDone, losses: result.losses, adapter, backend: be.description } });
    } catch (e) {
      const kind = e instanceof TrainError ? e.kind : e instanceof GpuUnavailableError ? 'gpu-unavailable' : 'internal';
      this.post({ type: 'error', kind, message: e instanceof Error ? e.message : String(e) });
    } finally {
      this.running = false;
      this.paused = null;
    }
  }
}
