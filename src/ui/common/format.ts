/** Display formatting shared by the views. */
import type { AskStats } from '../../vlm/protocol.ts';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatStats(s: AskStats): string[] {
  return [
    s.imageCached ? 'image encode: cached' : `image encode ${formatMs(s.imageEncodeMs)} (+ ${formatMs(s.imagePrepMs)} preprocessing)`,
    `first token ${formatMs(s.ttftMs)}`,
    `${s.tokensPerSecond.toFixed(1)} tokens/s`,
    `${s.device === 'webgpu' ? 'WebGPU' : 'WASM'} · ${s.dtype}`,
  ];
}
