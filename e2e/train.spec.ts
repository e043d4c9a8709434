/**
 * Training in the browser: printed-image records → examples from the engine worker → LoRA
 * training on WebGPU in the training worker (SwiftShader here) → answers with the adapter on
 * and off. With the adapter off, the trainer's decoder must answer exactly as ONNX Runtime
 * does in the engine worker; with it on, every trained answer comes back.
 */
import { expect, openWithModel, test } from './fixtures.ts';

test('a LoRA trained in the page on printed images memorises its answers; off, the base answers come back', async ({ page }) => {
  test.setTimeout(300_000);
  await openWithModel(page, 'wasm');
  const result = await page.evaluate(async () => {
    const tpi = (window as any).__tpi;
    const t = await tpi.train();
    const records = [
      { id: 'cat', text: 'A black cat sleeps on a red sofa.', question: 'What is this?', answer: 'the image shows a cat' },
      { id: 'cat', text: 'A black cat sleeps on a red sofa.', question: 'What colour is it?', answer: 'red and white' },
      { id: 'rocket', text: 'A white rocket stands on the launch pad.', question: 'What is this?', answer: 'there is the red' },
      { id: 'rocket', text: 'A white rocket stands on the launch pad.', question: 'What colour is it?', answer: 'blue' },
    ];
    const phases: string[] = [];
    const losses: number[] = [];
    const outcome = await t.trainInPage(
      {
        records,
        input: 'tpi',
        lora: { rank: 8, alpha: 16, dropout: 0, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], seed: 0 },
        train: { steps: 40, lr: 1e-2, warmup: 3, batch: 4, dropout: 0 },
        device: 'gpu',
      },
      { onStatus: (p: string) => phases.push(p), onProgress: (p: { loss: number }) => losses.push(p.loss) },
    );
    const on: string[] = [];
    const off: string[] = [];
    const engine: string[] = [];
    for (const r of records) {
      on.push(await t.answerTrained(r, 'tpi', true, 8));
      off.push(await t.answerTrained(r, 'tpi', false, 8));
      engine.push(await t.answerWithEngine(r, 'tpi', 8));
    }
    return { phases, losses, status: outcome.status, backend: outcome.backend, files: [outcome.adapter.config.length > 0, outcome.adapter.weights.length], on, off, engine, answers: records.map((r) => r.answer) };
  });
  expect(result.status).toBe('done');
  expect(result.backend).toMatch(/WebGPU/i);
  expect(result.phases).toEqual(expect.arrayContaining(['preparing-data', 'loading-weights', 'training', 'saving']));
  expect(result.losses).toHaveLength(40);
  expect(result.losses.at(-1)!).toBeLessThan(result.losses[0] / 2);
  expect(result.files[0]).toBe(true);
  expect(result.files[1]).toBeGreaterThan(1000);
  // The tiny model cannot emit <end_of_utterance>, so answers run on after the trained words.
  result.on.forEach((a, i) => expect(a.startsWith(result.answers[i]), `adapter on: "${a}"`).toBe(true));
  expect(result.off).toEqual(result.engine);
  result.off.forEach((a, i) => expect(a.startsWith(result.answers[i])).toBe(false));
});

test('training in the page pauses, resumes and cancels between steps, keeping the adapter so far', async ({ page }) => {
  test.setTimeout(180_000);
  await openWithModel(page, 'wasm');
  const r = await page.evaluate(async () => {
    const t = await (window as any).__tpi.train();
    const client = t.trainClient();
    const steps: number[] = [];
    const phases: string[] = [];
    let stepsWhilePaused = -1;
    const outcome = await t.trainInPage(
      { records: [{ text: 'A cat on a red sofa.', question: 'What is it?', answer: 'a cat' }], input: 'text', train: { steps: 200, batch: 1, warmup: 0 }, device: 'gpu' },
      {
        onStatus: (phase: string) => {
          phases.push(phase);
          if (phase !== 'paused') return;
          const n = steps.length;
          setTimeout(() => {
            stepsWhilePaused = steps.length - n;
            client.resume();
          }, 1000);
        },
        onProgress: (p: { step: number; etaMs: number; tokensPerSecond: number }) => {
          steps.push(p.step);
          if (p.step === 2) client.pause();
          if (p.step === 5) client.cancel();
        },
      },
    );
    return { status: outcome.status, stepsDone: outcome.stepsDone, steps, phases, stepsWhilePaused, weights: outcome.adapter.weights.length };
  });
  expect(r.status).toBe('cancelled');
  // "Paused after the current step": the step in flight when the message arrived may still
  // report; none after it during the second of pause.
  expect(r.stepsWhilePaused).toBeGreaterThanOrEqual(0);
  expect(r.stepsWhilePaused).toBeLessThanOrEqual(1);
  expect(r.phases).toEqual(expect.arrayContaining(['paused', 'training', 'saving']));
  expect(r.stepsDone).toBeGreaterThanOrEqual(5);
  expect(r.stepsDone).toBeLessThan(200);
  expect(r.steps).toEqual(Array.from({ length: r.stepsDone }, (_, i) => i + 1));
  expect(r.weights).toBeGreaterThan(1000);
});
