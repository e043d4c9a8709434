/** Compare with the tiny model on WASM: one question answered by the real image, the printed image and the text. */
import { readFileSync } from 'node:fs';
import { expect, openWithModel, test } from './fixtures.ts';

const cat = readFileSync(new URL('./fixtures/chelsea-small.png', import.meta.url));

test('answers in all three panes, marks agreement, exports JSON', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await page.getByRole('link', { name: 'Compare' }).click();
  await page.getByLabel('Choose the real image').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: cat });
  await expect(page.getByRole('img', { name: /Real image: cat\.png/ })).toBeVisible();

  // The model writes the description; it stays editable.
  await page.getByRole('button', { name: 'Describe with the model' }).click();
  const description = page.getByLabel(/^Description/);
  await expect(description).not.toHaveValue('');
  await expect(page.getByRole('button', { name: 'Describe with the model' })).toBeEnabled();
  await description.fill('A tabby cat with orange fur looks at the camera.');

  await page.getByLabel('TPI preset').selectOption('native');
  await page.getByLabel('Questions (one per line)').fill('What animal is this?\nWhat colour is it?');
  await page.getByLabel('Questions (one per line)').press('Control+Enter');

  const answers = page.getByTestId('compare-answer');
  await expect(answers).toHaveCount(6);
  for (let i = 0; i < 6; i++) await expect(answers.nth(i)).toHaveAttribute('data-streaming', 'false', { timeout: 90_000 });
  for (const pane of ['Real image', 'Printed image', 'Text only']) {
    const region = page.getByRole('region', { name: pane });
    await expect(region.getByTestId('answer-stats').first()).toContainText('mean p');
    await expect(region.getByTestId('answer-text').first()).not.toHaveText('');
  }
  await expect(page.getByRole('img', { name: 'Printed image of the description' })).toBeVisible();
  // The real image was encoded for the description already: every question reuses its features.
  const real = page.getByRole('region', { name: 'Real image' }).getByTestId('answer-stats');
  await expect(real.nth(0)).toContainText('image: cached');
  await expect(real.nth(1)).toContainText('image: cached');
  await expect(page.getByRole('region', { name: 'Printed image' }).getByTestId('answer-stats').nth(1)).toContainText('image: cached');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const file = await (await download).path();
  const data = JSON.parse(readFileSync(file, 'utf8'));
  expect(data.model).toBe('tiny-random-smolvlm');
  expect(data.preset).toBe('native');
  expect(data.questions).toHaveLength(2);
  expect(Object.keys(data.questions[0].answers).sort()).toEqual(['real', 'text', 'tpi']);
  expect(data.questions[0].answers.tpi.mean_prob).toBeGreaterThan(0);

  const png = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export PNG' }).click();
  const bytes = readFileSync(await (await png).path());
  expect([...bytes.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);

  // What was typed survives a reload.
  await page.reload();
  await page.getByRole('link', { name: 'Compare' }).click();
  await expect(page.getByLabel(/^Description/)).toHaveValue('A tabby cat with orange fur looks at the camera.');
  await expect(page.getByLabel('TPI preset')).toHaveValue('native');
});
