// The typed protocol between the page and the contrastive-lens worker (clip.worker.ts).

export type ClipRequest =
  | { type: 'load'; id: number; modelId: string; source: 'local' | 'hub' }
  | { type: 'image'; id: number; bytes: Uint8Array; name: string }
  | { type: 'text'; id: number; text: string };

export type ClipReply = { type: 'loaded'; id: number } | { type: 'vector'; id: number; vector: Float32Array } | { type: 'failed'; id: number; message: string };
