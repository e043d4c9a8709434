/** Bad input gets a message in the alert and loses nothing: image, answers and model stay. */
import { readFileSync } from 'node:fs';
import { alertBox, askAndWait, expect, openWithModel, pickImage, test, TINY } from './fixtures.ts';

const cat = readFileSync(new URL('./fixtures/chelsea-small.png', import.meta.url));

/** A PNG whose header claims 30000×30000 pixels: refused before anything is decoded. */
function bombPng(): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(30000, 8);
  ihdr.writeUInt32BE(30000, 12);
  ihdr.set([8, 2, 0, 0, 0], 16);
  const end = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  return Buffer.concat([cat.subarray(0, 8), ihdr, Buffer.alloc(64), end]);
}

test('bad files are refused with a message; the previous image and answers stay', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await pickImage(page, 'chelsea.png', cat);
  const answer = await askAndWait(page, 'What is this?');
  const cases: [string, Buffer, RegExp][] = [
    ['notes.txt', Buffer.from('hello, not an image'), /not an image/],
    ['empty.png', Buffer.alloc(0), /empty/],
    ['cut.png', cat.subarray(0, Math.floor(cat.length / 2)), /truncated/],
    ['bomb.png', bombPng(), /30000×30000/],
    ['drawing.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), /SVG.*not supported/],
    ['scan.tiff', Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 0, 0, 0, 0]), /TIFF.*not supported/],
  ];
  for (const [name, bytes, message] of cases) {
    await pickImage(page, name, bytes, 'application/octet-stream');
    await expect(alertBox(page)).toContainText(message);
    await expect(page.getByRole('img', { name: /chelsea\.png/ })).toBeVisible();
    await expect(page.getByTestId('turn').first().getByTestId('answer-text')).toHaveText(answer);
  }
  // The model is still usable afterwards.
  await askAndWait(page, 'Anything else?');
  await expect(page.getByTestId('turn')).toHaveCount(2);
});

test('an empty question is refused', async ({ page }) => {
  await openWithModel(page, 'wasm');
  await pickImage(page, 'chelsea.png', cat);
  await page.getByLabel('Question').fill('   ');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(alertBox(page)).toContainText('Type a question');
  await expect(page.getByTestId('turn')).toHaveCount(0);
});

test('an unknown ?model id says so and lists the known models', async ({ page }) => {
  await page.route('https://huggingface.co/**', (r) => r.abort());
  await page.goto('/?model=not-a/real-model');
  await expect(alertBox(page)).toContainText('Unknown model "not-a/real-model"');
  await expect(alertBox(page)).toContainText(TINY);
});

test('a missing model file gives a real 404 and a clear message; the loaded model stays', async ({ page, request }) => {
  expect((await request.get('/models/tiny-random-smolvlm/no-such-file.json')).status()).toBe(404);
  await openWithModel(page, 'wasm');
  await pickImage(page, 'chelsea.png', cat);
  await askAndWait(page, 'What is this?');
  // The model files are in the browser's cache now; clear it so the reload fetches again.
  await page.getByRole('button', { name: 'Clear cached models' }).click();
  await expect(page.getByTestId('model-status')).toContainText('Cached model files were deleted');
  // Point the decoder's URL at a path the server does not have: the server answers 404.
  await page.route('**/models/tiny-random-smolvlm/onnx/decoder_model_merged.onnx', (r) =>
    r.continue({ url: new URL('/models/tiny-random-smolvlm/onnx/gone.onnx', page.url()).href }),
  );
  await page.getByRole('button', { name: 'Reload model' }).click();
  await expect(alertBox(page)).toContainText(/missing/i);
  await expect(alertBox(page)).toContainText('still loaded');
  expect(await askAndWait(page, 'Still there?')).not.toBe('');
});

test('a corrupt model file gives a clear message', async ({ page }) => {
  await page.route('**/models/tiny-random-smolvlm/onnx/decoder_model_merged.onnx', (r) =>
    r.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from('this is not an onnx model at all') }),
  );
  await page.goto(`/?model=${TINY}&device=wasm`);
  await expect(alertBox(page)).toContainText(/damaged|failed/i);
  await expect(page.getByTestId('model-status')).toContainText('No model loaded');
});

test('with the Hub unreachable the app says so and offers the local model', async ({ page, net }) => {
  net.allow('huggingface.co');
  await page.route('https://huggingface.co/**', (r) => r.abort('internetdisconnected'));
  await page.goto('/');
  await expect(alertBox(page)).toContainText('Hugging Face Hub cannot be reached');
  await page.getByRole('button', { name: /Use Tiny random SmolVLM/ }).click();
  await expect(page.getByTestId('model-status')).toContainText(`Ready: ${TINY}`, { timeout: 90_000 });
});

test('a lost GPU device mid-answer is reported; image and answers survive and the model reloads', async ({ page }) => {
  await openWithModel(page, 'webgpu');
  await pickImage(page, 'chelsea.png', cat);
  const answer = await askAndWait(page, 'What is this?');
  await page.getByLabel('Question').fill('Tell me more, at length.');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(page.getByTestId('turn').nth(1).getByTestId('answer-text')).not.toHaveText('');
  await page.evaluate(() => (window as unknown as { __tpi: { loseDevice(): Promise<void> } }).__tpi.loseDevice());
  await expect(alertBox(page)).toContainText('GPU device was lost');
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  await expect(page.getByRole('img', { name: /chelsea\.png/ })).toBeVisible();
  await expect(page.getByTestId('turn').first().getByTestId('answer-text')).toHaveText(answer);
  await askAndWait(page, 'Are you back?');
  await expect(page.getByTestId('turn')).toHaveCount(3);
});
