/** One `tpi render` worker thread: batches in, metadata out (see render-batch.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { batchRenderer, type BatchRenderer } from './render-batch.ts';
import { registerBundledFonts } from './render-backend.ts';
import { newsBuffers } from './render-handoff.ts';
import { halted, type FromThread, type ThreadInit, type ThreadStart, type ToThread } from './render-protocol.ts';

const port = parentPort!;
const post = (m: FromThread) => port.postMessage(m);
const fatal = (e: unknown) => post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });

let render: BatchRenderer | null = null;
let started: ThreadInit | null = null;
const begin = (init: ThreadInit) => {
  try {
    render = batchRenderer(init);
    started = init;
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
    case 'render': {
      if (!render) return fatal('a batch came before init');
      if (halted(started!)) return post({ type: 'dropped', batch: msg.batch });
      const output = await render(msg.records);
      // The pieces' buffers are moved to the main thread, not copied.
      port.postMessage({ type: 'done', batch: msg.batch, ...output } satisfies FromThread, output.news ? newsBuffers(output.news) : []);
      return;
    }
    default: {
      const never: never = msg;
      throw new Error(`unexpected message ${JSON.stringify(never)}`);
    }
  }
});

const start = workerData as ThreadStart;
if ('init' in start) begin(start.init);
else {
  // Prestarted: the fonts are loaded now, and init comes once the command line is read. Fonts
  // that fail to load fail again in begin(), which reports it.
  try {
    registerBundledFonts(start.prepare);
  } catch {}
}
