// `npm run models:tiny [-- --out DIR]`: writes models/tiny-random-smolvlm/, a tiny random
// SmolVLM (Idefics3) in the exact file layout transformers.js 4.x loads for
// HuggingFaceTB/SmolVLM-256M-Instruct / onnx-community exports, deterministically (fixed seed,
// no Python, no network). Import `generateTinyModel` to regenerate elsewhere (the test does).

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  IMAGE_SEQ_LEN,
  RESIZE_LONGEST_EDGE,
  SCALE_FACTOR,
  SEED,
  TEXT,
  VISION,
  configJson,
  generationConfigJson,
  preprocessorConfigJson,
  processorConfigJson,
} from './config.ts';
import { buildDecoder, buildEmbedTokens } from './decoder.ts';
import { writeSafetensors } from './safetensors.ts';
import { buildVocab, specialTokensMapJson, tokenizerConfigJson, tokenizerJson, type TinyVocab } from './tokenizer.ts';
import { buildVisionEncoder } from './vision.ts';
import { makeWeights } from './weights.ts';

export const DEFAULT_OUT_DIR = 'models/tiny-random-smolvlm';

/** Every file the generator writes, relative to the output folder. */
export const TINY_MODEL_FILES = [
  'README.md',
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'processor_config.json',
  'special_tokens_map.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'model.safetensors',
  'onnx/vision_encoder.onnx',
  'onnx/embed_tokens.onnx',
  'onnx/decoder_model_merged.onnx',
] as const;

const json = (value: object) => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');

function readme(v: TinyVocab): string {
  return `# tiny-random-smolvlm

A tiny **random** SmolVLM (Idefics3) for tests and offline development. It has the same files,
ONNX input/output names, config fields, image processor settings, tokenizer pipeline and chat
template that transformers.js uses for \`HuggingFaceTB/SmolVLM-256M-Instruct\`
(\`onnx/*.onnx\`, fp32, no dtype suffix), so code written for the real model runs unchanged on it.
Its answers are meaningless word pieces; it exists to exercise the pipeline quickly.

**Generated, do not edit:** \`npm run models:tiny\` (scripts/models-tiny/, seed ${SEED}) rewrites
this folder byte for byte; \`src/vlm/tiny-model.test.ts\` fails when it is out of date.

| | tiny | SmolVLM-256M |
|---|---|---|
| text model | Llama, ${TEXT.layers} layers, hidden ${TEXT.hidden}, ${TEXT.heads} heads / ${TEXT.kvHeads} KV heads, head_dim ${TEXT.headDim}, MLP ${TEXT.intermediate} | 30 layers, 576, 9 / 3, 64, 1536 |
| vision | ${VISION.layers} layers, hidden ${VISION.hidden}, patch ${VISION.patch}, tile ${VISION.imageSize} px | 12 layers, 768, patch 16, tile 512 px |
| pixel shuffle | ${SCALE_FACTOR} → image_seq_len ${IMAGE_SEQ_LEN} | 4 → 64 |
| resize longest edge | ${RESIZE_LONGEST_EDGE} (so images split into up to 2×2 tiles + 1 global) | 2048 |
| vocabulary | ${v.size} (${v.base} byte-level BPE + 128 added) | 49280 (49152 + 128) |
| \`<image>\` / \`<end_of_utterance>\` | ${v.ids.image} / ${v.ids.endOfUtterance} | 49190 / 49279 |

Files: \`vision_encoder.onnx\` (pixel_values, pixel_attention_mask → image_features
[tiles·${IMAGE_SEQ_LEN}, ${TEXT.hidden}]), \`embed_tokens.onnx\` (input_ids → inputs_embeds),
\`decoder_model_merged.onnx\` (inputs_embeds, attention_mask, position_ids,
past_key_values.{0..${TEXT.layers - 1}}.key/value → logits, present.*), and \`model.safetensors\` with the same
weights under the Hugging Face \`Idefics3ForConditionalGeneration\` parameter names.

The tokenizer is a byte-level BPE whose ${v.merges.length} merges were learned from a fixed English text;
ids 0–16 are SmolLM2's special tokens and the 128 added tokens (\`<global-img>\`, \`<row_R_col_C>\`,
\`<fake_token_around_image>\`, \`<image>\`, reserved, \`<end_of_utterance>\`) keep their real order.
The LM head can only produce printable word pieces: with greedy decoding the model never emits
an end token, so generation always runs to \`max_new_tokens\`.

Graph notes: \`pixel_attention_mask\` drops padding images (mask all false), tiles always use
patch positions 0–${(VISION.imageSize / VISION.patch) ** 2 - 1}; RoPE uses precomputed cos/sin tables gathered by \`position_ids\`
(WGSL sin/cos are inaccurate for large angles); the attention mask is causal over sequence order
and hides padded keys. Verified on onnxruntime-node, onnxruntime-web (wasm) and its WebGPU EP.
Node (sharp) and browsers (canvas) resize images differently, so the same picture can give a
different answer in each; identical \`pixel_values\` give identical tokens everywhere.
`;
}

export async function generateTinyModel(outDir: string): Promise<void> {
  const vocab = buildVocab();
  const weights = makeWeights(vocab);
  const files: Record<(typeof TINY_MODEL_FILES)[number], Uint8Array> = {
    'README.md': new TextEncoder().encode(readme(vocab)),
    'config.json': json(configJson(vocab)),
    'generation_config.json': json(generationConfigJson(vocab)),
    'preprocessor_config.json': json(preprocessorConfigJson()),
    'processor_config.json': json(processorConfigJson()),
    'special_tokens_map.json': json(specialTokensMapJson()),
    'tokenizer.json': json(tokenizerJson(vocab)),
    'tokenizer_config.json': json(tokenizerConfigJson(vocab)),
    'model.safetensors': writeSafetensors(weights, { format: 'pt' }),
    'onnx/vision_encoder.onnx': buildVisionEncoder(weights),
    'onnx/embed_tokens.onnx': buildEmbedTokens(weights),
    'onnx/decoder_model_merged.onnx': buildDecoder(weights, vocab),
  };
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(outDir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const outDir = resolve(at >= 0 && args[at + 1] ? args[at + 1] : DEFAULT_OUT_DIR);
  await generateTinyModel(outDir);
  console.log(`wrote ${TINY_MODEL_FILES.length} files to ${outDir}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
