/**
 * Input records for `tpi render`, streamed so that a corpus larger than memory works: JSONL is
 * read line by line (twice when sharding: once to count the records, once to read this shard's),
 * CSV is parsed whole. The path `-` is standard input (JSONL); it, pipes and devices are read
 * once, so a sharded JSONL (read twice) must be a file. Records are numbered by their position
 * in the file, bad ones included, so that shard i/n takes the same contiguous block on every
 * machine and the shards' outputs, concatenated in order, are exactly the unsharded output.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseCsv, parseJsonlLine, type BadRecord, type InputRecord } from '../tpi/dataset.ts';

export interface Shard {
  index: number; // 1-based
  count: number;
}

/** The record indices [start, end) of shard i/n among `total` records. */
export function shardRange(total: number, shard: Shard | null): { start: number; end: number } {
  if (!shard) return { start: 0, end: total };
  return { start: Math.floor(((shard.index - 1) * total) / shard.count), end: Math.floor((shard.index * total) / shard.count) };
}

/** `before`: a record of an earlier shard, passed on only so that its id counts as taken. */
export type InputItem = { ok: true; record: InputRecord; before?: boolean } | { ok: false; bad: BadRecord };

/** `--in -`: standard input. */
export const STDIN = '-';

async function* lines(path: string): AsyncGenerator<string> {
  const input = path === STDIN ? process.stdin.setEncoding('utf8') : createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    yield* rl;
  } finally {
    rl.close();
    input.destroy(); // read no further (a stop, the end of a shard): an open stdin would keep the process alive
  }
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin.setEncoding('utf8')) text += chunk;
  return text;
}

export async function countJsonlRecords(path: string): Promise<number> {
  let n = 0;
  for await (const line of lines(path)) if (line.trim() !== '') n++;
  return n;
}

/**
 * This shard's records and bad records, in file order. `onTotal` hears how many records the
 * shard has as soon as the reader knows without an extra pass (a CSV, a sharded JSONL).
 */
export async function* readRecords(path: string, format: 'jsonl' | 'csv', shard: Shard | null, onTotal?: (records: number) => void): AsyncGenerator<InputItem> {
  if (format === 'csv') {
    const d = parseCsv(path === STDIN ? await readStdin() : readFileSync(path, 'utf8'));
    const total = d.records.length + d.bad.length;
    const { start, end } = shardRange(total, shard);
    onTotal?.(end - start);
    const items: InputItem[] = [...d.records.map((record) => ({ ok: true as const, record })), ...d.bad.map((bad) => ({ ok: false as const, bad }))];
    items.sort((a, b) => (a.ok ? a.record.line : a.bad.line) - (b.ok ? b.record.line : b.bad.line));
    // A CSV whose header is unusable has one bad "record" and no others: report it in every shard.
    if (d.records.length === 0 && d.bad.length === 1) yield* items;
    else yield* items.filter((it) => (it.ok ? it.record.index : it.bad.index) >= start && (it.ok ? it.record.index : it.bad.index) < end);
    return;
  }
  const { start, end } = shardRange(shard ? await countJsonlRecords(path) : Number.MAX_SAFE_INTEGER, shard);
  if (shard) onTotal?.(end - start);
  let index = 0;
  let line = 0;
  for await (const raw of lines(path)) {
    line++;
    if (raw.trim() === '') continue;
    const i = index++;
    if (i >= end) break;
    const item = parseJsonlLine(raw, i, line);
    // Records of earlier shards are read only for the ids they take, so that a duplicate id
    // is refused in whichever shard it falls, as it would be without sharding.
    if (i < start) {
      if (item.ok) yield { ok: true, record: item.record, before: true };
      continue;
    }
    yield item;
  }
}
