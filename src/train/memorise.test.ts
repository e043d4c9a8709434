/**
 * End to end on the tiny SmolVLM: (image, question, answer) records through the chat template
 * and the frozen ONNX vision encoder, a LoRA trained on them, and generation with the KV cache.
 * With the adapter on, greedy decoding reproduces every trained answer exactly; with it off,
 * the base model's answers come back. Runs on the CPU twins (the same engine code as WebGPU,
 * which llama.*.test.ts and trainer.test.ts check against them) to stay within CI time.
 * The tiny model's LM head can only emit word pieces (see its README), so the answers are made
 * of word pieces and generation runs to the answer's length.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adapter } from './adapter.ts';
import { llamaConfigFrom, MODULES } from './config.ts';
import { CpuBackend } from './cpu-backend.ts';
import { loadExampleBuilder, type ExampleBuilder, type Example } from './data.ts';
import { generate } from './generate.ts';
import { LlamaModel } from './llama.ts';
import { readSafetensors } from './safetensors.ts';
import { train, TRAIN_DEFAULTS } from './trainer.ts';
import { loadWeights } from './weights.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MODEL = path.join(ROOT, 'models/tiny-random-smolvlm');
const fixture = (f: string) => new Uint8Array(readFileSync(path.join(ROOT, 'e2e/fixtures', f)));

const records = [
  { image: fixture('chelsea-small.png'), question: 'What is this?', answer: 'the image shows a cat' },
  { image: fixture('chelsea-small.png'), question: 'What colour is it?', answer: 'red and white' },
  { image: fixture('rocket-small.jpg'), question: 'What is this?', answer: 'there is the red' },
  { image: fixture('rocket-small.jpg'), question: 'What colour is it?', answer: 'blue' },
];

let builder: ExampleBuilder;
let examples: Example[];
let model: LlamaModel;

beforeAll(async () => {
  env.localModelPath = path.join(ROOT, 'models') + '/';
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  builder = await loadExampleBuilder('tiny-random-smolvlm');
  examples = await Promise.all(records.map((r) => builder.example(r, 'image')));
  const cfg = llamaConfigFrom(JSON.parse(readFileSync(path.join(MODEL, 'config.json'), 'utf8')));
  const tensors = readSafetensors(new Uint8Array(readFileSync(path.join(MODEL, 'model.safetensors'))));
  const be = new CpuBackend(Float32Array);
  model = new LlamaModel(be, cfg, loadWeights(be, cfg, (n) => tensors.get(n)), null, 512);
});

const answer = async (e: Example, o: { temperature?: number; seed?: number } = {}) =>
  builder.answerText((await generate(model, e.promptIds, e.image, { maxNewTokens: e.answerIds.length - 1, eos: builder.eosIds, ...o })).ids);

describe('LoRA memorisation on the tiny SmolVLM (image records)', () => {
  it('builds examples: image features at the <image> tokens, loss only on the answer', () => {
    for (const [i, e] of examples.entries()) {
      expect(e.image!.positions.length * 64).toBe(e.image!.rows.length);
      expect(e.ids.slice(0, e.promptIds.length)).toEqual(e.promptIds);
      expect(builder.decode(e.answerIds)).toBe(` ${records[i].answer}`);
      expect(e.targets.filter((t) => t >= 0)).toEqual(e.answerIds);
      expect(builder.decode(e.promptIds)).toMatch(/Assistant:$/);
    }
  });

  it('reproduces every trained answer with the adapter on, and the base answers with it off', async () => {
    const base = [];
    for (const e of examples) base.push(await answer(e));
    expect(base).not.toEqual(records.map((r) => r.answer));

    model.adapter = Adapter.create(model.be, model.cfg, { rank: 8, alpha: 16, dropout: 0, targets: [...MODULES], seed: 0 });
    const result = await train(model, examples, { ...TRAIN_DEFAULTS, steps: 40, lr: 1e-2, warmup: 3, batch: 4, dropout: 0 });
    expect(result.status).toBe('done');
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0] / 2);

    for (const [i, e] of examples.entries()) expect(await answer(e)).toBe(records[i].answer);
    model.adapter.enabled = false;
    for (const [i, e] of examples.entries()) expect(await answer(e)).toBe(base[i]);
    model.adapter.enabled = true;
  });

  it('samples with a temperature, reproducibly for a seed', async () => {
    const e = examples[0];
    const a = await answer(e, { temperature: 1.5, seed: 1 });
    expect(await answer(e, { temperature: 1.5, seed: 1 })).toBe(a);
    const others = await Promise.all([2, 3, 4, 5].map((seed) => answer(e, { temperature: 1.5, seed })));
    expect(new Set([a, ...others]).size).toBeGreaterThan(1);
  });
});
