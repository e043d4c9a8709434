/** The production build: one copy of onnxruntime-web, its WASM served by the app, no CDN. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';

const assets = join(import.meta.dirname, '..', 'dist', 'assets');
const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
const read = (f: string) => readFileSync(join(assets, f), 'utf8');
const ortWebVersion: string = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-web', 'package.json'), 'utf8')).version;

test('the bundle holds exactly one copy of onnxruntime-web', () => {
  // Each copy of ORT web carries its licence banner once, with its version.
  const banners = js.flatMap((f) => [...read(f).matchAll(/ONNX Runtime Web v([\w.-]+)/g)].map((m) => m[1]));
  expect(banners).toEqual([ortWebVersion]);
  // The page's own chunk does not carry the runtime: only the engine worker does.
  const withRuntime = js.filter((f) => read(f).includes(ortWebVersion));
  expect(withRuntime).toHaveLength(1);
  expect(withRuntime[0]).toMatch(/^engine\.worker/);
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
