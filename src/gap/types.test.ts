import { describe, expect, it } from 'vitest';
import { FeatureSet, type FeatureRecord } from './types';

const r = (id: string, form: FeatureRecord['form'], vector: number[], lens: FeatureRecord['lens'] = 'vlm'): FeatureRecord => ({
  id,
  lens,
  form,
  vector,
});

describe('FeatureSet', () => {
  it('aligns ids across forms in first-seen order and counts the excluded', () => {
    const set = FeatureSet.from([
      r('b', 'real', [1, 0]),
      r('a', 'real', [0, 1]),
      r('c', 'real', [1, 1]),
      r('a', 'text', [5, 5, 5]),
      r('b', 'text', [6, 6, 6]),
      r('d', 'text', [7, 7, 7]),
    ]);
    const al = set.aligned('vlm', ['real', 'text']);
    expect(al.ids).toEqual(['b', 'a']);
    expect(al.matrices.real).toEqual([[1, 0], [0, 1]]);
    expect(al.matrices.text).toEqual([[6, 6, 6], [5, 5, 5]]);
    expect(al.dims).toEqual({ real: 2, text: 3 });
    expect(al.excluded).toBe(2); // c (no text) and d (no real)
    expect(set.forms('vlm')).toEqual(['real', 'text']);
    expect(set.lenses()).toEqual(['vlm']);
    expect(set.matrix('vlm', 'real').ids).toEqual(['b', 'a', 'c']);
    expect(set.dim('vlm', 'tpi')).toBeNull();
  });

  it('keeps lenses apart', () => {
    const set = FeatureSet.from([r('a', 'real', [1]), r('a', 'tpi', [2], 'clip')]);
    expect(set.aligned('vlm', ['real', 'tpi']).ids).toEqual([]);
    expect(set.aligned('vlm', ['real', 'tpi']).excluded).toBe(1);
    expect(set.lenses()).toEqual(['vlm', 'clip']);
  });

  it('rejects duplicates, mixed widths, empty and non-finite vectors', () => {
    expect(() => FeatureSet.from([r('a', 'real', [1]), r('a', 'real', [2])])).toThrow(/duplicate/);
    expect(() => FeatureSet.from([r('a', 'real', [1]), r('b', 'real', [1, 2])])).toThrow(/dimension/);
    expect(() => FeatureSet.from([r('a', 'real', [])])).toThrow(/empty/);
    expect(() => FeatureSet.from([r('a', 'real', [1, Number.NaN])])).toThrow(/non-finite/);
  });
});
