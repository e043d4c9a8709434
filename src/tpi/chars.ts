// Character classes used by segmentation and line breaking. Regexes with Unicode property
// escapes keep the tables short and let the JS engine's Unicode data stay current.

/**
 * Scripts written without spaces, where a line may break between any two characters:
 * Han ideographs, kana (whole Hiragana/Katakana blocks, so ー and ・ are included), Hangul
 * (CSS `word-break: normal` also breaks between syllables), CJK punctuation, full-width forms.
 */
const CJK =
  /[\p{Script=Han}\p{Script=Hangul}\u3000-\u303F\u3040-\u30FF\u31F0-\u31FF\u3200-\u33FF\uFF00-\uFF60\uFFE0-\uFFE6]/u;

/** Emoji behave like ideographs for breaking (UAX #14 class ID) and are full-width in the fake. */
const EMOJI = /\p{Extended_Pictographic}/u;

/** Scripts written right to left. JS regexes have no Bidi_Class, so we list the scripts. */
const RTL_SCRIPT =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;

const LETTER = /\p{L}/u;

/**
 * Kinsoku: characters that must not start a line. Closing brackets and punctuation, iteration
 * marks, the prolonged sound mark and small kana (JIS X 4051 classes 2–7 and 11, trimmed to
 * the common ones), plus their ASCII counterparts so that mixed Latin/Japanese text obeys too.
 */
const NO_START = new Set(
  [
    '、。，．・：；？！‼⁇⁈⁉ゝゞヽヾ々ー〜～゠',
    '）」』】〕］｝〉》〙〗｣｡､’”»',
    'ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ',
    ')]},.:;?!%',
  ].join(''),
);

/** Kinsoku: opening brackets must not end a line; they are pushed to the next one. */
const NO_END = new Set('「『（【〔［｛〈《〘〖｢‘“«([{'.split(''));

/** Breakable spaces (collapsed at line breaks). NBSP, U+2007 and U+202F are deliberately absent. */
const SPACE = /^[ \t\u1680\u2000-\u2006\u2008-\u200A\u205F]$/;

export const ZWSP = '\u200B';

/** How a grapheme takes part in line breaking. */
export type ClusterKind = 'space' | 'zwsp' | 'wide' | 'other';

export function classify(grapheme: string): ClusterKind {
  if (grapheme === ZWSP) return 'zwsp';
  if (SPACE.test(grapheme)) return 'space';
  if (CJK.test(grapheme) || EMOJI.test(grapheme)) return 'wide';
  return 'other';
}

/** Graphemes are checked by their first code point: the base that combining marks attach to. */
export function cannotStartLine(grapheme: string): boolean {
  return NO_START.has(firstCodePoint(grapheme));
}

export function cannotEndLine(grapheme: string): boolean {
  return NO_END.has(firstCodePoint(grapheme));
}

export function isCjk(grapheme: string): boolean {
  return CJK.test(grapheme);
}

/** Anywhere in a string (the regexes are not anchored). */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

export function isEmoji(grapheme: string): boolean {
  return EMOJI.test(grapheme);
}

export function hasRtl(text: string): boolean {
  return RTL_SCRIPT.test(text);
}

/**
 * Direction of a paragraph from its first letter: an approximation of UAX #9 rule P2
 * (first strong character), good enough to tell the drawer how to set ctx.direction.
 */
export function paragraphDirection(text: string): 'ltr' | 'rtl' {
  for (const ch of text) {
    if (LETTER.test(ch)) return RTL_SCRIPT.test(ch) ? 'rtl' : 'ltr';
  }
  return 'ltr';
}

function firstCodePoint(s: string): string {
  const cp = s.codePointAt(0);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}
