/** `tpi gap` on a small pair set with the tiny model: files, shapes, and metrics recomputed from features.json. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gapMetrics } from '../gap/metrics.ts';
import { FeatureSet, type FeatureRecord } from '../gap/types.ts';
import { main } from './main.ts';

const root = join(import.meta.dirname, '..', '..');

function pairSet(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tpi-gap-'));
  copyFileSync(join(root, 'e2e/fixtures/chelsea-small.png'), join(dir, 'cat.png'));
  mkdirSync(join(dir, 'img'), { recursive: true });
  copyFileSync(join(root, 'e2e/fixtures/rocket-small.jpg'), join(dir, 'img', 'rocket.jpg'));
  const lines = [
    { id: 'cat', image: 'cat.png', text: 'A cat with orange fur.' },
    { id: 'rocket', image: 'img/rocket.jpg', text: 'A rocket going up.' },
    { id: 'cat-b', image: 'cat.png', text: 'A tabby cat sitting on a chair.' },
    { id: 'gone', image: 'missing.png', text: 'Nothing here.' },
    { id: 'blank', image: 'cat.png', text: '' },
  ];
  writeFileSync(join(dir, 'pairs.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return dir;
}

describe('tpi gap', () => {
  it('writes features.json, metrics.json and projection.csv that agree with each other', async () => {
    const dir = pairSet();
    const out = join(dir, 'out');
    const errors: string[] = [];
    const orig = console.error;
    console.error = (s: string) => errors.push(String(s));
    let code: number;
    try {
      code = await main(['gap', '--model', 'tiny-random-smolvlm', '--pairs', join(dir, 'pairs.jsonl'), '--out', out, '--projection', 'umap', '--seed', '5', '--clip', 'tiny-random-clip']);
    } finally {
      console.error = orig;
    }
    expect(code, 'skipped records make the exit status non-zero').toBe(1);
    expect(errors.join('\n')).toMatch(/line 4 \(gone\).*not found/);
    expect(errors.join('\n')).toMatch(/line 5 \(blank\).*empty text/);

    const features = JSON.parse(readFileSync(join(out, 'features.json'), 'utf8')) as FeatureRecord[];
    expect(features).toHaveLength(18);
    expect(new Set(features.map((f) => `${f.lens}/${f.form}`))).toEqual(new Set(['vlm/real', 'vlm/tpi', 'vlm/text', 'clip/real', 'clip/tpi', 'clip/text']));
    for (const lens of ['vlm', 'clip']) {
      const of = features.filter((f) => f.lens === lens);
      expect(of.every((f) => f.vector.length === of[0].vector.length && f.vector.every(Number.isFinite))).toBe(true);
    }
    expect(features.find((f) => f.lens === 'clip')!.vector).toHaveLength(16);

    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics)).toEqual(['vlm', 'clip']);
    expect(Object.keys(metrics.vlm)).toEqual(['centroid_gap', 'paired_cosine', 'linear_cka', 'retrieval_top1']);
    const set = FeatureSet.from(features);
    for (const lens of ['vlm', 'clip'] as const) {
      const again = gapMetrics(set, lens);
      for (const m of Object.keys(again) as (keyof typeof again)[]) {
        for (const pair of ['real-tpi', 'real-text', 'tpi-text'] as const) expect(metrics[lens][m][pair]).toBeCloseTo(again[m][pair]!, 6);
      }
    }

    const csv = readFileSync(join(out, 'projection.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('id,lens,form,x,y');
    expect(csv).toHaveLength(19);
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => `${r[0]}/${r[1]}/${r[2]}`).sort()).toEqual(features.map((f) => `${f.id}/${f.lens}/${f.form}`).sort());
    expect(rows.every((r) => Number.isFinite(Number(r[3])) && Number.isFinite(Number(r[4])))).toBe(true);
  }, 60_000);

  it('validates its flags (exit 2)', async () => {
    const orig = console.error;
    console.error = () => {};
    try {
      expect(await main(['gap', '--pairs', 'x.jsonl', '--out', 'o'])).toBe(2);
      expect(await main(['gap', '--model', 'tiny-random-smolvlm', '--pairs', 'nope.jsonl', '--out', 'o'])).toBe(2);
      const dir = pairSet();
      expect(await main(['gap', '--model', 'tiny-random-smolvlm', '--pairs', join(dir, 'pairs.jsonl'), '--out', 'o', '--projection', 'mds'])).toBe(2);
      expect(await main(['gap', '--model', 'tiny-random-smolvlm', '--pairs', join(dir, 'pairs.jsonl'), '--out', 'o', '--bogus'])).toBe(2);
    } finally {
      console.error = orig;
    }
  });
});
