// The pair set of Compare and Gap (PRODUCT.md "Formats"): JSONL of {id, image, text,
// question?, answer?}. `image` is a data: URL or a file name resolved by the caller (against the
// JSONL's folder in the CLI, against files dropped together in the page). Pure parsing.

export interface PairRecord {
  id: string;
  image: string;
  text: string;
  question?: string;
  answer?: string;
  /** 1-based line in the file, for messages. */
  line: number;
}

export interface BadPair {
  line: number;
  id?: string;
  reason: string;
}

export interface ParsedPairs {
  records: PairRecord[];
  bad: BadPair[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

export function parsePairs(jsonl: string): ParsedPairs {
  const records: PairRecord[] = [];
  const bad: BadPair[] = [];
  const seen = new Set<string>();
  jsonl.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let o: unknown;
    try {
      o = JSON.parse(raw);
    } catch {
      bad.push({ line, reason: 'not valid JSON' });
      return;
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      bad.push({ line, reason: 'not a JSON object' });
      return;
    }
    const r = o as Record<string, unknown>;
    const id = str(r.id)?.trim() || `line-${line}`;
    const image = str(r.image)?.trim() ?? '';
    const text = str(r.text)?.trim() ?? '';
    if (seen.has(id)) return void bad.push({ line, id, reason: `duplicate id "${id}"` });
    if (!image) return void bad.push({ line, id, reason: 'no image' });
    if (!text) return void bad.push({ line, id, reason: 'empty text' });
    seen.add(id);
    const rec: PairRecord = { id, image, text, line };
    const q = str(r.question)?.trim();
    const a = str(r.answer)?.trim();
    if (q) rec.question = q;
    if (a) rec.answer = a;
    records.push(rec);
  });
  return { records, bad };
}

/** Bytes of a `data:…;base64,` URL, or null when `s` is not one. */
export function dataUrlBytes(s: string): Uint8Array | null {
  const m = /^data:[^,]*;base64,(.*)$/s.exec(s);
  if (!m) return null;
  const bin = atob(m[1].replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToDataUrl(bytes: Uint8Array, mime: string): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${mime};base64,${btoa(bin)}`;
}

/** One line per item, the inverse of parsePairs (images inline as data: URLs). */
export function pairsJsonl(items: readonly { id: string; image: string; text: string; question?: string; answer?: string }[]): string {
  return items.map((it) => JSON.stringify({ id: it.id, image: it.image, text: it.text, question: it.question, answer: it.answer })).join('\n') + '\n';
}
