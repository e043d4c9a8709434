import { describe, expect, it, vi } from 'vitest';
import {
  IDEFICS3_TOKENS,
  PRESETS,
  buildMessages,
  commonPrefix,
  expandImages,
  extendIds,
  imagePromptString,
  type ImageTokens,
} from './prompt.ts';

describe('buildMessages', () => {
  it('a first question: one user message with the image before the text', () => {
    expect(buildMessages([], 'What is this?')).toEqual([
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is this?' }] },
    ]);
  });

  it('follow-ups alternate user/assistant and carry the image only on the first user message', () => {
    const history = [
      { question: 'q1', answer: 'a1' },
      { question: 'q2', answer: 'a2' },
    ];
    expect(buildMessages(history, 'q3')).toEqual([
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'q1' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'a1' }] },
      { role: 'user', content: [{ type: 'text', text: 'q2' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'a2' }] },
      { role: 'user', content: [{ type: 'text', text: 'q3' }] },
    ]);
  });

  it('without an image no message has an image part', () => {
    const msgs = buildMessages([{ question: 'hi', answer: 'hello' }], 'again?', false);
    expect(msgs).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
      { role: 'user', content: [{ type: 'text', text: 'again?' }] },
    ]);
  });
});

describe('imagePromptString', () => {
  it('uses the Idefics3 special tokens', () => {
    expect(IDEFICS3_TOKENS).toEqual({ image: '<image>', fakeAround: '<fake_token_around_image>', global: '<global-img>' });
  });

  it('no split (0×0): the global image only', () => {
    expect(imagePromptString(0, 0, 3)).toBe(
      '<fake_token_around_image><global-img><image><image><image><fake_token_around_image>',
    );
  });

  it('2×3 split with seqLen 2: tiles row by row, a newline after each row, a blank line, then the global image', () => {
    const expected =
      '<fake_token_around_image><row_1_col_1><image><image>' +
      '<fake_token_around_image><row_1_col_2><image><image>' +
      '<fake_token_around_image><row_1_col_3><image><image>' +
      '\n' +
      '<fake_token_around_image><row_2_col_1><image><image>' +
      '<fake_token_around_image><row_2_col_2><image><image>' +
      '<fake_token_around_image><row_2_col_3><image><image>' +
      '\n' +
      '\n' +
      '<fake_token_around_image><global-img><image><image><fake_token_around_image>';
    const s = imagePromptString(2, 3, 2);
    expect(s).toBe(expected);
    // (2·3 tiles + 1 global) × seqLen image tokens.
    expect(s.split('<image>').length - 1).toBe(14);
    const tags = [...s.matchAll(/<row_(\d)_col_(\d)>/g)].map((m) => `${m[1]}${m[2]}`);
    expect(tags).toEqual(['11', '12', '13', '21', '22', '23']);
  });

  it('honours custom tokens', () => {
    const t: ImageTokens = { image: 'I', fakeAround: 'F', global: 'G' };
    expect(imagePromptString(1, 2, 3, t)).toBe('F<row_1_col_1>IIIF<row_1_col_2>III\n\nFGIIIF');
  });
});

describe('expandImages', () => {
  const t: ImageTokens = { image: '<i>', fakeAround: 'F', global: 'G' };

  it('replaces one placeholder by its expansion, keeping the text around it', () => {
    expect(expandImages('User:<image>Hi', [{ rows: 0, cols: 0 }], 1)).toBe(
      'User:<fake_token_around_image><global-img><image><fake_token_around_image>Hi',
    );
  });

  it('replaces several placeholders in order, each with its own grid', () => {
    expect(expandImages('x<i>y<i>z', [{ rows: 0, cols: 0 }, { rows: 1, cols: 1 }], 2, t)).toBe(
      'x' + 'FG<i><i>F' + 'y' + 'F<row_1_col_1><i><i>\n\nFG<i><i>F' + 'z',
    );
  });

  it('leaves text without placeholders alone when no images are given', () => {
    expect(expandImages('just text', [], 64)).toBe('just text');
  });

  it('throws when the counts differ', () => {
    expect(() => expandImages('<image><image>', [{ rows: 0, cols: 0 }], 4)).toThrow(
      'The prompt has 2 image placeholders but 1 images were given.',
    );
    expect(() => expandImages('no image', [{ rows: 0, cols: 0 }], 4)).toThrow(/0 image placeholders but 1/);
    expect(() => expandImages('<image>', [], 4)).toThrow(/1 image placeholders but 0/);
  });
});

describe('extendIds', () => {
  // A fake tokenizer: one id per character (its char code).
  const fakeEncode = () => vi.fn((s: string) => [...s].map((c) => c.charCodeAt(0)));

  it('reuses the previous ids and encodes only the new suffix when the text extends the previous text', () => {
    const encode = fakeEncode();
    // The previous ids deliberately differ from what the fake tokenizer would give for "ab".
    const ids = extendIds({ text: 'ab', ids: [900, 901] }, 'abcd', encode);
    expect(ids).toEqual([900, 901, 99, 100]);
    expect(encode).toHaveBeenCalledTimes(1);
    expect(encode).toHaveBeenCalledWith('cd');
  });

  it('returns the previous ids unchanged for the same text', () => {
    const encode = fakeEncode();
    expect(extendIds({ text: 'ab', ids: [7, 8] }, 'ab', encode)).toEqual([7, 8]);
  });

  it('encodes the whole text when it does not extend the previous text', () => {
    const encode = fakeEncode();
    expect(extendIds({ text: 'ab', ids: [900, 901] }, 'xbcd', encode)).toEqual([120, 98, 99, 100]);
    expect(encode).toHaveBeenCalledWith('xbcd');
  });

  it('encodes the whole text without a previous turn or with an empty previous text', () => {
    const encode = fakeEncode();
    expect(extendIds(null, 'hi', encode)).toEqual([104, 105]);
    expect(extendIds({ text: '', ids: [1, 2, 3] }, 'hi', encode)).toEqual([104, 105]);
    expect(encode).toHaveBeenNthCalledWith(2, 'hi');
  });

  it('does not reuse when the new text is shorter than the previous text', () => {
    const encode = fakeEncode();
    expect(extendIds({ text: 'abc', ids: [1, 2, 3] }, 'ab', encode)).toEqual([97, 98]);
  });
});

describe('commonPrefix', () => {
  it.each([
    [[1, 2, 3], [1, 2, 4], 2],
    [[1, 2, 3], [1, 2, 3], 3],
    [[1, 2], [1, 2, 3, 4], 2],
    [[1, 2, 3, 4], [1, 2], 2],
    [[5, 2, 3], [1, 2, 3], 0],
    [[], [1], 0],
    [[], [], 0],
  ])('%j vs %j → %i', (a, b, n) => {
    expect(commonPrefix(a, b)).toBe(n);
  });
});

describe('PRESETS', () => {
  it('are caption, vqa and ocr with non-empty questions', () => {
    expect(PRESETS.map((p) => p.id)).toEqual(['caption', 'vqa', 'ocr']);
    for (const p of PRESETS) expect(p.question.trim().length).toBeGreaterThan(10);
  });
});
