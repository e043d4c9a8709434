import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_MODEL_ID, DEFAULT_MODEL_ID, MODELS, checkModelId, findModel, localModels } from './registry.ts';

const REQUIRED = ['tiny-random-smolvlm', 'HuggingFaceTB/SmolVLM-256M-Instruct', 'HuggingFaceTB/SmolVLM-500M-Instruct'];

describe('registry', () => {
  it('has the three required models with unique ids', () => {
    const ids = MODELS.map((m) => m.id);
    for (const id of REQUIRED) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('defaults to SmolVLM 256M on the hub and the tiny model locally', () => {
    expect(DEFAULT_MODEL_ID).toBe('HuggingFaceTB/SmolVLM-256M-Instruct');
    expect(DEFAULT_LOCAL_MODEL_ID).toBe('tiny-random-smolvlm');
    expect(findModel(DEFAULT_MODEL_ID)?.source).toBe('hub');
    expect(findModel(DEFAULT_LOCAL_MODEL_ID)?.source).toBe('local');
  });

  it('findModel returns the entry by exact id, undefined otherwise', () => {
    expect(findModel('HuggingFaceTB/SmolVLM-500M-Instruct')?.label).toBe('SmolVLM 500M Instruct');
    expect(findModel('huggingfacetb/smolvlm-500m-instruct')).toBeUndefined(); // ids are case-sensitive
    expect(findModel('SmolVLM-500M-Instruct')).toBeUndefined();
    expect(findModel('')).toBeUndefined();
  });

  it('localModels lists only the local tiny model', () => {
    expect(localModels().map((m) => m.id)).toEqual(['tiny-random-smolvlm']);
  });

  it('the tiny model is fp32 everywhere; the hub models use q4f16 on f16 WebGPU and q8 on WASM', () => {
    const tiny = findModel('tiny-random-smolvlm')!;
    for (const plan of [tiny.dtypes.webgpuF16, tiny.dtypes.webgpu, tiny.dtypes.wasm]) {
      expect(plan).toEqual({ embed_tokens: 'fp32', vision_encoder: 'fp32', decoder_model_merged: 'fp32' });
    }
    const hub = findModel('HuggingFaceTB/SmolVLM-256M-Instruct')!;
    expect(hub.dtypes.webgpuF16.decoder_model_merged).toBe('q4f16');
    expect(hub.dtypes.wasm).toEqual({ embed_tokens: 'q8', vision_encoder: 'q8', decoder_model_merged: 'q8' });
  });

  describe('checkModelId', () => {
    it.each(REQUIRED)('accepts %s', (id) => {
      const c = checkModelId(id);
      expect(c.ok).toBe(true);
      if (c.ok) expect(c.entry.id).toBe(id);
    });

    it('trims surrounding whitespace', () => {
      const c = checkModelId('  tiny-random-smolvlm\n');
      expect(c).toMatchObject({ ok: true, entry: { id: 'tiny-random-smolvlm' } });
    });

    it.each([null, undefined, '', '   ', '\t\n'])('rejects an empty id (%j)', (raw) => {
      expect(checkModelId(raw)).toEqual({ ok: false, message: 'No model id was given.' });
    });

    it('rejects an unknown id and lists the known ones', () => {
      const c = checkModelId('gpt-5');
      expect(c.ok).toBe(false);
      if (c.ok) return;
      expect(c.message).toBe(
        'Unknown model "gpt-5". Known models: HuggingFaceTB/SmolVLM-256M-Instruct, HuggingFaceTB/SmolVLM-500M-Instruct, tiny-random-smolvlm.',
      );
    });

    it('truncates a very long id to 80 characters in the message', () => {
      const long = 'x'.repeat(79) + 'YZ' + 'q'.repeat(5000);
      const c = checkModelId(long);
      expect(c.ok).toBe(false);
      if (c.ok) return;
      expect(c.message).toContain(`"${'x'.repeat(79)}Y…"`);
      expect(c.message).not.toContain('YZ');
      expect(c.message).not.toContain('q');
      expect(c.message.length).toBeLessThan(300);
    });

    it('does not truncate an id of exactly 80 characters', () => {
      const id = 'a'.repeat(80);
      const c = checkModelId(id);
      expect(c.ok).toBe(false);
      if (!c.ok) expect(c.message).toContain(`"${id}"`);
    });
  });
});
