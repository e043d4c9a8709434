import { describe, expect, it } from 'vitest';
import { parseUrlParams } from './url.ts';

describe('parseUrlParams', () => {
  it('both absent: no model, auto device, no problems', () => {
    expect(parseUrlParams('')).toEqual({ modelId: null, device: 'auto', problems: [] });
    expect(parseUrlParams('?other=1')).toEqual({ modelId: null, device: 'auto', problems: [] });
  });

  it('a known model and a valid device', () => {
    expect(parseUrlParams('?model=tiny-random-smolvlm&device=wasm')).toEqual({
      modelId: 'tiny-random-smolvlm',
      device: 'wasm',
      problems: [],
    });
  });

  it('decodes a URL-encoded model id with a slash', () => {
    const p = parseUrlParams('?model=HuggingFaceTB%2FSmolVLM-500M-Instruct&device=webgpu');
    expect(p).toEqual({ modelId: 'HuggingFaceTB/SmolVLM-500M-Instruct', device: 'webgpu', problems: [] });
  });

  it('an unknown model is ignored with a problem that names it', () => {
    const p = parseUrlParams('?model=nope');
    expect(p.modelId).toBeNull();
    expect(p.device).toBe('auto');
    expect(p.problems).toHaveLength(1);
    expect(p.problems[0]).toMatch(/^\?model: Unknown model "nope"\. Known models: .*tiny-random-smolvlm/);
  });

  it('an empty ?model= is a problem too', () => {
    expect(parseUrlParams('?model=')).toEqual({ modelId: null, device: 'auto', problems: ['?model: No model id was given.'] });
  });

  it('an invalid device falls back to auto with a problem', () => {
    const p = parseUrlParams('?model=tiny-random-smolvlm&device=cuda');
    expect(p.modelId).toBe('tiny-random-smolvlm');
    expect(p.device).toBe('auto');
    expect(p.problems).toEqual(['?device: "cuda" is not one of auto, webgpu, wasm; using auto.']);
  });

  it('an empty ?device= means auto without a problem', () => {
    expect(parseUrlParams('?device=')).toEqual({ modelId: null, device: 'auto', problems: [] });
  });

  it('a long invalid device value is cut to 40 characters in the message', () => {
    const p = parseUrlParams(`?device=${'z'.repeat(41)}W`);
    expect(p.problems).toEqual([`?device: "${'z'.repeat(40)}" is not one of auto, webgpu, wasm; using auto.`]);
  });

  it('reports both problems when both parameters are invalid', () => {
    const p = parseUrlParams('?model=x&device=y');
    expect(p).toMatchObject({ modelId: null, device: 'auto' });
    expect(p.problems).toHaveLength(2);
    expect(p.problems[0]).toMatch(/^\?model:/);
    expect(p.problems[1]).toMatch(/^\?device:/);
  });
});
