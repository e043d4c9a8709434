/** Model resolution for the CLI: a registry id (local models from ./models) or a directory. */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import { findModel } from '../vlm/registry.ts';
import { UsageError } from './args.ts';

const PROJECT_MODELS = resolve(import.meta.dirname, '..', '..', 'models');

/** Points transformers.js at the model and returns the id to load it by. */
export function resolveModel(idOrPath: string): { modelId: string; source: 'local' | 'hub' } {
  const entry = findModel(idOrPath);
  if (entry?.source === 'hub') {
    env.allowRemoteModels = true;
    env.allowLocalModels = false;
    return { modelId: entry.id, source: 'hub' };
  }
  const dir = entry ? join(PROJECT_MODELS, entry.id) : resolve(idOrPath);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`Model "${idOrPath}" is neither a known model id nor a directory.`);
  }
  if (!existsSync(join(dir, 'config.json'))) throw new UsageError(`${dir} has no config.json: not a model directory.`);
  env.localModelPath = dirname(dir) + '/';
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  return { modelId: basename(dir), source: 'local' };
}
