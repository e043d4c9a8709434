import { describe, expect, it } from 'vitest';
import { classifyLoadError, classifyRunError } from './errors.ts';
import { EngineError } from './protocol.ts';

const MODEL = 'HuggingFaceTB/SmolVLM-256M-Instruct';

describe('classifyLoadError', () => {
  it.each([
    ['transformers.js 404', 'Could not locate file: "https://huggingface.co/HuggingFaceTB/SmolVLM-256M-Instruct/resolve/main/onnx/vision_encoder_q4.onnx".'],
    ['a bare status', 'Request failed with status 404'],
    ['not found', 'File not found: models/tiny-random-smolvlm/config.json'],
    ['file missing', 'file missing in cache'],
  ])('missing file (%s) → model-file-missing', (_, msg) => {
    const e = classifyLoadError(new Error(msg), MODEL);
    expect(e).toBeInstanceOf(EngineError);
    expect(e.code).toBe('model-file-missing');
    expect(e.message).toContain(`"${MODEL}"`);
  });

  it('names the missing file from a quoted path', () => {
    const e = classifyLoadError(new Error('Could not locate file: "/models/tiny-random-smolvlm/onnx/embed_tokens.onnx".'), 'tiny-random-smolvlm');
    expect(e.message).toBe(
      'A file of model "tiny-random-smolvlm" is missing (/models/tiny-random-smolvlm/onnx/embed_tokens.onnx). Regenerate the local model or pick another one.',
    );
  });

  it('names the missing file from an unquoted "file:" path', () => {
    const e = classifyLoadError(new Error('404 for file: onnx/decoder.onnx'), 'm');
    expect(e.message).toContain('(onnx/decoder.onnx)');
  });

  it.each([
    ['Chrome', 'Failed to fetch'],
    ['Firefox', 'NetworkError when attempting to fetch resource.'],
    ['Safari', 'Load failed'],
    ['Node fetch', 'fetch failed'],
    ['DNS', 'getaddrinfo ENOTFOUND huggingface.co'],
    ['refused', 'connect ECONNREFUSED 127.0.0.1:443'],
  ])('network failure (%s) → hub-unreachable', (_, msg) => {
    const e = classifyLoadError(new TypeError(msg), MODEL);
    expect(e.code).toBe('hub-unreachable');
    expect(e.message).toBe(`Could not download "${MODEL}": the model host cannot be reached. Local models still work offline.`);
  });

  it.each([
    ['onnxruntime protobuf', "Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed."],
    ['bad JSON', 'Unexpected token < in JSON at position 0'],
    ['invalid model', 'invalid model file'],
  ])('damaged file (%s) → model-corrupt, with the first line of the cause', (_, msg) => {
    const e = classifyLoadError(new Error(`${msg}\n    at stack frame`), MODEL);
    expect(e.code).toBe('model-corrupt');
    expect(e.message).toBe(`A file of model "${MODEL}" is damaged and cannot be read: ${msg}`);
  });

  it('anything else → internal, message cut to 300 characters', () => {
    const e = classifyLoadError(new Error('x'.repeat(400)), MODEL);
    expect(e.code).toBe('internal');
    expect(e.message).toBe(`Loading "${MODEL}" failed: ${'x'.repeat(300)}…`);
  });

  it('accepts non-Error values', () => {
    expect(classifyLoadError('Failed to fetch', MODEL).code).toBe('hub-unreachable');
    expect(classifyLoadError(42, MODEL)).toMatchObject({ code: 'internal', message: `Loading "${MODEL}" failed: 42` });
  });

  it('passes an EngineError through unchanged', () => {
    const original = new EngineError('unknown-model', 'Unknown model "x".');
    expect(classifyLoadError(original, MODEL)).toBe(original);
  });
});

describe('classifyRunError', () => {
  it.each([
    'Device was lost',
    'GPU device lost: unknown',
    'The device is lost.',
    'Buffer used in submit while destroyed',
    "Failed to execute 'createBuffer' on 'GPUDevice': Instance dropped",
  ])('%j → device-lost', (msg) => {
    const e = classifyRunError(new Error(msg));
    expect(e.code).toBe('device-lost');
    expect(e.message).toBe(`The GPU device was lost while answering (${msg}).`);
  });

  it('other failures → internal with the first line', () => {
    const e = classifyRunError(new RangeError('offset out of bounds\nstack'));
    expect(e).toBeInstanceOf(EngineError);
    expect(e.code).toBe('internal');
    expect(e.message).toBe('The model failed while answering: offset out of bounds');
  });

  it('passes an EngineError through unchanged', () => {
    const original = new EngineError('busy', 'busy');
    expect(classifyRunError(original)).toBe(original);
  });
});
