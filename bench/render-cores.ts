/**
 * How much slower memory-heavy work gets when K threads run it at once on this machine: deflate
 * of a page-sized buffer (what `tpi render` does per image), timed on one thread, then on K
 * threads started together. On a machine whose cores share caches or memory bandwidth (virtual
 * CPUs that are one core's hyperthreads, a busy host) the ratio is well above 1, and extra
 * rendering threads gain less than Pillow's processes, which spend their time in the interpreter.
 */
import { Worker } from 'node:worker_threads';

const PROBE = `
const zlib = require('node:zlib');
const { parentPort, workerData } = require('node:worker_threads');
const page = Buffer.alloc(113232, 255);
for (let i = 0; i < page.length; i++) if ((i * 7919) % 13 >= 10) page[i] = i % 251; // text-like: mostly white
// deflate: memory-heavy, as rendering is; alu: a register-only loop, the control.
let sink = 0;
const work = workerData.kind === 'deflate' ? () => zlib.deflateSync(page, { level: 1 }).length : () => { let s = 0; for (let i = 0; i < 1e5; i++) s = (s + i * i) | 0; return s; };
for (let i = 0; i < 30; i++) sink += work();
const gate = new Int32Array(workerData.gate);
Atomics.add(gate, 1, 1); // ready
Atomics.wait(gate, 0, 0); // until all are ready
const t0 = performance.now();
for (let i = 0; i < workerData.n; i++) sink += work();
parentPort.postMessage(sink === -1 ? 0 : (performance.now() - t0) / workerData.n);
`;

type Kind = 'deflate' | 'alu';

async function run(kind: Kind, threads: number, n: number): Promise<number[]> {
  const gate = new SharedArrayBuffer(8);
  const g = new Int32Array(gate);
  const results = Array.from({ length: threads }, () => new Promise<number>((resolve, reject) => new Worker(PROBE, { eval: true, workerData: { kind, n, gate } }).once('message', resolve).once('error', reject)));
  while (Atomics.load(g, 1) < threads) await new Promise((r) => setTimeout(r, 1));
  Atomics.store(g, 0, 1);
  Atomics.notify(g, 0);
  return Promise.all(results);
}

/** Microseconds per call on one thread, and on each of `threads` threads running at once. */
export async function coreProbe(threads: number, kind: Kind = 'deflate', n = 1500): Promise<{ one: number; together: number[] }> {
  const [one] = await run(kind, 1, n);
  const together = await run(kind, threads, n);
  return { one: one * 1000, together: together.map((ms) => ms * 1000) };
}
