/** The page's single engine client, backed by the engine worker; every view shares it. */
import { EngineClient } from '../vlm/client.ts';

let client: EngineClient | null = null;
let onDeviceLost: (message: string) => void = () => {};

/** Who handles a lost GPU device (the model actions, which reload the model). */
export function setDeviceLostHandler(handler: (message: string) => void): void {
  onDeviceLost = handler;
}

export function engineClient(): EngineClient {
  client ??= new EngineClient({
    createWorker: () => new Worker(new URL('../vlm/engine.worker.ts', import.meta.url), { type: 'module', name: 'tpi-engine' }),
    onDeviceLost: (m) => onDeviceLost(m),
  });
  return client;
}
