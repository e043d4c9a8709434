/**
 * `tpi render` without the command line: streams the input's records in batches to the threads
 * that render them, writes the images and data.jsonl (in input order) as batches come back, and
 * collects bad records. With one thread, the main thread does it all. With K > 1, K − 1 worker
 * threads render and the main thread codes their pages' PNGs from placed pieces and writes them
 * (render-handoff.ts), the workers coding pages themselves when it falls behind.
 *
 * A stop (Ctrl-C) ends reading and drops the batches not started yet, here and in the threads
 * (a flag they share): only the batches being drawn finish. data.jsonl then ends at the first
 * record not rendered, and the images of the records after it are removed, so the output is the
 * dataset of the first records of the input that --resume goes on from.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { IdRegistry, imagePath, llavaRecord, MAX_TEXT_CHARS, type BadRecord, type InputRecord } from '../tpi/dataset.ts';
import { rejectedJsonl } from '../tpi/export.ts';
import { pageFrame } from '../tpi/compose.ts';
import { lacksGlyphs as lacksGlyphsOf, notInFonts } from '../tpi/coverage.ts';
import { settingsFor, type RenderChoices } from '../tpi/job.ts';
import { encodePlacedPng } from '../tpi/png-pieces.ts';
import { Bands, type Batch, type Window } from './render-bands.ts';
import { nodeCrc, type TextRenderer } from './render-backend.ts';
import { PieceMirror } from './render-handoff.ts';
import { readRecords, type Shard } from './render-input.ts';
import { renderedIds } from './render-resume.ts';
import { batchRenderer } from './render-batch.ts';
import { threadEntry } from './render-thread-bundle.ts';
import { halted, type FromThread, type RenderMode, type ThreadInit, type ThreadResult, type ToThread } from './render-protocol.ts';
import { renderWorker, takePrestarted } from './render-prestart.ts';

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
  /** Called as records are finished (rendered or found bad), with the count so far. */
  onProgress?: (records: number) => void;
  /** Called with the number of records to do, when the reader knows it (see readRecords). */
  onTotal?: (records: number) => void;
  /**
   * Stops the run: reading ends, the batches being drawn are finished and the rest dropped, so
   * the output stays a consistent dataset of the records before some point.
   */
  signal?: AbortSignal;
  /**
   * Keep DIR/data.jsonl and skip the records whose ids it has (see render-resume.ts); refused
   * when its records were rendered with other choices.
   */
  resume?: boolean;
}

export interface RunSummary {
  /** Records in this shard, bad ones included. */
  records: number;
  rendered: number;
  bad: BadRecord[];
  seconds: number;
  /** CPU time of the whole process (all threads), s. */
  cpuSeconds: number;
  /** The signal stopped the run before all of its records were done. */
  stopped: boolean;
  /** Records skipped because data.jsonl had them already (--resume). */
  skipped: number;
  /** Rendered records whose text did not fit at the smallest font size (`tpi.overflow`). */
  overflowed: number;
  /**
   * Rendered records with characters the bundled font lacks (drawn with the machine's fonts, or
   * as empty boxes): how many, and the first few with their line numbers and those characters.
   */
  notInFonts: { records: number; first: { line: number; chars: string[] }[] };
}

/** Where batches go: a worker thread, or the main thread itself. */
interface Thread {
  send(batch: number, records: InputRecord[]): void;
  close(): Promise<unknown>;
  inFlight: number;
  /** Its band of text lengths (0: the shortest texts). */
  band: number;
  /** Its copy of the thread's pieces, for the pages it hands off. */
  mirror: PieceMirror | null;
}

const PER_THREAD = 4;

/** A worker thread once it says it is ready (after its init: at start, or sent to a prestarted one). */
function connect(worker: Worker, band: number, mirror: PieceMirror | null, onMessage: OnMessage, onError: (e: Error) => void): Promise<Thread> {
  return new Promise((resolve, reject) => {
    const gone = (code: number) => reject(new Error(`worker thread exited (${code}) before it was ready`));
    worker.once('exit', gone);
    worker.once('error', reject);
    worker.once('message', (m: FromThread) => {
      worker.off('exit', gone);
      worker.off('error', reject);
      if (m.type === 'ready') {
        const thread: Thread = {
          send: (batch, records) => worker.postMessage({ type: 'render', batch, records } satisfies ToThread),
          close: () => worker.terminate(),
          inFlight: 0,
          band,
          mirror,
        };
        worker.on('message', (m: FromThread) => onMessage(m, thread));
        worker.on('error', onError);
        resolve(thread);
      } else {
        void worker.terminate();
        reject(new Error(m.type === 'fatal' ? m.message : `worker thread said ${m.type} before ready`));
      }
    });
  });
}

type OnMessage = (m: FromThread, from: Thread) => void;

function startThread(entry: URL, band: number, mirror: PieceMirror | null, init: ThreadInit, onMessage: OnMessage, onError: (e: Error) => void): Promise<Thread> {
  return connect(renderWorker(entry, { init }), band, mirror, onMessage, onError);
}

/** A thread prestarted by bin/tpi.mjs (render-prestart.ts); one that fails is replaced by a new one. */
function adoptThread(worker: Worker, entry: () => Promise<URL>, band: number, mirror: PieceMirror | null, init: ThreadInit, onMessage: OnMessage, onError: (e: Error) => void): Promise<Thread> {
  worker.ref();
  worker.postMessage({ type: 'init', init } satisfies ToThread);
  return connect(worker, band, mirror, onMessage, onError).catch(async () => startThread(await entry(), band, mirror, init, onMessage, onError));
}

/**
 * The main thread as a renderer (alone, or in the benchmark's pixel mode beside the workers):
 * one batch at a time, returning to the event loop in between so that the worker threads'
 * messages (and a stop) are answered.
 */
function inlineThread(init: ThreadInit, onMessage: OnMessage, onError: (e: Error) => void): Thread {
  const render = batchRenderer(init);
  let queue = Promise.resolve();
  const thread: Thread = {
    send: (batch, records) => {
      queue = queue
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(async () => onMessage(halted(init) ? { type: 'dropped', batch } : { type: 'done', batch, ...(await render(records)) }, thread))
        .catch(onError);
    },
    close: () => queue,
    inFlight: 0,
    band: 0,
    mirror: null,
  };
  return thread;
}

export async function renderCorpus(o: RunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const mode = o.mode ?? 'png';
  const batchSize = o.batchSize ?? 16;
  const K = o.workers;
  // Read (and refused if it cannot be resumed with these choices) before anything is written.
  const already = o.resume && mode === 'png' ? renderedIds(join(o.outDir, 'data.jsonl'), o.choices) : new Set<string>();
  if (mode === 'png') mkdirSync(join(o.outDir, 'images'), { recursive: true });
  const out = mode === 'png' ? openSync(join(o.outDir, 'data.jsonl'), o.resume ? 'a' : 'w') : -1;
  const skippedAt: number[] = []; // input indices of the records data.jsonl had already
  // Records with characters no bundled face has: every index, and the characters of the first few.
  const lacking: number[] = [];
  const lackingFirst: { index: number; line: number; chars: string[] }[] = [];
  const lacksGlyphs = lacksGlyphsOf(o.choices.font);
  const bad: BadRecord[] = [];
  let finished = 0; // records rendered, failed or refused
  const reportBad = (b: BadRecord) => {
    bad.push(b);
    o.onBad?.(b);
  };
  const refuse = (b: BadRecord) => {
    reportBad(b);
    o.onProgress?.(++finished);
  };

  // With more than one thread, the main thread codes and writes what K − 1 workers render.
  const handOff = K > 1 && mode === 'png' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
  const renderers = handOff ? K - 1 : K;
  const bands = new Bands(renderers, batchSize, PER_THREAD, MAX_TEXT_CHARS, !handOff);
  const windows: Window[] = []; // in input order, not written yet
  const sent = new Map<number, { batch: Batch; thread: Thread }>();
  let nextBatch = 0;
  let ended = false; // all the input is read
  let rendered = 0;
  let overflowed = 0;
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const threads: Thread[] = [];
  const halt = new Int32Array(new SharedArrayBuffer(4));
  let stopping = false;
  let holeAt = Infinity; // the input index of the first record dropped (after a stop)
  const cut = (records: InputRecord[]) => {
    if (records.length) windows.push(bands.cut(records));
  };
  const pump = () => {
    if (stopping) return;
    for (const thread of threads) {
      while (thread.inFlight < PER_THREAD) {
        const batch = bands.take(thread.band, ended);
        if (!batch) break;
        thread.inFlight++;
        sent.set(nextBatch, { batch, thread });
        thread.send(nextBatch++, batch.slots.map((s) => batch.window.records[s]));
      }
    }
  };
  // Writes the windows that are all back, in input order; after a stop, up to the first record
  // that was dropped.
  const writeReady = () => {
    let text = '';
    while (holeAt === Infinity && windows.length && windows[0].left === 0) {
      const { records, results } = windows[0];
      for (let k = 0; k < records.length; k++) {
        const record = records[k];
        const r = results[k];
        if (r === undefined) {
          holeAt = record.index;
          break;
        }
        if ('error' in r) reportBad({ index: record.index, line: record.line, reason: `rendering failed: ${r.error}` });
        else {
          rendered++;
          if (r.meta.overflow) overflowed++;
          text += JSON.stringify(llavaRecord(record, r.meta)) + '\n';
        }
      }
      if (holeAt === Infinity) windows.shift();
    }
    if (text && out >= 0) writeSync(out, text);
  };
  // Every image file is written here, by one thread, one at a time: creating files in one
  // directory from several threads at once cost up to twice the CPU per file on ext4 (the
  // kernel contends for the directory), and writing synchronously kept the rendering threads'
  // cores for rendering (docs/bench-render.md).
  const writeImage = (record: InputRecord, r: ThreadResult, from: Thread): ThreadResult => {
    if (!('meta' in r)) return r;
    try {
      if ('placed' in r) {
        Atomics.sub(handOff!, 0, 1);
        writeFileSync(join(o.outDir, imagePath(record.id)), encodePlacedPng(from.mirror!.page(r.placed), nodeCrc, true)!);
      } else if (r.png) writeFileSync(join(o.outDir, imagePath(record.id)), r.png);
      else return r;
      return { seq: r.seq, meta: r.meta };
    } catch (e) {
      return { seq: r.seq, error: e instanceof Error ? e.message : String(e) };
    }
  };
  const back = (id: number): Batch => {
    const { batch, thread } = sent.get(id)!;
    sent.delete(id);
    thread.inFlight--;
    batch.window.left--;
    return batch;
  };
  const onMessage = (m: FromThread, from: Thread) => {
    if (m.type === 'done') {
      const batch = back(m.batch);
      if (m.news) from.mirror!.update(m.news);
      m.results.forEach((r, k) => (batch.window.results[batch.slots[k]] = writeImage(batch.window.records[batch.slots[k]], r, from)));
      finished += m.results.length;
      o.onProgress?.(finished);
      writeReady();
      pump();
    } else if (m.type === 'dropped') {
      back(m.batch);
      writeReady();
    } else if (m.type === 'fatal') failure = new Error(m.message);
    wake?.();
  };
  const onError = (e: Error) => {
    failure = e;
    wake?.();
  };
  const idle = () => new Promise<void>((resolve) => (wake = resolve));
  // A stop: the threads drop the batches they have not started, the queued ones are dropped here.
  const stopNow = () => {
    stopping = true;
    Atomics.store(halt, 0, 1);
    for (const batch of bands.drain()) batch.window.left--;
    writeReady();
    wake?.();
  };

  const init: ThreadInit = { choices: o.choices, mode, textRenderer: o.textRenderer ?? 'system', halt, handOff };
  // The frame of every page a worker hands off (grey, not augmented: the run's settings as they are).
  const settings = handOff && settingsFor(o.choices);
  const frame = settings && pageFrame(settings.width, settings.height, settings.foreground, settings.background, settings.margins);
  const mirror = () => (frame ? new PieceMirror(frame) : null);
  let waitForStarts: Promise<unknown> = Promise.resolve();
  try {
    // The main thread starts at once (when it renders); the other K − 1 threads join as they come up.
    // The bundle new threads start from, built or checked only when one is needed: prestarted
    // threads were started from it a moment ago, when it was up to date (checking again took 5 ms).
    let bundle: Promise<URL> | undefined;
    const entry = () => (bundle ??= threadEntry());
    const prestarted = await takePrestarted(K - 1, init.textRenderer);
    if (!handOff) threads.push(inlineThread(init, onMessage, onError));
    const band = (i: number) => (handOff ? i : i + 1);
    const starting = Array.from({ length: K - 1 }, (_, i) =>
      (prestarted[i] ? adoptThread(prestarted[i], entry, band(i), mirror(), init, onMessage, onError) : entry().then((url) => startThread(url, band(i), mirror(), init, onMessage, onError))).then(
        (t) => {
          threads.push(t);
          pump();
        },
        (e: Error) => onError(e),
      ),
    );
    waitForStarts = Promise.all(starting);
    if (o.signal?.aborted) stopNow();
    else o.signal?.addEventListener('abort', stopNow, { once: true });
    let unsent: InputRecord[] = [];
    const ids = new IdRegistry();
    let readAll = true;
    for await (const item of readRecords(o.input, o.format, o.shard, o.onTotal)) {
      if (stopping) {
        readAll = false;
        break;
      }
      if (item.ok && item.before) {
        ids.take(item.record.id, item.record.line);
        continue;
      }
      if (!item.ok) {
        refuse(item.bad);
        continue;
      }
      const { record } = item;
      const taken = ids.take(record.id, record.line);
      if (taken !== null) {
        refuse({ index: record.index, line: record.line, reason: taken });
        continue;
      }
      if (already.has(record.id)) {
        skippedAt.push(record.index);
        o.onProgress?.(++finished);
        continue;
      }
      unsent.push(record);
      if (lacksGlyphs(record.text)) {
        lacking.push(record.index);
        if (lackingFirst.length < 20) lackingFirst.push({ index: record.index, line: record.line, chars: notInFonts(record.text, o.choices.font) });
      }
      if (unsent.length < 2 * K * batchSize) continue;
      cut(unsent);
      unsent = [];
      pump();
      while (bands.queued >= 2 * K * PER_THREAD && !stopping) {
        if (failure) throw failure;
        await idle();
      }
    }
    // On a stop, the records read but not dealt out yet are dropped.
    if (!stopping) cut(unsent);
    ended = true;
    pump();
    while (stopping ? sent.size > 0 : windows.length > 0) {
      if (failure) throw failure;
      await idle();
    }
    o.signal?.removeEventListener('abort', stopNow);
    // data.jsonl ends before the first record dropped; nothing at or after it counts as done.
    const cutAt = stopping ? Math.min(holeAt, unsent[0]?.index ?? Infinity) : Infinity;
    // Stopped: only when something was left undone (a stop once all was done changes nothing).
    const stopped = stopping && (!readAll || cutAt < Infinity);
    // The images of the records rendered after the cut go too: data.jsonl does not have them.
    for (const w of mode === 'png' ? windows : []) {
      w.records.forEach((record, k) => {
        const r = w.results[k];
        if (record.index >= cutAt && r && 'meta' in r) rmSync(join(o.outDir, imagePath(record.id)), { force: true });
      });
    }
    const kept = bad.filter((b) => b.index < cutAt).sort((a, b) => a.line - b.line);
    const failed = new Set(bad.map((b) => b.index));
    const skipped = skippedAt.filter((i) => i < cutAt).length;
    if (mode === 'png') writeFileSync(join(o.outDir, 'rejected.jsonl'), rejectedJsonl(kept));
    const cpu = process.cpuUsage(cpu0);
    return {
      records: rendered + kept.length + skipped,
      rendered,
      bad: kept,
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      stopped,
      skipped,
      overflowed,
      notInFonts: {
        records: lacking.filter((i) => i < cutAt && !failed.has(i)).length,
        first: lackingFirst.filter((m) => m.index < cutAt && !failed.has(m.index)).map(({ line, chars }) => ({ line, chars })),
      },
    };
  } finally {
    o.signal?.removeEventListener('abort', stopNow);
    if (out >= 0) closeSync(out);
    await waitForStarts; // a thread still starting is closed too
    await Promise.all(threads.map((t) => t.close()));
  }
}
