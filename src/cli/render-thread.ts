/** One `tpi render` worker thread: batches in, metadata out (see render-batch.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { batchRenderer, type BatchRenderer } from './render-batch.ts';
import type { FromThread, ThreadInit, ThreadStart, ToThread } from './render-protocol.ts';
import { warmUp } from './render-warmup.ts';

const port = parentPort!;
const post = (m: FromThread) => port.postMessage(m);
const fatal = (e: unknown) => post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });

let render: BatchRenderer | null = null;
const begin = (init: ThreadInit) => {
  try {
    render = batchRenderer(init);
    post({ type: 'ready' });
  } catch (e) {
    fatal(e);
  }
};

port.on('message', async (msg: ToThread) => {
  switch (msg.type) {
    case 'init':
      begin(msg.init);
      return;
    case 'render':
      if (!render) return fatal('a batch came before init');
      post({ type: 'done', batch: msg.batch, results: await render(msg.records) });
      return;
    default: {
      const never: never = msg;
      throw new Error(`unexpected message ${JSON.stringify(never)}`);
    }
  }
});

const start = workerData as ThreadStart;
if ('init' in start) begin(start.init);
// Until init comes (a thread that cannot begin reports it and is ended by the main thread).
else warmUp(start.warmUp, () => render !== null).catch(() => undefined); // a failed warm-up only costs speed
