// The page's contrastive lens: a FeatureLens backed by clip.worker.ts (one per model id).
import type { ClipReply, ClipRequest } from './clip-protocol.ts';
import type { FeatureLens } from './extract.ts';

type Omit1<T> = T extends unknown ? Omit<T, 'id'> : never;

class ClipWorker {
  private worker = new Worker(new URL('./clip.worker.ts', import.meta.url), { type: 'module', name: 'tpi-clip' });
  private next = 1;
  private pending = new Map<number, { resolve: (r: ClipReply) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.onmessage = (ev: MessageEvent<ClipReply>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      this.pending.delete(ev.data.id);
      if (ev.data.type === 'failed') p.reject(new Error(ev.data.message));
      else p.resolve(ev.data);
    };
    this.worker.onerror = (ev) => {
      for (const p of this.pending.values()) p.reject(new Error(`The contrastive-lens worker failed: ${ev.message || 'unknown error'}`));
      this.pending.clear();
    };
  }

  request(msg: Omit1<ClipRequest>): Promise<ClipReply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  terminate(): void {
    this.worker.terminate();
  }
}

let current: { modelId: string; lens: Promise<FeatureLens>; worker: ClipWorker } | null = null;

const vectorOf = (r: ClipReply) => {
  if (r.type !== 'vector') throw new Error(`expected a vector, got ${r.type}`);
  return r.vector;
};

/** The lens for `modelId`, loading it in a fresh worker when another model was loaded before. */
export function clipLens(modelId: string, source: 'local' | 'hub'): Promise<FeatureLens> {
  if (current?.modelId === modelId) return current.lens;
  current?.worker.terminate();
  const worker = new ClipWorker();
  const lens = worker.request({ type: 'load', modelId, source }).then(
    (): FeatureLens => ({
      lens: 'clip',
      image: async (bytes, name) => vectorOf(await worker.request({ type: 'image', bytes, name })),
      text: async (text) => vectorOf(await worker.request({ type: 'text', text })),
    }),
  );
  current = { modelId, lens, worker };
  lens.catch(() => {
    if (current?.worker === worker) current = null;
    worker.terminate();
  });
  return lens;
}
