// The Print view's batch actions against a fake render pool (no workers, no IndexedDB).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RenderJob } from '../tpi/render.ts';

const fake = vi.hoisted(() => {
  const waiting: { job: RenderJob; resolve: (r: unknown) => void; reject: (e: Error) => void }[] = [];
  const state = { maxPending: 0, calls: 0 };
  return { waiting, state, size: 2 };
});

vi.mock('../tpi/render-client.ts', async () => {
  const { RenderCancelled } = await vi.importActual<typeof import('../tpi/render-pool.ts')>('../tpi/render-pool.ts');
  return {
    renderPool: () => ({
      size: fake.size,
      render(job: RenderJob, _outputs: unknown, signal?: AbortSignal) {
        fake.state.calls++;
        return new Promise((resolve, reject) => {
          const entry = { job, resolve, reject };
          fake.waiting.push(entry);
          fake.state.maxPending = Math.max(fake.state.maxPending, fake.waiting.length);
          signal?.addEventListener('abort', () => {
            fake.waiting.splice(fake.waiting.indexOf(entry), 1);
            reject(new RenderCancelled());
          });
        });
      },
    }),
  };
});
vi.mock('./print-db.ts', () => ({ saveDataset: async () => {}, loadDataset: async () => undefined, saveDraft: async () => {}, loadDraft: async () => undefined }));

const { cancelBatch, GRID, importDataset, renderAll } = await import('./batch-actions.ts');
const { getPrint, setPrint } = await import('./print.ts');

/** Lets the batch's lanes take their next records. */
const tick = () => new Promise((r) => setTimeout(r, 0));

/** Answers every job waiting now, in order. */
function answerAll() {
  for (const w of fake.waiting.splice(0)) w.resolve({ meta: { width: 8, height: 8, font_size: 8, overflow: false }, png: new Uint8Array([w.job.id.length]), ms: 1 });
}

const jsonl = (n: number) => new File([Array.from({ length: n }, (_, i) => JSON.stringify({ id: `r${i}`, text: `text ${i}` })).join('\n')], 'set.jsonl');

beforeEach(() => {
  vi.stubGlobal('requestAnimationFrame', (f: () => void) => setTimeout(f, 0));
  vi.stubGlobal('cancelAnimationFrame', (h: number) => clearTimeout(h));
  URL.createObjectURL = () => 'blob:x';
  URL.revokeObjectURL = () => {};
  fake.waiting.length = 0;
  fake.state.maxPending = 0;
  fake.state.calls = 0;
  setPrint({ dataset: null, datasetError: null, batch: null, thumbs: [] });
});

describe('batch rendering', () => {
  it('keeps a few jobs per worker in the pool, renders every record, shows the first ones in input order', async () => {
    await importDataset(jsonl(500));
    const run = renderAll();
    let rounds = 0;
    while (getPrint().batch?.running !== false) {
      await tick();
      answerAll();
      rounds++;
    }
    await run;
    expect(fake.state.calls).toBe(500);
    expect(fake.state.maxPending).toBeLessThanOrEqual(fake.size * 4);
    expect(rounds).toBeGreaterThan(500 / (fake.size * 4) - 1);
    const { batch, thumbs } = getPrint();
    expect(batch).toMatchObject({ total: 500, done: 500, failed: [], cancelled: false });
    expect(thumbs.map((t) => t.id)).toEqual(Array.from({ length: GRID }, (_, i) => `r${i}`));
  });

  it('Cancel stops at once: no record is sent to the pool after it', async () => {
    await importDataset(jsonl(300));
    const run = renderAll();
    await tick();
    answerAll();
    await tick();
    const sent = fake.state.calls;
    cancelBatch();
    await run;
    expect(fake.state.calls).toBe(sent);
    expect(fake.waiting).toHaveLength(0);
    expect(getPrint().batch).toMatchObject({ running: false, cancelled: true, done: fake.size * 4 });
  });
});

describe('importing', () => {
  it('a file with no usable record is refused with the reason, and the dataset there is kept', async () => {
    await importDataset(jsonl(3));
    const before = getPrint().dataset;
    expect(before?.records).toHaveLength(3);
    await importDataset(new File(['[{"text": "a"},\n{"text": "b"}]'], 'array.json'));
    expect(getPrint().dataset).toBe(before);
    expect(getPrint().datasetError).toMatch(/"array.json" has no usable records \(2 not usable; line 1: invalid JSON.*JSON array.*one JSON object per line.*The dataset you had is kept/);
    await importDataset(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0xff, 0xfe, 10, 0, 1, 2])], 'image.jsonl'));
    expect(getPrint().dataset).toBe(before);
    expect(getPrint().datasetError).toMatch(/"image.jsonl" does not look like a text file/);
    await importDataset(new File(['name,answer\nx,y\n'], 'no-text.csv'));
    expect(getPrint().dataset).toBe(before);
    expect(getPrint().datasetError).toMatch(/"no-text.csv" has no usable records.*no "text" column/);
    await importDataset(jsonl(2));
    expect(getPrint().dataset?.records).toHaveLength(2);
    expect(getPrint().datasetError).toBeNull();
  });
});
