/**
 * `npm run bench:gap`: what the Gap lab costs. (1) Feature extraction per item with the tiny
 * models in Node (onnxruntime-node, CPU): printing the TPI, then each form through the VLM lens
 * and the contrastive lens. (2) Each projection of synthetic vectors (three forms of n/3 items,
 * width 576 like SmolVLM-256M's hidden size) for 100, 1,000 and 5,000 points.
 *
 *   npm run bench:gap [-- --sizes 100,1000,5000] [--items 20]
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { env } from '@huggingface/transformers';
import { nodeBackend, nodeDeflate } from '../src/cli/render-backend.ts';
import { loadClipLens } from '../src/gap/clip-lens.ts';
import { extractItem, vlmLens, type ExtractTiming } from '../src/gap/extract.ts';
import { project, PROJECTION_METHODS } from '../src/gap/projection.ts';
import { gaussian, mulberry32 } from '../src/gap/rng.ts';
import { DEFAULT_FONT } from '../src/tpi/fonts.ts';
import { jobFor } from '../src/tpi/job.ts';
import { renderTpi } from '../src/tpi/render.ts';
import { VlmEngine } from '../src/vlm/engine.ts';
import { nodeHost } from '../src/vlm/host-node.ts';
import { FP32_ONLY } from '../src/vlm/registry.ts';

const { values } = parseArgs({ options: { sizes: { type: 'string' }, items: { type: 'string' } } });
const sizes = (values.sizes ?? '100,1000,5000').split(',').map(Number);
const nItems = Number(values.items ?? 20);
const root = join(import.meta.dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`# bench:gap — ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, Node ${process.version}\n`);

// (1) Feature extraction per item.
env.localModelPath = join(root, 'models') + '/';
env.allowLocalModels = true;
env.allowRemoteModels = false;
const engine = new VlmEngine(nodeHost);
await engine.load({ modelId: 'tiny-random-smolvlm', device: 'wasm', dtypes: FP32_ONLY });
const clip = await loadClipLens('tiny-random-clip');
const backend = nodeBackend('portable');
const printMs: number[] = [];
const print = async (id: string, text: string) => {
  const t0 = performance.now();
  const r = await renderTpi(jobFor(id, text, { preset: 'paper', font: DEFAULT_FONT }), backend);
  const png = r.png(nodeDeflate);
  printMs.push(performance.now() - t0);
  return png;
};
const images = ['chelsea-small.png', 'rocket-small.jpg'].map((f) => new Uint8Array(readFileSync(join(root, 'e2e/fixtures', f))));
const timings: ExtractTiming[] = [];
const itemMs: number[] = [];
for (let i = 0; i < nItems; i++) {
  // Distinct bytes per item (one trailing byte) so the engine's image cache never hits.
  const base = images[i % 2];
  const image = new Uint8Array(base.length + 1);
  image.set(base);
  image[base.length] = i;
  const t0 = performance.now();
  await extractItem({ id: `i${i}`, image, text: `Item ${i}: a photograph described in one sentence of plain English words.` }, [vlmLens(engine), clip], print, timings);
  itemMs.push(performance.now() - t0);
}
console.log(`## Feature extraction (tiny models, ${nItems} items, median ms)\n`);
console.log('| step | ms |\n|---|---|');
console.log(`| print TPI (336×336 PNG) | ${median(printMs).toFixed(2)} |`);
for (const lens of ['vlm', 'clip'] as const) {
  for (const form of ['real', 'tpi', 'text'] as const) {
    console.log(`| ${lens} ${form} | ${median(timings.filter((t) => t.lens === lens && t.form === form).map((t) => t.ms)).toFixed(2)} |`);
  }
}
console.log(`| whole item (both lenses) | ${median(itemMs).toFixed(1)} |\n`);

// (2) Projections of synthetic vectors: three forms, each a shifted Gaussian cloud.
function synthetic(n: number, dim = 576): Float32Array[] {
  const normal = gaussian(mulberry32(n));
  const shifts = [0, 1, 2].map(() => Float32Array.from({ length: dim }, () => normal()));
  return Array.from({ length: n }, (_, i) => Float32Array.from({ length: dim }, (_, j) => normal() + 2 * shifts[i % 3][j]));
}
console.log('## Projections (synthetic, width 576, seconds)\n');
console.log(`| points | ${PROJECTION_METHODS.join(' | ')} |\n|---|${PROJECTION_METHODS.map(() => '---').join('|')}|`);
for (const n of sizes) {
  const rows = synthetic(n);
  const cells: string[] = [];
  for (const method of PROJECTION_METHODS) {
    const t0 = performance.now();
    project(rows, { method, seed: 1 });
    cells.push(((performance.now() - t0) / 1000).toFixed(2));
  }
  console.log(`| ${n} | ${cells.join(' | ')} |`);
}
