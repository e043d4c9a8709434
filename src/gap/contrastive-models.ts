/**
 * The contrastive (CLIP-style) models the page offers as a second lens. A plain list, so the
 * page can show it without importing transformers.js (which only the engine worker bundles).
 */
export const TINY_CLIP_ID = 'tiny-random-clip';

export const CONTRASTIVE_MODELS = [
  { id: TINY_CLIP_ID, label: 'Tiny random CLIP (local)', source: 'local' },
  { id: 'Xenova/clip-vit-base-patch32', label: 'CLIP ViT-B/32 (Hub)', source: 'hub' },
] as const;
