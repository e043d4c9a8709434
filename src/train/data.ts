/**
 * The ExampleSource of Node (CLI, tests): transformers.js's processor for the tokenizer and chat
 * template, and the model's frozen ONNX vision encoder. The page gets the same from its VLM
 * engine worker instead (one ONNX Runtime in the bundle).
 */
import { AutoModelForVision2Seq, AutoProcessor, RawImage, type Tensor as HfTensor } from '@huggingface/transformers';
import type { ImageInput } from '../vlm/protocol.ts';
import { ExampleBuilder, type ExampleSource, type ImageFeatures } from './examples.ts';

export { ExampleBuilder, type Example, type ExampleSource, type ImageFeatures, type InputKind, type TrainRecord } from './examples.ts';

/** How transformers.js runs the vision encoder: 'cpu' in Node. */
export interface VisionOptions {
  device: string;
  dtype: string | Record<string, string>;
}

/** transformers.js must already point at the model (env.localModelPath or the Hub). */
export async function loadExampleBuilder(modelId: string, vision: VisionOptions = { device: 'cpu', dtype: 'fp32' }): Promise<ExampleBuilder> {
  const processor: any = await AutoProcessor.from_pretrained(modelId);
  let model: any = null;
  const source: ExampleSource = {
    encode: (s) => processor.tokenizer.encode(s, { add_special_tokens: false }),
    decode: (ids) => processor.tokenizer.decode(ids, { skip_special_tokens: true }),
    chatTemplate: (messages, add) => processor.apply_chat_template(messages, { add_generation_prompt: add }),
    imageSeqLen: processor.config?.image_seq_len ?? processor.image_seq_len ?? 64,
    async encodeImage(image: ImageInput): Promise<ImageFeatures> {
      model ??= await AutoModelForVision2Seq.from_pretrained(modelId, vision as any);
      const raw = image instanceof Uint8Array ? await RawImage.fromBlob(new Blob([image as BlobPart])) : new RawImage(image.rgba, image.width, image.height, 4);
      const inputs = await processor.image_processor([raw.rgb()], { return_row_col_info: true });
      const out: HfTensor = await model.encode_image({ pixel_values: inputs.pixel_values, pixel_attention_mask: inputs.pixel_attention_mask });
      const grids = (inputs.rows as number[][])[0].map((rows: number, i: number) => ({ rows, cols: (inputs.cols as number[][])[0][i] }));
      return { rows: Float32Array.from(out.data as Float32Array), grids };
    },
  };
  return new ExampleBuilder(source);
}
