/**
 * Training records → token ids, masked targets and image features, with the model's own chat
 * template and its frozen vision encoder behind an ExampleSource: transformers.js in Node
 * (data.ts) or the page's VLM engine worker (engine.worker.ts), so that this file, and the
 * training worker, never load ONNX Runtime. The prompt is built exactly as the VLM engine
 * builds it (src/vlm/prompt.ts), so an adapter sees at inference the prompts it was trained on.
 *   ids     = prompt (… "Assistant:") + " answer<end_of_utterance>"
 *   targets = ids shifted left, −1 except where the next token is an answer token
 */
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

/** What building examples needs of a model: its tokenizer, chat template and vision encoder. */
export interface ExampleSource {
  encode(s: string): number[];
  decode(ids: number[]): string;
  /** The chat template over messages as buildMessages makes them. */
  chatTemplate(messages: unknown[], addGenerationPrompt: boolean): string;
  /** <image> tokens per image tile */
  imageSeqLen: number;
  encodeImage(image: ImageInput): Promise<ImageFeatures>;
}

export class ExampleBuilder {
  constructor(private source: ExampleSource) {}

  get imageTokenId(): number {
    return this.encode('<image>')[0];
  }

  /** End of an answer: <end_of_utterance> (the template's end of turn). */
  get eosIds(): number[] {
    return this.encode('<end_of_utterance>');
  }

  encode(s: string): number[] {
    return this.source.encode(s);
  }

  decode(ids: number[]): string {
    return this.source.decode(ids);
  }

  /** The answer as the engine shows it: without the one space after "Assistant:". */
  answerText(ids: number[]): string {
    return this.decode(ids).replace(/^ /, '');
  }

  encodeImage(image: ImageInput): Promise<ImageFeatures> {
    return this.source.encodeImage(image);
  }

  /** Prompt ids for a question (with image grids or a plain-text description). */
  promptIds(question: string, opts: { grids?: ImageFeatures['grids']; text?: string } = {}): number[] {
    return this.encode(this.render(question, opts, null));
  }

  async example(r: TrainRecord, input: InputKind): Promise<Example> {
    if (input === 'image' && !r.image) throw new Error(`Record ${r.id ?? ''} has no image.`);
    if (input === 'text' && r.text === undefined) throw new Error(`Record ${r.id ?? ''} has no text.`);
    const feats = input === 'image' ? await this.encodeImage(r.image!) : null;
    const opts = feats ? { grids: feats.grids } : { text: r.text };
    const prompt = this.render(r.question, opts, null);
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

  private render(question: string, o: { grids?: ImageFeatures['grids']; text?: string }, answer: string | null): string {
    const q = o.text !== undefined ? withDescription(o.text, question) : question;
    const messages: any[] = buildMessages([], q, o.grids !== undefined);
    if (answer !== null) messages.push({ role: 'assistant', content: [{ type: 'text', text: answer }] });
    return expandImages(this.source.chatTemplate(messages, answer === null), o.grids ?? [], this.source.imageSeqLen);
  }
}
