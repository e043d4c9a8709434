/**
 * WebGPU in Node through Dawn (the `webgpu` package). On a machine without a GPU, Dawn can run
 * on Chromium's bundled SwiftShader Vulkan driver (see docs/train-engine.md):
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
 *   LD_LIBRARY_PATH=/usr/lib/chromium   (only where the libvulkan1 package is absent)
 * VK_ICD_FILENAMES is read when Dawn starts Vulkan, so it can be set here; LD_LIBRARY_PATH is
 * read by the dynamic loader at process start, so it must come from the parent (or a re-exec).
 * Node only: never import this module from browser code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { GpuContext } from './context.ts';
import { acquireDevice, GpuUnavailableError, type AcquireOptions } from './device.ts';

export const CHROMIUM_DIR = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;

let dawn: GPU | null = null;

/** The environment Dawn needs to find a Vulkan driver; undefined values are left alone. */
export function dawnEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) out.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const ld = env.LD_LIBRARY_PATH ?? '';
  if (!systemVulkanLoader() && existsSync(`${CHROMIUM_DIR}/libvulkan.so.1`) && !ld.split(':').includes(CHROMIUM_DIR)) {
    out.LD_LIBRARY_PATH = ld ? `${ld}:${CHROMIUM_DIR}` : CHROMIUM_DIR;
  }
  return out;
}

function systemVulkanLoader(): boolean {
  if (process.platform !== 'linux') return true;
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'].some((d) => existsSync(`${d}/libvulkan.so.1`));
}

/** Hint appended to "no adapter" messages in Node. */
export function nodeGpuHint(): string {
  const missing = dawnEnv();
  const parts = Object.entries(missing).map(([k, v]) => `${k}=${v}`);
  if (parts.length > 0) return ` Run with ${parts.join(' ')} in the environment (Chromium's SwiftShader driver), or install a Vulkan driver.`;
  return ' Dawn found no Vulkan/Metal/D3D12 driver; on Linux without a GPU, install chromium and set VK_ICD_FILENAMES to its vk_swiftshader_icd.json.';
}

/** The Dawn GPU object (created once per process). */
export async function nodeGpu(): Promise<GPU> {
  if (dawn) return dawn;
  const env = dawnEnv();
  if (env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = env.VK_ICD_FILENAMES;
  let mod: { create(o: string[]): GPU; globals: object };
  try {
    mod = await import('webgpu');
  } catch (e) {
    throw new GpuUnavailableError(`The "webgpu" package (Dawn for Node) could not be loaded: ${e instanceof Error ? e.message : e}`);
  }
  Object.assign(globalThis, mod.globals);
  dawn = mod.create([]);
  return dawn;
}

/** A device in Node, or GpuUnavailableError with what to set. */
export async function acquireNodeDevice(opts: AcquireOptions = {}): Promise<GpuContext> {
  return acquireDevice(await nodeGpu(), opts, nodeGpuHint());
}

/**
 * For CLI entry points: when this process cannot load the Vulkan loader but Chromium's copy is
 * there, runs the same command again with LD_LIBRARY_PATH set and returns its exit status;
 * returns null when no re-run is needed (or it was already tried).
 */
export function rerunWithDawnEnv(entryScripts: readonly string[] = ['tpi', 'tpi.mjs']): number | null {
  const extra = dawnEnv();
  if (!extra.LD_LIBRARY_PATH || process.env.TPI_DAWN_RERUN) return null;
  // Only known entry scripts re-run themselves (never a test runner or another host process).
  const script = (process.argv[1] ?? '').split('/').at(-1) ?? '';
  if (!entryScripts.includes(script)) return null;
  const env = { ...process.env, ...extra, TPI_DAWN_RERUN: '1' };
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  return r.status ?? 1;
}
