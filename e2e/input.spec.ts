/** The other ways in: drop, paste, and a model load that is watched and cancelled. */
import { readFileSync } from 'node:fs';
import { askAndWait, expect, openWithModel, test } from './fixtures.ts';

const catBase64 = readFileSync(new URL('./fixtures/chelsea-small.png', import.meta.url)).toString('base64');

test('dropping an image file on the drop zone picks it', async ({ page }) => {
  await openWithModel(page, 'wasm');
  const data = await page.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped-cat.png', { type: 'image/png' }));
    return dt;
  }, catBase64);
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: data });
  await expect(page.getByRole('img', { name: /dropped-cat\.png/ })).toBeVisible();
  expect(await askAndWait(page, 'What is this?')).not.toBe('');
});

test('pasting an image anywhere picks it', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
  }, catBase64);
  await expect(page.getByRole('img', { name: /pasted\.png/ })).toBeVisible();
});

test('a load shows its progress and can be cancelled; the loaded model stays', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await page.getByRole('button', { name: 'Clear cached models' }).click();
  await expect(page.getByTestId('model-status')).toContainText('Cached model files were deleted');
  // Hold the decoder's download so the load is still running when Cancel is pressed.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/models/tiny-random-smolvlm/onnx/decoder_model_merged.onnx', async (route) => {
    await held;
    await route.continue().catch(() => {});
  });
  await page.getByRole('button', { name: 'Reload model' }).click();
  await expect(page.getByRole('progressbar', { name: 'Model download' })).toBeVisible();
  await page.getByText('Files').click();
  await expect(page.locator('.files')).toContainText('config.json');
  await page.getByRole('button', { name: 'Cancel' }).click();
  release();
  await expect(page.getByRole('progressbar', { name: 'Model download' })).toHaveCount(0);
  await expect(page.getByTestId('model-status')).toContainText('Ready: tiny-random-smolvlm');
  await page.getByLabel('Image', { exact: true }).setInputFiles({ name: 'c.png', mimeType: 'image/png', buffer: Buffer.from(catBase64, 'base64') });
  expect(await askAndWait(page, 'Still loaded?')).not.toBe('');
});
