// The projection worker: t-SNE and UMAP take seconds for thousands of points, off the page's
// main thread. Each request gets progress events and one `done` or `failed`.

import { project } from './projection.ts';
import { unpackRows, type ProjectionReply, type ProjectionRequest } from './projection-protocol.ts';

const post = (m: ProjectionReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = (ev: MessageEvent<ProjectionRequest>) => {
  const req = ev.data;
  try {
    const rows = unpackRows(req.data, req.n, req.dim);
    const pts = project(rows, { method: req.method, seed: req.seed, onProgress: (fraction) => post({ type: 'progress', id: req.id, fraction }) });
    const coords = new Float64Array(pts.length * 2);
    pts.forEach((p, i) => coords.set(p, i * 2));
    post({ type: 'done', id: req.id, coords }, [coords.buffer]);
  } catch (e) {
    post({ type: 'failed', id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
};
