// `tpi render` as a user runs it (a child process): bad records reported by line with the right
// counts and exit status, shards that cover every record exactly once, output in the format.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { validateLlavaRecord } from '../tpi/dataset.ts';
import { main } from './main.ts';
import { shardRange } from './render-input.ts';
import { renderCorpus } from './render-run.ts';

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
      [['--in', input, '--out', out, '--preset', 'custom', '--min-font', '30', '--max-font', '20'], /minFontSize 30 > maxFontSize 20/],
      [['--in', input, '--out', out, '--preset', 'custom', '--bg', 'transparent'], /background must be a colour/],
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
});
