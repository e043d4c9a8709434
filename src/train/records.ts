/**
 * Training records from JSONL: {question, answer, text?, image?, id?} per line, or the LLaVA
 * conversation records of a TPI dataset ({image, conversations: [{from: "human", value:
 * "<image>\nquestion"}, {from: "gpt", value: "answer"}]}). Pure: paths stay strings; the caller
 * reads the images. Errors name the line.
 */

export interface RawRecord {
  line: number;
  id?: string;
  question: string;
  answer: string;
  text?: string;
  /** image path as written in the file (relative to the JSONL's folder) */
  image?: string;
}

export type InputMode = 'tpi' | 'text' | 'image';

export class RecordError extends Error {
  override name = 'RecordError';
}

export function parseRecords(jsonl: string, input: InputMode): RawRecord[] {
  const out: RawRecord[] = [];
  const lines = jsonl.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let r: any;
    try {
      r = JSON.parse(raw);
    } catch {
      throw new RecordError(`line ${line}: not valid JSON.`);
    }
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new RecordError(`line ${line}: expected a JSON object.`);
    const rec = Array.isArray(r.conversations) ? fromConversation(r, line) : { line, id: r.id, question: r.question, answer: r.answer, text: r.text, image: r.image };
    const problem = recordProblem(rec, input, typeof rec.image === 'string' && rec.image !== '');
    if (problem) throw new RecordError(`line ${line}: ${problem}`);
    out.push(rec);
  });
  if (out.length === 0) throw new RecordError('the file has no records.');
  return out;
}

/**
 * What keeps one record from training with this input, or null; the same rules for a file
 * (`tpi train`) and for records in the page. `hasImage`: the record has its image (a path, bytes).
 */
export function recordProblem(r: { question?: unknown; answer?: unknown; text?: unknown }, input: InputMode, hasImage: boolean, flag = '--input'): string | null {
  for (const k of ['question', 'answer'] as const) {
    const v = r[k];
    if (typeof v !== 'string' || !v.trim()) return `"${k}" must be a non-empty string.`;
  }
  if (input !== 'image' && (typeof r.text !== 'string' || !r.text.trim())) return `${flag} ${input} needs a non-empty "text" (the description).`;
  if (input === 'image' && !hasImage) return `${flag} image needs an "image".`;
  return null;
}

function fromConversation(r: any, line: number): RawRecord {
  const human = r.conversations.find((c: any) => c?.from === 'human');
  const gpt = r.conversations.find((c: any) => c?.from === 'gpt');
  if (!human || !gpt) throw new RecordError(`line ${line}: "conversations" needs a human and a gpt turn.`);
  const question = String(human.value).replace(/^\s*<image>\s*/, '');
  return { line, id: r.id, question, answer: String(gpt.value), text: r.text, image: r.image };
}

/** The default input: images when every record has one, else plain text. */
export function defaultInput(jsonl: string): InputMode {
  const objs = jsonl.split(/\r?\n/).filter((l) => l.trim()).map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return null;
    }
  });
  return objs.length > 0 && objs.every((o) => typeof o?.image === 'string') ? 'image' : 'text';
}
