/**
 * `tpi gap`: features of a pair set in three forms (real image, printed image, plain text),
 * the gap metrics and a 2-D projection, written as features.json, metrics.json, projection.csv.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import { featuresJson, projectionCsv, type MetricsJson, type ProjectedPoint } from '../gap/export.ts';
import { loadClipLens, TINY_CLIP_ID } from '../gap/clip-lens.ts';
import { extractItem, vlmLens, type FeatureLens, type GapItemInput } from '../gap/extract.ts';
import { gapMetrics } from '../gap/metrics.ts';
import { dataUrlBytes, parsePairs, type BadPair } from '../gap/pairs.ts';
import { isProjectionMethod, project, PROJECTION_METHODS, type ProjectionMethod } from '../gap/projection.ts';
import { FeatureSet, type FeatureRecord } from '../gap/types.ts';
import { DEFAULT_FONT } from '../tpi/fonts.ts';
import { jobFor } from '../tpi/job.ts';
import { renderTpi } from '../tpi/render.ts';
import { checkImageBytes } from '../vlm/image-check.ts';
import { VlmEngine } from '../vlm/engine.ts';
import { nodeHost } from '../vlm/host-node.ts';
import { FP32_ONLY } from '../vlm/registry.ts';
import { parseFlags, UsageError } from './args.ts';
import type { Command } from './main.ts';
import { nodeBackend } from './render-backend.ts';
import { resolveModel } from './node-models.ts';

const PROJECT_MODELS = resolve(import.meta.dirname, '..', '..', 'models');

const HELP = `Usage: tpi gap --model ID|PATH --pairs FILE.jsonl --out DIR [--clip ID|PATH] [--projection pca|tsne|umap] [--seed N]

  --model ID|PATH       the VLM (registry id such as tiny-random-smolvlm, or a model directory)
  --clip ID|PATH        also measure in a contrastive lens: a CLIP-style model (tiny-random-clip,
                        a model directory, or a Hub id such as Xenova/clip-vit-base-patch32)
  --pairs FILE          JSONL of {"id", "image", "text"}; image paths are relative to FILE (or data: URLs)
  --out DIR             writes DIR/features.json, DIR/metrics.json and DIR/projection.csv
  --projection NAME     ${PROJECTION_METHODS.join(', ')} (default pca), seeded
  --seed N              projection seed (default 1)

Each item is given to the model as its real image, as a printed image of its text (paper preset)
and as plain text. Exit status: 0 done, 1 some records were skipped (listed on stderr) or the
run failed, 2 wrong command line.`;

export interface GapRunOptions {
  modelId: string;
  pairsFile: string;
  outDir: string;
  method: ProjectionMethod;
  seed: number;
  /** Extra lenses (a contrastive model) next to the VLM's, loaded after the VLM. */
  lenses?: () => Promise<FeatureLens[]>;
  log?: (line: string) => void;
}

export interface GapRunSummary {
  items: number;
  bad: BadPair[];
  records: FeatureRecord[];
  metrics: MetricsJson;
  points: ProjectedPoint[];
}

/** Records with their image bytes; missing or unreadable images are reported and skipped. */
export function readPairs(pairsFile: string): { items: GapItemInput[]; bad: BadPair[] } {
  const parsed = parsePairs(readFileSync(pairsFile, 'utf8'));
  const bad = [...parsed.bad];
  const items: GapItemInput[] = [];
  for (const r of parsed.records) {
    let bytes = dataUrlBytes(r.image);
    if (!bytes) {
      const path = resolve(dirname(pairsFile), r.image);
      if (!existsSync(path)) {
        bad.push({ line: r.line, id: r.id, reason: `image ${r.image} not found` });
        continue;
      }
      bytes = new Uint8Array(readFileSync(path));
    }
    const check = checkImageBytes(bytes, r.image);
    if (!check.ok) {
      bad.push({ line: r.line, id: r.id, reason: check.message });
      continue;
    }
    items.push({ id: r.id, image: bytes, text: r.text });
  }
  bad.sort((a, b) => a.line - b.line);
  return { items, bad };
}

export async function runGap(o: GapRunOptions): Promise<GapRunSummary> {
  const log = o.log ?? (() => {});
  const { items, bad } = readPairs(o.pairsFile);
  const engine = new VlmEngine(nodeHost);
  await engine.load({ modelId: o.modelId, device: 'wasm', dtypes: FP32_ONLY });
  const backend = nodeBackend('portable');
  const print = async (id: string, text: string) => {
    const r = await renderTpi(jobFor(id, text, { preset: 'paper', font: DEFAULT_FONT }), backend);
    return { kind: 'pixels' as const, width: r.meta.width, height: r.meta.height, rgba: r.rgba };
  };
  const lenses = [vlmLens(engine), ...((await o.lenses?.()) ?? [])];
  const records: FeatureRecord[] = [];
  for (const [k, it] of items.entries()) {
    records.push(...(await extractItem(it, lenses, print)));
    log(`features ${k + 1}/${items.length}`);
  }
  const set = FeatureSet.from(records);
  const metrics: MetricsJson = {};
  for (const lens of set.lenses()) metrics[lens] = gapMetrics(set, lens);
  const points: ProjectedPoint[] = [];
  for (const lens of set.lenses()) {
    const recs = records.filter((r) => r.lens === lens);
    if (new Set(recs.map((r) => r.vector.length)).size > 1) {
      log(`${lens}: the forms have different widths; no projection for this lens`);
      continue;
    }
    const xy = project(recs.map((r) => r.vector), { method: o.method, seed: o.seed });
    recs.forEach((r, i) => points.push({ id: r.id, lens, form: r.form, x: xy[i][0], y: xy[i][1] }));
  }
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'features.json'), featuresJson(records));
  writeFileSync(join(o.outDir, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  writeFileSync(join(o.outDir, 'projection.csv'), projectionCsv(points));
  return { items: items.length, bad, records, metrics, points };
}

/** A local directory or registry-style local id goes through resolveModel; anything else is a Hub id. */
function clipModelId(idOrPath: string): string {
  if (idOrPath === TINY_CLIP_ID || existsSync(idOrPath)) return resolveModel(existsSync(idOrPath) ? idOrPath : join(PROJECT_MODELS, idOrPath)).modelId;
  env.allowRemoteModels = true;
  return idOrPath;
}

export const gapCommand: Command = {
  summary: 'measure the modality gap of a pair set',
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { model: { type: 'string' }, pairs: { type: 'string' }, out: { type: 'string' }, projection: { type: 'string' }, seed: { type: 'string' }, clip: { type: 'string' } },
      HELP,
    );
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.model) throw new UsageError('--model is required.');
    if (!values.pairs) throw new UsageError('--pairs is required.');
    if (!values.out) throw new UsageError('--out is required.');
    if (!existsSync(values.pairs)) throw new UsageError(`--pairs ${values.pairs} does not exist.`);
    const method = values.projection ?? 'pca';
    if (!isProjectionMethod(method)) throw new UsageError(`--projection must be one of ${PROJECTION_METHODS.join(', ')}, got "${method}".`);
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295, got "${values.seed}".`);
    const { modelId } = resolveModel(values.model);
    const clip = values.clip;
    if (clip !== undefined && !clip.trim()) throw new UsageError('--clip must name a model.');
    const lenses = clip ? async () => [await loadClipLens(clipModelId(clip))] : undefined;
    const s = await runGap({ modelId, pairsFile: values.pairs, outDir: values.out, method, seed, lenses, log: (l) => console.error(l) });
    for (const b of s.bad) console.error(`line ${b.line}${b.id ? ` (${b.id})` : ''}: ${b.reason}; skipped`);
    console.log(`${s.items} items, ${s.records.length} feature vectors → ${values.out}`);
    return s.bad.length ? 1 : 0;
  },
};
