/**
 * The input tile size of each model in the registry, for the Print view's native preset: an
 * Idefics3 processor resizes every image (or tile) to `max_image_size.longest_edge` square.
 */
import { DEFAULT_NATIVE_SIZE } from '../tpi/job.ts';

const SIZES: Readonly<Record<string, number>> = {
  'HuggingFaceTB/SmolVLM-256M-Instruct': 512,
  'HuggingFaceTB/SmolVLM-500M-Instruct': 512,
  'tiny-random-smolvlm': 64, // its preprocessor_config.json: max_image_size.longest_edge
};

export function nativeSize(modelId: string): number {
  return SIZES[modelId] ?? DEFAULT_NATIVE_SIZE;
}
