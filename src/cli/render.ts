/** `tpi render`: a JSONL/CSV of texts → DIR/images/<id>.png + DIR/data.jsonl, in worker threads. */
import { existsSync, fstatSync, statSync, type Stats } from 'node:fs';
import { availableParallelism } from 'node:os';
import { AUGMENT_LIMITS, NO_AUGMENT, type Augment } from '../tpi/augment.ts';
import { FONT_IDS, FONTS, isFontId, type FontId } from '../tpi/fonts.ts';
import { isColour, MAX_CANVAS, settingsFor, type RenderChoices } from '../tpi/job.ts';
import { PRESET_NAMES, type PresetName } from '../tpi/presets.ts';
import { ALIGNMENTS, type Alignment } from '../tpi/types.ts';
import { intFlag, parseFlags, UsageError } from './args.ts';
import { TEXT_RENDERERS, type TextRenderer } from './render-backend.ts';
import type { Command } from './main.ts';
import { createProgress } from './progress.ts';
import { countJsonlRecords, STDIN, type Shard } from './render-input.ts';
import { prepareOutput, refuseInputAmongOutputs } from './render-output.ts';
import { renderCorpus } from './render-run.ts';

const HELP = `Usage: tpi render --in FILE --out DIR [options]

  --in FILE             input records: JSONL (or .csv) with "text" and optional "question", "answer", "id";
                        - reads JSONL from standard input
  --out DIR             writes DIR/images/<id>.png, DIR/data.jsonl (LLaVA format + render metadata)
                        and DIR/rejected.jsonl (the records that were not rendered, with their line);
                        a DIR that holds a data.jsonl already needs --resume or --overwrite
  --preset NAME         paper (336×336, ≤32 px, black on white; default), native (the model's input
                        size, --size, default 512 for SmolVLM) or custom
  --size N              canvas side in px for native and custom (16 to ${MAX_CANVAS})
  --font NAME           ${FONT_IDS.join(', ')} (default sans; all fall back to Noto Sans JP for Japanese)
  --workers K           worker threads (default: one per core, here ${availableParallelism()}; at most 4 per core)
  --shard i/n           render only the i-th of n contiguous parts (1 ≤ i ≤ n ≤ 1,000,000); the shards'
                        data.jsonl files concatenated in order equal the unsharded one
  --min-font N, --max-font N, --fg #rrggbb, --bg #rrggbb, --align left|center|right|start|end
                        custom preset only
  --augment LIST        e.g. rotate=2,perspective=0.04,paper=0.3,blur=0.8,noise=0.03,jpeg=75 (seeded,
                        per record id): rotate ≤ 15°, perspective ≤ 0.1 (corner move / canvas side),
                        paper 0–1, blur ≤ 4 px, noise ≤ 0.5, jpeg quality 1–100 (0 = off)
  --seed N              augmentation seed (default 0)
  --resume              keep DIR/data.jsonl and render only the records whose ids it lacks (after a stop,
                        a crash or a killed job); new records are appended. The settings must be the ones
                        it was rendered with
  --overwrite           replace the dataset in DIR: its data.jsonl, rejected.jsonl and images/*.png are
                        removed first (nothing else in DIR)
  --text-renderer MODE  system (default: Chrome's text rasterisation on this OS, pixel-identical to the
                        page on Linux) or portable (the same pixels on every OS, lighter anti-aliasing)

Ctrl-C stops reading the input, finishes the batches already being drawn, drops the rest and writes
the records before the first one dropped (--resume goes on from there).

Exit status: 0 all records rendered, 1 some records were bad (listed on stderr), 2 wrong command line,
130 stopped by Ctrl-C.`;

/**
 * What --in names: a file, or something read once as a stream: standard input (by any name:
 * `-`, /dev/stdin, whose stream cannot be opened again when it is a socket), a pipe, a device.
 */
function inputKind(input: string): { kind: 'file' | 'stream'; read: string } {
  if (input === STDIN) return { kind: 'stream', read: STDIN };
  let stat: Stats;
  try {
    stat = statSync(input);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' || code === 'ENOTDIR' ? `--in ${input}: no such file.` : `--in ${input} cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (stat.isDirectory()) throw new UsageError(`--in ${input} is a folder; give a JSONL or CSV file (or - for standard input).`);
  if (stat.isFile()) return { kind: 'file', read: input };
  let stdin: Stats | null = null;
  try {
    stdin = fstatSync(0);
  } catch {} // no standard input at all
  return { kind: 'stream', read: stdin?.dev === stat.dev && stdin.ino === stat.ino ? STDIN : input };
}

export function parseShard(raw: string | undefined): Shard | null {
  if (raw === undefined) return null;
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count || count > 1_000_000) throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n ≤ 1,000,000, got "${raw}".`);
  return { index, count };
}

export function parseAugment(raw: string | undefined): Augment | null {
  if (raw === undefined) return null;
  const a: Augment = { ...NO_AUGMENT };
  for (const part of raw.split(',')) {
    const [k, v, extra] = part.split('=');
    if (!(k in AUGMENT_LIMITS) || v === undefined || extra !== undefined) {
      throw new UsageError(`--augment takes key=value pairs with keys ${Object.keys(AUGMENT_LIMITS).join(', ')}; got "${part}".`);
    }
    const key = k as keyof Augment;
    const [lo, hi] = AUGMENT_LIMITS[key];
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < lo || n > hi || (key === 'jpeg' && !Number.isInteger(n))) {
      throw new UsageError(`--augment ${key} must be a number from ${lo} to ${hi}${key === 'jpeg' ? ' (an integer)' : ''}, got "${v}".`);
    }
    a[key] = n;
  }
  return a;
}

function seedOf(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295, got "${raw}".`);
  return n;
}

function choicesFrom(v: Record<string, string | boolean | undefined>): RenderChoices {
  const str = (k: string) => v[k] as string | undefined;
  const preset = (str('preset') ?? 'paper') as PresetName;
  if (!PRESET_NAMES.includes(preset)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got "${preset}".`);
  const font = str('font') ?? 'sans';
  if (!isFontId(font)) throw new UsageError(`--font must be one of ${FONT_IDS.join(', ')}, got "${font}".`);
  const optionalInt = (k: string, min: number, max: number) => (str(k) === undefined ? undefined : intFlag(k, str(k), 0, min, max));
  const size = optionalInt('size', 16, MAX_CANVAS);
  if (size !== undefined && preset === 'paper' && size !== 336) throw new UsageError('The paper preset is 336×336; use --preset custom (or native) for another --size.');
  const customOnly = ['min-font', 'max-font', 'fg', 'bg', 'align'].filter((k) => str(k) !== undefined);
  if (customOnly.length && preset !== 'custom') throw new UsageError(`--${customOnly[0]} needs --preset custom.`);
  const align = str('align');
  if (align !== undefined && !(ALIGNMENTS as readonly string[]).includes(align)) throw new UsageError(`--align must be one of ${ALIGNMENTS.join(', ')}, got "${align}".`);
  for (const k of ['fg', 'bg']) if (str(k) !== undefined && !isColour(str(k)!)) throw new UsageError(`--${k} must be a colour like #000000 or #000, got "${str(k)}".`);
  const choices: RenderChoices = {
    preset,
    font,
    size,
    minFontSize: optionalInt('min-font', 1, 1024),
    maxFontSize: optionalInt('max-font', 1, 1024),
    foreground: str('fg'),
    background: str('bg'),
    align: align as Alignment | undefined,
    augment: parseAugment(str('augment')),
    seed: str('seed') === undefined ? 0 : seedOf(str('seed')!),
  };
  try {
    // Said with the flags' names: one of the two sizes may be the preset's.
    const defaults = settingsFor({ ...choices, minFontSize: undefined, maxFontSize: undefined });
    const [min, max] = [choices.minFontSize ?? defaults.minFontSize, choices.maxFontSize ?? defaults.maxFontSize];
    const flag = (k: string, v: number) => (str(k) === undefined ? `${v} (the preset's; set --${k})` : `--${k} ${v}`);
    if (min > max) throw new UsageError(`The smallest font size must not be above the largest: ${flag('min-font', min)} > ${flag('max-font', max)}.`);
    settingsFor(choices); // anything else: refused before any work starts
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError(e instanceof Error ? e.message : String(e));
  }
  return choices;
}

export const renderCommand: Command = {
  summary: 'print texts as images (TPIs) into a dataset',
  async run(argv) {
    const s = { type: 'string' } as const;
    const { values } = parseFlags(
      argv,
      { resume: { type: 'boolean' }, overwrite: { type: 'boolean' }, in: s, out: s, preset: s, size: s, font: s, workers: s, shard: s, 'min-font': s, 'max-font': s, fg: s, bg: s, align: s, augment: s, seed: s, 'text-renderer': s },
      HELP,
    );
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.in) throw new UsageError(`--in is required.\n\n${HELP}`);
    if (!values.out) throw new UsageError(`--out is required.\n\n${HELP}`);
    const input = values.in;
    const { kind, read } = inputKind(input);
    const regular = kind === 'file'; // else read once, as a stream
    if (existsSync(values.out) && !statSync(values.out).isDirectory()) throw new UsageError(`--out ${values.out} exists and is not a directory.`);
    const choices = choicesFrom(values);
    // More threads than cores only wait their turn (and each holds its canvases and fonts).
    const cores = availableParallelism();
    const workers = intFlag('workers', values.workers, cores, 1, 4 * cores, ` (at most 4 per core; this machine has ${cores})`);
    const shard = parseShard(values.shard);
    const format = input !== STDIN && /\.csv$/i.test(input) ? 'csv' : 'jsonl';
    if (shard && format === 'jsonl' && !regular) throw new UsageError(`--shard needs --in to be a file: a sharded JSONL is read twice (once to count its records), and ${read === STDIN ? 'standard input' : input} can be read only once.`);
    const textRenderer = (values['text-renderer'] ?? 'system') as TextRenderer;
    if (!TEXT_RENDERERS.includes(textRenderer)) throw new UsageError(`--text-renderer must be system or portable, got "${textRenderer}".`);
    // Before anything is written: the input is not an output file, and a dataset in --out is
    // continued or replaced as asked (--overwrite removes it here).
    refuseInputAmongOutputs(input, values.out);
    prepareOutput(values.out, { resume: values.resume === true, overwrite: values.overwrite === true });

    const progress = createProgress(process.stderr, { label: 'Rendering', print: (m) => console.error(m) });
    // The reader knows the total of a CSV (parsed whole) and of a sharded JSONL (counted to
    // find the shard). A whole JSONL is counted by a second pass only for a terminal's line,
    // while rendering starts; a log's lines show counts without it.
    if (format === 'jsonl' && !shard && regular && process.stderr.isTTY) countJsonlRecords(read).then((n) => progress.setTotal(n), () => {}); // the reader reports an unreadable file
    // Ctrl-C: stop reading, finish and write what the threads have (a second Ctrl-C quits now).
    const stop = new AbortController();
    const onSigint = () => {
      if (stop.signal.aborted) process.exit(130);
      stop.abort();
      progress.log('Stopping: finishing the batches already being drawn (Ctrl-C again to quit now)…');
    };
    process.on('SIGINT', onSigint);
    let summary;
    try {
      summary = await renderCorpus({
        input: read,
        format,
        outDir: values.out,
        choices,
        workers,
        shard,
        textRenderer,
        onBad: (b) => progress.log(`${input === STDIN ? '(stdin)' : input}:${b.line}: ${b.reason}`),
        onProgress: (n) => progress.update(n),
        onTotal: (n) => progress.setTotal(n),
        signal: stop.signal,
        resume: values.resume === true,
      });
    } finally {
      process.off('SIGINT', onSigint);
      progress.end();
    }
    const rate = summary.rendered / Math.max(summary.seconds, 1e-9);
    const notes = [shard ? `shard ${shard.index}/${shard.count}` : '', summary.skipped ? `${summary.skipped} already in data.jsonl` : ''].filter(Boolean);
    const part = notes.length ? ` (${notes.join('; ')})` : '';
    console.log(
      `Rendered ${summary.rendered} of ${summary.records} records${part} in ${summary.seconds.toFixed(2)} s (${rate.toFixed(0)} images/s, ${workers} workers, ${summary.cpuSeconds.toFixed(2)} s CPU) into ${values.out}; ${summary.overflowed} cut off; ${summary.bad.length} bad.`,
    );
    if (summary.notInFonts.records > 0) console.error(notInFontsWarning(summary.notInFonts, choices.font));
    if (summary.stopped) {
      const again = `the same command with --resume${values.overwrite ? ' in place of --overwrite' : ''}${read === STDIN ? ', given the same input again,' : ''}`;
      console.error(`Stopped by Ctrl-C after the first ${summary.records} records of the input (their ${summary.rendered + summary.skipped} rendered ones are in ${values.out}/data.jsonl); ${again} renders the rest.`);
      return 130;
    }
    return summary.bad.length > 0 ? 1 : 0;
  },
};

/**
 * The warning for records with characters the bundled font lacks (as the Print view names them):
 * how many, and the first few by line.
 */
export function notInFontsWarning({ records, first }: { records: number; first: { line: number; chars: string[] }[] }, font: FontId): string {
  const shown = first.slice(0, 5).map((r) => `line ${r.line}: ${r.chars.slice(0, 8).join(' ')}${r.chars.length > 8 ? ' …' : ''}`);
  const more = records > shown.length ? `; and ${records - shown.length} more records` : '';
  const n = records === 1 ? '1 record has' : `${records} records have`;
  return `Warning: ${n} characters that the bundled fonts (${FONTS[font].faces.map((f) => FONTS[f].label).join(', ')}) lack: ${shown.join('; ')}${more}. They print with this machine's fonts (or as empty boxes), so they may look different on another machine.`;
}
