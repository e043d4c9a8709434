// The contrastive lens in its own worker, so that a real CLIP's inference never blocks the page.
import { configureBrowserEnv, selectModelSource } from '../vlm/browser-env.ts';
import { loadClipLens } from './clip-lens.ts';
import type { ClipReply, ClipRequest } from './clip-protocol.ts';
import type { FeatureLens } from './extract.ts';

configureBrowserEnv(import.meta.env.BASE_URL);
let lens: Promise<FeatureLens> | null = null;
const post = (m: ClipReply, t: Transferable[] = []) => (self as unknown as Worker).postMessage(m, t);

self.onmessage = async (ev: MessageEvent<ClipRequest>) => {
  const req = ev.data;
  try {
    switch (req.type) {
      case 'load':
        selectModelSource(req.source);
        lens = loadClipLens(req.modelId, { device: 'wasm' });
        await lens;
        post({ type: 'loaded', id: req.id });
        return;
      case 'image':
      case 'text': {
        if (!lens) throw new Error('No contrastive model is loaded.');
        const l = await lens;
        const vector = req.type === 'image' ? await l.image(req.bytes, req.name) : await l.text(req.text);
        post({ type: 'vector', id: req.id, vector }, [vector.buffer]);
        return;
      }
      default: {
        const never: never = req;
        throw new Error(`unexpected message ${JSON.stringify(never)}`);
      }
    }
  } catch (e) {
    if (req.type === 'load') lens = null;
    post({ type: 'failed', id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
};
