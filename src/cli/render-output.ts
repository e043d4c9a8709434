/**
 * What `tpi render` writes into DIR, and the checks made before it writes anything there: the
 * input is none of those files (it would be emptied before it is read), and a dataset already
 * in DIR is either continued (--resume) or replaced (--overwrite), never silently mixed with a
 * new one (its old images would stay beside the new data.jsonl).
 */
import { existsSync, fstatSync, readdirSync, realpathSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './args.ts';
import { STDIN } from './render-input.ts';

function outputPaths(dir: string) {
  return { data: join(dir, 'data.jsonl'), rejected: join(dir, 'rejected.jsonl'), images: join(dir, 'images') };
}

const statOrNull = (path: string): Stats | null => {
  try {
    return statSync(path);
  } catch {
    return null;
  }
};
/** One file, whatever the path (links, case on case-insensitive file systems). */
const same = (a: Stats | null, b: Stats | null) => a !== null && b !== null && a.dev === b.dev && a.ino === b.ino;

/** The input's real path, where it has one (standard input redirected from a file, on Linux). */
function realInput(input: string): string | null {
  try {
    return realpathSync(input === STDIN ? '/proc/self/fd/0' : input);
  } catch {
    return null;
  }
}

/** Refuses an input that is (by real path) a file the run would write: data.jsonl, rejected.jsonl, images/*.png. */
export function refuseInputAmongOutputs(input: string, dir: string): void {
  const stat = input === STDIN ? fstatSync(0) : statSync(input);
  if (!stat.isFile()) return; // a pipe or a device is never written over
  const out = outputPaths(dir);
  const named = input === STDIN ? '- (standard input)' : input;
  const refuse = (target: string) => new UsageError(`--in ${named} is ${target}, a file this command writes: it would be overwritten while it is read. Copy it elsewhere first, or choose another --out.`);
  for (const target of [out.data, out.rejected]) if (same(stat, statOrNull(target))) throw refuse(target);
  const images = statOrNull(out.images);
  if (!images) return;
  const real = realInput(input);
  if (real && /\.png$/i.test(real) && same(statOrNull(dirname(real)), images)) throw refuse(join(out.images, '*.png'));
  if (stat.nlink > 1) {
    // Linked under another name too: that name may be an image's.
    for (const name of readdirSync(out.images)) if (/\.png$/i.test(name) && same(stat, statOrNull(join(out.images, name)))) throw refuse(join(out.images, name));
  }
}

/**
 * Refuses to render into a DIR that holds a rendered dataset (DIR/data.jsonl) unless told what
 * to do with it; with --overwrite, removes it first.
 */
export function prepareOutput(dir: string, o: { resume: boolean; overwrite: boolean }): void {
  const out = outputPaths(dir);
  if (o.resume && o.overwrite) throw new UsageError('--resume and --overwrite exclude each other: --resume continues the dataset in --out, --overwrite replaces it.');
  if (o.overwrite) {
    removeDataset(dir);
    return;
  }
  if (!o.resume && existsSync(out.data)) {
    throw new UsageError(
      `--out ${dir} already holds a rendered dataset (${out.data}): add --resume to continue it, or --overwrite to replace it (its data.jsonl, rejected.jsonl and images/*.png are removed first).`,
    );
  }
}

/** DIR's data.jsonl, rejected.jsonl and the .png files in DIR/images; nothing else in DIR. */
function removeDataset(dir: string): void {
  const out = outputPaths(dir);
  rmSync(out.data, { force: true });
  rmSync(out.rejected, { force: true });
  if (!existsSync(out.images)) return;
  for (const entry of readdirSync(out.images, { withFileTypes: true })) {
    if (entry.name.endsWith('.png') && (entry.isFile() || entry.isSymbolicLink())) rmSync(join(out.images, entry.name), { force: true });
  }
}
