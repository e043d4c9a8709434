/**
 * Training in the page: records → examples with the loaded model (the engine worker, which owns
 * ONNX Runtime: tokenizer, chat template, vision encoder) → the training worker (WebGPU, no ONNX
 * Runtime) → a PEFT adapter. Descriptions for `tpi` input are printed by the render workers and
 * reach the vision encoder as pixels. The trained model stays in the training worker, so
 * questions can be answered with the adapter on or off without reloading anything.
 */
import { LORA_DEFAULTS, type LoraConfig } from '../train/adapter.ts';
import { TrainClient, type TrainHandlers } from '../train/client.ts';
import type { InputKind, TrainRecord } from '../train/examples.ts';
import type { TrainOutcome } from '../train/protocol.ts';
import { recordProblem, type InputMode } from '../train/records.ts';
import { TRAIN_DEFAULTS, type TrainConfig } from '../train/trainer.ts';
import { DEFAULT_FONT } from '../tpi/fonts.ts';
import { jobFor } from '../tpi/job.ts';
import { renderPool } from '../tpi/render-client.ts';
import type { ImageInput } from '../vlm/protocol.ts';
import { withDescription } from '../vlm/prompt.ts';
import { checkModelId } from '../vlm/registry.ts';
import { engineClient } from './engine.ts';
import { getState } from './store.ts';

/** A record as the page has it: a description (printed or plain) or an image file's bytes. */
export interface PageTrainRecord {
  question: string;
  answer: string;
  text?: string;
  image?: Uint8Array;
  id?: string;
}

export type PageInput = InputMode;

export interface PageTrainRequest {
  records: PageTrainRecord[];
  input: PageInput;
  lora?: Partial<LoraConfig>;
  train?: Partial<TrainConfig>;
  device?: 'auto' | 'gpu' | 'cpu';
}

let client: TrainClient | null = null;
let eos: number[] = [];

export function trainClient(): TrainClient {
  client ??= new TrainClient(new Worker(new URL('../train/train.worker.ts', import.meta.url), { type: 'module', name: 'tpi-train' }));
  return client;
}

/** Checks the records for the input kind (the rules of `tpi train`); names the first bad one. */
export function checkRecords(records: PageTrainRecord[], input: PageInput): string | null {
  if (records.length === 0) return 'There are no records to train on.';
  for (const [i, r] of records.entries()) {
    const problem = recordProblem(r, input, r.image instanceof Uint8Array, 'input');
    if (problem) return `Record ${r.id ?? i + 1}: ${problem}`;
  }
  return null;
}

/** The record as the engine takes it: a `tpi` description becomes its printed pixels. */
async function engineRecord(r: PageTrainRecord, i: number, input: PageInput): Promise<TrainRecord> {
  const base = { id: r.id, question: r.question, answer: r.answer };
  if (input === 'text') return { ...base, text: r.text };
  if (input === 'image') return { ...base, image: r.image };
  const out = await renderPool().render(jobFor(r.id ?? `record-${i + 1}`, r.text!, { preset: 'paper', font: DEFAULT_FONT }), { pixels: true });
  const image: ImageInput = { kind: 'pixels', width: out.meta.width, height: out.meta.height, rgba: out.pixels! };
  return { ...base, image };
}

const engineInput = (input: PageInput): InputKind => (input === 'text' ? 'text' : 'image');

function loadedModel(): { modelId: string; source: 'local' | 'hub' } {
  const loaded = getState().loaded;
  if (!loaded) throw new Error('Load a model first: training uses its tokenizer and vision encoder.');
  const check = checkModelId(loaded.modelId);
  if (!check.ok) throw new Error(check.message);
  return { modelId: check.entry.id, source: check.entry.source };
}

/** Trains a LoRA on the loaded model; resolves with the adapter (PEFT files) and the losses. */
export async function trainInPage(req: PageTrainRequest, handlers: TrainHandlers = {}): Promise<TrainOutcome> {
  const problem = checkRecords(req.records, req.input);
  if (problem) throw new Error(problem);
  const model = loadedModel();
  handlers.onStatus?.('preparing-data', `Preparing ${req.records.length} records…`);
  const records = await Promise.all(req.records.map((r, i) => engineRecord(r, i, req.input)));
  const prepared = await engineClient().trainingExamples({ records, input: engineInput(req.input) });
  eos = prepared.eos;
  return trainClient().start(
    {
      ...model,
      examples: prepared.examples,
      lora: { ...LORA_DEFAULTS, ...req.lora },
      train: { ...TRAIN_DEFAULTS, ...req.train },
      device: req.device ?? 'auto',
    },
    handlers,
  );
}

/** Answers a record's question with the last trained model, the adapter on or off (greedy). */
export async function answerTrained(r: PageTrainRecord, input: PageInput, adapter: boolean, maxNewTokens = 64): Promise<string> {
  // Only the prompt is used: a record without an answer gets a placeholder one.
  const record = await engineRecord({ ...r, answer: r.answer || '…' }, 0, input);
  const { examples } = await engineClient().trainingExamples({ records: [record], input: engineInput(input) });
  const e = examples[0];
  const g = await trainClient().generate({ promptIds: e.promptIds, image: e.image, maxNewTokens, eos, adapter });
  return engineClient().decodeAnswer(g.ids);
}

/** The same question to the VLM engine (ONNX Runtime, no adapter): the reference for "adapter off". */
export async function answerWithEngine(r: PageTrainRecord, input: PageInput, maxNewTokens = 64): Promise<string> {
  const record = await engineRecord(r, 0, input);
  const question = input === 'text' ? withDescription(r.text!, r.question) : r.question;
  const result = await engineClient().ask({ image: record.image ?? null, history: [], question, maxNewTokens });
  return result.text;
}
