/** The page's single engine client, backed by the engine worker. */
import { EngineClient } from '../vlm/client.ts';

let client: EngineClient | null = null;

export function engineClient(onDeviceLost: (message: string) => void): EngineClient {
  client ??= new EngineClient({
    createWorker: () => new Worker(new URL('../vlm/engine.worker.ts', import.meta.url), { type: 'module', name: 'tpi-engine' }),
    onDeviceLost,
  });
  return client;
}
