/**
 * Prompt building for Idefics3-style models (SmolVLM): chat messages for a conversation about
 * one image, the expansion of `<image>` into the per-tile image tokens, and the reuse of the
 * token ids (and KV cache) of the previous turn.
 */

export interface Turn {
  question: string;
  answer: string;
}

export type ContentPart = { type: 'image' } | { type: 'text'; text: string };
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: ContentPart[];
}

/** The image is attached to the first user message only; follow-ups refer back to it. */
export function buildMessages(history: readonly Turn[], question: string, hasImage = true): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const asks = [...history.map((t) => t.question), question];
  asks.forEach((q, i) => {
    const content: ContentPart[] = i === 0 && hasImage ? [{ type: 'image' }, { type: 'text', text: q }] : [{ type: 'text', text: q }];
    messages.push({ role: 'user', content });
    if (i < history.length) messages.push({ role: 'assistant', content: [{ type: 'text', text: history[i].answer }] });
  });
  return messages;
}

export interface ImageTokens {
  image: string; // '<image>'
  fakeAround: string; // '<fake_token_around_image>'
  global: string; // '<global-img>'
}

export const IDEFICS3_TOKENS: ImageTokens = {
  image: '<image>',
  fakeAround: '<fake_token_around_image>',
  global: '<global-img>',
};

/**
 * The text that stands for one image: one block per tile (`<row_r_col_c>` then seqLen image
 * tokens), a newline after each row, then the global image. Mirrors transformers.js's
 * Idefics3Processor so that our prompt and its processor agree token for token.
 */
export function imagePromptString(rows: number, cols: number, seqLen: number, t: ImageTokens = IDEFICS3_TOKENS): string {
  const block = t.image.repeat(seqLen);
  const global = `${t.fakeAround}${t.global}${block}${t.fakeAround}`;
  if (rows === 0 && cols === 0) return global;
  let s = '';
  for (let r = 1; r <= rows; r++) {
    for (let c = 1; c <= cols; c++) s += `${t.fakeAround}<row_${r}_col_${c}>${block}`;
    s += '\n';
  }
  return `${s}\n${global}`;
}

/** Replaces each `<image>` placeholder of the chat text by its expansion, in order. */
export function expandImages(
  text: string,
  grids: readonly { rows: number; cols: number }[],
  seqLen: number,
  t: ImageTokens = IDEFICS3_TOKENS,
): string {
  const parts = text.split(t.image);
  if (parts.length - 1 !== grids.length) {
    throw new Error(`The prompt has ${parts.length - 1} image placeholders but ${grids.length} images were given.`);
  }
  let out = parts[0];
  grids.forEach((g, i) => {
    out += imagePromptString(g.rows, g.cols, seqLen, t) + parts[i + 1];
  });
  return out;
}

/** Text and ids of everything the engine fed or produced in the last turn. */
export interface TokenHistory {
  text: string;
  ids: number[];
}

/**
 * Token ids for `text`, reusing the ids of `prev` when `text` extends it. Re-tokenising a
 * generated answer can give other ids than the ones generated; reusing them keeps the ids
 * equal to those whose keys and values are already in the cache.
 */
export function extendIds(prev: TokenHistory | null, text: string, encode: (s: string) => number[]): number[] {
  if (prev && prev.text.length > 0 && text.startsWith(prev.text)) {
    return [...prev.ids, ...encode(text.slice(prev.text.length))];
  }
  return encode(text);
}

/** Length of the longest common prefix of two id lists. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The plain-text form of a description: the text goes into the prompt where the image would
 * be, followed by the question (the "text only" arm of the TPI paper's comparison).
 */
export function withDescription(description: string, question: string): string {
  return `${description.trim()}\n\n${question.trim()}`;
}

/** Presets of the Ask view. */
export const PRESETS = [
  { id: 'caption', label: 'Caption', question: 'Can you describe this image?' },
  { id: 'vqa', label: 'Question', question: 'What is the main object in this image?' },
  { id: 'ocr', label: 'Read the text', question: 'What text is written in this image? Read it out exactly.' },
] as const;
export type PresetId = (typeof PRESETS)[number]['id'];
