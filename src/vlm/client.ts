/**
 * The page's handle on the engine: the same VlmEngineApi as the in-process engine, backed by
 * a Web Worker. Each model load runs in a fresh worker that replaces the old one only when it
 * succeeds, so a cancelled or failed load leaves the previous model usable.
 */
import {
  EngineError,
  type AskRequest,
  type AskResult,
  type EngineErrorInfo,
  type FeaturesRequest,
  type FeaturesResult,
  type LensFeaturesRequest,
  type LoadedModel,
  type LoadProgress,
  type LoadRequest,
  type ResultTypes,
  type TrainingExamples,
  type TrainingExamplesRequest,
  type VlmEngineApi,
  type WorkerEvent,
  type WorkerRequest,
} from './protocol.ts';

type Pending = {
  resolve: (v: any) => void;
  reject: (e: EngineError) => void;
  onProgress?: (p: LoadProgress) => void;
  onToken?: (d: string) => void;
};

type Omit1<T> = T extends unknown ? Omit<T, 'id'> : never;

/** One worker and its pending requests. */
class WorkerLink {
  private next = 1;
  private pending = new Map<number, Pending>();
  onDeviceLost?: (message: string) => void;

  constructor(private worker: Worker) {
    worker.onmessage = (ev: MessageEvent<WorkerEvent>) => this.receive(ev.data);
    worker.onerror = (ev) => this.failAll({ code: 'internal', message: `The engine worker crashed: ${ev.message || 'unknown error'}` });
  }

  request<M extends Omit1<WorkerRequest>>(msg: M, hooks: Omit<Pending, 'resolve' | 'reject'> = {}): Promise<ResultTypes[M['type']]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...hooks });
      this.worker.postMessage({ ...msg, id } as WorkerRequest);
    });
  }

  private receive(e: WorkerEvent): void {
    if (e.type === 'device-lost') {
      this.onDeviceLost?.(e.message);
      return;
    }
    const p = this.pending.get(e.id);
    if (!p) return;
    switch (e.type) {
      case 'progress':
        p.onProgress?.(e.progress);
        return;
      case 'token':
        p.onToken?.(e.delta);
        return;
      case 'result':
        this.pending.delete(e.id);
        p.resolve(e.value);
        return;
      case 'error':
        this.pending.delete(e.id);
        p.reject(new EngineError(e.error.code, e.error.message));
        return;
    }
  }

  failAll(info: EngineErrorInfo): void {
    for (const p of this.pending.values()) p.reject(new EngineError(info.code, info.message));
    this.pending.clear();
  }

  terminate(info: EngineErrorInfo): void {
    this.worker.terminate();
    this.failAll(info);
  }
}

export interface EngineClientOptions {
  createWorker: () => Worker;
  /** Called when the GPU device is lost; the worker is gone, reload with `lastLoadRequest`. */
  onDeviceLost?: (message: string) => void;
}

export class EngineClient implements VlmEngineApi {
  private active: WorkerLink | null = null;
  private loading: WorkerLink | null = null;
  private lastLoad: LoadRequest | null = null;

  constructor(private opts: EngineClientOptions) {}

  async load(req: LoadRequest, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel> {
    this.cancelLoad();
    const link = new WorkerLink(this.opts.createWorker());
    this.loading = link;
    try {
      const loaded = await link.request({ type: 'load', req }, { onProgress });
      this.active?.terminate({ code: 'cancelled', message: 'Another model was loaded.' });
      this.active = link;
      this.lastLoad = req;
      link.onDeviceLost = (m) => this.recoverFromDeviceLoss(link, m);
      return loaded;
    } catch (e) {
      if (this.loading === link) link.terminate({ code: 'cancelled', message: 'Load failed.' });
      throw e;
    } finally {
      if (this.loading === link) this.loading = null;
    }
  }

  /** Cancels a download in progress; the model loaded before stays. */
  cancelLoad(): void {
    const link = this.loading;
    this.loading = null;
    link?.terminate({ code: 'cancelled', message: 'Loading was cancelled.' });
  }

  ask(req: AskRequest, onToken?: (delta: string) => void): Promise<AskResult> {
    if (!this.active) return Promise.reject(new EngineError('no-model', 'No model is loaded yet.'));
    return this.active.request({ type: 'ask', req }, { onToken });
  }

  features(req: FeaturesRequest): Promise<FeaturesResult> {
    if (!this.active) return Promise.reject(new EngineError('no-model', 'No model is loaded yet.'));
    return this.active.request({ type: 'features', req });
  }

  /** Pooled features under a contrastive model (CLIP-style), hosted by the engine worker. */
  lensFeatures(req: LensFeaturesRequest): Promise<{ pooled: Float32Array }> {
    if (!this.active) return Promise.reject(new EngineError('no-model', 'Load a model first: the contrastive lens runs beside it.'));
    return this.active.request({ type: 'lens-features', req });
  }

  /** Training records as examples for the training worker, made with the loaded model. */
  trainingExamples(req: TrainingExamplesRequest): Promise<TrainingExamples> {
    if (!this.active) return Promise.reject(new EngineError('no-model', 'Load a model first: training uses its tokenizer and vision encoder.'));
    return this.active.request({ type: 'training-examples', req });
  }

  /** Token ids (e.g. from the training worker's generation) as the answer's text. */
  decodeAnswer(ids: number[]): Promise<string> {
    if (!this.active) return Promise.reject(new EngineError('no-model', 'No model is loaded yet.'));
    return this.active.request({ type: 'decode-answer', ids });
  }

  stop(): void {
    void this.active?.request({ type: 'stop' }).catch(() => {});
  }

  async clearCache(): Promise<boolean> {
    const link = this.active ?? new WorkerLink(this.opts.createWorker());
    const { deleted } = await link.request({ type: 'clear-cache' });
    if (link !== this.active) link.terminate({ code: 'cancelled', message: 'done' });
    return deleted;
  }

  /** Test hook: destroys the worker's GPU device, as a driver reset would. */
  async loseDevice(): Promise<void> {
    if (!this.active) throw new EngineError('no-model', 'No model is loaded yet.');
    await this.active.request({ type: 'lose-device' });
  }

  private recoverFromDeviceLoss(link: WorkerLink, message: string): void {
    if (this.active !== link) return;
    link.terminate({ code: 'device-lost', message });
    this.active = null;
    this.opts.onDeviceLost?.(message);
  }

  /** The request of the last successful load, to reload after a device loss. */
  get lastLoadRequest(): LoadRequest | null {
    return this.lastLoad;
  }

  dispose(): void {
    this.cancelLoad();
    this.active?.terminate({ code: 'cancelled', message: 'Closed.' });
    this.active = null;
  }
}
