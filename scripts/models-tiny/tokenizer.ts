// The tiny tokenizer: a GPT-2 style byte-level BPE laid out like SmolVLM's (SmolLM2's) tokenizer.
//
// Layout of the ids, mirroring HuggingFaceTB/SmolVLM-256M-Instruct with a much smaller base:
//   0..16                 SmolLM2's special tokens (<|endoftext|>, <|im_start|>, <|im_end|>, ...)
//   17..272               the 256 byte-level symbols, sorted by code point (as the HF trainer does)
//   273..BASE-1           merges learned deterministically from CORPUS
//   BASE                  <global-img>
//   BASE+1..BASE+36       <row_R_col_C> for R, C in 1..6 (row-major)
//   BASE+37               <fake_token_around_image>
//   BASE+38               <image>                       (config.image_token_id)
//   BASE+39..BASE+126     <|reserved_special_token_N|>  (88, as in the real vocabulary)
//   BASE+127              <end_of_utterance>            (eos)
// The real model has BASE = 49152 (so <image> = 49190, <end_of_utterance> = 49279); here the
// base vocabulary is learned from a few KB of English, so BASE is small.

import { CORPUS } from './corpus.ts';

/** Number of BPE merges to learn. BASE = 17 + 256 + MERGES. */
export const NUM_MERGES = 239;

export const SMOLLM2_SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<repo_name>',
  '<reponame>',
  '<file_sep>',
  '<filename>',
  '<gh_stars>',
  '<issue_start>',
  '<issue_comment>',
  '<issue_closed>',
  '<jupyter_start>',
  '<jupyter_text>',
  '<jupyter_code>',
  '<jupyter_output>',
  '<jupyter_script>',
  '<empty_output>',
];

/** The real SmolVLM chat template (tokenizer_config.json of HuggingFaceTB/SmolVLM-256M-Instruct). */
export const CHAT_TEMPLATE =
  "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}" +
  "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}" +
  "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}" +
  "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n" +
  "{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

/** GPT-2's reversible byte → printable-character table used by byte-level BPE. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table: string[] = new Array(256);
  for (const b of bs) table[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCharCode(256 + n++);
  }
  return table;
}

// The ByteLevel pre-tokenizer's split (GPT-2 regex); digits are split off one by one first,
// as SmolLM2's `Digits(individual_digits=true)` pre-tokenizer does.
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

function preTokenize(text: string): string[] {
  const byteChar = bytesToUnicode();
  const words: string[] = [];
  for (const piece of text.split(/(\p{N})/u)) {
    if (!piece) continue;
    for (const m of piece.matchAll(GPT2_SPLIT)) {
      const bytes = new TextEncoder().encode(m[0]);
      words.push(Array.from(bytes, (b) => byteChar[b]).join(''));
    }
  }
  return words;
}

/**
 * Learns `numMerges` BPE merges: repeatedly merge the most frequent adjacent pair
 * (ties broken by the pair's string order, so the result is fully deterministic).
 */
export function trainBpe(text: string, numMerges: number): [string, string][] {
  const counts = new Map<string, number>();
  for (const w of preTokenize(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w, c]) => ({ symbols: Array.from(w), count: c }));

  const merges: [string, string][] = [];
  while (merges.length < numMerges) {
    const pairCounts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = symbols[i] + '\u0000' + symbols[i + 1];
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let best: string | null = null;
    let bestCount = 1; // only merge pairs seen at least twice
    for (const [key, c] of pairCounts) {
      if (c > bestCount || (c === bestCount && best !== null && key < best)) {
        best = key;
        bestCount = c;
      }
    }
    if (best === null) throw new Error(`corpus supports only ${merges.length} merges, ${numMerges} requested`);
    const [a, b] = best.split('\u0000') as [string, string];
    merges.push([a, b]);
    for (const w of words) {
      const out: string[] = [];
      for (let i = 0; i < w.symbols.length; i++) {
        if (i + 1 < w.symbols.length && w.symbols[i] === a && w.symbols[i + 1] === b) {
          out.push(a + b);
          i++;
        } else out.push(w.symbols[i]);
      }
      w.symbols = out;
    }
  }
  return merges;
}

export interface TinyVocab {
  /** token string → id for the base vocabulary (specials + bytes + merges). */
  vocab: Map<string, number>;
  merges: [string, string][];
  /** Added tokens (all special) beyond the base vocabulary, in id order. */
  added: { id: number; content: string }[];
  base: number;
  size: number;
  ids: {
    endoftext: number;
    imStart: number;
    imEnd: number;
    globalImg: number;
    fakeTokenAroundImage: number;
    image: number;
    endOfUtterance: number;
  };
}

export function buildVocab(): TinyVocab {
  const merges = trainBpe(CORPUS, NUM_MERGES);
  const vocab = new Map<string, number>();
  SMOLLM2_SPECIAL_TOKENS.forEach((t) => vocab.set(t, vocab.size));
  const alphabet = [...bytesToUnicode()].sort((x, y) => x.charCodeAt(0) - y.charCodeAt(0));
  for (const ch of alphabet) vocab.set(ch, vocab.size);
  for (const [a, b] of merges) {
    if (vocab.has(a + b)) throw new Error(`duplicate merge result ${a + b}`);
    vocab.set(a + b, vocab.size);
  }
  const base = vocab.size;

  const addedNames = ['<global-img>'];
  for (let r = 1; r <= 6; r++) for (let c = 1; c <= 6; c++) addedNames.push(`<row_${r}_col_${c}>`);
  addedNames.push('<fake_token_around_image>', '<image>');
  for (let i = 0; i < 88; i++) addedNames.push(`<|reserved_special_token_${i}|>`);
  addedNames.push('<end_of_utterance>');
  const added = addedNames.map((content, k) => ({ id: base + k, content }));
  const idOf = (t: string) => added.find((a) => a.content === t)!.id;

  return {
    vocab,
    merges,
    added,
    base,
    size: base + added.length,
    ids: {
      endoftext: 0,
      imStart: 1,
      imEnd: 2,
      globalImg: idOf('<global-img>'),
      fakeTokenAroundImage: idOf('<fake_token_around_image>'),
      image: idOf('<image>'),
      endOfUtterance: idOf('<end_of_utterance>'),
    },
  };
}

/**
 * The text a base-vocabulary token decodes to, or null for special/added tokens or tokens
 * whose bytes are not valid UTF-8 on their own.
 */
export function tokenText(v: TinyVocab, id: number): string | null {
  if (id < SMOLLM2_SPECIAL_TOKENS.length || id >= v.base) return null;
  const byteOf = new Map(bytesToUnicode().map((ch, b) => [ch, b]));
  let token = '';
  for (const [t, i] of v.vocab) if (i === id) token = t;
  const bytes = Uint8Array.from(Array.from(token, (ch) => byteOf.get(ch)!));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Tokens the random model is allowed to generate: learned merges (word pieces, so the output
 * looks like words rather than loose bytes) that are printable ASCII, not only spaces, and
 * contain no '<' / '>' (so generated text can never spell a special token such as "<image>",
 * which would change the meaning of a follow-up prompt).
 */
export function isGeneratable(v: TinyVocab, id: number): boolean {
  if (id < SMOLLM2_SPECIAL_TOKENS.length + 256) return false;
  const text = tokenText(v, id);
  return text !== null && /^[\x20-\x7e]+$/.test(text) && text.trim() !== '' && !/[<>]/.test(text);
}

const addedTokenJson = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/** tokenizer.json in the `tokenizers` library format (same pipeline as SmolLM2's). */
export function tokenizerJson(v: TinyVocab): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      ...SMOLLM2_SPECIAL_TOKENS.map((t, i) => addedTokenJson(i, t)),
      ...v.added.map((a) => addedTokenJson(a.id, a.content)),
    ],
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Digits', individual_digits: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(v.vocab),
      merges: v.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

const tokenSpec = (content: string) => ({
  content,
  lstrip: false,
  normalized: false,
  rstrip: false,
  single_word: false,
});

/** tokenizer_config.json, shaped like SmolVLM-256M-Instruct's. */
export function tokenizerConfigJson(v: TinyVocab): object {
  const decoder: Record<string, object> = {};
  for (const [i, t] of SMOLLM2_SPECIAL_TOKENS.entries()) decoder[String(i)] = { ...tokenSpec(t), special: true };
  for (const a of v.added) decoder[String(a.id)] = { ...tokenSpec(a.content), special: true };
  return {
    add_prefix_space: false,
    added_tokens_decoder: decoder,
    additional_special_tokens: ['<fake_token_around_image>', '<image>', '<end_of_utterance>'],
    bos_token: '<|im_start|>',
    chat_template: CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<end_of_utterance>',
    legacy: false,
    model_max_length: 8192,
    pad_token: '<|im_end|>',
    processor_class: 'Idefics3Processor',
    tokenizer_class: 'GPT2Tokenizer',
    truncation_side: 'left',
    unk_token: '<|endoftext|>',
  };
}

export function specialTokensMapJson(): object {
  return {
    additional_special_tokens: ['<fake_token_around_image>', '<image>', '<end_of_utterance>'].map(tokenSpec),
    bos_token: tokenSpec('<|im_start|>'),
    eos_token: tokenSpec('<end_of_utterance>'),
    pad_token: tokenSpec('<|im_end|>'),
    unk_token: tokenSpec('<|endoftext|>'),
  };
}
