/**
 * The WebGPU device for Node tests (Dawn). Fails with a clear message, never skips, when no
 * adapter exists: the GPU tests are part of the suite.
 */
import type { GpuContext } from './context.ts';
import { acquireNodeDevice } from './node.ts';

let shared: Promise<GpuContext> | null = null;

export function testGpu(): Promise<GpuContext> {
  shared ??= acquireNodeDevice().catch((e) => {
    throw new Error(`GPU tests need a WebGPU adapter in Node (Dawn): ${e instanceof Error ? e.message : e}`);
  });
  return shared;
}
