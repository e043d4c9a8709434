/**
 * The worker-thread entry of `tpi render` as one ES module, built with esbuild (which tsx
 * itself uses) and cached in node_modules/.cache: a worker thread that loads the TypeScript
 * sources through tsx takes about 0.3 s to start, one that loads the bundle about 0.05 s.
 * The cache is rebuilt when a source file changes; without esbuild, threads use tsx.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const SOURCE = fileURLToPath(new URL('./render-thread.ts', import.meta.url));
const OUT = join(ROOT, 'node_modules', '.cache', 'tpi-render', 'render-thread.mjs');
const TSX_ENTRY = new URL('./render-thread.mjs', import.meta.url);

/** Each input of the bundle (relative to ROOT) with its size and modification time. */
type Manifest = Record<string, [number, number]>;

const stamp = (path: string): [number, number] => {
  const s = statSync(join(ROOT, path));
  return [s.size, s.mtimeMs];
};

function upToDate(): boolean {
  try {
    const inputs = JSON.parse(readFileSync(`${OUT}.json`, 'utf8')) as Manifest;
    return Object.entries(inputs).every(([path, [size, mtime]]) => {
      const [s, m] = stamp(path);
      return s === size && m === mtime;
    });
  } catch {
    return false;
  }
}

/** The URL to start `tpi render` worker threads from. */
export async function threadEntry(): Promise<URL> {
  try {
    if (upToDate()) return pathToFileURL(OUT);
    const esbuild = await import('esbuild');
    const r = await esbuild.build({
      entryPoints: [SOURCE],
      absWorkingDir: ROOT,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external', // resolved from node_modules as usual (native canvas, font files)
      outfile: OUT,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs: Manifest = {};
    // The size esbuild read, so that a file changed during the build does not look up to date.
    for (const [path, { bytes }] of Object.entries(r.metafile.inputs)) inputs[path] = [bytes, stamp(path)[1]];
    mkdirSync(dirname(OUT), { recursive: true });
    // Written under unique names and renamed: another `tpi render` may be building it too.
    const tmp = `${OUT}.${process.pid}.${Date.now()}`;
    writeFileSync(tmp, r.outputFiles[0].contents);
    writeFileSync(`${tmp}.json`, JSON.stringify(inputs));
    renameSync(tmp, OUT);
    renameSync(`${tmp}.json`, `${OUT}.json`);
    return pathToFileURL(OUT);
  } catch {
    return TSX_ENTRY;
  }
}
