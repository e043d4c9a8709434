/**
 * One `tpi render` worker thread: renders batches of records with the Node backend and writes
 * each PNG itself (the pixels never cross threads); only metadata goes back.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { imagePath } from '../tpi/dataset.ts';
import { jobFor, settingsFor } from '../tpi/job.ts';
import { renderTpi, toModelPixels } from '../tpi/render.ts';
import { nodeBackend, pngFile } from './render-backend.ts';
import type { FromThread, ThreadInit, ThreadResult, ToThread } from './render-protocol.ts';

const port = parentPort!;
const post = (m: FromThread) => port.postMessage(m);

try {
  const init = workerData as ThreadInit;
  const settings = settingsFor(init.choices);
  const backend = nodeBackend(init.textRenderer);
  let sink = 0; // keeps the pixel-only path from being optimised away
  port.on('message', async (msg: ToThread) => {
    switch (msg.type) {
      case 'render': {
        const results: ThreadResult[] = [];
        for (const record of msg.records) {
          try {
            const r = await renderTpi(jobFor(record.id, record.text, init.choices, settings), backend);
            if (init.mode === 'png') writeFileSync(join(init.outDir, imagePath(record.id)), pngFile(r));
            else sink += toModelPixels(r)[0];
            results.push({ seq: record.index, meta: r.meta });
          } catch (e) {
            results.push({ seq: record.index, error: e instanceof Error ? e.message : String(e) });
          }
        }
        post({ type: 'done', batch: msg.batch, results });
        return;
      }
      case 'exit':
        if (sink === Number.MIN_VALUE) console.log(sink);
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
