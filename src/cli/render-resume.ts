/**
 * `tpi render --resume`: the ids already in DIR/data.jsonl, so that a stopped or killed run
 * can go on where it ended. A last line cut off mid-write (the process was killed) is removed,
 * so that appending leaves a valid file; its record is rendered again.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync } from 'node:fs';

export class ResumeError extends Error {}

export function renderedIds(dataPath: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(dataPath)) return ids;
  const text = readFileSync(dataPath, 'utf8');
  const complete = text.lastIndexOf('\n') + 1;
  let line = 0;
  for (let start = 0; start < complete; ) {
    const end = text.indexOf('\n', start);
    line++;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') continue;
    let id: unknown;
    try {
      id = (JSON.parse(raw) as { id?: unknown }).id;
    } catch {
      throw new ResumeError(`${dataPath}:${line} is not JSON: cannot resume from this file (move it away to start over).`);
    }
    if (typeof id !== 'string') throw new ResumeError(`${dataPath}:${line} has no "id": cannot resume from this file (move it away to start over).`);
    ids.add(id);
  }
  if (complete < Buffer.byteLength(text)) {
    const fd = openSync(dataPath, 'r+');
    try {
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, complete)));
    } finally {
      closeSync(fd);
    }
  }
  return ids;
}
