// The contrastive lens: a CLIP-style model (CLIP or SigLIP exports that transformers.js loads as
// *VisionModelWithProjection / *TextModelWithProjection) giving one embedding per image and per
// text. Loaded by id; where models come from (local folder, Hub) is the caller's env setting.

import { AutoProcessor, AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection, RawImage } from '@huggingface/transformers';
import type { FeatureLens } from './extract.ts';

export { TINY_CLIP_ID } from './contrastive-models.ts';

type Tensorish = { data: ArrayLike<number>; dims: number[] };

export interface ClipLoadOptions {
  /** transformers.js device ('cpu' in Node, 'wasm' or 'webgpu' in a browser). */
  device?: string;
  /** Decodes image file bytes (defaults to RawImage.fromBlob). */
  decodeImage?: (bytes: Uint8Array) => Promise<RawImage>;
}

export async function loadClipLens(modelId: string, opts: ClipLoadOptions = {}): Promise<FeatureLens & { dispose(): Promise<void> }> {
  const common = { dtype: 'fp32', device: opts.device ?? 'cpu' } as const;
  const [processor, tokenizer, vision, text] = await Promise.all([
    AutoProcessor.from_pretrained(modelId),
    AutoTokenizer.from_pretrained(modelId),
    CLIPVisionModelWithProjection.from_pretrained(modelId, common as never),
    CLIPTextModelWithProjection.from_pretrained(modelId, common as never),
  ]);
  const decode = opts.decodeImage ?? ((b: Uint8Array) => RawImage.fromBlob(new Blob([b as BlobPart])));
  const first = (t: Tensorish) => Float32Array.from(Array.prototype.slice.call(t.data, 0, t.dims[t.dims.length - 1]));
  return {
    lens: 'clip',
    async image(image) {
      const raw = image instanceof Uint8Array ? await decode(image) : new RawImage(image.rgba, image.width, image.height, 4);
      const inputs = await processor(raw.rgb());
      const out = (await vision(inputs)) as { image_embeds: Tensorish };
      return first(out.image_embeds);
    },
    async text(t) {
      const inputs = tokenizer(t, { truncation: true, max_length: 77 } as never);
      const out = (await text(inputs)) as { text_embeds: Tensorish };
      return first(out.text_embeds);
    },
    async dispose() {
      await Promise.all([vision.dispose(), text.dispose()]);
    },
  };
}
