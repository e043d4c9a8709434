/**
 * `tpi train` and `tpi ask --adapter` in-process on the tiny model (CPU twins, to stay fast):
 * flag validation (exit 2 with a message), an adapter written in the PEFT layout, and answers
 * with an adapter — a fresh adapter (B = 0) answers exactly like the ONNX engine without one.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './main.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dir: string;

async function run(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const l = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ') + '\n'));
  const e = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ') + '\n'));
  try {
    return { status: await main(args), out: out.join(''), err: err.join('') };
  } finally {
    [w, l, e].forEach((s) => s.mockRestore());
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tpi-train-'));
  const fixture = (f: string) => path.join(ROOT, 'e2e/fixtures', f);
  await writeFile(path.join(dir, 'images.jsonl'), [
    JSON.stringify({ image: fixture('chelsea-small.png'), question: 'What is this?', answer: 'the image shows a cat' }),
    JSON.stringify({ image: path.relative(dir, fixture('rocket-small.jpg')), question: 'What is this?', answer: 'there is the red' }),
  ].join('\n'));
  await writeFile(path.join(dir, 'text.jsonl'), JSON.stringify({ text: 'A cat on a sofa.', question: 'What is it?', answer: 'a cat' }) + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tpi train', () => {
  it('rejects wrong command lines with exit status 2 and a message', async () => {
    const base = ['train', '--model', 'tiny-random-smolvlm', '--data', path.join(dir, 'text.jsonl'), '--out', path.join(dir, 'x')];
    const cases: [string[], RegExp][] = [
      [['train', '--data', 'a.jsonl', '--out', 'o'], /--model is required/],
      [[...base, '--steps', '0'], /--steps must be an integer from 1/],
      [[...base, '--lr', 'fast'], /--lr must be a number between 0 and 1/],
      [[...base, '--targets', 'q,x'], /unknown module x/],
      [[...base, '--input', 'audio'], /--input must be tpi, text or image/],
      [[...base, '--input', 'image'], /line 1: --input image needs an "image"/],
      [[...base, '--dropout', '1'], /--dropout must be at least 0 and below 1/],
      [[...base, '--device', 'tpu'], /--device must be auto, gpu or cpu/],
      [[...base, '--bogus'], /Unknown option '--bogus'/],
      [['train', '--model', 'no-such-model', '--data', path.join(dir, 'text.jsonl'), '--out', 'o'], /neither a known model id nor a directory/],
      [['train', '--model', 'tiny-random-smolvlm', '--data', path.join(dir, 'missing.jsonl'), '--out', 'o'], /Cannot read --data/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('trains on image records, prints the loss per step and writes a PEFT adapter', async () => {
    const out = path.join(dir, 'adapter');
    const r = await run(['train', '--model', 'tiny-random-smolvlm', '--data', path.join(dir, 'images.jsonl'), '--out', out, '--steps', '3', '--batch', '2', '--lr', '1e-2', '--targets', 'q,v,down', '--device', 'cpu']);
    expect(r.status, r.err).toBe(0);
    expect(r.out.match(/^step \d\/3 {2}loss \d+\.\d{4} {2}lr /gm)).toHaveLength(3);
    expect(r.err).toMatch(/2 records \(image\)/);
    const config = JSON.parse(await readFile(path.join(out, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({ peft_type: 'LORA', r: 8, lora_alpha: 16, base_model_name_or_path: 'tiny-random-smolvlm' });
    const state = JSON.parse(await readFile(path.join(out, 'trainer_state.json'), 'utf8'));
    expect(state).toMatchObject({ status: 'done', steps: 3, input: 'image' });
  });

  it('trains on descriptions printed as images (--input tpi)', async () => {
    const out = path.join(dir, 'tpi-adapter');
    const r = await run(['train', '--model', 'tiny-random-smolvlm', '--data', path.join(dir, 'text.jsonl'), '--out', out, '--input', 'tpi', '--steps', '2', '--batch', '1', '--device', 'cpu']);
    expect(r.status, r.err).toBe(0);
    expect(r.err).toMatch(/1 records \(tpi\)/);
    expect(JSON.parse(await readFile(path.join(out, 'trainer_state.json'), 'utf8')).input).toBe('tpi');
  });

  it('answers with --adapter; a fresh adapter answers like the engine without one', async () => {
    const { Adapter } = await import('../train/adapter.ts');
    const { exportPeft } = await import('../train/peft.ts');
    const { saveAdapter } = await import('../train/node-io.ts');
    const { CpuBackend } = await import('../train/cpu-backend.ts');
    const { llamaConfigFrom } = await import('../train/config.ts');
    const cfg = llamaConfigFrom(JSON.parse(await readFile(path.join(ROOT, 'models/tiny-random-smolvlm/config.json'), 'utf8')));
    const lora = { rank: 4, alpha: 8, dropout: 0, targets: ['q_proj' as const, 'v_proj' as const], seed: 0 };
    const fresh = Adapter.create(new CpuBackend(), cfg, lora);
    await saveAdapter(path.join(dir, 'fresh'), exportPeft(await fresh.toHost(), lora, cfg, 'tiny-random-smolvlm'));
    for (const input of [['--image', path.join(ROOT, 'e2e/fixtures/chelsea-small.png')], ['--tpi', 'A cat on a sofa.'], ['--text', 'A cat on a sofa.']]) {
      const ask = ['ask', '--model', 'tiny-random-smolvlm', ...input, '--question', 'What is this?', '--max-new-tokens', '6'];
      const plain = await run(ask);
      const adapted = await run([...ask, '--adapter', path.join(dir, 'fresh')]);
      expect(plain.status, plain.err).toBe(0);
      expect(adapted.status, adapted.err).toBe(0);
      expect(adapted.out).toBe(plain.out);
      expect(plain.out.trim().length).toBeGreaterThan(0);
    }
    const trained = await run(['ask', '--model', 'tiny-random-smolvlm', '--text', 'x', '--question', 'q', '--adapter', path.join(dir, 'adapter')]);
    expect(trained.status, trained.err).toBe(0);
    expect((await run(['ask', '--model', 'tiny-random-smolvlm', '--text', 'x', '--question', 'q', '--adapter', dir])).err).toMatch(/not a PEFT adapter folder/);
  });
});
