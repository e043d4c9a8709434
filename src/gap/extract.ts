// Feature extraction for the Gap lab and `tpi gap`: each item in three forms — the real image,
// its printed image (TPI) and the plain text — through one lens. The lens is an interface so
// that the VLM and a contrastive (CLIP-style) model are used the same way. No DOM, no React.

import type { FeaturesRequest, FeaturesResult, ImageInput } from '../vlm/protocol.ts';
import type { FeatureRecord, Form, Lens } from './types.ts';

/** A feature space: pooled vectors of an image and of a text. */
export interface FeatureLens {
  lens: Lens;
  image(image: ImageInput, name: string): Promise<Float32Array>;
  text(text: string): Promise<Float32Array>;
}

/** The VLM lens: vision-encoder output (after the connector) and the text's token embeddings. */
export function vlmLens(engine: { features(req: FeaturesRequest): Promise<FeaturesResult> }): FeatureLens {
  return {
    lens: 'vlm',
    image: async (image, imageName) => (await engine.features({ kind: 'image', image, imageName })).pooled,
    text: async (text) => (await engine.features({ kind: 'text', text })).pooled,
  };
}

export interface GapItemInput {
  id: string;
  /** The real image's file bytes; null when the item has none (no `real` form then). */
  image: Uint8Array | null;
  text: string;
}

/** The printed image of a text (its pixels: no PNG round trip). */
export type PrintText = (id: string, text: string) => Promise<ImageInput>;

export interface ExtractTiming {
  form: Form;
  lens: Lens;
  ms: number;
}

/** Records of one item under each lens; the TPI is printed once and shared by the lenses. */
export async function extractItem(item: GapItemInput, lenses: readonly FeatureLens[], print: PrintText, timings?: ExtractTiming[]): Promise<FeatureRecord[]> {
  const out: FeatureRecord[] = [];
  const tpi = item.text.trim() ? await print(item.id, item.text) : null;
  for (const l of lenses) {
    const run = async (form: Form, f: () => Promise<Float32Array>) => {
      const t0 = performance.now();
      out.push({ id: item.id, lens: l.lens, form, vector: await f() });
      timings?.push({ form, lens: l.lens, ms: performance.now() - t0 });
    };
    if (item.image) await run('real', () => l.image(item.image!, `${item.id} (real)`));
    if (tpi) await run('tpi', () => l.image(tpi, `${item.id} (printed)`));
    if (item.text.trim()) await run('text', () => l.text(item.text));
  }
  return out;
}
