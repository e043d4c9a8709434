// `npm run models:clip` (tsx scripts/models-clip/index.ts [--out DIR]): writes
// models/tiny-random-clip/, a tiny random CLIP-style model for the Gap lab's contrastive lens,
// in the file layout transformers.js 4.x loads with CLIPVisionModelWithProjection /
// CLIPTextModelWithProjection (config.json, preprocessor_config.json, tokenizer files,
// onnx/vision_model.onnx, onnx/text_model.onnx). Deterministic: same bytes on every run. The
// tokenizer is the tiny SmolVLM one (scripts/models-tiny), a byte-level BPE.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildVocab, specialTokensMapJson, tokenizerConfigJson, tokenizerJson } from '../models-tiny/tokenizer.ts';
import { buildClipText, buildClipVision, CLIP, makeClipWeights } from './graphs.ts';

export const DEFAULT_OUT_DIR = 'models/tiny-random-clip';

const json = (value: object) => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');

function configJson(vocabSize: number): object {
  return {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: CLIP.projection,
    logit_scale_init_value: 2.6592,
    text_config: { model_type: 'clip_text_model', hidden_size: CLIP.hidden, projection_dim: CLIP.projection, vocab_size: vocabSize, max_position_embeddings: 77 },
    vision_config: { model_type: 'clip_vision_model', hidden_size: CLIP.hidden, projection_dim: CLIP.projection, image_size: CLIP.image, patch_size: CLIP.patch, num_channels: 3 },
  };
}

function preprocessorJson(): object {
  return {
    image_processor_type: 'CLIPImageProcessor',
    feature_extractor_type: 'CLIPFeatureExtractor',
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: CLIP.image },
    resample: 3,
    do_center_crop: true,
    crop_size: { height: CLIP.image, width: CLIP.image },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711],
  };
}

const README = `# tiny-random-clip

A tiny **random** CLIP-style model for the Gap lab's contrastive lens, in tests and offline.
transformers.js loads it with \`CLIPVisionModelWithProjection\` (\`onnx/vision_model.onnx\`:
pixel_values [B, 3, ${CLIP.image}, ${CLIP.image}] → image_embeds [B, ${CLIP.projection}]) and \`CLIPTextModelWithProjection\`
(\`onnx/text_model.onnx\`: input_ids, attention_mask → text_embeds [B, ${CLIP.projection}]), with
\`AutoProcessor\` (CLIPImageProcessor) and \`AutoTokenizer\`, as it does a real CLIP export.
Its embeddings are random projections: it exercises the pipeline, it measures nothing.

**Generated, do not edit:** \`npx tsx scripts/models-clip/index.ts\` (seed ${CLIP.seed}) rewrites this
folder byte for byte.
`;

export async function generateTinyClip(outDir: string): Promise<string[]> {
  const vocab = buildVocab();
  const size = vocab.size;
  const w = makeClipWeights(size);
  const tokenizerConfig = { ...(tokenizerConfigJson(vocab) as Record<string, unknown>), processor_class: 'CLIPProcessor', chat_template: undefined };
  const files: Record<string, Uint8Array> = {
    'README.md': new TextEncoder().encode(README),
    'config.json': json(configJson(size)),
    'preprocessor_config.json': json(preprocessorJson()),
    'tokenizer.json': json(tokenizerJson(vocab)),
    'tokenizer_config.json': json(tokenizerConfig),
    'special_tokens_map.json': json(specialTokensMapJson()),
    'onnx/vision_model.onnx': buildClipVision(w),
    'onnx/text_model.onnx': buildClipText(w, size),
  };
  for (const [name, bytes] of Object.entries(files)) {
    const path = join(outDir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
  return Object.keys(files);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const outDir = resolve(at >= 0 && args[at + 1] ? args[at + 1] : DEFAULT_OUT_DIR);
  generateTinyClip(outDir)
    .then((f) => console.log(`wrote ${f.length} files to ${outDir}`))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
