/**
 * The engine's own generation loop in Node (onnxruntime-node), on the tiny model, checked
 * against transformers.js's `generate` on the same prompt and image, and for the reuse of
 * image features and the key/value cache across follow-up questions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModelForVision2Seq, AutoProcessor, env, RawImage } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { VlmEngine } from './engine.ts';
import { nodeHost } from './host-node.ts';
import { EngineError } from './protocol.ts';
import { readSafetensors } from '../../scripts/models-tiny/safetensors.ts';

const root = join(import.meta.dirname, '..', '..');
const cat = new Uint8Array(readFileSync(join(root, 'e2e', 'fixtures', 'chelsea-small.png')));
const rocket = new Uint8Array(readFileSync(join(root, 'e2e', 'fixtures', 'rocket-small.jpg')));

beforeAll(() => {
  env.localModelPath = join(root, 'models') + '/';
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
});

async function loadedEngine(): Promise<VlmEngine> {
  const engine = new VlmEngine(nodeHost);
  await engine.load({ modelId: 'tiny-random-smolvlm', device: 'wasm' });
  return engine;
}

describe('VlmEngine on the tiny model (Node)', () => {
  it('answers like transformers.js generate (greedy) on the same image and question', async () => {
    const engine = await loadedEngine();
    const question = 'Can you describe this image?';
    const tokens: string[] = [];
    const result = await engine.ask({ image: cat, history: [], question, maxNewTokens: 24 }, (d) => tokens.push(d));

    // Reference: transformers.js's own processor and generate loop.
    const processor = await AutoProcessor.from_pretrained('tiny-random-smolvlm');
    const model = await AutoModelForVision2Seq.from_pretrained('tiny-random-smolvlm', { dtype: 'fp32', device: 'cpu' });
    const image = await RawImage.fromBlob(new Blob([cat]));
    const text = processor.apply_chat_template([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: question }] }], {
      add_generation_prompt: true,
    });
    const inputs = await processor(text, [image]);
    const out: any = await model.generate({ ...inputs, max_new_tokens: 24, do_sample: false });
    const promptLen = inputs.input_ids.dims[1];
    const refIds = Array.from(out.tolist()[0].slice(promptLen), Number);
    // The engine drops the one space the model puts after "Assistant:" (see engine.ts).
    const refText = processor.tokenizer!.decode(refIds, { skip_special_tokens: true }).replace(/^ /, '');

    expect(result.stats.promptTokens).toBe(promptLen);
    expect(result.text).toBe(refText);
    expect(result.text.length).toBeGreaterThan(0);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe(result.text);
    expect(result.tokenProbs.every((p) => p > 0 && p <= 1)).toBe(true);
    expect(result.stats.imageCached).toBe(false);
  });

  it('reuses image features and the cache for a follow-up, with the same answer as from scratch', async () => {
    const engine = await loadedEngine();
    const first = await engine.ask({ image: cat, history: [], question: 'What is this?', maxNewTokens: 12 });
    const history = [{ question: 'What is this?', answer: first.text }];
    const follow = await engine.ask({ image: cat, history, question: 'What colour is it?', maxNewTokens: 12 });
    expect(follow.stats.imageCached).toBe(true);
    expect(follow.stats.imageEncodeMs).toBe(0);
    expect(follow.stats.reusedTokens).toBeGreaterThan(first.stats.promptTokens - 1);

    // The same two turns with the cache dropped in between: the same token ids go through a
    // full prefill, and must give the same answer as the incremental one.
    const other = await loadedEngine();
    await other.ask({ image: cat, history: [], question: 'What is this?', maxNewTokens: 12 });
    other.dropKeyValueCache();
    const ref = await other.ask({ image: cat, history, question: 'What colour is it?', maxNewTokens: 12 });
    expect(ref.stats.reusedTokens).toBe(0);
    expect(ref.stats.promptTokens).toBe(follow.stats.promptTokens);
    expect(follow.text).toBe(ref.text);
  });

  it('a different image is encoded anew and does not reuse the cache', async () => {
    const engine = await loadedEngine();
    await engine.ask({ image: cat, history: [], question: 'What is this?', maxNewTokens: 4 });
    const r = await engine.ask({ image: rocket, history: [], question: 'What is this?', maxNewTokens: 4 });
    expect(r.stats.imageCached).toBe(false);
    expect(r.stats.reusedTokens).toBe(0);
  });

  it('refuses bad input with typed errors and stays usable', async () => {
    const engine = await loadedEngine();
    await expect(engine.ask({ image: cat, history: [], question: '  ' })).rejects.toMatchObject({ code: 'bad-question' });
    await expect(engine.ask({ image: new Uint8Array([1, 2, 3]), history: [], question: 'hi' })).rejects.toMatchObject({ code: 'bad-image' });
    await expect(engine.load({ modelId: 'nope/nope', device: 'wasm' })).rejects.toBeInstanceOf(EngineError);
    const ok = await engine.ask({ image: cat, history: [], question: 'hi', maxNewTokens: 3 });
    expect(ok.stats.newTokens).toBeGreaterThan(0);
  });

  it('stop() ends generation early', async () => {
    const engine = await loadedEngine();
    let n = 0;
    const r = await engine.ask({ image: cat, history: [], question: 'Describe it.', maxNewTokens: 200 }, () => {
      if (++n === 2) engine.stop();
    });
    if (r.stopReason !== 'eos') {
      expect(r.stopReason).toBe('stopped');
      expect(r.stats.newTokens).toBeLessThan(200);
    }
  });
});

describe('VlmEngine features (for the gap lab)', () => {
  it('text features are the mean of the token embedding rows in model.safetensors', async () => {
    const engine = await loadedEngine();
    const text = 'A cat asleep on a red sofa.';
    const r = await engine.features({ kind: 'text', text, perToken: true });
    const processor = await AutoProcessor.from_pretrained('tiny-random-smolvlm');
    const ids: number[] = processor.tokenizer!.encode(text, { add_special_tokens: false });
    const table = readSafetensors(new Uint8Array(readFileSync(join(root, 'models', 'tiny-random-smolvlm', 'model.safetensors')))).get(
      'model.text_model.embed_tokens.weight',
    )!;
    const dim = table.shape[1];
    expect(r.dim).toBe(dim);
    expect(r.count).toBe(ids.length);
    for (let j = 0; j < dim; j++) {
      const mean = ids.reduce((a, id) => a + table.data[id * dim + j], 0) / ids.length;
      expect(Math.abs(r.pooled[j] - mean)).toBeLessThan(1e-6);
    }
    expect(r.tokens!.length).toBe(ids.length * dim);
  });

  it('image features are the mean of the vision encoder rows, and come from the cache on repeat', async () => {
    const engine = await loadedEngine();
    const r = await engine.features({ kind: 'image', image: cat, perToken: true });
    const processor = await AutoProcessor.from_pretrained('tiny-random-smolvlm');
    const model = await AutoModelForVision2Seq.from_pretrained('tiny-random-smolvlm', { dtype: 'fp32', device: 'cpu' });
    const px = await processor.image_processor!([await RawImage.fromBlob(new Blob([cat]))], {});
    const out: any = await (model as any).encode_image({ pixel_values: px.pixel_values, pixel_attention_mask: px.pixel_attention_mask });
    const [n, dim] = out.dims;
    expect(r.count).toBe(n);
    for (let j = 0; j < dim; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += out.data[i * dim + j];
      expect(Math.abs(r.pooled[j] - sum / n)).toBeLessThan(1e-5);
    }
    // Asking about the same image afterwards reuses the encoded features.
    const a = await engine.ask({ image: cat, history: [], question: 'What is this?', maxNewTokens: 2 });
    expect(a.stats.imageCached).toBe(true);
  });
});

describe('VlmEngine on decoded pixels (a printed image, no PNG round trip)', () => {
  it('gives the same features and answer as the PNG of the same pixels, and caches them by content', async () => {
    const { printTpiImage } = await import('../train/tpi-node.ts');
    const printed = await printTpiImage('px', 'A red bicycle leans against a blue door.');
    const engine = await loadedEngine();
    const fromPixels = await engine.features({ kind: 'image', image: printed.pixels, perToken: true });
    const fromPng = await engine.features({ kind: 'image', image: printed.png, perToken: true });
    expect(fromPixels.count).toBe(fromPng.count);
    expect(Array.from(fromPixels.tokens!)).toEqual(Array.from(fromPng.tokens!));
    const a = await engine.ask({ image: printed.pixels, history: [], question: 'What is written?', maxNewTokens: 6 });
    expect(a.stats.imageCached).toBe(true); // the features call above encoded these pixels
    const b = await engine.ask({ image: printed.png, history: [], question: 'What is written?', maxNewTokens: 6 });
    expect(b.text).toBe(a.text);
  });

  it('refuses pixels whose size does not match their bytes', async () => {
    const engine = await loadedEngine();
    const bad = { kind: 'pixels' as const, width: 4, height: 4, rgba: new Uint8ClampedArray(10) };
    await expect(engine.ask({ image: bad, history: [], question: 'hi' })).rejects.toMatchObject({ code: 'bad-image', message: expect.stringContaining('64 RGBA bytes') });
    const zero = { kind: 'pixels' as const, width: 0, height: 4, rgba: new Uint8ClampedArray(0) };
    await expect(engine.features({ kind: 'image', image: zero })).rejects.toMatchObject({ code: 'bad-image' });
  });
});
