import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchRenderer } from './render-batch.ts';
import type { FromThread, ThreadInit, ThreadStart, ToThread } from './render-protocol.ts';
import { prestartPlan, prestartRender, takePrestarted } from './render-prestart.ts';
import { renderCorpus } from './render-run.ts';
import { threadEntry } from './render-thread-bundle.ts';

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

describe('prestarted worker threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tpi-prestart-'));
  const input = join(dir, 'in.jsonl');
  const texts = [
    'A short one.',
    'The red bus waits beside the old bridge while it rains lightly, and two children look at it.',
    ...Array.from({ length: 6 }, (_, i) => `Record ${i}: ${'a lantern, a crate and a quiet street '.repeat(1 + 8 * i)}`.trim()),
  ];
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

  it('wait for init, then render as the main thread does', async () => {
    const worker = new Worker(await threadEntry(), { workerData: { prepare: 'system' } satisfies ThreadStart });
    const next = () => new Promise<FromThread>((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
    try {
      const init: ThreadInit = { choices: { preset: 'paper', font: 'serif' }, mode: 'png', textRenderer: 'system' };
      worker.postMessage({ type: 'init', init } satisfies ToThread);
      expect(await next()).toEqual({ type: 'ready' });
      const records = texts.slice(0, 3).map((text, i) => ({ index: i, line: i + 1, id: `r${i}`, text }));
      worker.postMessage({ type: 'render', batch: 7, records } satisfies ToThread);
      const done = await next();
      expect(done).toEqual({ type: 'done', batch: 7, ...(await batchRenderer(init)(records)) });
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

  /** What the prestarted thread says to whoever took it (nothing, if no run took it). */
  const listen = () => {
    const worker = (globalThis as { [k: symbol]: { workers: Worker[] } | undefined })[Symbol.for('tpi.render.prestarted')]!.workers[0];
    const said: string[] = [];
    worker.on('message', (m: FromThread) => said.push(m.type));
    return said;
  };

  it('render a run exactly as threads started for it do', async () => {
    expect(prestartRender(['--workers', '2'], 2)).toBe(1);
    const said = listen();
    const s = await run('prestarted', 2);
    expect(s.rendered).toBe(texts.length);
    expect(said[0]).toBe('ready'); // the run took it and sent it its init
    expect(await takePrestarted(1, 'system')).toEqual([]);
    expect(files('prestarted')).toEqual(files('alone'));
  }, 60_000);

  it('prepared for another text renderer are stopped, not used', async () => {
    expect(prestartRender(['--workers', '2', '--text-renderer', 'portable'], 2)).toBe(1);
    const said = listen();
    await run('other-renderer', 2);
    expect(said).toEqual([]);
    expect(await takePrestarted(1, 'portable')).toEqual([]);
    expect(files('other-renderer')).toEqual(files('alone'));
  }, 60_000);
});
