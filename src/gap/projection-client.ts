// The page's handle on the projection worker. A new projection replaces the one in flight (its
// worker is ended, so a long t-SNE stops at once); without Worker support it runs in place.

import { project, type ProjectionMethod } from './projection.ts';
import { assertNever, packRows, type ProjectionReply } from './projection-protocol.ts';

export class ProjectionCancelled extends Error {
  constructor() {
    super('The projection was replaced by a newer one.');
    this.name = 'ProjectionCancelled';
  }
}

export class ProjectionClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private cancelCurrent: (() => void) | null = null;

  constructor(private readonly create: (() => Worker) | null) {}

  run(rows: readonly ArrayLike<number>[], method: ProjectionMethod, seed: number, onProgress: (f: number) => void): Promise<[number, number][]> {
    this.cancel();
    if (!this.create) return Promise.resolve(project(rows.map((r) => Array.from(r)), { method, seed, onProgress }));
    const worker = (this.worker ??= this.create());
    const id = this.nextId++;
    const { data, n, dim } = packRows(rows);
    return new Promise((resolve, reject) => {
      this.cancelCurrent = () => {
        worker.terminate();
        this.worker = null;
        reject(new ProjectionCancelled());
      };
      worker.onerror = (ev) => {
        this.cancelCurrent = null;
        this.worker = null;
        worker.terminate();
        reject(new Error(`The projection worker failed: ${ev.message || 'unknown error'}`));
      };
      worker.onmessage = (ev: MessageEvent<ProjectionReply>) => {
        const m = ev.data;
        if (m.id !== id) return;
        switch (m.type) {
          case 'progress':
            onProgress(m.fraction);
            return;
          case 'done': {
            this.cancelCurrent = null;
            const pts: [number, number][] = [];
            for (let i = 0; i < m.coords.length; i += 2) pts.push([m.coords[i], m.coords[i + 1]]);
            resolve(pts);
            return;
          }
          case 'failed':
            this.cancelCurrent = null;
            reject(new Error(m.message));
            return;
          default:
            assertNever(m);
        }
      };
      worker.postMessage({ type: 'project', id, method, seed, data, n, dim }, [data.buffer]);
    });
  }

  cancel(): void {
    const c = this.cancelCurrent;
    this.cancelCurrent = null;
    c?.();
  }
}

let client: ProjectionClient | null = null;

export function projectionClient(): ProjectionClient {
  client ??= new ProjectionClient(
    typeof Worker !== 'undefined' ? () => new Worker(new URL('./projection.worker.ts', import.meta.url), { type: 'module', name: 'tpi-projection' }) : null,
  );
  return client;
}
