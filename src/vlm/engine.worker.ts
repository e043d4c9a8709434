/// <reference lib="webworker" />
/**
 * The engine worker: one VlmEngine behind the typed protocol of protocol.ts. The page never
 * touches ONNX Runtime; it sends requests and receives progress, tokens and one result.
 */
import { env } from '@huggingface/transformers';
import { configureBrowserEnv, modelCacheName, selectModelSource } from './browser-env.ts';
import { loadClipLens } from '../gap/clip-lens.ts';
import type { FeatureLens } from '../gap/extract.ts';
import { VlmEngine } from './engine.ts';
import { browserHost } from './host-browser.ts';
import { assertNever, EngineError, type WorkerEvent, type WorkerRequest } from './protocol.ts';
import { checkModelId } from './registry.ts';
import { ExampleBuilder } from '../train/examples.ts';

declare const self: DedicatedWorkerGlobalScope;

configureBrowserEnv(import.meta.env.BASE_URL);
const engine = new VlmEngine(browserHost);
let deviceLost = false;
/** Contrastive lenses by model id, loaded on first use. */
const lenses = new Map<string, Promise<FeatureLens>>();

const post = (e: WorkerEvent) => self.postMessage(e);

async function gpuDevice(): Promise<GPUDevice | null> {
  const webgpu = (env.backends.onnx as { webgpu?: { device?: GPUDevice | Promise<GPUDevice> } }).webgpu;
  try {
    return (await webgpu?.device) ?? null;
  } catch {
    return null;
  }
}

/** After a WebGPU load, watch the device: a loss makes this worker unusable. */
async function watchDevice(): Promise<void> {
  const device = await gpuDevice();
  device?.lost.then((info) => {
    deviceLost = true;
    post({ id: -1, type: 'device-lost', message: `The GPU device was lost (${info.reason}: ${info.message || 'no details'}).` });
  });
}

async function handle(msg: WorkerRequest): Promise<void> {
  const { id } = msg;
  try {
    if (deviceLost && msg.type !== 'stop') throw new EngineError('device-lost', 'The GPU device was lost; the model is being reloaded.');
    switch (msg.type) {
      case 'load': {
        const check = checkModelId(msg.req.modelId);
        if (check.ok) selectModelSource(check.entry.source);
        const loaded = await engine.load(msg.req, (progress) => post({ id, type: 'progress', progress }));
        if (loaded.device === 'webgpu') void watchDevice();
        post({ id, type: 'result', value: loaded });
        return;
      }
      case 'ask': {
        const result = await engine.ask(msg.req, (delta) => post({ id, type: 'token', delta }));
        post({ id, type: 'result', value: result });
        return;
      }
      case 'features': {
        const result = await engine.features(msg.req);
        // Transfer the vectors instead of copying them.
        const transfer = [result.pooled.buffer, ...(result.tokens ? [result.tokens.buffer] : [])] as ArrayBuffer[];
        self.postMessage({ id, type: 'result', value: result } satisfies WorkerEvent, transfer);
        return;
      }
      case 'lens-features': {
        const { model, source } = msg.req;
        let lens = lenses.get(model);
        if (!lens) {
          // The VLM's own source stays as it is for its next load (see the 'load' case).
          selectModelSource(source);
          lens = loadClipLens(model, { device: 'wasm', decodeImage: browserHost.decodeImage });
          lenses.set(model, lens);
          lens.catch(() => lenses.delete(model));
        }
        const l = await lens.catch((e) => {
          throw new EngineError('model-file-missing', `The contrastive model "${model}" could not be loaded: ${e instanceof Error ? e.message : e}`);
        });
        const pooled = msg.req.kind === 'image' ? await l.image(msg.req.image, msg.req.imageName ?? 'image') : await l.text(msg.req.text);
        self.postMessage({ id, type: 'result', value: { pooled } } satisfies WorkerEvent, [pooled.buffer as ArrayBuffer]);
        return;
      }
      case 'training-examples': {
        const builder = new ExampleBuilder(engine.exampleSource());
        const examples = [];
        for (const [i, r] of msg.req.records.entries()) {
          try {
            examples.push(await builder.example(r, msg.req.input));
          } catch (e) {
            const m = e instanceof Error ? e.message : String(e);
            throw new EngineError(e instanceof EngineError ? e.code : 'internal', `Record ${r.id ?? i + 1}: ${m}`);
          }
        }
        const transfer = examples.flatMap((e) => (e.image ? [e.image.rows.buffer as ArrayBuffer] : []));
        self.postMessage({ id, type: 'result', value: { examples, eos: builder.eosIds } } satisfies WorkerEvent, transfer);
        return;
      }
      case 'decode-answer':
        post({ id, type: 'result', value: new ExampleBuilder(engine.exampleSource()).answerText(msg.ids) });
        return;
      case 'stop':
        engine.stop();
        post({ id, type: 'result', value: null });
        return;
      case 'clear-cache': {
        const deleted = typeof caches !== 'undefined' ? await caches.delete(modelCacheName()) : false;
        post({ id, type: 'result', value: { deleted } });
        return;
      }
      case 'lose-device': {
        // A test hook: what a driver reset or a GPU process crash does to the page.
        const device = await gpuDevice();
        if (!device) throw new EngineError('internal', 'No WebGPU device to lose: the model runs on WASM.');
        device.destroy();
        post({ id, type: 'result', value: null });
        return;
      }
      default:
        assertNever(msg);
    }
  } catch (e) {
    const err = e instanceof EngineError ? e : new EngineError('internal', e instanceof Error ? e.message : String(e));
    post({ id, type: 'error', error: err.toInfo() });
  }
}

self.onmessage = (ev: MessageEvent<WorkerRequest>) => void handle(ev.data);
