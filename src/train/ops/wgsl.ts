/**
 * Small WGSL templating shared by the kernels: the parameter struct and bindings in the order
 * GpuContext.dispatch() binds them (binding 0: uniform params, then storage buffers), and the
 * 1-D "one invocation per element" kernel shape with its 2-D grid linear index.
 */

/**
 * params: WGSL struct fields, u32 fields first then f32 fields (GpuContext writes them so).
 * buffers: 'name: array<f32>' (read-only) or 'mut name: array<f32>' (read_write), in order.
 */
export function header(params: string, buffers: readonly string[]): string {
  const lines = [`struct P { ${params} }`, '@group(0) @binding(0) var<uniform> p: P;'];
  buffers.forEach((b, i) => {
    const mut = b.startsWith('mut ');
    const decl = mut ? b.slice(4) : b;
    lines.push(`@group(0) @binding(${i + 1}) var<storage, ${mut ? 'read_write' : 'read'}> ${decl};`);
  });
  return lines.join('\n');
}

export const WG1D = 256;

/** A kernel over `p.n` elements: `body` sees `i` (the element index), already bounds-checked. */
export function kernel1d(params: string, buffers: readonly string[], body: string, prelude = ''): string {
  return `${header(params, buffers)}
${prelude}
@compute @workgroup_size(${WG1D})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * ${WG1D}u;
  if (i >= p.n) { return; }
${body}
}`;
}

/** The dropout hash of backend.ts, in WGSL. */
export const HASH_WGSL = `
fn hash32(x: u32) -> u32 {
  var h = x * 747796405u + 2891336453u;
  h = ((h >> ((h >> 28u) + 4u)) ^ h) * 277803737u;
  return (h >> 22u) ^ h;
}`;
