/**
 * Node-only file handling for the trainer (CLI, tests, benchmark): the language model's config
 * and frozen tensors from a local model folder or the Hub (cached under ~/.cache), and PEFT
 * adapter folders. Never import from browser code.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { llamaConfigFrom } from './config.ts';
import { fetchHubWeights, type ByteCache } from './hub-weights.ts';
import { PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE, type PeftFiles } from './peft.ts';
import { readSafetensors, type HostTensor } from './safetensors.ts';
import { isLanguageModelTensor, type LoadedLanguageModel } from './weights.ts';

export type { LoadedLanguageModel } from './weights.ts';

export function nodeFileCache(dir = process.env.TPI_CACHE ?? path.join(homedir(), '.cache', 'tpi-playground', 'hub')): ByteCache {
  const file = (key: string) => path.join(dir, key.replace(/[^\w.@-]+/g, '_'));
  return {
    async get(key) {
      return existsSync(file(key)) ? new Uint8Array(await readFile(file(key))) : null;
    },
    async put(key, bytes) {
      await mkdir(dir, { recursive: true });
      await writeFile(file(key), bytes);
    },
  };
}

/** From a model folder (config.json + model.safetensors or its shards). */
export async function loadLocalLanguageModel(dir: string): Promise<LoadedLanguageModel> {
  const config = llamaConfigFrom(JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')));
  const want = (n: string) => isLanguageModelTensor(config, n);
  const tensors = new Map<string, HostTensor>();
  const index = path.join(dir, 'model.safetensors.index.json');
  const files = existsSync(index)
    ? [...new Set(Object.values(JSON.parse(await readFile(index, 'utf8')).weight_map as Record<string, string>))]
    : ['model.safetensors'];
  for (const f of files) {
    const p = path.join(dir, f);
    if (!existsSync(p)) throw new Error(`${p} is missing: the trainer needs the model's safetensors weights.`);
    for (const [k, v] of readSafetensors(new Uint8Array(await readFile(p)), want)) tensors.set(k, v);
  }
  return { config, tensors, source: dir };
}

/** From the Hugging Face Hub: only the language-model tensors, by range requests, cached. */
export async function loadHubLanguageModel(repo: string, onProgress?: (loaded: number, total: number) => void): Promise<LoadedLanguageModel> {
  const want = (n: string) => n.includes('text_model.') || n === 'lm_head.weight' || (n.startsWith('model.') && !n.includes('vision') && !n.includes('connector'));
  const hub = await fetchHubWeights(repo, want, { cache: nodeFileCache(), onProgress });
  return { config: llamaConfigFrom(hub.config), tensors: hub.tensors, source: `https://huggingface.co/${repo}` };
}

export async function saveAdapter(dir: string, files: PeftFiles, extra: Record<string, string> = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, PEFT_CONFIG_FILE), files.config);
  await writeFile(path.join(dir, PEFT_WEIGHTS_FILE), files.weights);
  for (const [name, text] of Object.entries(extra)) await writeFile(path.join(dir, name), text);
}

export async function readAdapter(dir: string): Promise<PeftFiles> {
  const c = path.join(dir, PEFT_CONFIG_FILE);
  const w = path.join(dir, PEFT_WEIGHTS_FILE);
  if (!existsSync(c) || !existsSync(w)) throw new Error(`${dir} is not a PEFT adapter folder (needs ${PEFT_CONFIG_FILE} and ${PEFT_WEIGHTS_FILE}).`);
  return { config: await readFile(c, 'utf8'), weights: new Uint8Array(await readFile(w)) };
}
