/** One `tpi render` worker thread: batches in, metadata out (see render-batch.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { batchRenderer } from './render-batch.ts';
import type { FromThread, ThreadInit, ToThread } from './render-protocol.ts';

const port = parentPort!;
const post = (m: FromThread) => port.postMessage(m);

try {
  const render = batchRenderer(workerData as ThreadInit);
  port.on('message', async (msg: ToThread) => {
    switch (msg.type) {
      case 'render':
        post({ type: 'done', batch: msg.batch, results: await render(msg.records) });
        return;
      case 'exit':
        port.close();
        return;
      default: {
        const never: never = msg;
        throw new Error(`unexpected message ${JSON.stringify(never)}`);
      }
    }
  });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
}
