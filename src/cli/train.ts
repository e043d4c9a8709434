/** `tpi train`: a LoRA adapter for the language model from a JSONL of records, in Node. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Adapter } from '../train/adapter.ts';
import { MODULES, SHORT_NAMES, type ModuleName } from '../train/config.ts';
import { loadExampleBuilder, type Example, type TrainRecord } from '../train/data.ts';
import { buildModel, loadLanguageModel, openBackend, type DeviceChoice } from '../train/node-session.ts';
import { saveAdapter } from '../train/node-io.ts';
import { exportPeft } from '../train/peft.ts';
import { defaultInput, parseRecords, RecordError, type InputMode } from '../train/records.ts';
import type { WeightsChoice } from '../train/weights.ts';
import { train, TRAIN_DEFAULTS, type StepLog } from '../train/trainer.ts';
import { rerunWithDawnEnv } from '../gpu/node.ts';
import { findModel } from '../vlm/registry.ts';
import { parseFlags, positiveInt, UsageError } from './args.ts';
import type { Command } from './main.ts';
import { resolveModel } from './node-models.ts';
import { formatDuration } from './progress.ts';

const HELP = `Usage: tpi train --model ID|PATH --data train.jsonl --out ADAPTER_DIR [options]

  --model ID|PATH        registry id (e.g. tiny-random-smolvlm, HuggingFaceTB/SmolVLM-256M-Instruct) or a model folder
  --data FILE            JSONL: {"question", "answer", and "text" or "image" (a path relative to the file)} per line
  --out DIR              where the PEFT adapter is written (adapter_config.json, adapter_model.safetensors)
  --input tpi|text|image how records reach the model: tpi prints "text" as an image (paper preset), text puts
                         it in the prompt, image reads "image" (default: image when every record has one, else text)
  --steps N              optimizer steps (default ${TRAIN_DEFAULTS.steps})
  --batch N              records per step, by gradient accumulation (default ${TRAIN_DEFAULTS.batch})
  --lr X                 peak learning rate (default ${TRAIN_DEFAULTS.lr}); warmup then cosine decay to lr/10
  --warmup N             warmup steps (default: 10% of the steps)
  --rank R               LoRA rank (default 8)
  --alpha A              LoRA alpha (default 2 × rank)
  --dropout P            LoRA dropout (default ${TRAIN_DEFAULTS.dropout})
  --targets q,v,…        modules: q, k, v, o, gate, up, down (default q,v)
  --seed N               seed for initialisation, order and dropout (default 0)
  --device auto|gpu|cpu  WebGPU (Dawn) or the CPU; auto falls back to the CPU with a message (default auto)
  --weights auto|f32|f16 storage of the frozen weights; auto: f16 where the GPU has shader-f16 (default auto)

Prints the loss per step; stops with a message (keeping the last good adapter) when the loss
becomes NaN or infinite, the GPU device is lost, or on Ctrl-C.`;

const FLAGS = {
  model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, input: { type: 'string' },
  steps: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, warmup: { type: 'string' },
  rank: { type: 'string' }, alpha: { type: 'string' }, dropout: { type: 'string' }, targets: { type: 'string' },
  seed: { type: 'string' }, device: { type: 'string' }, weights: { type: 'string' },
} as const;

function number(name: string, raw: string | undefined, fallback: number, ok: (x: number) => boolean, what: string): number {
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (!raw.trim() || !Number.isFinite(x) || !ok(x)) throw new UsageError(`--${name} must be ${what}, got "${raw}".`);
  return x;
}

export function parseTargets(raw: string | undefined): ModuleName[] {
  if (raw === undefined) return ['q_proj', 'v_proj'];
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const out = names.map((n) => SHORT_NAMES[n] ?? (MODULES.includes(n as ModuleName) ? (n as ModuleName) : null));
  const bad = names.filter((_, i) => out[i] === null);
  if (bad.length || names.length === 0) throw new UsageError(`--targets: unknown module${bad.length > 1 ? 's' : ''} ${bad.join(', ') || '(none given)'}; use q, k, v, o, gate, up, down.`);
  return MODULES.filter((m) => out.includes(m));
}

export const trainCommand: Command = {
  summary: 'train a LoRA adapter on question/answer records',
  async run(argv) {
    const { values } = parseFlags(argv, FLAGS, HELP);
    if (values.help) return console.log(HELP), 0;
    for (const k of ['model', 'data', 'out'] as const) if (!values[k]) throw new UsageError(`--${k} is required.\n\n${HELP}`);
    const steps = positiveInt('steps', values.steps, TRAIN_DEFAULTS.steps, 1_000_000);
    const batch = positiveInt('batch', values.batch, TRAIN_DEFAULTS.batch, 4096);
    const lr = number('lr', values.lr, TRAIN_DEFAULTS.lr, (x) => x > 0 && x < 1, 'a number between 0 and 1');
    const warmup = number('warmup', values.warmup, Math.round(steps / 10), (x) => Number.isInteger(x) && x >= 0 && x <= steps, `an integer from 0 to --steps`);
    const rank = positiveInt('rank', values.rank, 8, 1024);
    const alpha = number('alpha', values.alpha, 2 * rank, (x) => x > 0, 'a positive number');
    const dropout = number('dropout', values.dropout, TRAIN_DEFAULTS.dropout, (x) => x >= 0 && x < 1, 'at least 0 and below 1');
    const seed = number('seed', values.seed, 0, (x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32, 'an integer from 0 to 2³²−1');
    const targets = parseTargets(values.targets);
    const device = (values.device ?? 'auto') as DeviceChoice;
    if (!['auto', 'gpu', 'cpu'].includes(device)) throw new UsageError(`--device must be auto, gpu or cpu, got "${values.device}".`);
    const weights = (values.weights ?? 'auto') as WeightsChoice;
    if (!['auto', 'f32', 'f16'].includes(weights)) throw new UsageError(`--weights must be auto, f32 or f16, got "${values.weights}".`);
    if (values.input !== undefined && !['tpi', 'text', 'image'].includes(values.input)) throw new UsageError(`--input must be tpi, text or image, got "${values.input}".`);
    let jsonl: string;
    try {
      jsonl = readFileSync(values.data!, 'utf8');
    } catch (e) {
      throw new UsageError(`Cannot read --data ${values.data}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    const input = (values.input ?? defaultInput(jsonl)) as InputMode;
    let rawRecords;
    try {
      rawRecords = parseRecords(jsonl, input);
    } catch (e) {
      if (e instanceof RecordError) throw new UsageError(`--data ${values.data}: ${e.message}`);
      throw e;
    }
    const dataDir = path.dirname(path.resolve(values.data!));
    const records: TrainRecord[] = [];
    for (const r of rawRecords) {
      const base = { id: r.id, question: r.question, answer: r.answer };
      if (input === 'text') records.push({ ...base, text: r.text });
      // --input tpi: the description printed with the paper preset, then read as an image.
      else if (input === 'tpi') records.push({ ...base, image: await (await import('../train/tpi-node.ts')).printTpi(r.id ?? `line-${r.line}`, r.text!) });
      else {
        const file = path.resolve(dataDir, r.image!);
        if (!existsSync(file)) throw new UsageError(`--data line ${r.line}: image ${r.image} not found (${file}).`);
        records.push({ ...base, image: new Uint8Array(readFileSync(file)) });
      }
    }
    const { modelId, source } = resolveModel(values.model!);

    // Dawn needs LD_LIBRARY_PATH from process start where only Chromium's Vulkan loader exists.
    if (device !== 'cpu') {
      const status = rerunWithDawnEnv();
      if (status !== null) return status;
    }
    const note = (s: string) => console.error(s);
    const be = await openBackend(device, note);
    note(`backend: ${be.description}`);
    const lm = await loadLanguageModel(modelId, source, note);
    const builder = await loadExampleBuilder(modelId);
    const examples: Example[] = [];
    for (const r of records) examples.push(await builder.example(r, input === 'text' ? 'text' : 'image'));
    const model = buildModel(be, lm, weights);
    const loraConfig = { rank, alpha, dropout, targets, seed };
    model.adapter = Adapter.create(be, lm.config, loraConfig);
    note(`${examples.length} records (${input}), up to ${Math.max(...examples.map((e) => e.ids.length))} tokens; LoRA r=${rank} alpha=${alpha} on ${targets.join(', ')}: ${model.adapter.parameterCount().toLocaleString('en')} parameters`);

    let cancelled = false;
    const onSigint = () => {
      if (cancelled) process.exit(130);
      cancelled = true;
      note('Stopping after this step (Ctrl-C again to quit now)…');
    };
    process.on('SIGINT', onSigint);
    const log = (l: StepLog) =>
      console.log(
        `step ${String(l.step).padStart(String(l.steps).length)}/${l.steps}  loss ${l.loss.toFixed(4)}  lr ${l.lr.toExponential(2)}  grad ${l.gradNorm.toFixed(3)}  ${l.tokensPerSecond.toFixed(0)} tok/s  eta ${formatDuration(l.etaMs)}`,
      );
    const result = await train(model, examples, { ...TRAIN_DEFAULTS, steps, batch, lr, warmup, dropout, seed }, { onStep: log, beforeStep: () => !cancelled });
    process.off('SIGINT', onSigint);
    const baseModel = source === 'hub' || findModel(values.model!) ? modelId : path.resolve(values.model!);
    const files = exportPeft(result.adapter, loraConfig, lm.config, baseModel);
    const state = { status: result.status, message: result.message, steps: result.stepsDone, losses: result.losses, input, records: examples.length, backend: be.description, weights: model.w.embed.dtype };
    await saveAdapter(values.out!, files, { 'trainer_state.json': JSON.stringify(state, null, 2) + '\n' });
    note(`${result.message} Adapter written to ${values.out}.`);
    return result.status === 'done' || result.status === 'cancelled' ? 0 : 1;
  },
};
