/** After one visit the page works offline: app, ONNX Runtime files and the local model. */
import { readFileSync } from 'node:fs';
import { askAndWait, expect, openWithModel, pickImage, test } from './fixtures.ts';

test.use({ serviceWorkers: 'allow' });

const cat = readFileSync(new URL('./fixtures/chelsea-small.png', import.meta.url));

test('a second visit works with the network off', async ({ page, context }) => {
  await openWithModel(page, 'wasm');
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Load once more under the service worker's control so it has seen every asset.
  await page.reload();
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await pickImage(page, 'chelsea.png', cat);
  expect(await askAndWait(page, 'What is this?')).not.toBe('');
  await context.setOffline(false);
});
