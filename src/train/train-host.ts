/**
 * The training worker's logic, free of any Worker global so that it runs (and is tested) in
 * Node too: it receives TrainRequests, runs one job (weights → training loop on the prepared
 * examples) and posts TrainEvents. Pause holds the loop between steps; cancel ends it after the
 * current step and still delivers the adapter trained so far. The trained model stays for
 * `generate` until the next job replaces it.
 */
import { Adapter } from './adapter.ts';
import type { Backend } from './backend.ts';
import { GpuUnavailableError } from '../gpu/device.ts';
import { generate } from './generate.ts';
import { LlamaModel } from './llama.ts';
import type { LoadedLanguageModel } from './weights.ts';
import { exportPeft } from './peft.ts';
import { assertNever, TrainError, type GenerateRequest, type TrainEvent, type TrainJob, type TrainPhase, type TrainRequest } from './protocol.ts';
import { train } from './trainer.ts';
import { freeWeights, loadWeights, weightsDtype, type LlamaWeights } from './weights.ts';

export interface TrainHostDeps {
  /** WebGPU (or the CPU twins when `device` allows); throws GpuUnavailableError */
  openBackend(device: TrainJob['device'], note: (m: string) => void): Promise<Backend>;
  loadModel(job: TrainJob, onProgress: (loaded: number, total: number) => void): Promise<LoadedLanguageModel>;
}

/** The last job's model: base weights and adapter, kept on its backend for generation. */
interface Session {
  device: TrainJob['device'];
  be: Backend;
  model: LlamaModel | null;
  weights: LlamaWeights | null;
}

export class TrainHost {
  private running = false;
  private paused: { promise: Promise<void>; resume: () => void } | null = null;
  private cancelled = false;
  private session: Session | null = null;
  private generating = false;

  constructor(
    private deps: TrainHostDeps,
    private post: (e: TrainEvent) => void,
  ) {}

  handle(msg: TrainRequest): void {
    switch (msg.type) {
      case 'start':
        if (this.running) return this.post({ type: 'error', kind: 'busy', message: 'A training job is already running.' });
        if (this.generating) return this.post({ type: 'error', kind: 'busy', message: 'An answer is being generated; start again when it is done.' });
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
      case 'generate':
        void this.generate(msg.id, msg.req);
        return;
      default:
        assertNever(msg);
    }
  }

  /** The previous job's backend when the device choice is the same (its weights freed first). */
  private async backendFor(device: TrainJob['device'], note: (m: string) => void): Promise<Backend> {
    const old = this.session;
    this.session = null;
    if (old?.weights) freeWeights(old.be, old.weights);
    if (old && old.device === device) return old.be;
    return this.deps.openBackend(device, note);
  }

  private async generate(id: number, req: GenerateRequest): Promise<void> {
    const model = this.session?.model;
    try {
      if (this.running) throw new Error('A training job is running; ask again when it has finished.');
      if (!model?.adapter) throw new Error('Nothing has been trained yet: there is no adapter to answer with.');
      const enabled = model.adapter.enabled;
      model.adapter.enabled = req.adapter;
      this.generating = true;
      try {
        const g = await generate(model, req.promptIds, req.image, { maxNewTokens: req.maxNewTokens, eos: req.eos, temperature: req.temperature, seed: req.seed });
        this.post({ type: 'generated', id, result: g });
      } finally {
        model.adapter.enabled = enabled;
        this.generating = false;
      }
    } catch (e) {
      this.post({ type: 'generate-failed', id, message: e instanceof Error ? e.message : String(e) });
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
      if (job.examples.length === 0) throw new TrainError('bad-input', 'There are no records to train on.');
      const be = await this.backendFor(job.device, (message) => status('starting', message));
      status('loading-weights', `Loading ${job.modelId}…`);
      const lm = await this.deps.loadModel(job, (loaded, total) =>
        status('loading-weights', `Weights: ${(loaded / 2 ** 20).toFixed(0)} / ${(total / 2 ** 20).toFixed(0)} MiB`),
      );
      const weights = loadWeights(be, lm.config, (n) => lm.tensors.get(n), weightsDtype(be, job.weights));
      const model = new LlamaModel(be, lm.config, weights, null, Math.min(lm.config.maxPositions, 8192));
      model.adapter = Adapter.create(be, lm.config, job.lora);
      this.session = { device: job.device, be, model, weights };
      status('training', `Training on ${be.description}.`);
      const result = await train(model, job.examples, job.train, {
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
