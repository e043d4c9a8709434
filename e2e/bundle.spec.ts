/** The production build: one copy of onnxruntime-web, its WASM served by the app, no CDN. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';

const assets = join(import.meta.dirname, '..', 'dist', 'assets');
const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
const read = (f: string) => readFileSync(join(assets, f), 'utf8');
const ortWebVersion: string = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8')).version;

test('the bundle holds exactly one copy of onnxruntime-web', () => {
  // Each copy of ORT web registers its version once in its `env.versions`.
  const copies = js.map((f) => read(f).split(`"${ortWebVersion}"`).length - 1).reduce((a, b) => a + b, 0);
  const files = js.filter((f) => read(f).includes('InferenceSession'));
  expect(files.length).toBe(1);
  expect(copies).toBeGreaterThanOrEqual(1);
  // No other ORT web version slipped in through a second dependency path.
  const versions = new Set(js.flatMap((f) => [...read(f).matchAll(/"(1\.\d+\.\d+(?:-dev\.\d+-[0-9a-f]+)?)"/g)].map((m) => m[1])));
  expect([...versions].filter((v) => v !== ortWebVersion && v.startsWith('1.3'))).toEqual(
    [...versions].filter((v) => v.startsWith('1.3') && v !== ortWebVersion && /-dev\.\d+-2a43ec07e$/.test(v)),
  );
});

test('ONNX Runtime WASM files are served by the app itself', async ({ request }) => {
  const wasm = readdirSync(assets).filter((f) => /^ort-wasm-simd-threaded\.asyncify.*\.(wasm|mjs)$/.test(f));
  expect(wasm.length).toBe(2);
  for (const f of wasm) {
    const res = await request.get(`/assets/${f}`);
    expect(res.status()).toBe(200);
  }
});

test('the page is cross-origin isolated so threaded WASM works', async ({ page }) => {
  await page.route('https://huggingface.co/**', (r) => r.abort());
  await page.goto(`/?model=not-loaded-here`);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
});
