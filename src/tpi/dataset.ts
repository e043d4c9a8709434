// Input records (JSONL or CSV with `text` and optional `question`, `answer`, `id`) and the
// TPI dataset format (LLaVA conversations + render metadata), from PRODUCT.md "Formats".
// Shared by the Print view and `tpi render`: a bad record is reported with its line and the
// rest go on; nothing is dropped silently.

import { parseCsvRows } from './csv.ts';
import type { TpiMeta } from './render.ts';

/** Longer texts are refused: at the paper's 336 px and the 6 px floor about 4,000 characters fit. */
export const MAX_TEXT_CHARS = 20_000;
/** The human turn of a record that has a description only. */
export const DEFAULT_QUESTION = 'Describe the image.';
/** Ids become file names (images/<id>.png): letters, digits, '.', '_' and '-', not starting with '.'. */
export const ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export interface InputRecord {
  /** 0-based position among the input's records (bad ones included): stable across shards. */
  index: number;
  /** 1-based line in the input where the record starts. */
  line: number;
  id: string;
  text: string;
  question?: string;
  answer?: string;
}

export interface BadRecord {
  index: number;
  line: number;
  reason: string;
}

export interface Dataset {
  records: InputRecord[];
  bad: BadRecord[];
}

export type Checked = { ok: true; record: InputRecord } | { ok: false; bad: BadRecord };

/** The id a record without one gets: its 1-based position, zero-padded so that files sort. */
export function defaultId(index: number): string {
  return `tpi-${String(index + 1).padStart(6, '0')}`;
}

/**
 * The position whose automatic id `id` is (in any case), or null. Such ids are kept for the
 * records without one: an explicit one is accepted only on the record at that position, so an
 * automatic id never collides with an explicit one, wherever in the input that one comes.
 */
function automaticIdPosition(id: string): number | null {
  const m = /^tpi-(\d{6,})$/i.exec(id);
  const position = m ? Number(m[1]) : 0;
  return position >= 1 && defaultId(position - 1) === id.toLowerCase() ? position : null;
}

/** Names Windows will not create a file under, in any case and with any extension. */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)/i;

/** Something that draws ink: not only spaces, control, format or other invisible characters. */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}\u2800]/u;

/**
 * The ids taken so far, compared as file names are on case-insensitive file systems (macOS,
 * Windows), where images/A1.png and images/a1.png are one file.
 */
export class IdRegistry {
  private readonly lines = new Map<string, number>(); // lower-case id → line where it was taken
  private readonly spelled = new Map<string, string>(); // lower-case id → the id, where they differ

  /** Takes `id` for the record on `line`; if it is taken already, why the record cannot have it. */
  take(id: string, line: number): string | null {
    const key = id.toLowerCase();
    const first = this.lines.get(key);
    if (first === undefined) {
      this.lines.set(key, line);
      if (key !== id) this.spelled.set(key, id);
      return null;
    }
    const taken = this.spelled.get(key) ?? key;
    return taken === id ? `the id "${id}" is already used on line ${first}` : `the id "${id}" clashes with the id "${taken}" on line ${first} on case-insensitive file systems`;
  }
}

const plural = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** Checks one parsed record's fields. */
export function checkFields(value: unknown, index: number, line: number): Checked {
  const bad = (reason: string): Checked => ({ ok: false, bad: { index, line, reason } });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not a JSON object');
  const o = value as Record<string, unknown>;
  if (!('text' in o) || o.text === null || o.text === undefined) return bad('no "text" field');
  if (typeof o.text !== 'string') return bad(`"text" must be a string, not ${typeof o.text}`);
  if (o.text.trim() === '') return bad('"text" is empty');
  if (!VISIBLE.test(o.text)) return bad('"text" has no visible characters');
  if (o.text.length > MAX_TEXT_CHARS) return bad(`"text" is ${plural(o.text.length, 'character')} long; the limit is ${plural(MAX_TEXT_CHARS, 'character')}`);
  for (const k of ['question', 'answer'] as const) {
    if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'string') return bad(`"${k}" must be a string`);
  }
  const question = typeof o.question === 'string' && o.question.trim() !== '' ? o.question : undefined;
  const answer = typeof o.answer === 'string' && o.answer.trim() !== '' ? o.answer : undefined;
  if ((question === undefined) !== (answer === undefined)) return bad(question ? 'a "question" without an "answer"' : 'an "answer" without a "question"');
  let id = defaultId(index);
  if (o.id !== undefined && o.id !== null && o.id !== '') {
    const shown = JSON.stringify(o.id).slice(0, 60);
    if (typeof o.id === 'number' && Number.isInteger(o.id) && !Number.isSafeInteger(o.id)) {
      return bad(`"id" is a number too large to keep exactly (it reads as ${shown}; JSON numbers past 9007199254740991, the largest safe integer, lose digits): write the id as a string, in quotes`);
    }
    if (typeof o.id === 'number' && Number.isInteger(o.id) && o.id >= 0) id = String(o.id);
    else if (typeof o.id === 'string' && ID_PATTERN.test(o.id)) id = o.id;
    else return bad(`"id" ${shown} cannot be a file name (letters, digits, . _ - only, up to 128)`);
    if (WINDOWS_RESERVED.test(id)) return bad(`"id" "${id}" is a reserved file name on Windows (CON, PRN, AUX, NUL, COM0–COM9, LPT0–LPT9, in any case, with any extension)`);
    const position = automaticIdPosition(id);
    if (position !== null && position !== index + 1) {
      return bad(`"id" "${id}" is the automatic id of record ${position}: ids tpi-<position> are kept for records without an id; give this one another id`);
    }
  }
  const record: InputRecord = { index, line, id, text: o.text };
  if (question !== undefined) record.question = question;
  if (answer !== undefined) record.answer = answer;
  return { ok: true, record };
}

/** One JSONL line (not blank) → a record or the reason it is bad. */
export function parseJsonlLine(raw: string, index: number, line: number): Checked {
  let value: unknown;
  try {
    // Line 1 starts the file, where a UTF-8 byte-order mark may be (as in parseCsvRows).
    value = JSON.parse(line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, bad: { index, line, reason: `invalid JSON (${why.slice(0, 120)})` } };
  }
  return checkFields(value, index, line);
}

export function parseJsonl(text: string): Dataset {
  const out: Dataset = { records: [], bad: [] };
  let index = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    push(out, parseJsonlLine(raw, index++, i + 1));
  });
  return markDuplicates(out);
}

export function parseCsv(text: string): Dataset {
  const out: Dataset = { records: [], bad: [] };
  const { rows, problems } = parseCsvRows(text);
  if (rows.length === 0) return out;
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  if (!header.includes('text')) {
    out.bad.push({ index: 0, line: rows[0].line, reason: `the header has no "text" column (it has: ${header.join(', ').slice(0, 120)})` });
    return out;
  }
  const unclosed = new Set(problems.map((p) => p.line));
  rows.slice(1).forEach((row, index) => {
    if (unclosed.has(row.line)) {
      out.bad.push({ index, line: row.line, reason: problems.find((p) => p.line === row.line)!.message });
      return;
    }
    if (row.fields.length !== header.length) {
      out.bad.push({ index, line: row.line, reason: `${plural(row.fields.length, 'field')}, but the header has ${header.length}` });
      return;
    }
    const obj: Record<string, string> = {};
    header.forEach((h, k) => (obj[h] = row.fields[k]));
    push(out, checkFields(obj, index, row.line));
  });
  return markDuplicates(out);
}

/** By file name: .csv is CSV, anything else JSONL. */
export function parseDataset(text: string, fileName: string): Dataset {
  return /\.csv$/i.test(fileName) ? parseCsv(text) : parseJsonl(text);
}

function push(out: Dataset, c: Checked): void {
  if (c.ok) out.records.push(c.record);
  else out.bad.push(c.bad);
}

/**
 * A second record with an id already used (in any case) would overwrite its image: it is
 * reported instead.
 */
export function markDuplicates(d: Dataset): Dataset {
  const ids = new IdRegistry();
  const records: InputRecord[] = [];
  const bad = [...d.bad];
  for (const r of d.records) {
    const taken = ids.take(r.id, r.line);
    if (taken === null) records.push(r);
    else bad.push({ index: r.index, line: r.line, reason: taken });
  }
  bad.sort((a, b) => a.line - b.line);
  return { records, bad };
}

export interface LlavaRecord {
  id: string;
  image: string;
  conversations: [{ from: 'human'; value: string }, { from: 'gpt'; value: string }];
  tpi: TpiMeta;
}

export function imagePath(id: string): string {
  return `images/${id}.png`;
}

export function llavaRecord(r: InputRecord, meta: TpiMeta): LlavaRecord {
  return {
    id: r.id,
    image: imagePath(r.id),
    conversations: [
      { from: 'human', value: `<image>\n${r.question ?? DEFAULT_QUESTION}` },
      { from: 'gpt', value: r.answer ?? r.text },
    ],
    tpi: meta,
  };
}

/** Problems with one data.jsonl record (empty when it follows the format). */
export function validateLlavaRecord(x: unknown): string[] {
  const errs: string[] = [];
  const o = x as Partial<LlavaRecord>;
  if (typeof x !== 'object' || x === null) return ['not an object'];
  if (typeof o.id !== 'string' || !ID_PATTERN.test(o.id)) errs.push('id');
  if (o.image !== imagePath(String(o.id))) errs.push('image');
  const c = o.conversations;
  if (!Array.isArray(c) || c.length !== 2) errs.push('conversations');
  else {
    if (c[0]?.from !== 'human' || typeof c[0].value !== 'string' || !c[0].value.startsWith('<image>\n')) errs.push('conversations[0]');
    if (c[1]?.from !== 'gpt' || typeof c[1].value !== 'string' || c[1].value === '') errs.push('conversations[1]');
  }
  const t = o.tpi as Partial<TpiMeta> | undefined;
  if (!t || typeof t !== 'object') errs.push('tpi');
  else {
    if (!['paper', 'native', 'custom'].includes(String(t.preset))) errs.push('tpi.preset');
    for (const k of ['width', 'height', 'font_size', 'lines'] as const) if (!Number.isInteger(t[k]) || (t[k] as number) < 0) errs.push(`tpi.${k}`);
    if (typeof t.font !== 'string') errs.push('tpi.font');
    if (typeof t.overflow !== 'boolean') errs.push('tpi.overflow');
  }
  return errs;
}
