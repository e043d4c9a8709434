// The page's render pool with fake workers that answer when the test says so.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RenderCancelled, RenderPool } from './render-pool.ts';
import type { RenderReply, RenderRequest } from './render-protocol.ts';
import type { RenderJob, TpiMeta } from './render.ts';

class FakeWorker {
  onmessage: ((ev: MessageEvent<RenderReply>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  received: RenderRequest[] = [];
  postMessage(m: RenderRequest) {
    this.received.push(m);
  }
  terminate() {}
  /** Answers the oldest request not answered yet. */
  answer() {
    const m = this.received.find((r) => !this.answered.has(r.id))!;
    this.answered.add(m.id);
    const meta = { id: m.type === 'render' ? m.job.id : '' } as unknown as TpiMeta;
    this.onmessage!({ data: { type: 'rendered', id: m.id, meta, ms: 1 } } as MessageEvent<RenderReply>);
  }
  answered = new Set<number>();
}

const job = (id: string) => ({ id, text: id }) as unknown as RenderJob;
/** The fake workers put the job's id in the metadata. */
const idOf = (r: { meta: TpiMeta }) => (r.meta as unknown as { id: string }).id;

function pool(size: number) {
  const workers: FakeWorker[] = [];
  const p = new RenderPool(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w as unknown as Worker;
  }, size);
  return { p, workers };
}

const sentIds = (workers: FakeWorker[]) => workers.flatMap((w) => w.received.map((r) => (r.type === 'render' ? r.job.id : r.type)));

describe('render pool', () => {
  it('sends two jobs per worker and the rest in order as workers answer', async () => {
    const { p, workers } = pool(2);
    const done: string[] = [];
    const all = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => p.render(job(id), {}).then((r) => done.push(idOf(r))));
    expect(sentIds(workers).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(p.pending).toBe(6);
    workers[0].answer();
    workers[1].answer();
    expect(sentIds(workers).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    for (let i = 0; i < 2; i++) for (const w of workers) w.answer();
    await Promise.all(all);
    expect(done.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(p.pending).toBe(0);
  });

  it('a cancelled queued job is never sent; a batch sharing one signal adds one listener to it, not one per job', async () => {
    const { p, workers } = pool(1);
    const controller = new AbortController();
    const first = p.render(job('first'), {});
    const n = 2_000;
    const queued = Array.from({ length: n }, (_, i) => p.render(job(`q${i}`), {}, controller.signal).catch((e) => e));
    const last = p.render(job('last'), {});
    expect(p.pending).toBe(n + 2);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    const results = await Promise.all(queued);
    expect(results.every((e) => e instanceof RenderCancelled)).toBe(true);
    expect(p.pending).toBe(3); // first, q0 (in flight: cancelled, but the worker still has it) and last
    workers[0].answer(); // 'first' (sent with 'q0')
    workers[0].answer(); // q0 was in flight: its reply is ignored
    expect(sentIds(workers)).toEqual(['first', 'q0', 'last']);
    workers[0].answer();
    expect(idOf(await last)).toBe('last');
    // Jobs that settle take their part of the listener with them.
    const later = new AbortController();
    const one = p.render(job('one'), {}, later.signal);
    workers[0].answer();
    await one;
    const two = p.render(job('two'), {}, later.signal);
    two.catch(() => {});
    later.abort();
    await expect(two).rejects.toBeInstanceOf(RenderCancelled);
    expect(idOf(await first)).toBe('first');
  });
});
