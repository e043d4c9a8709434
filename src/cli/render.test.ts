// `tpi render` as a user runs it (a child process): bad records reported by line with the right
// counts and exit status, shards that cover every record exactly once, output in the format.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { validateLlavaRecord } from '../tpi/dataset.ts';
import { main } from './main.ts';
import { shardRange } from './render-input.ts';
import { renderCorpus } from './render-run.ts';
import { notInFontsWarning } from './render.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tpi.mjs');
const dir = mkdtempSync(join(tmpdir(), 'tpi-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real command in a child process, as a user runs it. */
function tpiProcess(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'render', ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command in this process (faster: no Node and tsx start-up per call). */
async function tpi(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const status = await main(['render', ...args]);
    return { status, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

// 23 records on 25 lines: 18 good, 5 bad (lines 3, 6, 9, 12 and 20), blank lines 15 and 25.
const lines: string[] = [];
for (let i = 1; i <= 25; i++) {
  if (i === 3) lines.push('{"text": "unterminated');
  else if (i === 6) lines.push('{"question": "where is the text?", "answer": "nowhere"}');
  else if (i === 9) lines.push('{"text": ""}');
  else if (i === 12) lines.push(JSON.stringify({ text: 'x'.repeat(1 << 20) }));
  else if (i === 15 || i === 25) lines.push('');
  else if (i === 20) lines.push(JSON.stringify({ text: 'same id', id: 'first' }));
  else if (i === 1) lines.push(JSON.stringify({ id: 'first', text: 'The first record.', question: 'Which one?', answer: 'The first.' }));
  else lines.push(JSON.stringify({ text: `Record on line ${i}: ${'a few more words '.repeat(i)}` }));
}
const input = join(dir, 'in.jsonl');
writeFileSync(input, lines.join('\n'));
const readJsonl = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('tpi render', () => {
  it('renders the good records, reports the bad ones by line, and exits 1', () => {
    const out = join(dir, 'all');
    const r = tpiProcess('--in', input, '--out', out, '--workers', '2');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Rendered 18 of 23 records .*; 5 bad\./);
    const reported = [...r.stderr.matchAll(/in\.jsonl:(\d+): /g)].map((m) => Number(m[1]));
    expect(reported.sort((a, b) => a - b)).toEqual([3, 6, 9, 12, 20]);
    expect(r.stderr).toMatch(/:12: "text" is 1,048,576 characters long/);
    expect(r.stderr).toMatch(/:20: the id "first" is already used on line 1/);
    const records = readJsonl(join(out, 'data.jsonl'));
    expect(records).toHaveLength(18);
    for (const rec of records) expect(validateLlavaRecord(rec), rec.id).toEqual([]);
    expect(records[0]).toMatchObject({ id: 'first', conversations: [{ value: '<image>\nWhich one?' }, { value: 'The first.' }] });
    expect(records[1].id).toBe('tpi-000002'); // line 2 is record 2
    expect(readdirSync(join(out, 'images')).sort()).toEqual(records.map((x) => `${x.id}.png`).sort());
    const png = readFileSync(join(out, 'images', 'first.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readJsonl(join(out, 'rejected.jsonl')).map((b) => b.line)).toEqual([3, 6, 9, 12, 20]);
  });

  it('shards cover every record exactly once and concatenate to the unsharded output', async () => {
    const parts: string[] = [];
    let bad = 0;
    for (const i of [1, 2, 3]) {
      const out = join(dir, `shard-${i}`);
      const r = await tpi('--in', input, '--out', out, '--shard', `${i}/3`, '--workers', '1');
      expect(r.status).not.toBe(2);
      parts.push(readFileSync(join(out, 'data.jsonl'), 'utf8'));
      bad += readJsonl(join(out, 'rejected.jsonl')).length;
    }
    expect(bad).toBe(5);
    expect(parts.join('')).toBe(readFileSync(join(dir, 'all', 'data.jsonl'), 'utf8'));
    // The assignment itself, for sizes where n does not divide the count.
    for (const [total, n] of [[23, 3], [5, 7], [1000, 16], [0, 4]]) {
      const covered = Array.from({ length: n }, (_, k) => shardRange(total, { index: k + 1, count: n })).flatMap(({ start, end }) => Array.from({ length: end - start }, (_, j) => start + j));
      expect(covered).toEqual(Array.from({ length: total }, (_, j) => j));
    }
  });

  /** The command in this process with stderr taken for a terminal; what it wrote there. */
  async function onTerminal(...args: string[]) {
    const writes: string[] = [];
    const wasTTY = process.stderr.isTTY;
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true));
    process.stderr.isTTY = true;
    try {
      return { ...(await tpi(...args)), writes };
    } finally {
      process.stderr.isTTY = wasTTY;
      write.mockRestore();
    }
  }

  it('shows its progress on a terminal and clears it before the summary', async () => {
    const r = await onTerminal('--in', input, '--out', join(dir, 'tty'), '--workers', '1');
    const writes = r.writes;
    expect(r.status).toBe(1);
    const lines = writes.filter((w) => w.startsWith('\r'));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^\r\x1b\[KRendering: \d+ (of 23 )?records/);
    expect(writes.at(-1)).toBe('\r\x1b[K'); // cleared: the summary starts on a clean line
    // Bad records are still reported whole, one line each.
    expect([...r.stderr.matchAll(/in\.jsonl:(\d+): /g)].map((m) => Number(m[1]))).toEqual([3, 6, 9, 12, 20]);
  });

  it('knows the total from the start for a CSV and for a shard', async () => {
    const csv = join(dir, 'progress.csv');
    writeFileSync(csv, 'id,text\na,"One."\nb,"Two."\nc,\nd,"Four."\n');
    const c = await onTerminal('--in', csv, '--out', join(dir, 'progress-csv'));
    expect(c.writes.find((w) => w.includes('Rendering:'))).toMatch(/Rendering: \d of 4 records \(\d+%\)/);
    // Shard 1/3 of the 23 records: records 0–6.
    const sh = await onTerminal('--in', input, '--out', join(dir, 'progress-shard'), '--shard', '1/3');
    expect(sh.writes.find((w) => w.includes('Rendering:'))).toMatch(/Rendering: \d of 7 records/);
  });

  it('on Ctrl-C, finishes what it has started and leaves a consistent dataset', async () => {
    const big = join(dir, 'big.jsonl');
    const n = 6000;
    writeFileSync(big, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `r${i}`, text: `Record ${i}: ${'words to print '.repeat(1 + (i % 40))}` }) + '\n').join(''));
    const out = join(dir, 'stopped');
    const child = spawn(process.execPath, [BIN, 'render', '--in', big, '--out', out, '--workers', '2'], { env: { ...process.env, NODE_OPTIONS: '' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Ctrl-C once rendering is under way (the handler is installed before the first image).
    const images = join(out, 'images');
    const deadline = Date.now() + 60_000;
    while (!(existsSync(images) && readdirSync(images).length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const m = /Stopped by Ctrl-C after the first (\d+) records of the input \(their (\d+) rendered ones/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    const [handled, rendered] = [Number(m![1]), Number(m![2])];
    expect(rendered).toBe(handled); // no bad records in this input
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(n);
    // data.jsonl: exactly the first records, in order, each with its image.
    const records = readJsonl(join(out, 'data.jsonl'));
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: rendered }, (_, i) => `r${i}`));
    for (const r of records) expect(existsSync(join(out, r.image)), r.image).toBe(true);
    expect(readFileSync(join(out, 'rejected.jsonl'), 'utf8')).toBe('');
  }, 90_000);

  it('reports an image that cannot be written as a bad record and writes the others', async () => {
    const out = join(dir, 'blocked');
    // A directory where one PNG should go: writing that file fails, whichever thread drew it.
    mkdirSync(join(out, 'images', 'first.png'), { recursive: true });
    const r = await tpi('--in', input, '--out', out, '--workers', '2');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Rendered 17 of 23 records .*; 6 bad\./);
    expect(r.stderr).toMatch(/in\.jsonl:1: rendering failed: .*EISDIR/);
    const records = readJsonl(join(out, 'data.jsonl'));
    expect(records.map((x) => x.id)).not.toContain('first');
    expect(records).toHaveLength(17);
    for (const rec of records) expect(existsSync(join(out, rec.image)), rec.image).toBe(true);
    expect(readJsonl(join(out, 'rejected.jsonl')).map((b) => b.line)).toEqual([1, 3, 6, 9, 12, 20]);
  });

  it('--resume renders only what is missing and ends with the same dataset as one whole run', async () => {
    const corpus = join(dir, 'resume.jsonl');
    const n = 400; // a stop at 40 leaves at most a few hundred records in flight
    writeFileSync(corpus, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `q${i}`, text: `Text ${i}: ${'to print '.repeat(1 + (i % 30))}` }) + '\n').join(''));
    const whole = join(dir, 'resume-whole');
    expect((await tpi('--in', corpus, '--out', whole, '--workers', '2')).status).toBe(0);
    const expected = readFileSync(join(whole, 'data.jsonl'), 'utf8');

    // A run stopped early (as by Ctrl-C), then a line cut off mid-write (as by a killed job).
    const out = join(dir, 'resume-part');
    const stop = new AbortController();
    const first = await renderCorpus({ input: corpus, format: 'jsonl', outDir: out, choices: { preset: 'paper', font: 'sans' }, workers: 2, shard: null, batchSize: 8, signal: stop.signal, onProgress: (k) => k >= 40 && stop.abort() });
    expect(first.stopped).toBe(true);
    expect(first.rendered).toBeLessThan(n);
    const partial = readFileSync(join(out, 'data.jsonl'), 'utf8');
    expect(partial).toBe(expected.split('\n').slice(0, first.rendered).join('\n') + '\n');
    writeFileSync(join(out, 'data.jsonl'), partial + expected.split('\n')[first.rendered].slice(0, 25));

    const r = await tpi('--in', corpus, '--out', out, '--workers', '2', '--resume');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Rendered ${n - first.rendered} of ${n} records \\(${first.rendered} already in data.jsonl\\)`));
    expect(readFileSync(join(out, 'data.jsonl'), 'utf8')).toBe(expected);
    expect(readdirSync(join(out, 'images')).sort()).toEqual(readdirSync(join(whole, 'images')).sort());
    // Nothing left to do: a second resume renders nothing and changes nothing.
    const again = await tpi('--in', corpus, '--out', out, '--resume');
    expect(again.stdout).toMatch(new RegExp(`Rendered 0 of ${n} records \\(${n} already in data.jsonl\\)`));
    expect(readFileSync(join(out, 'data.jsonl'), 'utf8')).toBe(expected);
  });

  it('--resume refuses a data.jsonl it cannot read, and leaves it alone', async () => {
    const out = join(dir, 'resume-bad');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'data.jsonl'), '{"id": "a"}\nnot json\n');
    const r = await tpi('--in', input, '--out', out, '--resume');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/data\.jsonl:2 is not JSON: cannot resume/);
    expect(readFileSync(join(out, 'data.jsonl'), 'utf8')).toBe('{"id": "a"}\nnot json\n');
  });

  it('takes CSV and the other presets', async () => {
    const csv = join(dir, 'in.csv');
    writeFileSync(csv, 'id,text,question,answer\nc1,"A caption, with a comma.",,\nc2,,,\nc3,"東京の夜景。",Where?,Tokyo.\n');
    const out = join(dir, 'csv');
    const r = await tpi('--in', csv, '--out', out, '--preset', 'custom', '--size', '200', '--font', 'jp', '--fg', '#203040', '--align', 'center', '--augment', 'noise=0.02,rotate=1,perspective=0.04', '--seed', '3');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/in\.csv:3: "text" is empty/);
    const records = readJsonl(join(out, 'data.jsonl'));
    expect(records.map((x) => x.id)).toEqual(['c1', 'c3']);
    expect(records[0].tpi).toMatchObject({ preset: 'custom', width: 200, height: 200, font: 'jp', augment: { noise: 0.02 } });
    for (const rec of records) expect(rec.tpi.augment.corners.every((v: number) => Number.isInteger(v) && Math.abs(v) <= 8)).toBe(true); // ≤ 0.04 × 200
    const native = await tpi('--in', csv, '--out', join(dir, 'native'), '--preset', 'native');
    expect(readJsonl(join(dir, 'native', 'data.jsonl'))[0].tpi).toMatchObject({ preset: 'native', width: 512, height: 512 });
    expect(native.status).toBe(1);
  });

  it('refuses bad flags with exit status 2 and a message, before writing anything', async () => {
    const out = join(dir, 'never');
    for (const [flags, message] of [
      [[], /--in is required/],
      [['--in', input], /--out is required/],
      [['--in', join(dir, 'missing.jsonl'), '--out', out], /no such file/],
      [['--in', input, '--out', out, '--preset', 'poster'], /--preset must be one of paper, native, custom/],
      [['--in', input, '--out', out, '--size', '500'], /paper preset is 336×336/],
      [['--in', input, '--out', out, '--preset', 'custom', '--size', 'big'], /--size must be an integer/],
      [['--in', input, '--out', out, '--font', 'comic'], /--font must be one of/],
      [['--in', input, '--out', out, '--workers', '0'], /--workers must be an integer from 1/],
      [['--in', input, '--out', out, '--shard', '4/3'], /--shard must be i\/n/],
      [['--in', input, '--out', out, '--shard', '1-3'], /--shard must be i\/n/],
      [['--in', input, '--out', out, '--max-font', '20'], /--max-font needs --preset custom/],
      [['--in', input, '--out', out, '--preset', 'custom', '--min-font', '30', '--max-font', '20'], /--min-font 30 > --max-font 20/],
      [['--in', input, '--out', out, '--preset', 'custom', '--bg', 'transparent'], /--bg must be a colour like #000000/],
      [['--in', input, '--out', out, '--augment', 'blur=9'], /blur must be a number from 0 to 4/],
      [['--in', input, '--out', out, '--augment', 'perspective=0.5'], /--augment perspective must be a number from 0 to 0.1, got "0.5"/],
      [['--in', input, '--out', out, '--augment', 'perspective=x'], /--augment perspective must be a number/],
      [['--in', input, '--out', out, '--augment', 'tilt=1'], /keys rotate, perspective, paper, blur, noise, jpeg/],
      [['--in', input, '--out', out, '--seed', 'x'], /--seed must be an integer/],
      [['--in', input, '--out', out, '--text-renderer', 'gdi'], /--text-renderer must be system or portable/],
      [['--in', input, '--out', input], /exists and is not a directory/],
      [['--in', input, '--out', out, '--colour', 'red'], /Unknown option '--colour'/],
    ] as const) {
      const r = await tpi(...flags);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('names the flags in its messages and states the limits they break', async () => {
    const out = join(dir, 'never-2');
    const cores = availableParallelism();
    const custom = ['--in', input, '--out', out, '--preset', 'custom'];
    for (const [flags, message] of [
      [[...custom, '--min-font', '40', '--max-font', '10'], /--min-font 40 > --max-font 10/],
      [[...custom, '--min-font', '300'], /--min-font 300 > \d+ \(the preset's; set --max-font\)/],
      [[...custom, '--fg', 'red'], /--fg must be a colour like #000000 or #000, got "red"/],
      [[...custom, '--size', '0'], /--size must be an integer from 16 to 4096, got "0"/],
      [[...custom, '--size', '5'], /--size must be an integer from 16 to 4096, got "5"/],
      [[...custom, '--size', '4097'], /--size must be an integer from 16 to 4096, got "4097"/],
      [['--in', input, '--out', out, '--shard', '1/1000001'], /--shard must be i\/n with 1 ≤ i ≤ n ≤ 1,000,000, got "1\/1000001"/],
      [['--in', input, '--out', out, '--workers', '-1'], new RegExp(`--workers must be an integer from 1 to ${4 * cores} \\(at most 4 per core; this machine has ${cores}\\), got "-1"`)],
      [['--in', input, '--out', out, '--workers', String(4 * cores + 1)], new RegExp(`--workers must be an integer from 1 to ${4 * cores} .*got "${4 * cores + 1}"`)],
      [['--in', input, '--out', out, '--seed', '-1'], /--seed must be an integer from 0 to 4294967295, got "-1"/],
    ] as const) {
      const r = await tpi(...flags);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
      expect(r.stderr, flags.join(' ')).not.toMatch(/minFontSize|maxFontSize|foreground|ambiguous/);
    }
    expect(existsSync(out)).toBe(false);
    expect((await tpi('--in', input, '--out', join(dir, 'most-workers'), '--workers', String(4 * cores))).status).toBe(1); // the limit itself is fine
  });

  it('refuses an input that is one of the files it writes, and leaves it whole', async () => {
    const out = join(dir, 'self');
    mkdirSync(join(out, 'images'), { recursive: true });
    const corpus = lines.slice(0, 2).join('\n') + '\n';
    const inputs = { data: join(out, 'data.jsonl'), rejected: join(out, 'rejected.jsonl'), image: join(out, 'images', 'corpus.png') };
    for (const path of Object.values(inputs)) writeFileSync(path, corpus);
    symlinkSync(inputs.data, join(dir, 'link-to-data.jsonl'));
    linkSync(inputs.rejected, join(dir, 'hard-link.jsonl'));
    // As the user ran it: from inside the folder, --out .
    const p = spawnSync(process.execPath, [BIN, 'render', '--in', 'data.jsonl', '--out', '.'], { cwd: out, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/--in data\.jsonl is data\.jsonl, a file this command writes/);
    for (const [flags, message] of [
      [['--in', inputs.rejected, '--out', out], /rejected\.jsonl, a file this command writes/],
      [['--in', inputs.image, '--out', out, '--overwrite'], /images\/\*\.png, a file this command writes/],
      [['--in', join(dir, 'link-to-data.jsonl'), '--out', out, '--resume'], /data\.jsonl, a file this command writes/],
      [['--in', join(dir, 'hard-link.jsonl'), '--out', join(out, '.')], /rejected\.jsonl, a file this command writes/],
    ] as const) {
      const r = await tpi(...flags);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
    }
    for (const path of Object.values(inputs)) expect(readFileSync(path, 'utf8'), path).toBe(corpus);
    expect(readdirSync(join(out, 'images'))).toEqual(['corpus.png']);
  });

  it('reads a JSONL file that starts with a UTF-8 byte-order mark', async () => {
    const bom = join(dir, 'bom.jsonl');
    writeFileSync(bom, '\uFEFF' + lines.slice(0, 2).join('\n'));
    const r = await tpi('--in', bom, '--out', join(dir, 'bom'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readJsonl(join(dir, 'bom', 'data.jsonl')).map((x) => x.id)).toEqual(['first', 'tpi-000002']);
  });

  it('refuses to render over a dataset without --resume or --overwrite; --overwrite removes only the old dataset', async () => {
    const out = join(dir, 'again');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine'); // an --out without data.jsonl is fine
    expect((await tpi('--in', input, '--out', out)).status).toBe(1);
    const before = readFileSync(join(out, 'data.jsonl'), 'utf8');
    const images = readdirSync(join(out, 'images')).sort();
    expect(images).toHaveLength(18);
    const small = join(dir, 'small.jsonl');
    writeFileSync(small, JSON.stringify({ id: 'new', text: 'A new one.' }) + '\n');
    const r = await tpi('--in', small, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/already holds a rendered dataset .*--resume to continue it, or --overwrite to replace it/);
    expect((await tpi('--in', small, '--out', out, '--resume', '--overwrite')).stderr).toMatch(/--resume and --overwrite exclude each other/);
    expect(readFileSync(join(out, 'data.jsonl'), 'utf8')).toBe(before);
    expect(readdirSync(join(out, 'images')).sort()).toEqual(images);

    writeFileSync(join(out, 'images', 'keep.txt'), 'not an image');
    mkdirSync(join(out, 'images', 'folder.png'));
    const o = await tpi('--in', small, '--out', out, '--overwrite');
    expect(o.status).toBe(0);
    expect(readJsonl(join(out, 'data.jsonl')).map((x) => x.id)).toEqual(['new']);
    expect(readFileSync(join(out, 'rejected.jsonl'), 'utf8')).toBe('');
    expect(readdirSync(join(out, 'images')).sort()).toEqual(['folder.png', 'keep.txt', 'new.png']);
    expect(readdirSync(out).sort()).toEqual(['data.jsonl', 'images', 'notes.txt', 'rejected.jsonl']);
  });

  it('--resume refuses other settings than the dataset was rendered with, and changes nothing', async () => {
    const out = join(dir, 'resume-settings');
    expect((await tpi('--in', input, '--out', out, '--shard', '1/2')).status).toBe(1);
    const before = readFileSync(join(out, 'data.jsonl'), 'utf8');
    const rejected = readFileSync(join(out, 'rejected.jsonl'), 'utf8');
    const images = readdirSync(join(out, 'images')).sort();
    for (const [flags, message] of [
      [['--preset', 'native', '--font', 'serif'], /data\.jsonl:1 was rendered with other settings \(preset paper, not native; width 336, not 512; height 336, not 512; font sans, not serif\): cannot resume/],
      [['--font', 'mono'], /\(font sans, not mono\)/],
      [['--preset', 'custom', '--size', '300'], /\(preset paper, not custom; width 336, not 300; height 336, not 300\)/],
      [['--augment', 'rotate=2'], /\(no --augment\)/],
    ] as const) {
      const r = await tpi('--in', input, '--out', out, '--resume', ...flags);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr, flags.join(' ')).toMatch(message);
      expect(r.stderr).toMatch(/--overwrite to start over/);
    }
    expect(readFileSync(join(out, 'data.jsonl'), 'utf8')).toBe(before);
    expect(readFileSync(join(out, 'rejected.jsonl'), 'utf8')).toBe(rejected);
    expect(readdirSync(join(out, 'images')).sort()).toEqual(images);
    // The same settings (the defaults, written out) resume it.
    expect((await tpi('--in', input, '--out', out, '--resume', '--preset', 'paper', '--font', 'sans')).status).toBe(1);
    expect(readJsonl(join(out, 'data.jsonl'))).toHaveLength(18);
  });

  it('reads standard input (--in -), pipes and devices; a folder is named as a folder', async () => {
    await tpi('--in', input, '--out', join(dir, 'from-file'));
    const want = readFileSync(join(dir, 'from-file', 'data.jsonl'), 'utf8');
    const corpus = readFileSync(input, 'utf8');
    const run = (args: string[], cmd = process.execPath) => spawnSync(cmd, args, { input: corpus, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    for (const [name, args, cmd] of [
      ['stdin', [BIN, 'render', '--in', '-', '--out', join(dir, 'stdin')]],
      ['dev-stdin', [BIN, 'render', '--in', '/dev/stdin', '--out', join(dir, 'dev-stdin')]],
      ['pipe', ['-c', `"$0" "${BIN}" render --in <(cat "${input}") --out "${join(dir, 'pipe')}"`, process.execPath], 'bash'],
    ] as const) {
      const r = run([...args], cmd);
      expect(r.status, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stdout, name).toMatch(/Rendered 18 of 23 records .*; 5 bad\./);
      expect(readFileSync(join(dir, name, 'data.jsonl'), 'utf8'), name).toBe(want);
    }
    const dev = await tpi('--in', '/dev/null', '--out', join(dir, 'dev-null'));
    expect([dev.status, dev.stdout]).toEqual([0, expect.stringMatching(/^Rendered 0 of 0 records/)]);
    const folder = await tpi('--in', dir, '--out', join(dir, 'never-3'));
    expect([folder.status, folder.stderr]).toEqual([2, expect.stringMatching(/--in .* is a folder/)]);
    const shard = run([BIN, 'render', '--in', '-', '--out', join(dir, 'never-3'), '--shard', '1/2']);
    expect([shard.status, shard.stderr]).toEqual([2, expect.stringMatching(/--shard needs --in to be a file/)]);
    expect(existsSync(join(dir, 'never-3'))).toBe(false);
  });

  it('refuses ids that would share a file on macOS or Windows, or an automatic id, in whichever shard they fall', async () => {
    const corpus = join(dir, 'ids.jsonl');
    const ids = ['Bus', 'tpi-000005', undefined, 'bus', 'nul', undefined, 'BUS'];
    writeFileSync(corpus, ids.map((id, i) => JSON.stringify({ id, text: `Text ${i}` })).join('\n'));
    const whole = await tpi('--in', corpus, '--out', join(dir, 'ids'));
    expect(readJsonl(join(dir, 'ids', 'data.jsonl')).map((x) => x.id)).toEqual(['Bus', 'tpi-000003', 'tpi-000006']);
    const reported = [...whole.stderr.matchAll(/ids\.jsonl:(\d+): (.*)/g)].map((m) => [Number(m[1]), m[2]]);
    expect(reported).toEqual([
      [2, expect.stringMatching(/"tpi-000005" is the automatic id of record 5/)],
      [4, 'the id "bus" clashes with the id "Bus" on line 1 on case-insensitive file systems'],
      [5, expect.stringMatching(/"nul" is a reserved file name on Windows/)],
      [7, 'the id "BUS" clashes with the id "Bus" on line 1 on case-insensitive file systems'],
    ]);
    // Sharded, each shard knows the ids of the shards before it.
    const shards = [];
    for (const i of [1, 2, 3]) {
      await tpi('--in', corpus, '--out', join(dir, `ids-${i}`), '--shard', `${i}/3`);
      shards.push(...readJsonl(join(dir, `ids-${i}`, 'rejected.jsonl')).map((b) => b.line));
    }
    expect(shards).toEqual([2, 4, 5, 7]);
  });

  it('says in the summary how many texts were cut off', async () => {
    const corpus = join(dir, 'long.jsonl');
    // Texts from a few words to past what fits at the paper's smallest size.
    writeFileSync(corpus, [10, 400, 3000, 9000, 15000].map((n, i) => JSON.stringify({ id: `long${i}`, text: 'word '.repeat(n / 5).trim() })).join('\n'));
    const r = await tpi('--in', corpus, '--out', join(dir, 'long'));
    expect(r.status).toBe(0);
    const cut = readJsonl(join(dir, 'long', 'data.jsonl')).filter((x) => x.tpi.overflow).length;
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThan(5);
    expect(r.stdout).toMatch(new RegExp(`^Rendered 5 of 5 records in [\\d.]+ s \\(\\d+ images/s, \\d+ workers, [\\d.]+ s CPU\\) into .*; ${cut} cut off; 0 bad\\.$`));
  });

  it('names the characters the bundled fonts lack, by line, and still renders those records', async () => {
    const corpus = join(dir, 'glyphs.jsonl');
    const texts = ['Plain Latin-1: café, naïve, 10 €.', 'مرحبا بالعالم', 'Party 🎉 time', '日本語のテキストとΩ≈√', '{"text": broken'];
    writeFileSync(corpus, texts.map((t, i) => (i === 4 ? t : JSON.stringify({ id: `g${i}`, text: t }))).join('\n'));
    const r = await tpi('--in', corpus, '--out', join(dir, 'glyphs'));
    expect(r.status).toBe(1); // the broken line only
    expect(readJsonl(join(dir, 'glyphs', 'data.jsonl'))).toHaveLength(4);
    const warning = r.stderr.split('\n').find((l) => l.startsWith('Warning:'));
    expect(warning).toBe(
      "Warning: 2 records have characters that the bundled fonts (Noto Sans, Noto Sans JP) lack: line 2: م ر ح ب ا ل ع; line 3: 🎉. They print with this machine's fonts (or as empty boxes), so they may look different on another machine.",
    );
    const clean = await tpi('--in', corpus, '--out', join(dir, 'glyphs-jp'), '--font', 'jp');
    expect(clean.stderr).toMatch(/Warning: 2 records have characters that the bundled fonts \(Noto Sans JP\) lack: line 2: .*; line 3: 🎉/);
    const latin = await tpi('--in', input, '--out', join(dir, 'glyphs-none'));
    expect(latin.stderr).not.toMatch(/Warning/);
    // Many: the first five by line, then a count; many characters: the first eight.
    const many = notInFontsWarning({ records: 7, first: [1, 2, 3, 4, 5, 6].map((line) => ({ line, chars: line === 1 ? [...'abcdefghij'] : ['x'] })) }, 'mono');
    expect(many).toMatch(/^Warning: 7 records have characters that the bundled fonts \(Noto Sans Mono, Noto Sans JP\) lack: line 1: a b c d e f g h …; line 2: x; line 3: x; line 4: x; line 5: x; and 2 more records\. /);
  });

  it('on a stop, finishes only the batches being drawn and drops the rest, even once the whole input is read', async () => {
    const batchSize = 8;
    for (const n of [2000, 100]) {
      // 100 records are all read (and queued) before the first image is done.
      const corpus = join(dir, `drop-${n}.jsonl`);
      writeFileSync(corpus, Array.from({ length: n }, (_, i) => JSON.stringify({ id: `d${i}`, text: `Text ${i}: ${'to print '.repeat(1 + (i % 30))}` }) + '\n').join(''));
      const out = join(dir, `drop-${n}`);
      const stop = new AbortController();
      let atStop = 0;
      let drawn = 0;
      const s = await renderCorpus({
        input: corpus, format: 'jsonl', outDir: out, choices: { preset: 'paper', font: 'sans' }, workers: 2, shard: null, batchSize, signal: stop.signal,
        onProgress: (k) => {
          drawn = k;
          if (!stop.signal.aborted) {
            atStop = k;
            stop.abort();
          }
        },
      });
      expect(s.stopped, `${n}`).toBe(true);
      // Drawn after the stop: what the worker thread had started (and any batch it had finished
      // whose reply had not been read yet), not the batches queued for it.
      expect(drawn - atStop, `${n}`).toBeLessThanOrEqual(4 * batchSize);
      expect(s.rendered, `${n}`).toBeLessThan(n);
      expect(s.records, `${n}`).toBe(s.rendered);
      const records = readJsonl(join(out, 'data.jsonl'));
      expect(records.map((r) => r.id)).toEqual(Array.from({ length: s.rendered }, (_, i) => `d${i}`));
      expect(readdirSync(join(out, 'images')).sort()).toEqual(records.map((r) => `${r.id}.png`).sort()); // no strays
    }
  });
});
