/**
 * The language model's frozen weights from a Hugging Face Hub repo, fetching only what the
 * trainer needs: the safetensors header with two small HTTP range requests, then the wanted
 * tensors (merged into few ranges), each cached (Cache API in the browser, files in Node) so
 * a second run downloads nothing. Sharded checkpoints (model.safetensors.index.json) work too.
 */
import { decodeTensor, headerLength, parseHeader, type HostTensor, type TensorInfo } from './safetensors.ts';

export interface ByteCache {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

export interface HubOptions {
  fetch?: typeof fetch;
  cache?: ByteCache | null;
  host?: string;
  revision?: string;
  /** bytes fetched so far, total to fetch (reported per range) */
  onProgress?: (loaded: number, total: number) => void;
  /** ranges closer than this are fetched as one (default 1 MiB) */
  mergeGap?: number;
  /** the folder URL to read files from (a local model served by the app), instead of the Hub */
  baseUrl?: string;
}

export interface HubWeights {
  config: any;
  tensors: Map<string, HostTensor>;
  /** bytes downloaded (0 when everything came from the cache) */
  downloaded: number;
}

/** Browser cache: the Cache API under one named cache. */
export function cacheStorage(name = 'tpi-weights'): ByteCache {
  const url = (key: string) => `https://cache.local/${encodeURIComponent(key)}`;
  return {
    async get(key) {
      const hit = await (await caches.open(name)).match(url(key));
      return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
    },
    async put(key, bytes) {
      await (await caches.open(name)).put(url(key), new Response(bytes as BlobPart));
    },
  };
}

export async function fetchHubWeights(repo: string, want: (name: string) => boolean, o: HubOptions = {}): Promise<HubWeights> {
  const f = o.fetch ?? fetch;
  const base = o.baseUrl?.replace(/\/?$/, '/') ?? `${o.host ?? 'https://huggingface.co'}/${repo}/resolve/${o.revision ?? 'main'}/`;
  const cache = o.cache ?? null;
  const key = (s: string) => `${repo}@${o.revision ?? 'main'}/${s}`;
  let downloaded = 0;

  const get = async (file: string, range?: [number, number], optional = false): Promise<Uint8Array | null> => {
    const k = key(range ? `${file}#${range[0]}-${range[1]}` : file);
    const hit = await cache?.get(k);
    if (hit) return hit;
    if (optional && (await cache?.get(`${k}#missing`))) return null;
    const res = await f(base + file, range ? { headers: { Range: `bytes=${range[0]}-${range[1] - 1}` } } : {});
    if (optional && res.status === 404) {
      await cache?.put(`${k}#missing`, new Uint8Array(1));
      return null;
    }
    if (!res.ok) throw new Error(`${base + file}: HTTP ${res.status}`);
    let bytes = new Uint8Array(await res.arrayBuffer());
    // A server that ignores Range answers 200 with the whole file.
    if (range && res.status === 200) bytes = bytes.slice(range[0], range[1]);
    downloaded += bytes.length;
    await cache?.put(k, bytes);
    return bytes;
  };

  const config = JSON.parse(new TextDecoder().decode((await get('config.json'))!));
  const index = await get('model.safetensors.index.json', undefined, true);
  const files = new Map<string, string[]>(); // file → wanted names (empty: decide from its header)
  if (index) {
    const map: Record<string, string> = JSON.parse(new TextDecoder().decode(index)).weight_map;
    for (const [name, file] of Object.entries(map)) if (want(name)) files.set(file, [...(files.get(file) ?? []), name]);
  } else files.set('model.safetensors', []);

  const tensors = new Map<string, HostTensor>();
  const plans: { file: string; dataStart: number; start: number; end: number; items: [string, TensorInfo][] }[] = [];
  for (const [file, listed] of files) {
    const first8 = (await get(file, [0, 8]))!;
    const header = parseHeader(concat(first8, (await get(file, [8, 8 + headerLength(first8)]))!));
    const items = Object.entries(header.tensors)
      .filter(([name]) => (listed.length ? listed.includes(name) : want(name)))
      .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
    for (const item of items) {
      const [b, e] = item[1].data_offsets.map((x) => x + header.dataStart);
      const last = plans.at(-1);
      if (last && last.file === file && b - last.end <= (o.mergeGap ?? 1 << 20)) {
        last.end = Math.max(last.end, e);
        last.items.push(item);
      } else plans.push({ file, dataStart: header.dataStart, start: b, end: e, items: [item] });
    }
  }
  const total = plans.reduce((s, p) => s + p.end - p.start, 0);
  let loaded = 0;
  for (const p of plans) {
    const bytes = (await get(p.file, [p.start, p.end]))!;
    for (const [name, info] of p.items) {
      const [b, e] = info.data_offsets.map((x) => x + p.dataStart - p.start);
      tensors.set(name, { shape: info.shape, data: decodeTensor(info.dtype, bytes.subarray(b, e)) });
    }
    loaded += p.end - p.start;
    o.onProgress?.(loaded, total);
  }
  return { config, tensors, downloaded };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
