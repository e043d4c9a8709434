/**
 * `tpi render`'s worker threads, started by bin/tpi.mjs from this module's bundle before tsx
 * and the command's own modules load (a third of a second, on one core): they start and load
 * their code and fonts on the other cores meanwhile, instead of after the command line has been
 * read. (Rendering made-up texts meanwhile, to have V8 compile the hot code, was tried and made
 * runs slower: docs/bench-render.md.) Only node built-ins and render-thread-bundle.ts are
 * imported here.
 *
 * The command line is read loosely here (only --workers, --text-renderer and --help): a wrong
 * one starts nothing, and render.ts reports it as usual.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { ThreadStart } from './render-protocol.ts';
import type { TextRenderer } from './render-backend.ts';
import { builtThreadEntry } from './render-thread-bundle.ts';

export interface PrestartPlan {
  threads: number;
  textRenderer: TextRenderer;
}

/** How many worker threads `tpi render ARGV` will want, and with which text renderer; null: none. */
export function prestartPlan(argv: string[], cores = availableParallelism()): PrestartPlan | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { workers: { type: 'string' }, 'text-renderer': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: false, allowPositionals: true }));
  } catch {
    return null;
  }
  if (values.help) return null;
  const raw = values.workers;
  const workers = raw === undefined ? cores : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : 0;
  const renderer = values['text-renderer'] ?? 'system';
  if (renderer !== 'system' && renderer !== 'portable') return null;
  // The main thread renders too; threads beyond the cores start as usual, later.
  const threads = Math.min(workers, cores) - 1;
  return threads > 0 ? { threads, textRenderer: renderer } : null;
}

/**
 * The prestarted threads, kept on globalThis: bin/tpi.mjs starts them from the bundled copy of
 * this module (it runs before tsx is loaded) and render-run.ts takes them through the tsx one.
 */
interface Prestarted {
  plan: PrestartPlan;
  workers: Worker[];
  exited: WeakSet<Worker>;
}
const SLOT = Symbol.for('tpi.render.prestarted');
const slot = globalThis as { [SLOT]?: Prestarted };

/**
 * A `tpi render` worker thread. Its young generation is capped at 6 MB (2 MB semi-spaces; V8
 * grows them to 16 MB by default): the thread allocates ~65 MB a run in short-lived objects, and
 * in a small nursery that memory is reused while still in the caches instead of freshly mapped
 * (its page faults 7,000 → 4,000 a run, CPU −3 to −8 %; docs/bench-render.md).
 */
export function renderWorker(entry: URL, start: ThreadStart): Worker {
  return new Worker(entry, { workerData: start, resourceLimits: { maxYoungGenerationSizeMb: 6 } });
}

/**
 * Starts the worker threads `tpi render ARGV` will want, waiting to be taken; returns how
 * many (none without an up-to-date bundle, or while others wait to be taken).
 */
export function prestartRender(argv: string[], cores = availableParallelism()): number {
  const plan = prestartPlan(argv, cores);
  const entry = plan && !slot[SLOT] ? builtThreadEntry() : null;
  if (!plan || !entry) return 0;
  const exited = new WeakSet<Worker>();
  const workers = Array.from({ length: plan.threads }, () => {
    const worker = renderWorker(entry, { prepare: plan.textRenderer });
    worker.unref(); // a command line that turns out wrong exits without waiting for them
    worker.on('error', () => undefined); // a thread that fails is not taken (below)
    worker.once('exit', () => exited.add(worker));
    return worker;
  });
  slot[SLOT] = { plan, workers, exited };
  return workers.length;
}

/**
 * Up to `count` prestarted threads for a run with this text renderer (the one they were
 * prepared with: the renderer is process-wide), or none; the rest are stopped. Each is taken once.
 */
export async function takePrestarted(count: number, textRenderer: TextRenderer): Promise<Worker[]> {
  const p = slot[SLOT];
  if (!p) return [];
  delete slot[SLOT];
  const usable = p.plan.textRenderer === textRenderer ? p.workers.filter((w) => !p.exited.has(w)).slice(0, count) : [];
  await Promise.all(p.workers.filter((w) => !usable.includes(w)).map((w) => w.terminate()));
  return usable;
}
