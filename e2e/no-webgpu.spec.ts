/** A browser without a WebGPU adapter: the app says so and runs on WASM. */
import { readFileSync } from 'node:fs';
import { alertBox, askAndWait, expect, pickImage, test, TINY } from './fixtures.ts';
import { CHROMIUM, QUIET_FLAGS } from './flags.ts';

// Without --enable-unsafe-webgpu, headless Chromium's requestAdapter() returns null.
test.use({ launchOptions: { executablePath: CHROMIUM, args: QUIET_FLAGS } });

const cat = readFileSync(new URL('./fixtures/chelsea-small.png', import.meta.url));

test('asking for WebGPU says there is none and runs on WASM', async ({ page }) => {
  await page.goto(`/?model=${TINY}&device=webgpu`);
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  await expect(alertBox(page)).toContainText('no WebGPU adapter');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-device', 'wasm');
  await pickImage(page, 'chelsea.png', cat);
  expect(await askAndWait(page, 'What is this?')).not.toBe('');
});

test('on auto, the status line says why WASM was chosen', async ({ page }) => {
  await page.goto(`/?model=${TINY}`);
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  await expect(page.getByTestId('model-status')).toContainText('No WebGPU adapter');
  await expect(alertBox(page)).toBeEmpty();
});

test('training without WebGPU: "gpu" refuses clearly, "auto" says so and trains on the CPU', async ({ page }) => {
  await page.goto(`/?model=${TINY}&device=wasm`);
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  const r = await page.evaluate(async () => {
    const t = await (window as any).__tpi.train();
    const records = [{ text: 'A cat on a red sofa.', question: 'What is it?', answer: 'a cat' }];
    const job = (device: string) => ({ records, input: 'text', train: { steps: 2, batch: 1, warmup: 0 }, device });
    const refused = await t.trainInPage(job('gpu')).then(
      () => null,
      (e: any) => ({ kind: e.kind, message: e.message }),
    );
    const notes: string[] = [];
    const outcome = await t.trainInPage(job('auto'), { onStatus: (_p: string, m: string) => notes.push(m) });
    return { refused, notes, status: outcome.status, backend: outcome.backend, steps: outcome.stepsDone };
  });
  expect(r.refused?.kind).toBe('gpu-unavailable');
  expect(r.refused?.message).toMatch(/WebGPU/);
  expect(r.notes.join('\n')).toMatch(/Training on the CPU instead/);
  expect(r).toMatchObject({ status: 'done', steps: 2 });
  expect(r.backend).toMatch(/CPU/i);
});
