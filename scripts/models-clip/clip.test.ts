/** The committed models/tiny-random-clip equals a fresh generation, and transformers.js loads it. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { loadClipLens } from '../../src/gap/clip-lens.ts';
import { CLIP } from './graphs.ts';
import { generateTinyClip } from './index.ts';

const root = join(import.meta.dirname, '..', '..');

describe('tiny-random-clip', () => {
  it('is up to date (regenerates byte for byte)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiny-clip-'));
    const files = await generateTinyClip(dir);
    for (const f of files) expect(readFileSync(join(dir, f)).equals(readFileSync(join(root, 'models/tiny-random-clip', f))), f).toBe(true);
  });

  it('gives image and text embeddings of the projection width, deterministic, input-dependent', async () => {
    env.localModelPath = join(root, 'models') + '/';
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    const lens = await loadClipLens('tiny-random-clip');
    const cat = new Uint8Array(readFileSync(join(root, 'e2e/fixtures/chelsea-small.png')));
    const rocket = new Uint8Array(readFileSync(join(root, 'e2e/fixtures/rocket-small.jpg')));
    const a = await lens.image(cat, 'cat');
    expect(a).toHaveLength(CLIP.projection);
    expect(Array.from(await lens.image(cat, 'cat'))).toEqual(Array.from(a));
    expect(Array.from(await lens.image(rocket, 'rocket'))).not.toEqual(Array.from(a));
    const t = await lens.text('A cat with orange fur.');
    expect(t).toHaveLength(CLIP.projection);
    expect(Array.from(await lens.text('A rocket.'))).not.toEqual(Array.from(t));
    await lens.dispose();
  });
});
