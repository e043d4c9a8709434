/**
 * `npm run bench:render`: the same 1,000 texts (3 to 400 words) printed at 336×336 by
 * `tpi render` and by a Pillow renderer of the TPI paper's kind (bench/render_pillow.py,
 * Debian's python3-pil), on the same cores, in the same run; then the rate to model-ready
 * pixels (layout + drawing + float conversion, no PNG). Each measurement is repeated and the
 * median reported, because other processes on a shared machine add noise.
 *
 *   npm run bench:render [-- --workers K] [--reps N] [--repeat R] [--dir DIR]
 *
 * --repeat R renders the 1,000 texts R times over (new ids each time): start-up and the first
 * rasterisation of each word weigh less, which shows the rate of a long run.
 * --dir DIR puts the corpus and both renderers' images under DIR (default: the system's
 * temporary directory), e.g. /dev/shm to take the disk's file creation out of both figures.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, positiveInt, UsageError } from '../src/cli/args.ts';
import { fontPath } from '../src/cli/render-backend.ts';
import { renderCorpus } from '../src/cli/render-run.ts';
import { FACES } from '../src/tpi/fonts.ts';
import { coreProbe } from './render-cores.ts';
import { benchmarkTexts } from './render-corpus.ts';

const USAGE = 'usage: npm run bench:render [-- --workers K] [--reps N] [--repeat R] [--dir DIR]';
/** The flags, checked as the CLI's are; a wrong one ends the run with a message and status 2. */
function flags() {
  try {
    const s = { type: 'string' } as const;
    const { values } = parseFlags(process.argv.slice(2), { workers: s, reps: s, repeat: s, dir: s }, USAGE);
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (values.dir !== undefined && !statSync(values.dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--dir ${values.dir} is not a directory.`);
    return {
      workers: positiveInt('workers', values.workers, availableParallelism()),
      reps: positiveInt('reps', values.reps, 3),
      repeat: positiveInt('repeat', values.repeat, 1),
      dir: values.dir,
    };
  } catch (e) {
    console.error(`bench:render: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  }
}
const { workers, reps, repeat, dir: outRoot } = flags();
const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(outRoot ?? tmpdir(), 'tpi-bench-'));
const texts = Array.from({ length: repeat }, () => benchmarkTexts()).flat();
const corpus = join(dir, 'corpus.jsonl');
writeFileSync(corpus, texts.map((text, i) => JSON.stringify({ id: `b${String(i).padStart(5, '0')}`, text }) + '\n').join(''));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const clean = (p: string) => rmSync(p, { recursive: true, force: true });
// A fresh output directory for every run, all deleted at the end: deleting thousands of files
// between runs can slow the next run's file creation (ext4 with online discard, for one).
let runs = 0;
const fresh = (name: string) => join(dir, `${name}-${runs++}`);

interface Run {
  wall: number; // the whole command, start-up included, s
  work: number; // what the command itself reports, s
  cpu: number; // CPU time of all its threads or processes, over that work, s
  cpuAll: number; // CPU time of the whole command, start-up included (as bash's `times` counts it), s
}

/**
 * Runs a command under bash, which reports its children's CPU time (`times`): all threads and
 * processes of the command, whatever it did before its own clock started.
 */
function timed(command: string, args: string[]) {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', '"$0" "$@"; s=$?; times; exit $s', command, ...args], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  const lines = r.stdout.trimEnd().split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines.at(-1) ?? '');
  if (!m) throw new Error(`no CPU times from bash for ${command}: ${r.stderr || r.stdout}`);
  const cpuAll = 60 * Number(m[1]) + Number(m[2]) + 60 * Number(m[3]) + Number(m[4]);
  return { status: r.status, stdout: lines.slice(0, -2).join('\n'), stderr: r.stderr, wall, cpuAll };
}

function cli(k: number): Run {
  const out = fresh('cli');
  const r = timed(process.execPath, [join(root, 'bin', 'tpi.mjs'), 'render', '--in', corpus, '--out', out, '--workers', String(k)]);
  const m = /in ([\d.]+) s .* ([\d.]+) s CPU/.exec(r.stdout);
  if (r.status !== 0 || !m || readdirSync(join(out, 'images')).length !== texts.length) throw new Error(`tpi render failed: ${r.stderr || r.stdout}`);
  return { wall: r.wall, work: Number(m[1]), cpu: Number(m[2]), cpuAll: r.cpuAll };
}

function pillow(k: number): Run {
  const out = fresh('pillow');
  const r = timed('/usr/bin/python3', [join(root, 'bench', 'render_pillow.py'), corpus, out, fontPath(FACES.sans.file), String(k)]);
  if (r.status !== 0) throw new Error(`Pillow failed (is python3-pil installed? apt-get install python3-pil): ${r.stderr}`);
  if (readdirSync(out).length !== texts.length) throw new Error('Pillow wrote the wrong number of images');
  const o = JSON.parse(r.stdout);
  return { wall: r.wall, work: o.seconds, cpu: o.cpu_seconds, cpuAll: r.cpuAll };
}

async function pixels(k: number): Promise<Run> {
  const s = await renderCorpus({ input: corpus, format: 'jsonl', outDir: dir, choices: { preset: 'paper', font: 'sans' }, workers: k, shard: null, mode: 'pixels' });
  if (s.rendered !== texts.length) throw new Error('pixel run lost records');
  return { wall: s.seconds, work: s.seconds, cpu: s.cpuSeconds, cpuAll: s.cpuSeconds };
}

/**
 * CPU time (ms) to create one empty file where the images go: both renderers pay it once per
 * image, and on some virtual disks it is a large part of a fast renderer's time.
 */
function fileCreationMs(): number {
  const d = join(dir, 'files');
  mkdirSync(d);
  const n = 500;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) closeSync(openSync(join(d, `${i}.png`), 'w'));
  const c = process.cpuUsage(c0);
  // Left in place until the end (deleting files can slow the next creations on some disks).
  return (c.user + c.system) / 1000 / n;
}

console.log(`${texts.length} texts (${repeat} × 1,000), 3–400 words, 336×336, ${workers} workers, ${cpus()[0]?.model ?? 'unknown CPU'} × ${availableParallelism()}; median of ${reps}; load average ${loadavg()[0].toFixed(2)} at the start`);
const creationMs = fileCreationMs();
console.log(`output in ${dir}: creating an empty file there takes ${creationMs.toFixed(3)} ms of CPU (paid once per image by both renderers)`);
// ext4 passes over inodes freed in the last minutes when it picks one for a new file (reading
// each one's inode block to check): after thousands of files were deleted nearby (an earlier run
// of this benchmark removes ~14,000 at its end) every file costs 0.1–0.3 ms instead of ~0.02.
if (creationMs > 0.06) console.log('  (slow: files were probably deleted near here in the last few minutes, and ext4 skips recently freed inodes; it weighs on tpi render ~10× more than on Pillow. Wait some minutes, or use --dir.)');
if (workers > 1) {
  // Do threads slow each other down here? Memory-heavy work (deflate) against a control.
  const slowdown = async (kind: 'deflate' | 'alu') => {
    const p = await coreProbe(workers, kind);
    return p.together.reduce((a, b) => a + b, 0) / p.together.length / p.one;
  };
  const [deflate, alu] = [await slowdown('deflate'), await slowdown('alu')];
  console.log(`${workers} threads at once, each slower than one alone by: ×${deflate.toFixed(2)} deflating pages, ×${alu.toFixed(2)} in a register-only loop (1.00: cores that do not share caches or memory bandwidth)`);
}
const fmt = (runs: Run[]) => {
  const m = (f: (r: Run) => number) => median(runs.map(f));
  return { rate: texts.length / m((r) => r.work), rateWall: texts.length / m((r) => r.wall), cpuMs: (1000 * m((r) => r.cpu)) / texts.length, cpuAllMs: (1000 * m((r) => r.cpuAll)) / texts.length, work: m((r) => r.work), wall: m((r) => r.wall), cpu: m((r) => r.cpu), cpuAll: m((r) => r.cpuAll) };
};
for (const k of [...new Set([workers, 1])]) {
  const runs = { cli: [] as Run[], pillow: [] as Run[], pixels: [] as Run[] };
  for (let i = 0; i < reps; i++) {
    runs.cli.push(cli(k));
    runs.pillow.push(pillow(k));
    runs.pixels.push(await pixels(k));
  }
  const c = fmt(runs.cli);
  const p = fmt(runs.pillow);
  const x = fmt(runs.pixels);
  console.log(`\nworkers ${k}`);
  console.log(`  tpi render (PNGs written)  ${c.rate.toFixed(0).padStart(5)} images/s   ${c.rateWall.toFixed(0).padStart(5)} with process start-up   ${c.cpuMs.toFixed(2)} ms CPU/image, ${c.cpuAllMs.toFixed(2)} with start-up`);
  console.log(`  Pillow (PNGs written)      ${p.rate.toFixed(0).padStart(5)} images/s   ${p.rateWall.toFixed(0).padStart(5)} with process start-up   ${p.cpuMs.toFixed(2)} ms CPU/image, ${p.cpuAllMs.toFixed(2)} with start-up`);
  console.log(`  ratio                      ${(p.work / c.work).toFixed(1).padStart(5)}×          ${(p.wall / c.wall).toFixed(1).padStart(5)}×                        ${(p.cpu / c.cpu).toFixed(1)}× less CPU, ${(p.cpuAll / c.cpuAll).toFixed(1)}× with start-up`);
  console.log(`  model-ready pixels, no PNG ${x.rate.toFixed(0).padStart(5)} images/s                                ${x.cpuMs.toFixed(2)} ms CPU/image`);
}
console.log(`\nload average ${loadavg()[0].toFixed(2)} at the end (other processes on the machine make both renderers slower)`);
clean(dir);
