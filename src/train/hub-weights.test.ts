/** Fetching only the language model's tensors by HTTP range requests, against a fake Hub. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchHubWeights, type ByteCache } from './hub-weights.ts';
import { readSafetensors } from './safetensors.ts';

const DIR = path.resolve(import.meta.dirname, '../../models/tiny-random-smolvlm');
const files: Record<string, Uint8Array> = {
  'config.json': new Uint8Array(readFileSync(path.join(DIR, 'config.json'))),
  'model.safetensors': new Uint8Array(readFileSync(path.join(DIR, 'model.safetensors'))),
};

/** A Hub that serves `files`, honouring Range (or not), and counts what it sends. */
function fakeHub(honourRange = true) {
  const log = { requests: 0, bytes: 0 };
  const fetchFn = (async (url: string, init?: RequestInit) => {
    log.requests++;
    const name = url.split('/resolve/main/')[1];
    const body = files[name];
    if (!body) return new Response('not found', { status: 404 });
    const range = (init?.headers as Record<string, string> | undefined)?.Range?.match(/bytes=(\d+)-(\d+)/);
    const part = range && honourRange ? body.slice(Number(range[1]), Number(range[2]) + 1) : body;
    log.bytes += part.length;
    return new Response(part as BlobPart, { status: range && honourRange ? 206 : 200 });
  }) as typeof fetch;
  return { fetch: fetchFn, log };
}

function memoryCache(): ByteCache {
  const m = new Map<string, Uint8Array>();
  return { get: async (k) => m.get(k) ?? null, put: async (k, b) => void m.set(k, b) };
}

const want = (n: string) => n.startsWith('model.text_model.') || n === 'lm_head.weight';

describe('language-model weights from the Hub', () => {
  it('fetches only the wanted tensors, identical to reading the whole file, then hits the cache', async () => {
    const hub = fakeHub();
    const cache = memoryCache();
    const first = await fetchHubWeights('org/tiny', want, { fetch: hub.fetch, cache });
    const local = readSafetensors(files['model.safetensors'], want);
    expect([...first.tensors.keys()].sort()).toEqual([...local.keys()].sort());
    for (const [k, v] of local) expect(first.tensors.get(k)!.data).toEqual(v.data);
    expect(first.config.text_config.hidden_size).toBe(64);
    expect(hub.log.bytes).toBeLessThan(files['model.safetensors'].length); // the vision tensors stay on the server
    const before = hub.log.requests;
    const second = await fetchHubWeights('org/tiny', want, { fetch: hub.fetch, cache });
    expect(second.downloaded).toBe(0);
    expect(hub.log.requests).toBe(before + 0);
  });

  it('works with a server that ignores Range, and reports a missing repo', async () => {
    const hub = fakeHub(false);
    const w = await fetchHubWeights('org/tiny', want, { fetch: hub.fetch });
    expect(w.tensors.get('lm_head.weight')!.shape).toEqual([640, 64]);
    await expect(fetchHubWeights('org/tiny', want, { fetch: (async () => new Response('', { status: 401 })) as unknown as typeof fetch })).rejects.toThrow(/HTTP 401/);
  });
});
