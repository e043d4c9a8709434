// The app's build plus the bare ONNX Runtime page of `npm run bench:ask`, into dist-bench/.
import { resolve } from 'node:path';
import { defineConfig, mergeConfig } from 'vite';
import app from '../vite.config.ts';

const root = resolve(import.meta.dirname, '..');
export default mergeConfig(
  app,
  defineConfig({
    root,
    build: {
      outDir: resolve(root, 'dist-bench'),
      emptyOutDir: true,
      rollupOptions: { input: { main: resolve(root, 'index.html'), bare: resolve(root, 'bench/bare.html') } },
    },
  }),
);
