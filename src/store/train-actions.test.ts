import { describe, expect, it } from 'vitest';
import { checkRecords } from './train-actions.ts';

describe('checkRecords (training in the page)', () => {
  const ok = { question: 'What is it?', answer: 'a cat', text: 'A cat.' };
  it('accepts records that fit the input, and names the first that does not', () => {
    expect(checkRecords([ok], 'tpi')).toBeNull();
    expect(checkRecords([ok, { ...ok, image: new Uint8Array(3) }], 'text')).toBeNull();
    expect(checkRecords([], 'text')).toBe('There are no records to train on.');
    expect(checkRecords([ok, { ...ok, id: 'b', answer: ' ' }], 'text')).toBe('Record b: "answer" must be a non-empty string.');
    expect(checkRecords([ok, { ...ok, text: '' }], 'tpi')).toBe('Record 2: input tpi needs a non-empty "text" (the description).');
    expect(checkRecords([ok], 'image')).toBe('Record 1: input image needs an "image".');
  });
});
