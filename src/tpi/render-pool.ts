// A pool of render workers (one per core by default): jobs wait in one queue and go to
// whichever worker is free, two at a time per worker so that none idles between messages.
// Cancelling (an AbortSignal) drops a queued job at once and ignores an in-flight one's reply.

import type { RenderJob } from './render.ts';
import { assertNever, type RenderOutputs, type RenderReply, type RenderRequest, type RenderResult } from './render-protocol.ts';

export class RenderCancelled extends Error {
  constructor() {
    super('Rendering was cancelled.');
    this.name = 'RenderCancelled';
  }
}

interface Task {
  request: Omit<Extract<RenderRequest, { type: 'render' }>, 'id'> | { type: 'warm-up' };
  resolve: (r: RenderResult | string[]) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  /** Cancelled while queued: skipped when its turn comes (removing it from the queue would cost a search per job). */
  cancelled?: boolean;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Task>;
}

const PER_WORKER = 2;

export class RenderPool {
  private slots: Slot[] = [];
  private queue: Task[] = [];
  private nextId = 1;

  constructor(
    private readonly create: () => Worker,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`);
  }

  /** Loads the fonts in every worker; resolves with the families once all are ready. */
  async warmUp(): Promise<string[]> {
    this.grow(this.size);
    const all = this.slots.map((slot) => new Promise<string[]>((resolve, reject) => this.send(slot, { request: { type: 'warm-up' }, resolve: resolve as Task['resolve'], reject })));
    return (await Promise.all(all))[0];
  }

  render(job: RenderJob, outputs: RenderOutputs, signal?: AbortSignal): Promise<RenderResult> {
    if (signal?.aborted) return Promise.reject(new RenderCancelled());
    return new Promise<RenderResult>((resolve, reject) => {
      const task: Task = {
        request: { type: 'render', job, outputs },
        resolve: (r) => (this.unwatch(task), resolve(r as RenderResult)),
        reject: (e) => (this.unwatch(task), reject(e)),
        signal,
      };
      this.watch(task);
      this.queue.push(task);
      this.pump();
    });
  }

  /**
   * One abort listener per signal, not per job: a batch shares one signal, and adding a listener
   * to a target that holds thousands costs a search through them (the DOM and Node both check
   * for duplicates), so a 100,000-record batch took most of a minute to start.
   */
  private watching = new WeakMap<AbortSignal, Set<Task>>();

  private watch(task: Task): void {
    const signal = task.signal;
    if (!signal) return;
    let tasks = this.watching.get(signal);
    if (!tasks) {
      const set = (tasks = new Set());
      this.watching.set(signal, set);
      signal.addEventListener('abort', () => [...set].forEach((t) => this.cancel(t)), { once: true });
    }
    tasks.add(task);
  }

  private unwatch(task: Task): void {
    if (task.signal) this.watching.get(task.signal)?.delete(task);
  }

  /** Jobs waiting or being rendered. */
  get pending(): number {
    return this.queue.filter((t) => !t.cancelled).length + this.slots.reduce((n, s) => n + s.inFlight.size, 0);
  }

  terminate(): void {
    for (const s of this.slots) {
      s.worker.terminate();
      for (const t of s.inFlight.values()) t.reject(new RenderCancelled());
    }
    for (const t of this.queue) t.reject(new RenderCancelled());
    this.slots = [];
    this.queue = [];
  }

  private cancel(task: Task): void {
    task.cancelled = true;
    task.reject(new RenderCancelled()); // a later reply for it is ignored (promises settle once)
  }

  private grow(n: number): void {
    while (this.slots.length < n) {
      const slot: Slot = { worker: this.create(), inFlight: new Map() };
      slot.worker.onmessage = (ev: MessageEvent<RenderReply>) => this.receive(slot, ev.data);
      slot.worker.onerror = (ev) => this.crashed(slot, ev.message || 'the render worker failed to start');
      this.slots.push(slot);
    }
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.inFlight.size === 0) ?? this.slots.find((s) => s.inFlight.size < PER_WORKER);
      if (!slot && this.slots.length < this.size) {
        this.grow(this.slots.length + 1);
        slot = this.slots[this.slots.length - 1];
      }
      if (!slot) return;
      const task = this.queue.shift()!;
      if (!task.cancelled) this.send(slot, task);
    }
  }

  private send(slot: Slot, task: Task): void {
    const id = this.nextId++;
    slot.inFlight.set(id, task);
    slot.worker.postMessage({ ...task.request, id } as RenderRequest);
  }

  private receive(slot: Slot, reply: RenderReply): void {
    const task = slot.inFlight.get(reply.id);
    if (!task) return;
    slot.inFlight.delete(reply.id);
    switch (reply.type) {
      case 'ready':
        task.resolve(reply.fonts);
        break;
      case 'rendered': {
        const { meta, pixels, png, ms } = reply;
        if (!task.signal?.aborted) task.resolve({ meta, pixels, png, ms });
        break;
      }
      case 'failed':
        task.reject(new Error(reply.message));
        break;
      default:
        assertNever(reply);
    }
    this.pump();
  }

  /** A worker that failed to load (or crashed) fails its jobs and is replaced on demand. */
  private crashed(slot: Slot, message: string): void {
    slot.worker.terminate();
    this.slots = this.slots.filter((s) => s !== slot);
    for (const t of slot.inFlight.values()) t.reject(new Error(`The render worker crashed: ${message}`));
    this.pump();
  }
}
