/**
 * A hook for the end-to-end tests, like `window.__tpi` in main.tsx: renders a job in the
 * page's real worker pool and returns the pixels and PNG as base64, so that a test can check
 * drawing in Chromium and compare it with the Node renderer.
 */
import { renderPool } from '../../tpi/render-client.ts';
import type { RenderJob, TpiMeta } from '../../tpi/render.ts';

function base64(bytes: Uint8Array | Uint8ClampedArray): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function render(job: RenderJob): Promise<{ meta: TpiMeta; rgba: string; png: string }> {
  const r = await renderPool().render(job, { pixels: true, png: true });
  return { meta: r.meta, rgba: base64(r.pixels!), png: base64(r.png!) };
}

(window as unknown as { __tpiPrint: unknown }).__tpiPrint = { render, poolSize: () => renderPool().size };
