/**
 * `tpi render` without the command line: streams the input's records to K worker threads in
 * batches, writes data.jsonl in input order as batches come back, and collects bad records.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { llavaRecord, type BadRecord, type InputRecord } from '../tpi/dataset.ts';
import { rejectedJsonl } from '../tpi/export.ts';
import type { RenderChoices } from '../tpi/job.ts';
import { readRecords, type Shard } from './render-input.ts';
import type { TextRenderer } from './render-backend.ts';
import { batchRenderer } from './render-batch.ts';
import type { FromThread, RenderMode, ThreadInit, ToThread } from './render-protocol.ts';

export interface RunOptions {
  input: string;
  format: 'jsonl' | 'csv';
  outDir: string;
  choices: RenderChoices;
  workers: number;
  shard: Shard | null;
  mode?: RenderMode;
  textRenderer?: TextRenderer;
  batchSize?: number;
  /** Called for each bad record as soon as it is found. */
  onBad?: (b: BadRecord) => void;
}

export interface RunSummary {
  /** Records in this shard, bad ones included. */
  records: number;
  rendered: number;
  bad: BadRecord[];
  seconds: number;
  /** CPU time of the whole process (all threads), s. */
  cpuSeconds: number;
}

/** Where batches go: a worker thread, or the main thread itself when there is one worker. */
interface Thread {
  send(batch: number, records: InputRecord[]): void;
  close(): Promise<unknown>;
  inFlight: number;
}

const PER_THREAD = 4;

function startThread(init: ThreadInit, onMessage: (m: FromThread) => void, onError: (e: Error) => void): Promise<Thread> {
  const worker = new Worker(new URL('./render-thread.mjs', import.meta.url), { workerData: init });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: FromThread) => {
      if (m.type === 'ready') {
        worker.on('message', onMessage);
        worker.on('error', onError);
        resolve({
          send: (batch, records) => worker.postMessage({ type: 'render', batch, records } satisfies ToThread),
          close: () => worker.terminate(),
          inFlight: 0,
        });
      } else reject(new Error(m.type === 'fatal' ? m.message : `worker thread said ${m.type} before ready`));
    });
    worker.once('error', reject);
  });
}

/** One worker: no thread to start (a few hundred ms of module loading saved), same messages. */
function inlineThread(init: ThreadInit, onMessage: (m: FromThread) => void, onError: (e: Error) => void): Thread {
  const render = batchRenderer(init);
  let queue = Promise.resolve();
  return {
    send: (batch, records) => {
      queue = queue.then(async () => onMessage({ type: 'done', batch, results: await render(records) })).catch(onError);
    },
    close: () => queue,
    inFlight: 0,
  };
}

export async function renderCorpus(o: RunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const mode = o.mode ?? 'png';
  const batchSize = o.batchSize ?? 16;
  if (mode === 'png') mkdirSync(join(o.outDir, 'images'), { recursive: true });
  const out = mode === 'png' ? openSync(join(o.outDir, 'data.jsonl'), 'w') : -1;
  const bad: BadRecord[] = [];
  const reportBad = (b: BadRecord) => {
    bad.push(b);
    o.onBad?.(b);
  };

  // Batches go out numbered; their results are written strictly in that order.
  const batches = new Map<number, InputRecord[]>();
  const finished = new Map<number, Extract<FromThread, { type: 'done' }>['results']>();
  let nextToWrite = 0;
  let rendered = 0;
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const threads: Thread[] = [];

  const writeReady = () => {
    let text = '';
    for (let results = finished.get(nextToWrite); results; results = finished.get(nextToWrite)) {
      const records = batches.get(nextToWrite)!;
      results.forEach((r, k) => {
        const record = records[k];
        if ('error' in r) reportBad({ index: record.index, line: record.line, reason: `rendering failed: ${r.error}` });
        else {
          rendered++;
          text += JSON.stringify(llavaRecord(record, r.meta)) + '\n';
        }
      });
      finished.delete(nextToWrite);
      batches.delete(nextToWrite);
      nextToWrite++;
    }
    if (text && out >= 0) writeSync(out, text);
  };
  const onMessage = (thread: () => Thread | undefined) => (m: FromThread) => {
    if (m.type === 'done') {
      thread()!.inFlight--;
      finished.set(m.batch, m.results);
      writeReady();
    } else if (m.type === 'fatal') failure = new Error(m.message);
    wake?.();
  };
  const onError = (e: Error) => {
    failure = e;
    wake?.();
  };
  const idle = () => new Promise<void>((resolve) => (wake = resolve));

  const init: ThreadInit = { outDir: o.outDir, choices: o.choices, mode, textRenderer: o.textRenderer ?? 'system' };
  let waitForStarts: Promise<unknown> = Promise.resolve();
  try {
    // The main thread renders too (its modules are loaded already) and starts at once; the
    // other K − 1 worker threads join as they come up (each takes a few hundred ms to load the
    // TypeScript modules and fonts).
    const main = inlineThread(init, onMessage(() => main), onError);
    threads.push(main);
    const starting = Array.from({ length: o.workers - 1 }, () => {
      let thread: Thread | undefined;
      return startThread(init, onMessage(() => thread), onError).then(
        (t) => {
          threads.push((thread = t));
          wake?.();
        },
        (e: Error) => onError(e),
      );
    });
    waitForStarts = Promise.all(starting);
    let batch: InputRecord[] = [];
    let sent = 0;
    const seen = new Map<string, number>();
    const dispatch = async () => {
      for (;;) {
        if (failure) throw failure;
        const thread = threads.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
        if (thread.inFlight < PER_THREAD) {
          batches.set(sent, batch);
          thread.inFlight++;
          thread.send(sent++, batch);
          batch = [];
          return;
        }
        await idle();
      }
    };
    let records = 0;
    for await (const item of readRecords(o.input, o.format, o.shard)) {
      if (item.ok && item.before) {
        if (!seen.has(item.record.id)) seen.set(item.record.id, item.record.line);
        continue;
      }
      records++;
      if (!item.ok) {
        reportBad(item.bad);
        continue;
      }
      const { record } = item;
      const first = seen.get(record.id);
      if (first !== undefined) {
        reportBad({ index: record.index, line: record.line, reason: `the id "${record.id}" is already used on line ${first}` });
        continue;
      }
      seen.set(record.id, record.line);
      batch.push(record);
      if (batch.length >= batchSize) await dispatch();
    }
    if (batch.length) await dispatch();
    while (nextToWrite < sent) {
      if (failure) throw failure;
      await idle();
    }
    bad.sort((a, b) => a.line - b.line);
    if (mode === 'png') writeFileSync(join(o.outDir, 'rejected.jsonl'), rejectedJsonl(bad));
    const cpu = process.cpuUsage(cpu0);
    return { records, rendered, bad, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    if (out >= 0) closeSync(out);
    await waitForStarts; // a thread still starting is closed too
    await Promise.all(threads.map((t) => t.close()));
  }
}
