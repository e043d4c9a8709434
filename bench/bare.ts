/**
 * The baseline of `npm run bench:ask`: onnxruntime-web alone driving the tiny model's three
 * graphs (vision encoder, token embeddings, decoder with a KV cache), greedy, on inputs the
 * bench computed in Node. No transformers.js, no worker, no UI.
 */
import * as ort from 'onnxruntime-web/webgpu';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export interface BareInputs {
  device: 'webgpu' | 'wasm';
  pixelValues: number[];
  pixelDims: number[];
  promptIds: number[];
  followIds: number[]; // the tokens after the first answer: appended to the cache
  newTokens: number;
  imageTokenId: number;
  layers: number;
  kvHeads: number;
  headDim: number;
}

export interface BareResult {
  loadMs: number;
  encodeMs: number;
  ttftMs: number;
  tokensPerSecond: number;
  followTtftMs: number;
  kvLocation: string;
}

const abs = (u: string) => new URL(u, location.href).href;
ort.env.wasm.wasmPaths = { mjs: abs(ortMjsUrl), wasm: abs(ortWasmUrl) };
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;

const i64 = (xs: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), dims);

async function run(inp: BareInputs): Promise<BareResult> {
  const t0 = performance.now();
  const base = '/models/tiny-random-smolvlm/onnx/';
  const opts = (kv: boolean): ort.InferenceSession.SessionOptions => ({
    executionProviders: [inp.device],
    ...(kv && inp.device === 'webgpu' ? { preferredOutputLocation: Object.fromEntries(
      Array.from({ length: inp.layers }, (_, l) => [[`present.${l}.key`, 'gpu-buffer'], [`present.${l}.value`, 'gpu-buffer']]).flat(),
    ) as Record<string, ort.Tensor.DataLocation> } : {}),
  });
  // One at a time: the WebGPU EP refuses to create two sessions at once.
  const vision = await ort.InferenceSession.create(base + 'vision_encoder.onnx', opts(false));
  const embed = await ort.InferenceSession.create(base + 'embed_tokens.onnx', opts(false));
  const decoder = await ort.InferenceSession.create(base + 'decoder_model_merged.onnx', opts(true));
  const loadMs = performance.now() - t0;

  let past: Record<string, ort.Tensor> = {};
  for (let l = 0; l < inp.layers; l++) {
    for (const kv of ['key', 'value']) past[`present.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, inp.kvHeads, 0, inp.headDim]);
  }
  let pastLen = 0;
  let features: Float32Array | null = null;

  async function step(ids: number[]): Promise<number> {
    const e = (await embed.run({ input_ids: i64(ids, [1, ids.length]) })).inputs_embeds;
    const hidden = e.dims[2];
    const data = new Float32Array(e.data as Float32Array);
    if (features) {
      let row = 0;
      ids.forEach((id, j) => {
        if (id === inp.imageTokenId) data.set(features!.subarray(row * hidden, ++row * hidden), j * hidden);
      });
    }
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', data, [1, ids.length, hidden]),
      attention_mask: i64(new Array(pastLen + ids.length).fill(1), [1, pastLen + ids.length]),
      position_ids: i64(ids.map((_, i) => pastLen + i), [1, ids.length]),
    };
    for (const [k, v] of Object.entries(past)) feeds[`past_key_values.${k.slice('present.'.length)}`] = v;
    const out = await decoder.run(feeds);
    for (const v of Object.values(past)) if (v.location === 'gpu-buffer') v.dispose();
    past = Object.fromEntries(Object.entries(out).filter(([k]) => k.startsWith('present.')));
    pastLen += ids.length;
    const logits = out.logits;
    const vocab = logits.dims[2];
    const last = (logits.data as Float32Array).subarray((logits.dims[1] - 1) * vocab);
    let best = 0;
    for (let i = 1; i < vocab; i++) if (last[i] > last[best]) best = i;
    return best;
  }

  const tStart = performance.now();
  const pixel_values = new ort.Tensor('float32', Float32Array.from(inp.pixelValues), inp.pixelDims);
  const [b, n, , h, w] = inp.pixelDims;
  const pixel_attention_mask = new ort.Tensor('bool', new Uint8Array(b * n * h * w).fill(1), [b, n, h, w]);
  features = (await vision.run({ pixel_values, pixel_attention_mask })).image_features.data as Float32Array;
  const encodeMs = performance.now() - tStart;
  let tok = await step(inp.promptIds);
  const ttftMs = performance.now() - tStart;
  const tDecode = performance.now();
  for (let i = 1; i < inp.newTokens; i++) tok = await step([tok]);
  const tokensPerSecond = ((inp.newTokens - 1) * 1000) / (performance.now() - tDecode);
  // Follow-up: the answer's last token and the next question go through the cached prefix.
  const tFollow = performance.now();
  await step([tok, ...inp.followIds]);
  const followTtftMs = performance.now() - tFollow;
  return { loadMs, encodeMs, ttftMs, tokensPerSecond, followTtftMs, kvLocation: Object.values(past)[0]?.location ?? 'none' };
}

(window as unknown as { bareRun: typeof run }).bareRun = run;
