/** Device acquisition, caches, memory accounting and device loss, on Dawn in Node. */
import { describe, expect, it } from 'vitest';
import { grid } from './context.ts';
import { acquireDevice, assertCapable, describeAdapter, DeviceLostError, GpuUnavailableError, summarizeAdapter } from './device.ts';
import { acquireNodeDevice, dawnEnv } from './node.ts';
import { testGpu } from './test-gpu.ts';

const DOUBLE = `struct P { n: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) { if (g.x < p.n) { x[g.x] = x[g.x] * 2.0; } }`;

describe('WebGPU device (Node, Dawn)', () => {
  it('acquires an adapter and describes it', async () => {
    const ctx = await testGpu();
    expect(ctx.adapter.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(8);
    expect(describeAdapter(ctx.adapter)).toMatch(/shader-f16/);
    expect(ctx.isLost).toBe(false);
  });

  it('caches pipelines by source, batches dispatches and counts live and peak bytes', async () => {
    const ctx = await testGpu();
    const before = { ...ctx.stats };
    const a = ctx.createBuffer(400, 'a');
    const b = ctx.createBuffer(1000, 'b');
    expect(ctx.stats.liveBytes - before.liveBytes).toBe(1400);
    ctx.destroyBuffer(b);
    expect(ctx.stats.liveBytes - before.liveBytes).toBe(400);
    expect(ctx.stats.peakBytes).toBeGreaterThanOrEqual(before.liveBytes + 1400);
    ctx.upload(a, Float32Array.from({ length: 100 }, (_, i) => i));
    for (let k = 0; k < 3; k++) ctx.dispatch(DOUBLE, [a], { u: [100] }, [2]);
    expect(ctx.stats.pipelines - before.pipelines).toBe(1);
    const out = await ctx.readF32(a);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 8, 16, 24]);
    expect(ctx.stats.dispatches - before.dispatches).toBe(3);
    ctx.destroyBuffer(a);
  });

  it('spreads large 1-D dispatches over two grid dimensions', () => {
    expect(grid(100, 256)).toEqual([1, 1]);
    const [x, y] = grid(256 * 70000, 256);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y).toBeGreaterThanOrEqual(70000);
  });

  it('reports a lost device on the next read', async () => {
    const ctx = await acquireNodeDevice();
    const buf = ctx.createBuffer(16);
    ctx.device.destroy();
    await expect(ctx.read(buf)).rejects.toThrow(DeviceLostError);
    expect(ctx.isLost).toBe(true);
  });

  it('says clearly when there is no WebGPU or no adapter', async () => {
    await expect(acquireDevice(undefined)).rejects.toThrow(GpuUnavailableError);
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(acquireDevice(noAdapter, {}, ' Try X.')).rejects.toThrow(/no adapter was found\. Try X\./);
  });

  it('rejects adapters below the limits the kernels assume', async () => {
    const ctx = await testGpu();
    expect(() => assertCapable({ ...ctx.adapter, maxComputeInvocationsPerWorkgroup: 128 })).toThrow(/at least 256/);
    expect(summarizeAdapter).toBeTypeOf('function');
  });

  it('knows which environment Dawn needs for SwiftShader', () => {
    const env = dawnEnv({ VK_ICD_FILENAMES: '/x.json' });
    expect(env.VK_ICD_FILENAMES).toBeUndefined();
  });
});
