/** The Gap lab with the tiny model: a pair set with its images, features in three forms, plot, CSV, reload. */
import { readFileSync } from 'node:fs';
import { expect, openWithModel, slowFirstCall, test } from './fixtures.ts';

const cat = readFileSync(new URL('./fixtures/chelsea-small.png', import.meta.url));
const rocket = readFileSync(new URL('./fixtures/rocket-small.jpg', import.meta.url));
const pairs = [
  { id: 'cat', image: 'cat.png', text: 'A cat with orange fur.' },
  { id: 'rocket', image: 'rocket.jpg', text: 'A rocket going up.' },
  { id: 'cat-b', image: 'cat.png', text: 'A tabby cat on a chair.' },
  { id: 'inline', image: `data:image/png;base64,${cat.toString('base64')}`, text: 'The same cat, inline.' },
  { id: 'lost', image: 'missing.png', text: 'No image.' },
];

test('plots N items in three forms, exports CSV, keeps the items across a reload', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await page.getByRole('link', { name: 'Gap' }).click();
  await page.getByLabel('Add images or a pair set').setInputFiles([
    { name: 'pairs.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(pairs.map((p) => JSON.stringify(p)).join('\n')) },
    { name: 'cat.png', mimeType: 'image/png', buffer: cat },
    { name: 'rocket.jpg', mimeType: 'image/jpeg', buffer: rocket },
  ]);
  await expect(page.getByTestId('gap-count')).toContainText('4 items');
  await expect(page.getByRole('list', { name: 'Skipped records' })).toContainText('line 5');

  await page.getByRole('button', { name: 'Measure the gap' }).click();
  await expect(page.getByTestId('gap-point')).toHaveCount(12, { timeout: 90_000 });
  await expect(page.getByTestId('gap-metrics')).toHaveCount(1);
  await expect(page.getByTestId('gap-legend')).toContainText('Printed image');
  await expect(page.getByTestId('gap-metrics').first()).toContainText('Centroid gap');
  // Keyboard: Tab reaches the first point, arrow keys move on; the focused point shows its item.
  await page.getByRole('button', { name: 'cat, Real image' }).focus();
  await expect(page.getByTestId('gap-hover')).toContainText('A cat with orange fur.');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('button', { name: 'rocket, Printed image (TPI)' })).toBeFocused();
  await expect(page.getByTestId('gap-hover')).toContainText('A rocket going up.');

  await page.getByLabel('Projection').selectOption('tsne');
  await expect(page.getByRole('img', { name: /t-SNE.*12 points/ })).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export coordinates CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('id,lens,form,x,y');
  expect(csv).toHaveLength(13);
  expect(new Set(csv.slice(1).map((l) => l.split(',')[2]))).toEqual(new Set(['real', 'tpi', 'text']));

  const svg = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export SVG' }).click();
  expect(readFileSync(await (await svg).path(), 'utf8')).toContain('<svg');

  // The pair set saved from the page loads again on its own (images inline).
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save pair set' }).click();
  const lines = readFileSync(await (await saved).path(), 'utf8').trim().split('\n');
  expect(lines).toHaveLength(4);
  expect(JSON.parse(lines[1])).toMatchObject({ id: 'rocket', text: 'A rocket going up.', image: expect.stringMatching(/^data:image\/jpeg;base64,/) });

  await page.reload();
  await page.getByRole('link', { name: 'Gap' }).click();
  await expect(page.getByTestId('gap-count')).toContainText('4 items');
  await expect(page.getByLabel('Description of rocket')).toHaveValue('A rocket going up.');
});

test('a second drop while the first is still being read keeps both', async ({ page }) => {
  // The pair set's text reads slowly, as a big file would: the second drop finishes first.
  await slowFirstCall(page, 'Blob.text', 1500);
  await openWithModel(page, 'wasm');
  await page.getByRole('link', { name: 'Gap' }).click();
  const add = page.getByLabel('Add images or a pair set');
  await add.setInputFiles([
    { name: 'pairs.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(pairs.map((p) => JSON.stringify(p)).join('\n')) },
    { name: 'cat.png', mimeType: 'image/png', buffer: cat },
    { name: 'rocket.jpg', mimeType: 'image/jpeg', buffer: rocket },
  ]);
  await add.setInputFiles([{ name: 'another.png', mimeType: 'image/png', buffer: cat }]);
  await expect(page.getByTestId('gap-count')).toContainText('5 items');
  await expect(page.getByLabel('Description of another')).toHaveValue('');
  await expect(page.getByLabel('Description of rocket')).toHaveValue('A rocket going up.');
});

test('plots a features.json from `tpi gap --clip` in either lens', async ({ page, net }) => {
  // No model is needed: the default (Hub) model's reachability check is answered offline.
  net.allow('huggingface.co');
  await page.route('https://huggingface.co/**', (r) => r.abort());
  await page.goto('/#/gap');
  const records = ['a', 'b', 'c', 'd'].flatMap((id, i) =>
    (['vlm', 'clip'] as const).flatMap((lens) =>
      (['real', 'tpi', 'text'] as const).map((form, f) => ({ id, lens, form, vector: Array.from({ length: lens === 'vlm' ? 8 : 4 }, (_, j) => Math.sin(i * 3 + f + j * 0.7 + (lens === 'clip' ? 1 : 0))) })),
    ),
  );
  await page.getByLabel('Load features.json').setInputFiles({ name: 'features.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(records)) });
  await expect(page.getByTestId('gap-point')).toHaveCount(12);
  await expect(page.getByTestId('gap-metrics')).toHaveCount(2);
  await page.getByLabel('Plot lens').selectOption('clip');
  await expect(page.getByRole('img', { name: /contrastive features.*12 points/ })).toBeVisible();
  await page.getByRole('button', { name: 'c, Plain text' }).focus();
  await expect(page.getByTestId('gap-hover')).toContainText('c · Plain text');
  await page.getByLabel('Load features.json').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"not": "a list"}') });
  await expect(page.getByRole('alert')).toContainText('cannot be used');
});

test('measures the contrastive lens beside the VLM, in the same engine worker', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await page.getByRole('link', { name: 'Gap' }).click();
  await page.getByLabel('Add images or a pair set').setInputFiles([
    { name: 'pairs.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(pairs.slice(0, 3).map((p) => JSON.stringify(p)).join('\n')) },
    { name: 'cat.png', mimeType: 'image/png', buffer: cat },
    { name: 'rocket.jpg', mimeType: 'image/jpeg', buffer: rocket },
  ]);
  await page.getByLabel('Contrastive lens').selectOption('tiny-random-clip');
  await page.getByRole('button', { name: 'Measure the gap' }).click();
  await expect(page.getByTestId('gap-metrics')).toHaveCount(2, { timeout: 90_000 });
  await page.getByLabel('Plot lens').selectOption('clip');
  await expect(page.getByRole('img', { name: /contrastive features.*9 points/ })).toBeVisible();
  // Still one engine worker: no second copy of ONNX Runtime was started for the lens.
  expect(page.workers().filter((w) => /engine\.worker/.test(w.url()))).toHaveLength(1);
  expect(page.workers().filter((w) => /clip/.test(w.url()))).toHaveLength(0);
});
