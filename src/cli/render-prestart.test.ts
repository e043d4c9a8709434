import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchRenderer } from './render-batch.ts';
import type { FromThread, ThreadInit, ToThread } from './render-protocol.ts';
import { prestartPlan, prestartRender, takePrestarted } from './render-prestart.ts';
import { renderCorpus } from './render-run.ts';
import { threadEntry } from './render-thread-bundle.ts';
import { warmUpTexts } from './render-warmup.ts';

describe('prestartPlan (the command line read before tsx loads)', () => {
  it('wants one thread fewer than the workers, at most the cores, and the text renderer asked for', () => {
    expect(prestartPlan(['--in', 'a.jsonl', '--out', 'o'], 4)).toEqual({ threads: 3, textRenderer: 'system' });
    expect(prestartPlan(['--in', 'a.jsonl', '--workers', '2'], 4)).toEqual({ threads: 1, textRenderer: 'system' });
    expect(prestartPlan(['--workers=8', '--text-renderer', 'portable'], 4)).toEqual({ threads: 3, textRenderer: 'portable' });
    expect(prestartPlan(['--text-renderer=portable'], 2)).toEqual({ threads: 1, textRenderer: 'portable' });
  });

  it('starts nothing for one worker, one core, help, or what render.ts will refuse', () => {
    for (const argv of [['--workers', '1'], ['--workers', '0'], ['--workers', 'two'], ['--workers', '-3'], ['--help'], ['-h'], ['--text-renderer', 'fancy']]) {
      expect(prestartPlan(argv, 4), argv.join(' ')).toBeNull();
    }
    expect(prestartPlan([], 1)).toBeNull();
  });
});

describe('warm-up texts', () => {
  it('are the same every time, made-up words from 8 to 240 of them', () => {
    const texts = warmUpTexts(8);
    expect(warmUpTexts(8)).toEqual(texts);
    expect(texts.map((t) => t.split(' ').length)).toEqual([8, 30, 90, 240, 8, 30, 90, 240]);
    for (const t of texts) expect(t).toMatch(/^[A-Z][a-z]*( [a-z]+,?)*\.$/);
  });
});

describe('prestarted worker threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tpi-prestart-'));
  const input = join(dir, 'in.jsonl');
  const texts = [...warmUpTexts(6, 7), 'A short one.', 'The red bus waits beside the old bridge while it rains lightly, and two children look at it.'];
  writeFileSync(input, texts.map((text, i) => JSON.stringify({ id: `r${i}`, text })).join('\n'));
  const run = (out: string, workers: number, textRenderer: 'system' | 'portable' = 'system') =>
    renderCorpus({ input, format: 'jsonl', outDir: join(dir, out), choices: { preset: 'paper', font: 'sans' }, workers, shard: null, batchSize: 2, textRenderer });
  const files = (out: string) => {
    const images = readdirSync(join(dir, out, 'images')).sort();
    return [readFileSync(join(dir, out, 'data.jsonl'), 'utf8'), ...images.map((f) => readFileSync(join(dir, out, 'images', f)).toString('base64'))];
  };
  beforeAll(async () => {
    await threadEntry(); // builds the bundles the threads start from
    await run('alone', 1);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('warm up until init, then render as the main thread does', async () => {
    const worker = new Worker(await threadEntry(), { workerData: { warmUp: 'system' } });
    const next = () => new Promise<FromThread>((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // some warm-up texts drawn
      const init: ThreadInit = { choices: { preset: 'paper', font: 'serif' }, mode: 'png', textRenderer: 'system' };
      worker.postMessage({ type: 'init', init } satisfies ToThread);
      expect(await next()).toEqual({ type: 'ready' });
      const records = texts.slice(0, 3).map((text, i) => ({ index: i, line: i + 1, id: `r${i}`, text }));
      worker.postMessage({ type: 'render', batch: 7, records } satisfies ToThread);
      const done = await next();
      expect(done).toEqual({ type: 'done', batch: 7, results: await batchRenderer(init)(records) });
    } finally {
      await worker.terminate();
    }
  }, 60_000);

  it('are taken once, and only as many as asked for', async () => {
    expect(prestartRender(['--workers', '3'], 3)).toBe(2);
    const taken = await takePrestarted(1, 'system');
    expect(taken).toHaveLength(1);
    expect(await takePrestarted(1, 'system')).toEqual([]);
    await Promise.all(taken.map((w) => w.terminate()));
  });

  it('render a run exactly as threads started for it do', async () => {
    expect(prestartRender(['--workers', '2'], 2)).toBe(1);
    const s = await run('prestarted', 2);
    expect(s.rendered).toBe(texts.length);
    expect(await takePrestarted(1, 'system')).toEqual([]); // the run took it
    expect(files('prestarted')).toEqual(files('alone'));
  }, 60_000);

  it('warmed up with another text renderer are stopped, not used', async () => {
    expect(prestartRender(['--workers', '2', '--text-renderer', 'portable'], 2)).toBe(1);
    await run('other-renderer', 2);
    expect(await takePrestarted(1, 'portable')).toEqual([]);
    expect(files('other-renderer')).toEqual(files('alone'));
  }, 60_000);
});
