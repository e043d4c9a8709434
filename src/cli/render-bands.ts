/**
 * How `tpi render` deals records out to its K threads. Records are cut into windows of
 * consecutive input records (written to data.jsonl in order once all of a window is back), and
 * each window's records into batches by text length, in K bands: band k goes to thread k, which
 * then sees texts of similar length, hence few font sizes, and rasterises each word at fewer
 * sizes than if every thread saw every length.
 */
import type { InputRecord } from '../tpi/dataset.ts';
import type { ThreadResult } from './render-protocol.ts';

/** Consecutive input records; their lines are written once all of them are rendered. */
export interface Window {
  records: InputRecord[];
  results: ThreadResult[];
  left: number; // batches not back yet
}

export interface Batch {
  window: Window;
  slots: number[]; // positions in the window
}

export class Bands {
  private readonly queues: Batch[][];
  private readonly work: Float64Array; // by text length, over all records so far
  private totalWork = 0;
  /** Batches cut but not taken yet. */
  queued = 0;

  constructor(
    private readonly K: number,
    private readonly batchSize: number,
    /** Batches a thread has in flight at most (what "backed up" is measured against). */
    private readonly perThread: number,
    maxLength: number,
    /** Band 0 is the main thread's, which also reads and writes (see take). */
    private readonly mainRenders = true,
  ) {
    this.queues = Array.from({ length: K }, () => []);
    this.work = new Float64Array(maxLength + 1);
  }

  /**
   * A new window of records, its batches queued in their bands. Bands have about equal work
   * over all records so far (a record costs its PNG and file, plus its words): band k takes the
   * lengths from the k-th to the (k + 1)-th K-quantile of work.
   */
  cut(records: InputRecord[]): Window {
    const window: Window = { records, results: new Array(records.length), left: 0 };
    const { K, work } = this;
    const cost = (r: InputRecord) => 1 + r.text.length / 1000;
    for (const r of records) {
      work[Math.min(r.text.length, work.length - 1)] += cost(r);
      this.totalWork += cost(r);
    }
    const bounds: number[] = [];
    for (let l = 0, sum = 0; l < work.length && bounds.length < K - 1; l++) {
      sum += work[l];
      while (bounds.length < K - 1 && sum >= ((bounds.length + 1) * this.totalWork) / K) bounds.push(l);
    }
    const byBand: number[][] = Array.from({ length: K }, () => []);
    records.forEach((r, i) => {
      let band = 0;
      while (band < bounds.length && r.text.length > bounds[band]) band++;
      byBand[band].push(i);
    });
    byBand.forEach((slots, band) => {
      for (let j = 0; j < slots.length; j += this.batchSize) {
        window.left++;
        this.queues[band].push({ window, slots: slots.slice(j, j + this.batchSize) });
        this.queued++;
      }
    });
    return window;
  }

  /** Removes every batch not taken yet (a stop) and returns them. */
  drain(): Batch[] {
    const all = this.queues.flatMap((q) => q.splice(0));
    this.queued = 0;
    return all;
  }

  /**
   * The next batch for the thread of `band`: its own band's oldest, else the oldest of the
   * fullest other band. The main thread (band 0, when it renders), which also reads and writes,
   * takes another band's batch only when that band is backed up or the input has ended.
   */
  take(band: number, ended: boolean): Batch | undefined {
    const q = this.queues;
    let batch: Batch | undefined;
    if (q[band].length) batch = q[band].shift();
    else {
      let from = -1;
      for (let b = 0; b < this.K; b++) if (q[b].length && (from < 0 || q[b].length > q[from].length)) from = b;
      if (from >= 0 && (band > 0 || !this.mainRenders || ended || q[from].length > 2 * this.perThread)) batch = q[from].shift();
    }
    if (batch) this.queued--;
    return batch;
  }
}
