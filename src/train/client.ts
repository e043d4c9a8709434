/**
 * The page's side of the training worker: one TrainClient per worker, one job at a time.
 * `start` resolves with the outcome (status, losses, the PEFT adapter) or rejects with a
 * TrainError; status and progress events arrive through the handlers in between.
 */
import {
  assertNever,
  TrainError,
  type GenerateRequest,
  type GenerateResult,
  type TrainEvent,
  type TrainJob,
  type TrainOutcome,
  type TrainPhase,
  type TrainProgress,
  type TrainRequest,
} from './protocol.ts';

/** What TrainClient needs of a Worker (a real one, or a test double). */
export interface WorkerLike {
  postMessage(msg: TrainRequest): void;
  addEventListener(type: 'message', fn: (e: { data: TrainEvent }) => void): void;
  terminate?(): void;
}

export interface TrainHandlers {
  onStatus?: (phase: TrainPhase, message: string) => void;
  onProgress?: (p: TrainProgress) => void;
}

export class TrainClient {
  private pending: { resolve: (o: TrainOutcome) => void; reject: (e: Error) => void; handlers: TrainHandlers } | null = null;
  private answers = new Map<number, { resolve: (r: GenerateResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(private worker: WorkerLike) {
    worker.addEventListener('message', (e) => this.receive(e.data));
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  start(job: TrainJob, handlers: TrainHandlers = {}): Promise<TrainOutcome> {
    if (this.pending) return Promise.reject(new TrainError('busy', 'A training job is already running.'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, handlers };
      this.worker.postMessage({ type: 'start', job });
    });
  }

  pause(): void {
    this.worker.postMessage({ type: 'pause' });
  }

  resume(): void {
    this.worker.postMessage({ type: 'resume' });
  }

  /** Ends the job after the current step; `start` still resolves, with the adapter so far. */
  cancel(): void {
    this.worker.postMessage({ type: 'cancel' });
  }

  /** Answers with the last trained model (the adapter on or off); rejects while training. */
  generate(req: GenerateRequest): Promise<GenerateResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.answers.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'generate', id, req });
    });
  }

  dispose(): void {
    const closed = new TrainError('internal', 'The training worker was closed.');
    this.pending?.reject(closed);
    this.pending = null;
    this.answers.forEach((a) => a.reject(closed));
    this.answers.clear();
    this.worker.terminate?.();
  }

  private receive(e: TrainEvent): void {
    if (e.type === 'generated' || e.type === 'generate-failed') {
      const a = this.answers.get(e.id);
      this.answers.delete(e.id);
      if (e.type === 'generated') a?.resolve(e.result);
      else a?.reject(new TrainError('bad-input', e.message));
      return;
    }
    const p = this.pending;
    if (!p) return;
    switch (e.type) {
      case 'status':
        p.handlers.onStatus?.(e.phase, e.message);
        return;
      case 'progress':
        p.handlers.onProgress?.(e.progress);
        return;
      case 'done':
        this.pending = null;
        p.resolve(e.outcome);
        return;
      case 'error':
        this.pending = null;
        p.reject(new TrainError(e.kind, e.message));
        return;
      default:
        assertNever(e);
    }
  }
}
