import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineClient } from './client.ts';
import {
  EngineError,
  type AskRequest,
  type AskResult,
  type LoadProgress,
  type LoadRequest,
  type LoadedModel,
  type WorkerEvent,
  type WorkerRequest,
} from './protocol.ts';

/** How a fake worker answers each request. */
type Responder = (req: WorkerRequest, w: FakeWorker) => void;

/** A stand-in for a Web Worker: records requests, answers one event per macrotask. */
class FakeWorker {
  onmessage: ((ev: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  terminated = false;
  readonly requests: WorkerRequest[] = [];
  /** Messages posted after terminate(): a real worker drops them silently, so the client must not rely on them. */
  readonly postedAfterTerminate: WorkerRequest[] = [];

  constructor(
    readonly name: string,
    /** Tests may swap it to script a worker by hand. */
    public responder: Responder,
  ) {}

  postMessage(msg: WorkerRequest): void {
    const copy = structuredClone(msg); // what crosses the boundary is a copy
    if (this.terminated) {
      this.postedAfterTerminate.push(copy);
      return;
    }
    this.requests.push(copy);
    this.responder(copy, this);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Delivers events in order, each in its own task; nothing arrives after terminate(). */
  send(...events: WorkerEvent[]): void {
    for (const e of events) {
      setTimeout(() => {
        if (!this.terminated) this.onmessage?.({ data: e } as MessageEvent<WorkerEvent>);
      }, 0);
    }
  }

  crash(message: string): void {
    setTimeout(() => this.onerror?.({ message } as ErrorEvent), 0);
  }

  lastId(type: WorkerRequest['type']): number {
    const r = [...this.requests].reverse().find((q) => q.type === type);
    if (!r) throw new Error(`${this.name} got no ${type} request`);
    return r.id;
  }
}

const PROGRESS: LoadProgress = { files: { 'onnx/model.onnx': { loaded: 5, total: 10, done: false } }, loaded: 5, total: 10 };

const loaded = (modelId: string): LoadedModel => ({
  modelId,
  device: 'wasm',
  dtypes: { embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'fp32' },
  reason: 'test',
  loadMs: 1,
  kvLocation: 'cpu',
});

const answer = (text: string): AskResult => ({
  text,
  stopReason: 'eos',
  tokenProbs: [],
  stats: {
    imagePrepMs: 0,
    imageEncodeMs: 0,
    imageCached: false,
    reusedTokens: 0,
    promptTokens: 1,
    newTokens: 1,
    ttftMs: 0,
    tokensPerSecond: 0,
    totalMs: 0,
    device: 'wasm',
    dtype: 'fp32',
  },
});

/** A working engine: loads, answers with `tokens` (the answer text names the worker), stops, clears. */
const working =
  (tokens: string[] = ['Hel', 'lo', ' world']): Responder =>
  (req, w) => {
    switch (req.type) {
      case 'load':
        w.send({ id: req.id, type: 'progress', progress: PROGRESS }, { id: req.id, type: 'result', value: loaded(req.req.modelId) });
        return;
      case 'ask':
        w.send(...tokens.map((delta): WorkerEvent => ({ id: req.id, type: 'token', delta })), {
          id: req.id,
          type: 'result',
          value: answer(`${w.name}: ${tokens.join('')}`),
        });
        return;
      case 'stop':
      case 'lose-device':
        w.send({ id: req.id, type: 'result', value: null });
        return;
      case 'clear-cache':
        w.send({ id: req.id, type: 'result', value: { deleted: true } });
        return;
    }
  };

/** Loading fails with an engine error; everything else works. */
const failingLoad =
  (code: 'model-file-missing' | 'hub-unreachable', message: string): Responder =>
  (req, w) => {
    if (req.type === 'load') w.send({ id: req.id, type: 'error', error: { code, message } });
    else working()(req, w);
  };

/** Loading reports progress and then waits for the test to answer (or never answers). */
const manualLoad: Responder = (req, w) => {
  if (req.type === 'load') w.send({ id: req.id, type: 'progress', progress: PROGRESS });
  else working()(req, w);
};

const REQ_A: LoadRequest = { modelId: 'tiny-random-smolvlm', device: 'auto' };
const REQ_B: LoadRequest = { modelId: 'HuggingFaceTB/SmolVLM-256M-Instruct', device: 'wasm' };
const ASK: AskRequest = { image: new Uint8Array([1, 2, 3]), history: [], question: 'What is this?' };

let workers: FakeWorker[];
let responders: Responder[];
let onDeviceLost: ReturnType<typeof vi.fn<(m: string) => void>>;
let client: EngineClient;

beforeEach(() => {
  workers = [];
  responders = [];
  onDeviceLost = vi.fn<(m: string) => void>();
  client = new EngineClient({
    createWorker: () => {
      const w = new FakeWorker(`w${workers.length + 1}`, responders.shift() ?? working());
      workers.push(w);
      return w as unknown as Worker;
    },
    onDeviceLost,
  });
});

/** Lets all pending fake-worker events be delivered. */
const settle = () => new Promise((r) => setTimeout(r, 5));

async function rejection(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected a rejection');
}

describe('EngineClient.load', () => {
  it('loads in a new worker, reports progress and remembers the request', async () => {
    const onProgress = vi.fn();
    const result = await client.load(REQ_A, onProgress);
    expect(result).toEqual(loaded('tiny-random-smolvlm'));
    expect(onProgress).toHaveBeenCalledExactlyOnceWith(PROGRESS);
    expect(workers).toHaveLength(1);
    expect(workers[0].requests).toEqual([{ id: 1, type: 'load', req: REQ_A }]);
    expect(client.lastLoadRequest).toEqual(REQ_A);
  });

  it('a successful load replaces the previous worker, which is terminated only then', async () => {
    await client.load(REQ_A);
    responders.push(manualLoad);
    const second = client.load(REQ_B);
    await settle();
    const [w1, w2] = workers;
    expect(w1.terminated).toBe(false);

    // While the second model loads, questions still go to the first one.
    await expect(client.ask(ASK)).resolves.toMatchObject({ text: 'w1: Hello world' });

    w2.send({ id: w2.lastId('load'), type: 'result', value: loaded(REQ_B.modelId) });
    await expect(second).resolves.toEqual(loaded(REQ_B.modelId));
    expect(w1.terminated).toBe(true);
    expect(w2.terminated).toBe(false);
    expect(client.lastLoadRequest).toEqual(REQ_B);
    await expect(client.ask(ASK)).resolves.toMatchObject({ text: 'w2: Hello world' });
    expect(w1.postedAfterTerminate).toEqual([]);
  });

  it('a failed load keeps the previous worker active and rejects with the engine code', async () => {
    await client.load(REQ_A);
    responders.push(failingLoad('model-file-missing', 'A file of model "x" is missing.'));
    const err = await rejection(client.load(REQ_B));
    expect(err.code).toBe('model-file-missing');
    expect(err.message).toBe('A file of model "x" is missing.');

    const [w1, w2] = workers;
    expect(w2.terminated).toBe(true);
    expect(w1.terminated).toBe(false);
    expect(client.lastLoadRequest).toEqual(REQ_A);
    await expect(client.ask(ASK)).resolves.toMatchObject({ text: 'w1: Hello world' });
    expect(w1.requests.map((r) => r.type)).toEqual(['load', 'ask']);
    expect(w2.requests.map((r) => r.type)).toEqual(['load']);
  });

  it('a failed first load leaves no model', async () => {
    responders.push(failingLoad('hub-unreachable', 'offline'));
    expect((await rejection(client.load(REQ_B))).code).toBe('hub-unreachable');
    expect((await rejection(client.ask(ASK))).code).toBe('no-model');
    expect(client.lastLoadRequest).toBeNull();
  });

  it('cancelLoad terminates the loading worker, rejects with "cancelled" and keeps the previous model', async () => {
    await client.load(REQ_A);
    responders.push(manualLoad);
    const onProgress = vi.fn();
    const pending = client.load(REQ_B, onProgress);
    await settle();
    expect(onProgress).toHaveBeenCalledTimes(1);

    client.cancelLoad();
    const err = await rejection(pending);
    expect(err.code).toBe('cancelled');
    const [w1, w2] = workers;
    expect(w2.terminated).toBe(true);
    expect(w1.terminated).toBe(false);
    expect(client.lastLoadRequest).toEqual(REQ_A);
    await expect(client.ask(ASK)).resolves.toMatchObject({ text: 'w1: Hello world' });
  });

  it('cancelLoad without a load in progress does nothing', async () => {
    await client.load(REQ_A);
    client.cancelLoad();
    expect(workers[0].terminated).toBe(false);
    await expect(client.ask(ASK)).resolves.toMatchObject({ text: 'w1: Hello world' });
  });

  it('a new load cancels the one in progress', async () => {
    responders.push(manualLoad, working());
    const first = client.load(REQ_A);
    const second = client.load(REQ_B);
    expect((await rejection(first)).code).toBe('cancelled');
    await expect(second).resolves.toEqual(loaded(REQ_B.modelId));
    expect(workers.map((w) => w.terminated)).toEqual([true, false]);
    await expect(client.ask(ASK)).resolves.toMatchObject({ text: 'w2: Hello world' });
  });
});

describe('EngineClient.ask', () => {
  it('without a model it rejects with "no-model" and starts no worker', async () => {
    expect((await rejection(client.ask(ASK))).code).toBe('no-model');
    expect(workers).toHaveLength(0);
  });

  it('passes the request through and streams tokens to onToken in order', async () => {
    responders.push(working(['The', ' cat', ' sits', '.']));
    await client.load(REQ_A);
    const deltas: string[] = [];
    const result = await client.ask(ASK, (d) => deltas.push(d));
    expect(deltas).toEqual(['The', ' cat', ' sits', '.']);
    expect(result.text).toBe('w1: The cat sits.');
    const sent = workers[0].requests[1];
    expect(sent).toMatchObject({ type: 'ask', req: { question: 'What is this?', history: [] } });
    expect(sent.type === 'ask' && Array.from(sent.req.image as Uint8Array)).toEqual([1, 2, 3]);
  });

  it('keeps the tokens of concurrent requests apart by id', async () => {
    responders.push(manualLoad);
    const loading = client.load(REQ_A);
    await settle();
    const w = workers[0];
    w.send({ id: w.lastId('load'), type: 'result', value: loaded(REQ_A.modelId) });
    await loading;

    // Replace the responder's automatic answers with hand-interleaved events for two asks.
    const a: string[] = [];
    const b: string[] = [];
    w.responder = () => {};
    const pa = client.ask(ASK, (d) => a.push(d));
    const pb = client.ask({ ...ASK, question: 'And this?' }, (d) => b.push(d));
    const [ida, idb] = w.requests.filter((r) => r.type === 'ask').map((r) => r.id);
    expect(ida).not.toBe(idb);
    w.send(
      { id: ida, type: 'token', delta: 'a1' },
      { id: idb, type: 'token', delta: 'b1' },
      { id: ida, type: 'token', delta: 'a2' },
      { id: idb, type: 'result', value: answer('B') },
      { id: idb, type: 'token', delta: 'late' }, // after its result: ignored
      { id: ida, type: 'result', value: answer('A') },
      { id: 999, type: 'token', delta: 'unknown id' },
    );
    await expect(pa).resolves.toMatchObject({ text: 'A' });
    await expect(pb).resolves.toMatchObject({ text: 'B' });
    await settle();
    expect(a).toEqual(['a1', 'a2']);
    expect(b).toEqual(['b1']);
  });

  it('an error event becomes an EngineError with its code and message', async () => {
    await client.load(REQ_A);
    const w = workers[0];
    w.responder = (req, fw) => {
      if (req.type === 'ask') fw.send({ id: req.id, type: 'error', error: { code: 'bad-image', message: '"x.svg" is a SVG file.' } });
    };
    const err = await rejection(client.ask(ASK));
    expect(err.code).toBe('bad-image');
    expect(err.message).toBe('"x.svg" is a SVG file.');
    expect(err.name).toBe('EngineError');
  });

  it('a worker crash rejects the pending requests with "internal"', async () => {
    await client.load(REQ_A);
    const w = workers[0];
    w.responder = () => {};
    const pending = client.ask(ASK);
    w.crash('boom');
    const err = await rejection(pending);
    expect(err.code).toBe('internal');
    expect(err.message).toBe('The engine worker crashed: boom');
  });

  it('stop() sends a stop request to the active worker only', async () => {
    client.stop(); // no model: nothing to do, no worker
    expect(workers).toHaveLength(0);
    await client.load(REQ_A);
    client.stop();
    await settle();
    expect(workers[0].requests.map((r) => r.type)).toEqual(['load', 'stop']);
  });
});

describe('EngineClient device loss', () => {
  it('a device-lost event terminates the active worker, fails its requests and calls onDeviceLost', async () => {
    await client.load(REQ_A);
    const w = workers[0];
    w.responder = () => {}; // the ask never finishes by itself
    const pending = client.ask(ASK);

    w.send({ id: -1, type: 'device-lost', message: 'The GPU device was lost (destroyed: gone).' });
    const err = await rejection(pending);
    expect(err.code).toBe('device-lost');
    expect(err.message).toBe('The GPU device was lost (destroyed: gone).');
    expect(w.terminated).toBe(true);
    expect(onDeviceLost).toHaveBeenCalledExactlyOnceWith('The GPU device was lost (destroyed: gone).');

    // No model now; the last request is kept so that the app can reload it.
    expect((await rejection(client.ask(ASK))).code).toBe('no-model');
    expect(client.lastLoadRequest).toEqual(REQ_A);
  });

  it('a device-lost event from a replaced worker is ignored', async () => {
    await client.load(REQ_A);
    const w1 = workers[0];
    await client.load(REQ_B);
    // w1 is terminated, so a real worker could not send this; deliver it directly to the old handler.
    w1.onmessage?.({ data: { id: -1, type: 'device-lost', message: 'old' } } as MessageEvent<WorkerEvent>);
    expect(onDeviceLost).not.toHaveBeenCalled();
    await expect(client.ask(ASK)).resolves.toMatchObject({ text: 'w2: Hello world' });
  });

  it('loseDevice asks the active worker to destroy its device', async () => {
    await expect(client.loseDevice()).rejects.toMatchObject({ code: 'no-model' });
    await client.load(REQ_A);
    await client.loseDevice();
    expect(workers[0].requests.map((r) => r.type)).toEqual(['load', 'lose-device']);
  });
});

describe('EngineClient housekeeping', () => {
  it('clearCache uses the active worker when there is one', async () => {
    await client.load(REQ_A);
    await expect(client.clearCache()).resolves.toBe(true);
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false);
  });

  it('clearCache without a model uses a temporary worker and terminates it', async () => {
    await expect(client.clearCache()).resolves.toBe(true);
    expect(workers).toHaveLength(1);
    expect(workers[0].requests.map((r) => r.type)).toEqual(['clear-cache']);
    expect(workers[0].terminated).toBe(true);
  });

  it('dispose terminates the active and the loading worker', async () => {
    await client.load(REQ_A);
    responders.push(manualLoad);
    const pending = client.load(REQ_B);
    client.dispose();
    expect((await rejection(pending)).code).toBe('cancelled');
    expect(workers.map((w) => w.terminated)).toEqual([true, true]);
    expect((await rejection(client.ask(ASK))).code).toBe('no-model');
  });
});
