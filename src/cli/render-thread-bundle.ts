/**
 * `tpi render`'s worker-thread entry, and the code that starts those threads early
 * (render-prestart.ts), as ES modules built with esbuild (which tsx itself uses) and cached in
 * node_modules/.cache: a worker thread that loads the TypeScript sources through tsx takes about
 * 0.3 s to start, one that loads the bundle about 0.05 s, and bin/tpi.mjs can start threads
 * from the bundle before tsx is even loaded. The cache is rebuilt when a source file changes;
 * without esbuild, threads use tsx.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Set to true in the bundles (esbuild's define): this file then lives in node_modules/.cache/tpi-render. */
declare const TPI_BUNDLED: boolean | undefined;
const BUNDLED = typeof TPI_BUNDLED === 'boolean' && TPI_BUNDLED;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), BUNDLED ? '../../..' : '../..');
const DIR = join(ROOT, 'node_modules', '.cache', 'tpi-render');
const OUT = join(DIR, 'render-thread.mjs');
const MANIFEST = join(DIR, 'manifest.json');
const SOURCES = ['render-thread.ts', 'render-prestart.ts'].map((f) => join(ROOT, 'src', 'cli', f));
const TSX_ENTRY = pathToFileURL(join(ROOT, 'src', 'cli', 'render-thread.mjs'));

/** Each input of the bundles (relative to ROOT) with its size and modification time. */
type Manifest = Record<string, [number, number]>;

const stamp = (path: string): [number, number] => {
  const s = statSync(join(ROOT, path));
  return [s.size, s.mtimeMs];
};

function upToDate(): boolean {
  try {
    const inputs = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
    return Object.entries(inputs).every(([path, [size, mtime]]) => {
      const [s, m] = stamp(path);
      return s === size && m === mtime;
    });
  } catch {
    return false;
  }
}

/** The worker-thread bundle's URL when it is built and up to date (nothing is built here). */
export function builtThreadEntry(): URL | null {
  return upToDate() ? pathToFileURL(OUT) : null;
}

/** The URL to start `tpi render` worker threads from (building the bundles if they are stale). */
export async function threadEntry(): Promise<URL> {
  try {
    const built = builtThreadEntry();
    if (built) return built;
    const esbuild = await import('esbuild');
    const r = await esbuild.build({
      entryPoints: SOURCES,
      absWorkingDir: ROOT,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external', // resolved from node_modules as usual (native canvas, font files)
      define: { TPI_BUNDLED: 'true' },
      outdir: DIR,
      outExtension: { '.js': '.mjs' },
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs: Manifest = {};
    // The size esbuild read, so that a file changed during the build does not look up to date.
    for (const [path, { bytes }] of Object.entries(r.metafile.inputs)) inputs[path] = [bytes, stamp(path)[1]];
    mkdirSync(DIR, { recursive: true });
    // Written under unique names and renamed: another `tpi render` may be building them too.
    // The manifest goes last: until then the old one, which no longer matches the sources,
    // keeps bin/tpi.mjs from starting threads off a pair of bundles half renamed.
    const tmp = `.${process.pid}.${Date.now()}`;
    for (const f of r.outputFiles) writeFileSync(f.path + tmp, f.contents);
    writeFileSync(MANIFEST + tmp, JSON.stringify(inputs));
    for (const f of r.outputFiles) renameSync(f.path + tmp, f.path);
    renameSync(MANIFEST + tmp, MANIFEST);
    return pathToFileURL(OUT);
  } catch {
    return TSX_ENTRY;
  }
}
