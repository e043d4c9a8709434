import { describe, expect, it } from 'vitest';
import { extractItem, type ExtractTiming, type FeatureLens } from './extract.ts';

const fakeLens = (lens: 'vlm' | 'clip', seen: string[]): FeatureLens => ({
  lens,
  image: async (image, name) => {
    seen.push(`${lens} image ${name}`);
    return Float32Array.from([image instanceof Uint8Array ? image.length : image.width * image.height, 1]);
  },
  text: async (t) => {
    seen.push(`${lens} text`);
    return Float32Array.from([t.length, 2]);
  },
});

describe('extractItem', () => {
  it('gives each lens the real image, the printed text (printed once) and the text', async () => {
    const seen: string[] = [];
    const printed: string[] = [];
    const timings: ExtractTiming[] = [];
    const recs = await extractItem(
      { id: 'a', image: new Uint8Array(5), text: 'hello' },
      [fakeLens('vlm', seen), fakeLens('clip', seen)],
      async (id, text) => {
        printed.push(`${id}:${text}`);
        return { kind: 'pixels', width: 3, height: 3, rgba: new Uint8ClampedArray(36) };
      },
      timings,
    );
    expect(printed).toEqual(['a:hello']);
    expect(recs.map((r) => `${r.lens}/${r.form}/${r.vector[0]}`)).toEqual(['vlm/real/5', 'vlm/tpi/9', 'vlm/text/5', 'clip/real/5', 'clip/tpi/9', 'clip/text/5']);
    expect(timings).toHaveLength(6);
  });

  it('skips the forms an item lacks', async () => {
    const recs = await extractItem({ id: 'b', image: null, text: ' ' }, [fakeLens('vlm', [])], async () => new Uint8Array(1));
    expect(recs).toEqual([]);
    const onlyText = await extractItem({ id: 'c', image: null, text: 'x' }, [fakeLens('vlm', [])], async () => new Uint8Array(1));
    expect(onlyText.map((r) => r.form)).toEqual(['tpi', 'text']);
  });
});
