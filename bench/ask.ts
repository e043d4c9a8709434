/**
 * `npm run bench:ask`: the app against a bare onnxruntime-web loop, on the tiny model, on WASM
 * and on WebGPU in headless Chromium, in the same run. Prints load time, image-encode time,
 * time to first token, tokens/s and the follow-up's time to first token, with ratios.
 *
 *   npm run bench:ask [-- --reps 3 --devices wasm,webgpu]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AutoProcessor, env, RawImage } from '@huggingface/transformers';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, QUIET_FLAGS } from '../e2e/flags.ts';
import type { BareInputs, BareResult } from './bare.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, devices: { type: 'string', default: 'wasm,webgpu' } } });
const reps = Number(values.reps);
const devices = values.devices!.split(',') as ('wasm' | 'webgpu')[];
const PORT = 4174;
const Q1 = 'What animal is this?';
const Q2 = 'And what colour is it?';
const IMAGE = join(root, 'e2e', 'fixtures', 'chelsea-small.png');
const NEW_TOKENS = 256; // the engine's default answer limit; the tiny model never stops earlier

interface Figures {
  prepMs: number;
  loadMs: number;
  encodeMs: number;
  ttftMs: number;
  tokensPerSecond: number;
  followTtftMs: number;
}

async function bareInputs(device: 'wasm' | 'webgpu'): Promise<BareInputs> {
  env.localModelPath = join(root, 'models') + '/';
  env.allowRemoteModels = false;
  const processor = await AutoProcessor.from_pretrained('tiny-random-smolvlm');
  const config = JSON.parse(readFileSync(join(root, 'models', 'tiny-random-smolvlm', 'config.json'), 'utf8'));
  const image = await RawImage.fromBlob(new Blob([readFileSync(IMAGE)]));
  const chat = (msgs: unknown[]) => processor.apply_chat_template(msgs as never, { add_generation_prompt: true }) as string;
  const first = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: Q1 }] }];
  const inputs = await processor(chat(first), [image]);
  const follow = '<end_of_utterance>\nUser: ' + Q2 + '<end_of_utterance>\nAssistant:';
  const tc = config.text_config;
  return {
    device,
    pixelValues: Array.from(inputs.pixel_values.data as Float32Array),
    pixelDims: inputs.pixel_values.dims,
    promptIds: Array.from(inputs.input_ids.data as BigInt64Array, Number),
    followIds: processor.tokenizer!.encode(follow, { add_special_tokens: false }),
    newTokens: NEW_TOKENS,
    imageTokenId: config.image_token_id,
    layers: tc.num_hidden_layers,
    kvHeads: tc.num_key_value_heads,
    headDim: tc.head_dim,
  };
}

async function appRun(browser: Browser, device: string): Promise<Figures & { device: string }> {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${PORT}/?model=tiny-random-smolvlm&device=${device}`);
  await page.getByTestId('model-status').getByText('Ready').waitFor({ timeout: 120_000 });
  await page.getByLabel('Image', { exact: true }).setInputFiles(IMAGE);
  const ask = async (q: string, i: number) => {
    await page.getByLabel('Question').fill(q);
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.getByTestId('turn').nth(i).and(page.locator('[data-streaming="false"]')).waitFor({ timeout: 300_000 });
  };
  await ask(Q1, 0);
  await ask(Q2, 1);
  const s = await page.evaluate(() => {
    const st = (window as any).__tpi.state();
    return { loaded: st.loaded, turns: st.turns.map((t: any) => t.stats) };
  });
  await page.close();
  const [a, b] = s.turns;
  if (a.newTokens !== NEW_TOKENS) throw new Error(`the app generated ${a.newTokens} tokens, expected ${NEW_TOKENS}`);
  return { device: s.loaded.device, prepMs: a.imagePrepMs, loadMs: s.loaded.loadMs, encodeMs: a.imageEncodeMs, ttftMs: a.ttftMs, tokensPerSecond: a.tokensPerSecond, followTtftMs: b.ttftMs };
}

async function bareRun(browser: Browser, inputs: BareInputs): Promise<BareResult> {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${PORT}/bench/bare.html`);
  await page.waitForFunction(() => 'bareRun' in window);
  const r = await page.evaluate((inp) => (window as any).bareRun(inp), inputs);
  await page.close();
  return r;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  console.log('Building the app and the bare page…');
  const build = spawnSync('npx', ['vite', 'build', '--config', 'bench/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const server = spawn('npx', ['vite', 'preview', '--config', 'bench/vite.config.ts', '--port', String(PORT), '--strictPort', '--host', 'localhost'], { cwd: root, stdio: 'ignore', detached: true });
  try {
    await waitForServer(`http://localhost:${PORT}/`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...QUIET_FLAGS, '--enable-unsafe-webgpu'] });
    const probe = await browser.newPage();
    await probe.goto(`http://localhost:${PORT}/bench/bare.html`);
    const info = await probe.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? `${a.info.vendor} ${a.info.architecture}` : 'none';
    });
    console.log(`Chromium ${browser.version()}, WebGPU adapter: ${info}, ${reps} repetitions, ${NEW_TOKENS} new tokens, medians:\n`);
    for (const device of devices) {
      const inputs = await bareInputs(device);
      const app: Figures[] = [];
      const bare: BareResult[] = [];
      for (let r = 0; r < reps; r++) {
        const a = await appRun(browser, device);
        if (a.device !== device) throw new Error(`the app ran on ${a.device}, not ${device}`);
        app.push(a);
        bare.push(await bareRun(browser, inputs));
      }
      report(device, app, bare, bare[0].kvLocation);
    }
    await browser.close();
  } finally {
    try {
      process.kill(-server.pid!);
    } catch {
      // the server had already exited
    }
  }
}

function report(device: string, app: Figures[], bare: BareResult[], kv: string) {
  const rows: [string, keyof BareResult & keyof Figures, string][] = [
    ['load', 'loadMs', 'ms'],
    ['image encode', 'encodeMs', 'ms'],
    ['time to first token', 'ttftMs', 'ms'],
    ['tokens/s', 'tokensPerSecond', 'tok/s'],
    ['follow-up first token', 'followTtftMs', 'ms'],
  ];
  console.log(`${device} (bare loop's KV cache in: ${kv})`);
  console.log('  metric                  app        bare       app/bare');
  for (const [label, key, unit] of rows) {
    const a = median(app.map((x) => x[key]));
    const b = median(bare.map((x) => x[key]));
    const ratio = key === 'tokensPerSecond' ? b / a : a / b; // >1 means the app is slower
    console.log(`  ${label.padEnd(22)} ${fmt(a, unit).padStart(10)} ${fmt(b, unit).padStart(10)}   ${ratio.toFixed(2)}×`);
  }
  console.log(`  image preprocessing    ${fmt(median(app.map((x) => x.prepMs)), 'ms').padStart(10)}   (app only: the bare loop gets ready pixels)`);
  const speedup = median(app.map((x) => x.ttftMs / x.followTtftMs));
  console.log(`  follow-up speed-up (first / follow-up time to first token, app): ${speedup.toFixed(1)}×\n`);
}

const fmt = (v: number, unit: string) => (unit === 'ms' ? `${v.toFixed(1)} ms` : `${v.toFixed(1)}`);

async function waitForServer(url: string) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not start`);
}

await main();
