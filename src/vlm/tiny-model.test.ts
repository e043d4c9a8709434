// The committed tiny random SmolVLM (models/tiny-random-smolvlm) must
//  1. be exactly what `npm run models:tiny` generates,
//  2. load and generate through transformers.js exactly like HuggingFaceTB/SmolVLM-256M-Instruct,
//  3. compute what the Hugging Face Idefics3/Llama math computes on its safetensors weights
//     (independent plain-JS reference), including incremental decoding with a KV cache.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { AutoModelForVision2Seq, AutoProcessor, RawImage, Tensor, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TINY_MODEL_FILES, generateTinyModel } from '../../scripts/models-tiny/index.ts';
import { referenceDecoder, referenceImageFeatures } from '../../scripts/models-tiny/reference.ts';
import { readSafetensors, type F32Tensor } from '../../scripts/models-tiny/safetensors.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL_ID = 'tiny-random-smolvlm';
const MODEL_DIR = path.join(REPO, 'models', MODEL_ID);

/** Deterministic test data in [-1, 1) (a fixed LCG, independent of the generator's PRNG). */
function testData(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** 100×80 RGB gradient: resized to 128×102 then padded up to 2×2 tiles of 64 px + 1 global tile. */
function gradientImage(): RawImage {
  const [w, h] = [100, 80];
  const data = new Uint8ClampedArray(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      data[i] = (x * 255) / (w - 1);
      data[i + 1] = (y * 255) / (h - 1);
      data[i + 2] = 255 - (x * 255) / (w - 1);
    }
  return new RawImage(data, w, h, 3);
}

describe('tiny-random-smolvlm files', () => {
  it('are byte-identical to a fresh `npm run models:tiny`', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tiny-smolvlm-'));
    try {
      await generateTinyModel(dir);
      const stale: string[] = [];
      for (const file of TINY_MODEL_FILES) {
        const fresh = await readFile(path.join(dir, file));
        const committed = await readFile(path.join(MODEL_DIR, file)).catch(() => null);
        if (!committed || !fresh.equals(committed)) stale.push(file);
      }
      expect(stale, `models/${MODEL_ID} is out of date (${stale.join(', ')}): run \`npm run models:tiny\``).toEqual(
        [],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tiny-random-smolvlm in transformers.js', () => {
  // Loosely typed: this is exactly the code that runs against the real SmolVLM.
  let processor: any;
  let model: any;
  const config = () => model.config as any;

  beforeAll(async () => {
    env.localModelPath = path.join(REPO, 'models') + '/';
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    processor = await AutoProcessor.from_pretrained(MODEL_ID);
    model = await AutoModelForVision2Seq.from_pretrained(MODEL_ID, { dtype: 'fp32', device: 'cpu' });
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('renders the SmolVLM chat template', () => {
    const messages = [
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Can you describe this image?' }] },
    ];
    const text = processor.apply_chat_template(messages, { add_generation_prompt: true });
    expect(text).toBe('<|im_start|>User:<image>Can you describe this image?<end_of_utterance>\nAssistant:');
  });

  it('splits an image into tiles and generates at least 8 printable tokens, deterministically', async () => {
    expect(Object.keys(model.sessions).sort()).toEqual(['decoder_model_merged', 'embed_tokens', 'vision_encoder']);
    const messages = [
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Can you describe this image?' }] },
    ];
    const text = processor.apply_chat_template(messages, { add_generation_prompt: true });
    const inputs = await processor(text, [gradientImage()]);

    // 2×2 tiles + the global image, each 64×64.
    expect(inputs.pixel_values.dims).toEqual([1, 5, 3, 64, 64]);
    expect(inputs.pixel_attention_mask.dims).toEqual([1, 5, 64, 64]);
    const ids: bigint[] = Array.from(inputs.input_ids.data as BigInt64Array);
    const imageTokens = ids.filter((id) => id === BigInt(config().image_token_id)).length;
    expect(imageTokens).toBe(5 * processor.config.image_seq_len);
    const decodedPrompt: string = processor.batch_decode(inputs.input_ids)[0];
    expect(decodedPrompt).toContain('<fake_token_around_image><row_1_col_1><image>');
    expect(decodedPrompt).toContain('<row_2_col_2>');
    expect(decodedPrompt).toContain('<global-img>');

    const features: Tensor = await model.encode_image({
      pixel_values: inputs.pixel_values,
      pixel_attention_mask: inputs.pixel_attention_mask,
    });
    expect(features.dims).toEqual([imageTokens, config().text_config.hidden_size]);
    const embeds: Tensor = await model.encode_text({ input_ids: inputs.input_ids });
    expect(embeds.dims).toEqual([1, ids.length, config().text_config.hidden_size]);

    const run = async () => {
      const out = await model.generate({ ...inputs, max_new_tokens: 20, do_sample: false });
      const all: bigint[] = Array.from(out.data as BigInt64Array);
      return { all, answer: processor.batch_decode(out.slice(null, [ids.length, null]), { skip_special_tokens: true })[0] };
    };
    const first = await run();
    const newTokens = first.all.slice(ids.length).map(Number);
    expect(first.all.slice(0, ids.length)).toEqual(ids);
    expect(newTokens.length).toBe(20);
    const stops = [config().text_config.eos_token_id, ...model.generation_config.eos_token_id];
    expect(newTokens.slice(0, 8).some((t) => stops.includes(t))).toBe(false);
    expect(first.answer).toMatch(/^[\x20-\x7e]+$/);
    expect(first.answer.trim().length).toBeGreaterThan(8);
    expect((await run()).all).toEqual(first.all);
  });
});

describe('tiny-random-smolvlm ONNX graphs match the Hugging Face math on model.safetensors', () => {
  let weights: Map<string, F32Tensor>;
  let config: any;
  let vision: ort.InferenceSession;
  let decoder: ort.InferenceSession;

  beforeAll(async () => {
    weights = readSafetensors(new Uint8Array(await readFile(path.join(MODEL_DIR, 'model.safetensors'))));
    config = JSON.parse(await readFile(path.join(MODEL_DIR, 'config.json'), 'utf8'));
    vision = await ort.InferenceSession.create(path.join(MODEL_DIR, 'onnx/vision_encoder.onnx'));
    decoder = await ort.InferenceSession.create(path.join(MODEL_DIR, 'onnx/decoder_model_merged.onnx'));
  });

  const kv = () => ({ heads: config.text_config.num_key_value_heads, dim: config.text_config.head_dim });
  const layers = () => config.text_config.num_hidden_layers;

  async function runDecoder(
    embeds: Float32Array,
    batch: number,
    mask: number[],
    positions: number[],
    past?: Record<string, ort.Tensor>,
  ) {
    const D = config.text_config.hidden_size;
    const S = embeds.length / (batch * D);
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', embeds, [batch, S, D]),
      attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask.map(BigInt)), [batch, mask.length / batch]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(positions.map(BigInt)), [batch, S]),
    };
    for (let i = 0; i < layers(); i++)
      for (const part of ['key', 'value']) {
        feeds[`past_key_values.${i}.${part}`] =
          past?.[`present.${i}.${part}`] ?? new ort.Tensor('float32', new Float32Array(0), [batch, kv().heads, 0, kv().dim]);
      }
    return decoder.run(feeds);
  }

  it('vision encoder: image_features equal the reference and padding images are dropped', async () => {
    const size = config.vision_config.image_size;
    const perImage = 3 * size * size;
    const pixels = testData(2 * 2 * perImage, 7);
    // Sample 0 has two images, sample 1 one real image plus a padding slot (mask all false).
    const mask = new Uint8Array(2 * 2 * size * size).fill(1);
    mask.fill(0, 3 * size * size);
    const out = await vision.run({
      pixel_values: new ort.Tensor('float32', pixels, [2, 2, 3, size, size]),
      pixel_attention_mask: new ort.Tensor('bool', mask, [2, 2, size, size]),
    });
    const features = out.image_features;
    expect(features.dims).toEqual([3 * config.image_seq_len, config.text_config.hidden_size]);
    const expected = referenceImageFeatures(weights, config, pixels.subarray(0, 3 * perImage), 3);
    expect(maxAbsDiff(features.data as Float32Array, expected)).toBeLessThan(1e-4);
  });

  it('decoder: logits and present key/values equal the reference (batch 2, left padding)', async () => {
    const D = config.text_config.hidden_size;
    const S = 7;
    const embeds = testData(2 * S * D, 11);
    const mask = [1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1];
    const positions = [0, 1, 2, 3, 4, 5, 6, 1, 1, 0, 1, 2, 3, 4]; // transformers.js: cumsum - 1, padding → 1
    const out = await runDecoder(embeds, 2, mask, positions);
    const ref = referenceDecoder(weights, config, embeds, 2, mask, positions);
    const logits = out.logits.data as Float32Array;
    const V = config.text_config.vocab_size;
    expect(out.logits.dims).toEqual([2, S, V]);
    let checkedRows = 0;
    for (let row = 0; row < 2 * S; row++) {
      if (mask[row] !== 1) continue; // padding queries have no defined output
      expect(maxAbsDiff(logits.subarray(row * V, (row + 1) * V), ref.logits.subarray(row * V, (row + 1) * V))).toBeLessThan(1e-4);
      checkedRows++;
    }
    expect(checkedRows).toBe(12);
    // Cache entries of real tokens ([B, kv_heads, T, head_dim]); padded slots are masked out anyway
    // (and in layers > 0 derive from the undefined padded rows).
    const realSlots = (data: ArrayLike<number>) => {
      const kept: number[] = [];
      for (let b = 0; b < 2; b++)
        for (let h = 0; h < kv().heads; h++)
          for (let t = 0; t < S; t++)
            if (mask[b * S + t] === 1)
              for (let d = 0; d < kv().dim; d++) kept.push(data[((b * kv().heads + h) * S + t) * kv().dim + d]);
      return kept;
    };
    for (let i = 0; i < layers(); i++) {
      expect(out[`present.${i}.key`].dims).toEqual([2, kv().heads, S, kv().dim]);
      for (const part of ['key', 'value'] as const) {
        const got = realSlots(out[`present.${i}.${part}`].data as Float32Array);
        expect(maxAbsDiff(got, realSlots(ref.present[i][part]))).toBeLessThan(1e-4);
      }
    }
  });

  it('decoder: one cached step gives the same last-token logits as a full forward pass', async () => {
    const D = config.text_config.hidden_size;
    const V = config.text_config.vocab_size;
    const S = 6;
    const embeds = testData(S * D, 23);
    const positions = Array.from({ length: S }, (_, i) => i);
    const full = await runDecoder(embeds, 1, new Array(S).fill(1), positions);
    const prefix = await runDecoder(embeds.subarray(0, (S - 1) * D), 1, new Array(S - 1).fill(1), positions.slice(0, -1));
    const step = await runDecoder(embeds.subarray((S - 1) * D), 1, new Array(S).fill(1), [S - 1], prefix);
    expect(step.logits.dims).toEqual([1, 1, V]);
    const fullLast = (full.logits.data as Float32Array).subarray((S - 1) * V);
    expect(maxAbsDiff(step.logits.data as Float32Array, fullLast)).toBeLessThan(1e-4);
    for (let i = 0; i < layers(); i++) {
      expect(step[`present.${i}.key`].dims).toEqual([1, kv().heads, S, kv().dim]);
      expect(maxAbsDiff(step[`present.${i}.value`].data as Float32Array, full[`present.${i}.value`].data as Float32Array)).toBeLessThan(1e-5);
    }
    const ref = referenceDecoder(weights, config, embeds.subarray((S - 1) * D), 1, new Array(S).fill(1), [S - 1], [
      ...Array.from({ length: layers() }, (_, i) => ({
        key: prefix[`present.${i}.key`].data as Float32Array,
        value: prefix[`present.${i}.value`].data as Float32Array,
      })),
    ]);
    expect(maxAbsDiff(step.logits.data as Float32Array, ref.logits)).toBeLessThan(1e-4);
  });
});
