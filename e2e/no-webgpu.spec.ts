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
