/**
 * The VLM engine: loads a SmolVLM-family model with transformers.js (download, cache,
 * processor, ONNX sessions) and drives its three graphs with its own generation loop, so
 * that image features and the key/value cache of a conversation can be reused across
 * follow-up questions. Runs unchanged in a Web Worker and in Node.
 */
import { AutoModelForVision2Seq, AutoProcessor, RawImage, Tensor } from '@huggingface/transformers';
import { chooseRuntime, describeDtypes, type GpuCapabilities } from './dtype.ts';
import { classifyLoadError, classifyRunError } from './errors.ts';
import { checkImageBytes, checkPixels } from './image-check.ts';
import { buildMessages, commonPrefix, expandImages, extendIds, type TokenHistory } from './prompt.ts';
import {
  EngineError,
  type AskRequest,
  type AskResult,
  type FeaturesRequest,
  type FeaturesResult,
  type ImageInput,
  type LoadedModel,
  type LoadProgress,
  type LoadRequest,
  type StopReason,
  type VlmEngineApi,
} from './protocol.ts';
import { checkModelId } from './registry.ts';
import type { ExampleSource } from '../train/examples.ts';
import { decoderStep, disposeAll, type OrtTensorLike } from './decoder-step.ts';
import { argmaxWithProb, countToken, meanRows, sampleWithProb, seededRandom, TextDelta, toFloat32, type FloatData } from './tensors.ts';

interface ImageFeatures {
  key: string;
  grids: { rows: number; cols: number }[];
  data: FloatData;
  half: boolean;
  hidden: number;
}

interface KvState {
  imageKey: string | null;
  /** Token ids whose keys/values are in `past`. */
  ids: number[];
  past: Record<string, OrtTensorLike>;
}

export interface EngineHost {
  /** Decodes image bytes into pixels: createImageBitmap in a worker, sharp in Node. */
  decodeImage(bytes: Uint8Array): Promise<RawImage>;
  /** What the platform offers; called before each load. */
  capabilities(): Promise<GpuCapabilities>;
  sha256(bytes: Uint8Array): Promise<string>;
  /** The transformers.js device for ours: Node runs 'wasm' requests on its CPU backend. */
  backendDevice?(device: 'webgpu' | 'wasm'): string;
}

const FEATURE_CACHE_SIZE = 8;
const MAX_QUESTION_CHARS = 4000;

export class VlmEngine implements VlmEngineApi {
  private model: any = null;
  private processor: any = null;
  private loaded: LoadedModel | null = null;
  private featureCache = new Map<string, ImageFeatures>();
  private kv: KvState | null = null;
  private history: (TokenHistory & { imageKey: string | null }) | null = null;
  private stopRequested = false;
  private busy = false;

  constructor(private host: EngineHost) {}

  get current(): LoadedModel | null {
    return this.loaded;
  }

  async load(req: LoadRequest, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel> {
    const check = checkModelId(req.modelId);
    const plan = check.ok ? check.entry.dtypes : req.dtypes;
    if (!plan) throw new EngineError('unknown-model', check.ok ? '' : check.message);
    if (this.busy) throw new EngineError('busy', 'The model is answering; stop it before loading another model.');
    this.busy = true;
    const t0 = performance.now();
    try {
      const caps = await this.host.capabilities();
      const runtime = chooseRuntime(plan, caps, req.device);
      const progress: LoadProgress = { files: {}, loaded: 0, total: 0 };
      const progress_callback = (info: any) => {
        if (!onProgress || !info.file) return;
        const f = (progress.files[info.file] ??= { loaded: 0, total: 0, done: false });
        if (info.status === 'progress') Object.assign(f, { loaded: info.loaded, total: info.total });
        if (info.status === 'done') f.done = true;
        progress.loaded = Object.values(progress.files).reduce((a, x) => a + x.loaded, 0);
        progress.total = Object.values(progress.files).reduce((a, x) => a + x.total, 0);
        onProgress(structuredClone(progress));
      };
      const [processor, model] = await Promise.all([
        AutoProcessor.from_pretrained(req.modelId, { progress_callback }),
        AutoModelForVision2Seq.from_pretrained(req.modelId, {
          device: (this.host.backendDevice?.(runtime.device) ?? runtime.device) as any,
          dtype: runtime.dtypes,
          progress_callback,
        }),
      ]).catch((e) => {
        throw classifyLoadError(e, req.modelId);
      });
      await this.disposeModel();
      this.processor = processor;
      this.model = model;
      this.loaded = {
        modelId: req.modelId,
        device: runtime.device,
        dtypes: runtime.dtypes,
        reason: runtime.reason,
        adapterInfo: caps.adapterInfo,
        loadMs: performance.now() - t0,
        kvLocation: 'unknown',
      };
      // The image processor builds small ONNX op sessions on first use (hundreds of ms in a
      // browser): pay that while loading, not on the first question.
      await this.processor.image_processor([new RawImage(new Uint8ClampedArray(8 * 8 * 3), 8, 8, 3)], { return_row_col_info: true });
      // One tiny forward pass: proves the graphs run here and tells where the cache lives.
      const warm = await this.step([this.bosId()], null, null);
      this.loaded.kvLocation = Object.values(warm.present)[0]?.location ?? 'cpu';
      disposeAll(warm.present);
      this.loaded.loadMs = performance.now() - t0;
      return { ...this.loaded };
    } finally {
      this.busy = false;
    }
  }

  /** Frees the key/value cache of the last turn (memory); the next turn recomputes it. */
  dropKeyValueCache(): void {
    this.dropKv();
  }

  stop(): void {
    this.stopRequested = true;
  }

  async ask(req: AskRequest, onToken?: (delta: string) => void): Promise<AskResult> {
    if (!this.model || !this.loaded) throw new EngineError('no-model', 'No model is loaded yet.');
    const question = req.question.trim();
    if (!question) throw new EngineError('bad-question', 'Type a question first.');
    if (question.length > MAX_QUESTION_CHARS) {
      throw new EngineError('bad-question', `The question is ${question.length} characters long; the limit is ${MAX_QUESTION_CHARS}.`);
    }
    if (this.busy) throw new EngineError('busy', 'The model is still busy with the previous request.');
    this.busy = true;
    this.stopRequested = false;
    try {
      return await this.generate(req, question, onToken ?? (() => {}));
    } catch (e) {
      // A failed run leaves the cache in an unknown state; the next turn starts fresh.
      this.dropKv();
      this.history = null;
      throw classifyRunError(e);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Feature vectors for the gap lab: the vision encoder's output for an image (mean over its
   * image tokens, and per token when asked), or the token embeddings of a text (mean over
   * its tokens). Both live in the language model's input space, so they can be compared.
   */
  async features(req: FeaturesRequest): Promise<FeaturesResult> {
    if (!this.model || !this.loaded) throw new EngineError('no-model', 'No model is loaded yet.');
    if (this.busy) throw new EngineError('busy', 'The model is still busy with the previous request.');
    this.busy = true;
    try {
      if (req.kind === 'image') {
        const { features } = await this.imageFeatures(req.image, req.imageName ?? 'image');
        const rows = toFloat32(features.data, features.half);
        // A copy: the worker transfers what it returns, and the cache must keep its rows.
        const tokens = req.perToken ? (rows === features.data ? rows.slice() : rows) : undefined;
        return { pooled: meanRows(rows, features.hidden), tokens, count: rows.length / features.hidden, dim: features.hidden, grids: features.grids };
      }
      const text = req.text.trim();
      if (!text) throw new EngineError('bad-question', 'The text is empty.');
      const ids = this.encode(text);
      const t = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
      const out: Tensor = await this.model.encode_text({ input_ids: t });
      const dim = out.dims.at(-1)!;
      const rows = toFloat32(out.data as ArrayLike<number>, out.type === 'float16');
      return { pooled: meanRows(rows, dim), tokens: req.perToken ? rows : undefined, count: ids.length, dim };
    } catch (e) {
      throw classifyRunError(e);
    } finally {
      this.busy = false;
    }
  }

  /**
   * The loaded model's tokenizer, chat template and vision encoder, for building training
   * examples (src/train/examples.ts) with exactly the prompts this engine asks with.
   */
  exampleSource(): ExampleSource {
    if (!this.model || !this.loaded) throw new EngineError('no-model', 'No model is loaded yet.');
    return {
      encode: (s) => this.encode(s),
      decode: (ids) => this.decode(ids),
      chatTemplate: (messages, add) => this.processor.apply_chat_template(messages, { add_generation_prompt: add }),
      imageSeqLen: this.imageSeqLen(),
      encodeImage: async (image) => {
        const f = await this.features({ kind: 'image', image, imageName: 'training image', perToken: true });
        return { rows: f.tokens!, grids: f.grids! };
      },
    };
  }

  private async generate(req: AskRequest, question: string, onToken: (d: string) => void): Promise<AskResult> {
    const loaded = this.loaded!;
    const t0 = performance.now();
    const image = req.image ? await this.imageFeatures(req.image, req.imageName ?? 'image') : null;
    const imageEncodeMs = image?.encodeMs ?? 0;
    const imagePrepMs = image?.prepMs ?? 0;
    const feats = image?.features ?? null;
    const imageKey = feats?.key ?? null;

    // Prompt: the chat template over the whole conversation, images expanded to tokens.
    const messages = buildMessages(req.history, question, feats !== null);
    const chat: string = this.processor.apply_chat_template(messages, { add_generation_prompt: true });
    const text = expandImages(chat, feats?.grids ?? [], this.imageSeqLen());
    const prev = this.history?.imageKey === imageKey ? this.history : null;
    const ids = extendIds(prev, text, (s) => this.encode(s));

    // Reuse the keys/values of the previous turn when its tokens are a prefix of this prompt.
    let past: Record<string, OrtTensorLike> | null = null;
    let start = 0;
    if (this.kv && this.kv.imageKey === imageKey && commonPrefix(this.kv.ids, ids) === this.kv.ids.length && this.kv.ids.length < ids.length) {
      past = this.kv.past;
      start = this.kv.ids.length;
    } else {
      this.dropKv();
    }
    this.kv = null;
    const imageTokens = countToken(ids, this.imageTokenId());
    if (feats && imageTokens * feats.hidden !== feats.data.length) {
      throw new EngineError('internal', `The prompt has ${imageTokens} image tokens but the image gave ${feats.data.length / feats.hidden} feature rows.`);
    }

    const eos = this.eosIds();
    const maxNew = Math.max(1, Math.min(req.maxNewTokens ?? 256, 2048));
    const random = seededRandom(req.seed ?? 0);
    const generated: number[] = [];
    const probs: number[] = [];
    // The chat template writes "Assistant: " + answer; the model generates " answer" after
    // "Assistant:". Showing the answer without that one space lets the next turn's prompt
    // extend this one exactly, so its cached keys/values can be reused.
    const display = (g: number[]) => this.decode(g).replace(/^ /, '');
    const delta = new TextDelta((g) => this.decode(g));
    let fed = ids.slice(0, start);
    let segment = ids.slice(start);
    let ttftMs = 0;
    let tFirst = 0;
    let stopReason: StopReason = 'max-tokens';

    for (;;) {
      const out = await this.step(segment, past, feats, countToken(fed, this.imageTokenId()));
      if (past) disposeAll(past, out.present);
      past = out.present;
      fed = fed.concat(segment);
      const pick = (req.temperature ?? 0) > 0 ? sampleWithProb(out.lastLogits, req.temperature!, random()) : argmaxWithProb(out.lastLogits);
      if (generated.length === 0) {
        tFirst = performance.now();
        ttftMs = tFirst - t0;
      }
      if (eos.has(pick.id)) {
        stopReason = 'eos';
        break;
      }
      generated.push(pick.id);
      probs.push(pick.prob);
      const d = delta.next(generated);
      if (d) onToken(delta.text === d ? d.replace(/^ /, '') : d);
      if (this.stopRequested) {
        stopReason = 'stopped';
        break;
      }
      if (generated.length >= maxNew) break;
      segment = [pick.id];
    }

    const answer = display(generated);
    this.kv = { imageKey, ids: fed, past: past! };
    this.history = { imageKey, text: text + this.decode(generated), ids: ids.concat(generated) };
    const tEnd = performance.now();
    const decodeTokens = Math.max(0, generated.length - 1);
    return {
      text: answer,
      stopReason,
      tokenProbs: probs,
      stats: {
        imageEncodeMs,
        imagePrepMs,
        imageCached: image?.cached ?? false,
        reusedTokens: start,
        promptTokens: ids.length,
        newTokens: generated.length,
        ttftMs,
        tokensPerSecond: decodeTokens > 0 ? (decodeTokens * 1000) / (tEnd - tFirst) : 0,
        totalMs: tEnd - t0,
        device: loaded.device,
        dtype: describeDtypes(loaded.dtypes),
      },
    };
  }

  /** Image features by content: a follow-up about the same image does not re-encode it. */
  private async imageFeatures(
    input: ImageInput,
    name: string,
  ): Promise<{ features: ImageFeatures; cached: boolean; prepMs: number; encodeMs: number }> {
    const pixels = input instanceof Uint8Array ? null : input;
    if (pixels) {
      const problem = checkPixels(pixels);
      if (problem) throw new EngineError('bad-image', `"${name}": ${problem}`);
    } else {
      const check = checkImageBytes(input as Uint8Array, name);
      if (!check.ok) throw new EngineError('bad-image', check.message);
    }
    // Pixels are keyed with their size, so that equal bytes of a different shape never collide.
    const key = pixels ? `px:${pixels.width}x${pixels.height}:${await this.host.sha256(new Uint8Array(pixels.rgba.buffer, pixels.rgba.byteOffset, pixels.rgba.byteLength))}` : await this.host.sha256(input as Uint8Array);
    const hit = this.featureCache.get(key);
    if (hit) {
      this.featureCache.delete(key); // refresh its place in the LRU order
      this.featureCache.set(key, hit);
      return { features: hit, cached: true, prepMs: 0, encodeMs: 0 };
    }
    const tPrep = performance.now();
    let raw: RawImage;
    if (pixels) {
      raw = new RawImage(pixels.rgba, pixels.width, pixels.height, 4);
    } else {
      try {
        raw = await this.host.decodeImage(input as Uint8Array);
      } catch (e) {
        throw new EngineError('bad-image', `"${name}" could not be decoded: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const inputs = await this.processor.image_processor([raw.rgb()], { return_row_col_info: true });
    const t0 = performance.now();
    const out: Tensor = await this.model.encode_image({
      pixel_values: inputs.pixel_values,
      pixel_attention_mask: inputs.pixel_attention_mask,
    });
    const hidden = out.dims.at(-1)!;
    const half = out.type === 'float16';
    const data = half ? new Uint16Array(out.data as ArrayLike<number>) : new Float32Array(out.data as Float32Array);
    const grids = (inputs.rows as number[][])[0].map((rows: number, i: number) => ({ rows, cols: (inputs.cols as number[][])[0][i] }));
    const features: ImageFeatures = { key, grids, data, half, hidden };
    this.featureCache.set(key, features);
    if (this.featureCache.size > FEATURE_CACHE_SIZE) this.featureCache.delete(this.featureCache.keys().next().value!);
    return { features, cached: false, prepMs: t0 - tPrep, encodeMs: performance.now() - t0 };
  }

  private step(segment: number[], past: Record<string, OrtTensorLike> | null, feats: ImageFeatures | null, firstImageRow = 0) {
    const tc = this.model.config.text_config ?? this.model.config;
    return decoderStep(
      { embed: this.model.sessions.embed_tokens, decoder: this.model.sessions.decoder_model_merged },
      {
        imageTokenId: this.imageTokenId(),
        kvHeads: tc.num_key_value_heads ?? tc.num_attention_heads,
        headDim: tc.head_dim ?? tc.hidden_size / tc.num_attention_heads,
      },
      segment,
      past,
      feats,
      firstImageRow,
    );
  }

  private encode(s: string): number[] {
    return this.processor.tokenizer.encode(s, { add_special_tokens: false });
  }

  private decode(ids: number[]): string {
    if (ids.length === 0) return ''; // the tokenizer refuses an empty list
    return this.processor.tokenizer.decode(ids, { skip_special_tokens: true });
  }

  private imageTokenId(): number {
    return this.model.config.image_token_id ?? this.model.config.image_token_index;
  }

  private imageSeqLen(): number {
    return this.processor.config?.image_seq_len ?? this.processor.image_seq_len ?? 64;
  }

  private bosId(): number {
    const t = this.processor.tokenizer;
    return this.encode('<|im_start|>')[0] ?? t.bos_token_id ?? 0;
  }

  private eosIds(): Set<number> {
    const ids = new Set<number>();
    const g = this.model.generation_config?.eos_token_id ?? this.model.config.eos_token_id;
    for (const x of [g].flat()) if (typeof x === 'number') ids.add(x);
    const eou = this.encode('<end_of_utterance>');
    if (eou.length === 1) ids.add(eou[0]);
    return ids;
  }

  private dropKv(): void {
    if (this.kv) disposeAll(this.kv.past);
    this.kv = null;
  }

  private async disposeModel(): Promise<void> {
    this.dropKv();
    this.history = null;
    this.featureCache.clear();
    if (this.model) await this.model.dispose?.();
    this.model = null;
    this.loaded = null;
  }
}
