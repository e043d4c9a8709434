import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
const roots = { '/tjs/': '/work/main/node_modules/@huggingface/transformers/dist/', '/ort/': '/work/main/node_modules/onnxruntime-web/dist/', '/models/': '/work/main/models/', '/': '/work/main/.scratch/' };
const types = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const server = http.createServer(async (req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]);
  const prefix = Object.keys(roots).find((p) => url.startsWith(p));
  try { const body = await readFile(roots[prefix] + url.slice(prefix.length));
    res.writeHead(200, { 'content-type': types[url.slice(url.lastIndexOf('.'))] ?? 'application/octet-stream', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }); res.end(body);
  } catch { res.writeHead(404); res.end(); }
}).listen(8765);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-features=Vulkan'] });
const page = await browser.newPage();
let done; const finished = new Promise((r) => (done = r));
page.on('console', (m) => { console.log(m.text()); if (m.text().startsWith('DONE') || m.text().startsWith('ERROR')) done(); });
page.on('pageerror', (e) => { console.log('pageerror', e); done(); });
await page.goto('http://localhost:8765/' + (process.argv[2] ?? 'page.html') + '');
await Promise.race([finished, new Promise((r) => setTimeout(r, 120000))]);
await browser.close(); server.close();
