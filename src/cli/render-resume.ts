/**
 * `tpi render --resume`: the ids already in DIR/data.jsonl, so that a stopped or killed run
 * can go on where it ended. A last line cut off mid-write (the process was killed) is removed,
 * so that appending leaves a valid file; its record is rendered again.
 */
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { UsageError } from './args.ts';

export function renderedIds(dataPath: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(dataPath)) return ids;
  const bytes = readFileSync(dataPath);
  const complete = bytes.lastIndexOf(0x0a) + 1; // bytes up to the last whole line
  const refuse = (line: number, why: string) => new UsageError(`${dataPath}:${line} ${why}: cannot resume from this file (move it away to start over).`);
  bytes
    .toString('utf8', 0, complete)
    .split('\n')
    .forEach((raw, i) => {
      if (raw.trim() === '') return;
      let id: unknown;
      try {
        id = (JSON.parse(raw) as { id?: unknown }).id;
      } catch {
        throw refuse(i + 1, 'is not JSON');
      }
      if (typeof id !== 'string') throw refuse(i + 1, 'has no "id"');
      ids.add(id);
    });
  if (complete < bytes.length) truncateSync(dataPath, complete);
  return ids;
}
