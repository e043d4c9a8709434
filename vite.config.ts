import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Cross-origin isolation, so ONNX Runtime can use threaded WASM (SharedArrayBuffer). */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const MODELS_DIR = resolve(import.meta.dirname, "models");
const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * Serves `models/` at `<base>models/` with real 404s (Vite would answer a missing file with
 * index.html and status 200, which transformers.js then fails to parse as JSON), and copies
 * it into the build so a static host serves the local models too.
 */
function localModels(): Plugin {
  let base = '/';
  let outDir = 'dist';
  const middleware = (req: any, res: any, next: () => void) => {
    const url: string = (req.url ?? '').split('?')[0];
    const prefix = `${base}models/`;
    if (!url.startsWith(prefix)) return next();
    const rel = normalize(decodeURIComponent(url.slice(prefix.length)));
    const file = join(MODELS_DIR, rel);
    if (rel.startsWith('..') || !file.startsWith(MODELS_DIR) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain');
      res.end(`Not found: ${url}`);
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
    createReadStream(file).pipe(res);
  };
  return {
    name: 'tpi-local-models',
    configResolved(c) {
      base = c.base;
      outDir = resolve(c.root, c.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
    closeBundle() {
      if (existsSync(MODELS_DIR)) cpSync(MODELS_DIR, join(outDir, 'models'), { recursive: true });
    },
  };
}

export default defineConfig({
  base: process.env.TPI_BASE ?? '/',
  plugins: [react(), localModels()],
  server: { headers: isolation, port: 5173 },
  preview: { headers: isolation, port: 4173 },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
