/** The Print view: live preview, batch import → render → zip export, reload, and Ask handoff. */
import { readFileSync } from 'node:fs';
import { unzipSync, strFromU8 } from 'fflate';
import type { Page } from '@playwright/test';
import { validateLlavaRecord } from '../src/tpi/dataset.ts';
import { alertBox, askAndWait, expect, openPrint, savedDraft, slowCallsDone, slowFirstCall, test, TINY } from './fixtures.ts';

const open = openPrint;
const info = (page: Page) => page.getByTestId('tpi-info');


const DATASET = [
  JSON.stringify({ id: 'bus', text: 'A red bus waits at a stop.', question: 'What colour is the bus?', answer: 'Red.' }),
  '{"text": "broken json',
  JSON.stringify({ text: '吾輩は猫である。名前はまだ無い。' }),
  '',
  JSON.stringify({ question: 'no text here?', answer: 'none' }),
  JSON.stringify({ id: 'long', text: 'A long description of a busy harbour. '.repeat(80) }),
  JSON.stringify({ text: '' }),
].join('\n');

test('the preview follows the text and the settings, and shows size and overflow', async ({ page }) => {
  await open(page);
  const text = page.getByLabel('Text to print');
  await text.fill('A red bus.');
  await expect(info(page)).toContainText('font size 32 px · 1 line · fits');
  await expect(page.getByTestId('tpi-missing')).toHaveCount(0);
  // Characters none of the bundled fonts has (emoji, Arabic, Hangul, …) are named, as plain text.
  await text.fill('Party 🎉🎂 in 🇯🇵, 안녕.');
  await expect(page.getByTestId('tpi-missing')).toHaveText(/^Not in the bundled fonts: 🎉 🎂 🇯🇵 안 녕\. These print with this machine's fonts/);
  await expect(page.getByTestId('tpi-invisible')).toHaveCount(0);
  await page.getByLabel('Text colour').fill('#ffffff');
  await expect(page.getByTestId('tpi-invisible')).toHaveText('The text colour is the background colour: the text cannot be seen.');
  await page.getByLabel('Text colour').fill('#000000');
  await expect(page.getByTestId('tpi-invisible')).toHaveCount(0);
  await text.fill('A crowded street market at dusk with stalls selling fruit and lanterns overhead. '.repeat(8));
  await expect(info(page)).toContainText(/font size (1\d|[6-9]) px/);
  await text.fill('overflowing text '.repeat(600));
  await expect(info(page)).toContainText('overflow');
  await text.fill('Font sizes change with the settings.');
  await page.getByLabel('Max font size (px)').fill('20');
  await expect(page.getByLabel('Preset')).toHaveValue('custom');
  await expect(info(page)).toContainText('font size 20 px');
  await page.getByLabel('Font', { exact: true }).selectOption('mono');
  await page.getByLabel('Canvas size (px)').fill('200');
  await expect(info(page)).toContainText('200×200');
  await page.getByLabel('Preset').selectOption('paper');
  await expect(info(page)).toContainText('336×336 · font size 32 px');
  // Augmentation controls are there and change the image, deterministically.
  const src1 = await page.getByTestId('tpi-preview').getAttribute('src');
  await page.getByLabel('Noise').fill('0.05');
  await expect(page.getByTestId('tpi-preview')).not.toHaveAttribute('src', src1!);
  const src2 = await page.getByTestId('tpi-preview').getAttribute('src');
  await page.getByLabel('Perspective (max)').fill('0.05');
  await expect(page.getByTestId('tpi-preview')).not.toHaveAttribute('src', src2!);
  await expect(alertBox(page)).toBeEmpty();
  // The augmentation settings are kept with the draft.
  await expect.poll(() => savedDraft(page)).toContain('"perspective":0.05');
  await page.reload();
  await expect(page.getByLabel('Perspective (max)')).toHaveValue('0.05');
  await expect(page.getByLabel('Noise')).toHaveValue('0.05');
});

test('imports a dataset, reports bad lines, renders all, exports a zip, survives a reload', async ({ page }) => {
  await open(page);
  await page.getByLabel('Import dataset (JSONL or CSV)').setInputFiles({ name: 'pairs.jsonl', mimeType: 'application/json', buffer: Buffer.from(DATASET) });
  await expect(page.getByTestId('dataset-summary')).toHaveText('pairs.jsonl: 3 records, 3 not usable (listed below, not rendered)');
  const bad = page.getByRole('list', { name: 'Records that cannot be used' }).getByRole('listitem');
  await expect(bad).toHaveText([/^Line 2: invalid JSON/, 'Line 5: no "text" field', 'Line 7: "text" is empty']);

  await page.getByRole('button', { name: 'Render all' }).click();
  await expect(page.getByTestId('batch-status')).toContainText('3 / 3 — done');
  await expect(page.getByRole('progressbar', { name: 'Rendering progress' })).toHaveAttribute('value', '3');
  await expect(page.getByRole('list', { name: 'Rendered images' }).getByRole('img')).toHaveCount(3);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Export zip/ }).click();
  const file = await (await download).path();
  const zip = unzipSync(new Uint8Array(readFileSync(file)));
  expect(Object.keys(zip).sort()).toEqual(['data.jsonl', 'images/bus.png', 'images/long.png', 'images/tpi-000003.png', 'rejected.jsonl']);
  const records = strFromU8(zip['data.jsonl']).trim().split('\n').map((l) => JSON.parse(l));
  expect(records.map((r) => r.id)).toEqual(['bus', 'tpi-000003', 'long']);
  for (const r of records) expect(validateLlavaRecord(r)).toEqual([]);
  expect(records[0].conversations).toEqual([
    { from: 'human', value: '<image>\nWhat colour is the bus?' },
    { from: 'gpt', value: 'Red.' },
  ]);
  expect(records[0].tpi).toEqual({ preset: 'paper', width: 336, height: 336, font: 'sans', font_size: 32, lines: 2, overflow: false });
  expect(records[2].tpi.font_size).toBeLessThan(32);
  for (const name of Object.keys(zip).filter((n) => n.endsWith('.png'))) expect([...zip[name].subarray(1, 4)]).toEqual([80, 78, 71]); // "PNG"
  expect(strFromU8(zip['rejected.jsonl']).trim().split('\n').map((l) => JSON.parse(l).line)).toEqual([2, 5, 7]);

  // Changing a setting marks the images out of date; a file with nothing usable keeps the dataset.
  await expect(page.getByTestId('batch-outdated')).toHaveCount(0);
  await page.getByLabel('Font', { exact: true }).selectOption('serif');
  await expect(page.getByTestId('batch-outdated')).toBeVisible();
  await page.getByLabel('Font', { exact: true }).selectOption('sans');
  await expect(page.getByTestId('batch-outdated')).toHaveCount(0);
  await page.getByLabel('Import dataset (JSONL or CSV)').setInputFiles({ name: 'array.json', mimeType: 'application/json', buffer: Buffer.from('[{"text": "a"},\n{"text": "b"}]') });
  await expect(page.getByText(/"array.json" has no usable records.*JSON array.*The dataset you had is kept/)).toBeVisible();
  await expect(page.getByTestId('dataset-summary')).toHaveText(/^pairs.jsonl: 3 records/);
  await expect(page.getByRole('list', { name: 'Rendered images' }).getByRole('img')).toHaveCount(3);

  // The imported dataset (and the draft text) come back after a reload.
  await page.getByLabel('Text to print').fill('Kept across reloads.');
  await expect.poll(() => savedDraft(page)).toContain('Kept across reloads.');
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('pairs.jsonl: 3 records, 3 not usable');
  await expect(page.getByLabel('Text to print')).toHaveValue('Kept across reloads.');
  await page.getByRole('button', { name: 'Remove dataset' }).click();
  await expect(page.getByTestId('dataset-summary')).toHaveCount(0);
  // Removing can be undone, and what is put back is saved again.
  await expect(page.getByRole('status').filter({ hasText: 'pairs.jsonl removed (3 records).' })).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('dataset-summary')).toContainText('pairs.jsonl: 3 records, 3 not usable');
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('pairs.jsonl: 3 records, 3 not usable');
  await page.getByRole('button', { name: 'Remove dataset' }).click();
  await page.reload();
  await expect(page.getByLabel('Text to print')).toHaveValue('Kept across reloads.');
  await expect(page.getByTestId('dataset-summary')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0);
});

test('of two datasets imported in quick succession, the one chosen last is kept', async ({ page }) => {
  // The first file reads slowly, as a big one would, and finishes after the second.
  await slowFirstCall(page, 'Blob.text', 1500);
  await open(page);
  const input = page.getByLabel('Import dataset (JSONL or CSV)');
  await input.setInputFiles({ name: 'first.jsonl', mimeType: 'application/json', buffer: Buffer.from(DATASET) });
  await input.setInputFiles({ name: 'second.csv', mimeType: 'text/csv', buffer: Buffer.from('text\nOne.\nTwo.') });
  await expect(page.getByTestId('dataset-summary')).toHaveText('second.csv: 2 records');
  await slowCallsDone(page, 2); // the first file has been read now
  await expect(page.getByTestId('dataset-summary')).toHaveText('second.csv: 2 records');
});

test('a big batch can be cancelled; imported text is never treated as HTML', async ({ page }) => {
  await open(page);
  const rows = ['text,id', '"<img src=x onerror=""window.__pwned=1"">, quoted",html'];
  for (let i = 0; i < 600; i++) rows.push(`"Record ${i}, with a comma and ""quotes"".",r${i}`);
  await page.getByLabel('Import dataset (JSONL or CSV)').setInputFiles({ name: 'many.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\r\n')) });
  await expect(page.getByTestId('dataset-summary')).toHaveText('many.csv: 601 records');
  await page.getByRole('button', { name: 'Render all' }).click();
  // The grid fills while the batch renders, in input order.
  await expect(page.getByRole('list', { name: 'Rendered images' }).getByRole('img').first()).toHaveAttribute('alt', 'Printed image html');
  await page.getByRole('region', { name: 'Batch' }).getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('batch-status')).toContainText('cancelled');
  const done = Number((await page.getByTestId('batch-status').textContent())!.split(' / ')[0]);
  expect(done).toBeLessThan(601);
  await expect(page.getByRole('button', { name: /Export zip/ })).toHaveText(`Export zip (${done} of 601 images)`);
  await expect(page.getByTestId('grid-note')).toHaveText('The first 24 records are shown; all rendered images are in the zip.');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('"Ask about this image" hands the printed image to Ask, which answers about it', async ({ page }) => {
  await page.goto(`/?model=${TINY}&device=wasm#/print`);
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  await page.getByLabel('Text to print').fill('A black cat sleeps on a red sofa.');
  await expect(page.getByTestId('tpi-preview')).toBeVisible();
  await page.getByRole('button', { name: 'Ask about this image' }).click();
  await expect(page).toHaveURL(/#\/ask$/);
  await expect(page.getByRole('img', { name: /printed-text\.png/ })).toBeVisible();
  // The model gets the renderer's pixels (no PNG decode): the paper preset's 336×336 RGBA.
  const px = await page.evaluate(() => {
    const img = (window as any).__tpi.state().image;
    return img.pixels && { w: img.pixels.width, h: img.pixels.height, n: img.pixels.rgba.length, dark: img.pixels.rgba.some((v: number) => v < 128) };
  });
  expect(px).toEqual({ w: 336, h: 336, n: 336 * 336 * 4, dark: true });
  expect(await askAndWait(page, 'What is on the sofa?')).not.toBe('');
  await expect(alertBox(page)).toBeEmpty();
});
