#!/usr/bin/env node
// The `tpi` command. The engine is TypeScript shared with the page; tsx runs it as it is.
const argv = process.argv.slice(2);
if (argv[0] === 'render') {
  // Less compiling than V8's defaults: each thread of a run compiles the rendering code anew, and
  // on a run of 1,000 texts that took about a quarter of all CPU time. Inlining at most 200
  // bytes of bytecode (default 920) took 10 % less CPU and ran 7 % faster, long runs too; tiering
  // up after twice the default budget (132,000), 3–5 % faster again (docs/bench-render.md).
  // Compile-time heuristics only, read when V8 next optimises.
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
  v8.setFlagsFromString('--interrupt-budget=132000');
  // Worker threads start now, while tsx and the command's modules load (src/cli/render-prestart.ts).
  // The bundle is there once `tpi render` has run with more than one worker; until then, nothing.
  try {
    (await import('../node_modules/.cache/tpi-render/render-prestart.mjs')).prestartRender(argv.slice(1));
  } catch {}
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
if (argv[0] === 'render') {
  // Now that the command's modules are loaded, the main thread's young generation grows once
  // more at most (to 4 MB semi-spaces, where V8 would take it to 8 or 16 MB over a run): each
  // page of new memory is a page fault (11 µs on the benchmark's VM), and rendering allocates
  // briefly-lived objects at a steady pace. About 1,100 fewer faults a run of 1,000 texts. The
  // worker threads' young generation has its own limit (render-prestart.ts).
  (await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
}
process.exitCode = await main(argv);
