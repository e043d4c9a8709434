/**
 * Training records → token ids, masked targets and image features, with the model's own chat
 * template and processor (transformers.js) and its frozen ONNX vision encoder. The prompt is
 * built exactly as the VLM engine builds it (src/vlm/prompt.ts), so an adapter trained here
 * sees at inference the prompts it was trained on.
 *   ids     = prompt (… "Assistant:") + " answer<end_of_utterance>"
 *   targets = ids shifted left, −1 except where the next token is an answer token
 */
import { AutoModelForVision2Seq, AutoProcessor, RawImage, type Tensor as HfTensor } from '@huggingface/transformers';
import { buildMessages, expandImages, withDescription } from '../vlm/prompt.ts';
import type { ImageInput } from '../vlm/protocol.ts';

export interface TrainRecord {
  question: string;
  answer: string;
  /** a description: plain text in the prompt (--input text) */
  text?: string;
  /** an image file's bytes (--input image; the CLI reads the file) or a printed image's pixels */
  image?: ImageInput;
  id?: string;
}

export interface ImageFeatures {
  /** [n, D] rows, one per <image> token in prompt order */
  rows: Float32Array;
  grids: { rows: number; cols: number }[];
}

export interface Example {
  ids: number[];
  targets: number[];
  /** the prompt alone, for generation */
  promptIds: number[];
  answerIds: number[];
  image: { rows: Float32Array; positions: number[] } | null;
}

export type InputKind = 'text' | 'image';

/** How transformers.js runs the vision encoder: 'cpu' in Node, 'wasm' or 'webgpu' in a page. */
export interface VisionOptions {
  device: string;
  dtype: string | Record<string, string>;
}

export class ExampleBuilder {
  private vision: any = null;

  private constructor(
    readonly modelId: string,
    private processor: any,
    private visionOptions: VisionOptions,
  ) {}

  /** transformers.js must already point at the model (env.localModelPath or the Hub). */
  static async load(modelId: string, vision: VisionOptions = { device: 'cpu', dtype: 'fp32' }): Promise<ExampleBuilder> {
    return new ExampleBuilder(modelId, await AutoProcessor.from_pretrained(modelId), vision);
  }

  get imageTokenId(): number {
    return this.encode('<image>')[0];
  }

  /** End of an answer: <end_of_utterance> (the template's end of turn). */
  get eosIds(): number[] {
    return this.encode('<end_of_utterance>');
  }

  encode(s: string): number[] {
    return this.processor.tokenizer.encode(s, { add_special_tokens: false });
  }

  decode(ids: number[]): string {
    return this.processor.tokenizer.decode(ids, { skip_special_tokens: true });
  }

  /** The answer as the engine shows it: without the one space after "Assistant:". */
  answerText(ids: number[]): string {
    return this.decode(ids).replace(/^ /, '');
  }

  /** Vision features of one image, from the model's frozen ONNX vision encoder. */
  async encodeImage(image: ImageInput): Promise<ImageFeatures> {
    this.vision ??= await AutoModelForVision2Seq.from_pretrained(this.modelId, this.visionOptions as any);
    const raw = image instanceof Uint8Array ? await RawImage.fromBlob(new Blob([image as BlobPart])) : new RawImage(image.rgba, image.width, image.height, 4);
    const inputs = await this.processor.image_processor([raw.rgb()], { return_row_col_info: true });
    const out: HfTensor = await this.vision.encode_image({ pixel_values: inputs.pixel_values, pixel_attention_mask: inputs.pixel_attention_mask });
    const grids = (inputs.rows as number[][])[0].map((rows: number, i: number) => ({ rows, cols: (inputs.cols as number[][])[0][i] }));
    return { rows: Float32Array.from(out.data as Float32Array), grids };
  }

  /** Prompt ids for a question (with image grids or a plain-text description). */
  promptIds(question: string, opts: { grids?: ImageFeatures['grids']; text?: string } = {}): number[] {
    return this.encode(this.promptText(question, opts));
  }

  async example(r: TrainRecord, input: InputKind): Promise<Example> {
    if (input === 'image' && !r.image) throw new Error(`Record ${r.id ?? ''} has no image.`);
    if (input === 'text' && r.text === undefined) throw new Error(`Record ${r.id ?? ''} has no text.`);
    const feats = input === 'image' ? await this.encodeImage(r.image!) : null;
    const opts = feats ? { grids: feats.grids } : { text: r.text };
    const prompt = this.promptText(r.question, opts);
    const full = this.render(r.question, opts, r.answer);
    if (!full.startsWith(prompt)) throw new Error('The chat template does not extend the prompt with the answer.');
    // " answer<end_of_utterance>" without the template's trailing newline.
    const answerText = full.slice(prompt.length).replace(/\n$/, '');
    const promptIds = this.encode(prompt);
    const answerIds = this.encode(answerText);
    const ids = [...promptIds, ...answerIds];
    const targets = ids.map((_, t) => (t + 1 >= promptIds.length && t + 1 < ids.length ? ids[t + 1] : -1));
    let image: Example['image'] = null;
    if (feats) {
      const tok = this.imageTokenId;
      const positions = ids.flatMap((id, t) => (id === tok ? [t] : []));
      const hidden = feats.rows.length / positions.length;
      if (!Number.isInteger(hidden)) throw new Error(`${positions.length} image tokens but ${feats.rows.length} feature values.`);
      image = { rows: feats.rows, positions };
    }
    return { ids, targets, promptIds, answerIds, image };
  }

  private promptText(question: string, o: { grids?: ImageFeatures['grids']; text?: string }): string {
    return this.render(question, o, null);
  }

  private render(question: string, o: { grids?: ImageFeatures['grids']; text?: string }, answer: string | null): string {
    const q = o.text !== undefined ? withDescription(o.text, question) : question;
    const messages: any[] = buildMessages([], q, o.grids !== undefined);
    if (answer !== null) messages.push({ role: 'assistant', content: [{ type: 'text', text: answer }] });
    const chat: string = this.processor.apply_chat_template(messages, { add_generation_prompt: answer === null });
    return expandImages(chat, o.grids ?? [], this.processor.config?.image_seq_len ?? this.processor.image_seq_len ?? 64);
  }
}
