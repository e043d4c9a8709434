/** The Ask view with the tiny model on WebGPU and on WASM: load, pick, ask, stream, follow up. */
import { readFileSync } from 'node:fs';
import { alertBox, askAndWait, expect, openWithModel, pickImage, slowCallsDone, slowFirstCall, test } from './fixtures.ts';

const cat = readFileSync(new URL('./fixtures/chelsea-small.png', import.meta.url));
const rocket = readFileSync(new URL('./fixtures/rocket-small.jpg', import.meta.url));

/** Samples the answer text while it streams: more than one partial state proves streaming. */
async function watchStreaming(page: import('@playwright/test').Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const seen = new Set<string>();
        const tick = () => {
          const turns = document.querySelectorAll('[data-testid="turn"]');
          const last = turns[turns.length - 1];
          const text = last?.querySelector('[data-testid="answer-text"]')?.textContent ?? '';
          if (text && last?.getAttribute('data-streaming') === 'true') seen.add(text);
          if (last?.getAttribute('data-streaming') === 'false') resolve([...seen]);
          else requestAnimationFrame(tick);
        };
        tick();
      }),
  );
}

for (const device of ['webgpu', 'wasm'] as const) {
  test(`asks about an image on ${device}, streams, reuses the image for a follow-up`, async ({ page }) => {
    await openWithModel(page, device);
    const status = page.getByTestId('model-status');
    await expect(status).toHaveAttribute('data-device', device);
    if (device === 'webgpu') {
      // The decoder's cache came back as a GPU buffer: WebGPU really ran the graph.
      await expect(status).toHaveAttribute('data-kv-location', 'gpu-buffer');
      await expect(status).toContainText('WebGPU');
    } else {
      await expect(status).toHaveAttribute('data-kv-location', 'cpu');
      await expect(status).toContainText('WASM');
    }

    await pickImage(page, 'chelsea.png', cat);
    await expect(page.getByRole('img', { name: /chelsea\.png/ })).toBeVisible();
    await page.getByLabel('Question').fill('What animal is this?');
    const streaming = watchStreaming(page);
    await page.getByLabel('Question').press('Enter');
    const partials = await streaming;
    expect(partials.length, 'the answer arrived in several steps').toBeGreaterThan(1);

    const first = page.getByTestId('turn').first();
    await expect(first.getByTestId('answer-text')).not.toHaveText('');
    const stats1 = await first.getByTestId('answer-stats').textContent();
    expect(stats1).toMatch(/image encode \d+/);
    expect(stats1).toMatch(/first token/);
    expect(stats1).toMatch(/tokens\/s/);
    expect(stats1).toContain(device === 'webgpu' ? 'WebGPU' : 'WASM');
    expect(stats1).toContain('fp32');

    await askAndWait(page, 'And what colour is it?');
    const stats2 = await page.getByTestId('turn').nth(1).getByTestId('answer-stats').textContent();
    expect(stats2).toContain('image encode: cached');
    await expect(alertBox(page)).toBeEmpty();
  });
}

test('Stop ends an answer early and keeps what was streamed', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await pickImage(page, 'rocket.jpg', rocket, 'image/jpeg');
  await page.getByLabel('Question').fill('Describe everything you see in great detail.');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const turn = page.getByTestId('turn').first();
  await expect(turn.getByTestId('answer-text')).not.toHaveText('');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(turn).toHaveAttribute('data-streaming', 'false');
  // Either it stopped, or it had already finished on its own before the click landed.
  const stats = await turn.getByTestId('answer-stats').textContent();
  expect(stats ?? '').toMatch(/stopped|length limit|tokens\/s/);
  await expect(page.getByRole('button', { name: 'Ask', exact: true })).toBeEnabled();
});

test('presets fill the question and keyboard-only use works', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await pickImage(page, 'chelsea.png', cat);
  await page.getByRole('button', { name: 'Read the text' }).click();
  await expect(page.getByLabel('Question')).toHaveValue(/text/i);
  await page.getByRole('button', { name: 'Caption' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Question')).toHaveValue(/describe/i);
  await page.getByLabel('Question').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('turn').first()).toHaveAttribute('data-streaming', 'false');
  await expect(page.getByTestId('turn').first().getByTestId('answer-text')).not.toHaveText('');
});

test('a question asked while the image is still being read waits for it', async ({ page }) => {
  await slowFirstCall(page, 'createImageBitmap', 1500);
  await openWithModel(page, 'wasm');
  await pickImage(page, 'chelsea.png', cat);
  await page.getByLabel('Question').fill('What animal is this?');
  await page.getByLabel('Question').press('Enter');
  const turn = page.getByTestId('turn').first();
  await expect(turn).toHaveAttribute('data-streaming', 'false', { timeout: 90_000 });
  await expect(turn.locator('.question')).toHaveText('What animal is this?');
  await expect(turn.getByTestId('answer-text')).not.toHaveText('');
  await expect(page.getByRole('img', { name: /chelsea\.png/ })).toBeVisible();
  await expect(alertBox(page)).toBeEmpty();
});

test('of two images picked in quick succession, the one picked last is kept', async ({ page }) => {
  await slowFirstCall(page, 'createImageBitmap', 1500);
  await openWithModel(page, 'wasm');
  await pickImage(page, 'rocket.jpg', rocket, 'image/jpeg');
  await pickImage(page, 'chelsea.png', cat);
  await expect(page.getByRole('img', { name: /chelsea\.png/ })).toBeVisible();
  // The slow first pick has finished, and did not replace the newer one.
  await slowCallsDone(page, 2);
  await expect(page.getByRole('img', { name: /chelsea\.png/ })).toBeVisible();
});

test('picking another image while an answer streams starts a new conversation about it', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await pickImage(page, 'rocket.jpg', rocket, 'image/jpeg');
  await page.getByLabel('Question').fill('Describe everything you see in great detail.');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(page.getByTestId('turn').first().getByTestId('answer-text')).not.toHaveText('');
  await pickImage(page, 'chelsea.png', cat);
  await expect(page.getByRole('img', { name: /chelsea\.png/ })).toBeVisible();
  await expect(page.getByTestId('turn')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Ask', exact: true })).toBeEnabled();
  expect(await askAndWait(page, 'What animal is this?')).not.toBe('');
  await expect(page.getByTestId('turn')).toHaveCount(1);
});

test('a page reload keeps working', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await page.reload();
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  await pickImage(page, 'chelsea.png', cat);
  expect(await askAndWait(page, 'What is this?')).not.toBe('');
});

test('model output is shown as text, never as HTML', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await pickImage(page, 'chelsea.png', cat);
  const question = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  await askAndWait(page, question);
  await expect(page.getByTestId('turn').first().locator('.question')).toHaveText(question);
  expect(await page.locator('.conversation b, .conversation img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});
