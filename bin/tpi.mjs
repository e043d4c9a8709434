#!/usr/bin/env node
// The `tpi` command. The engine is TypeScript shared with the page; tsx runs it as it is.
const argv = process.argv.slice(2);
if (argv[0] === 'render') {
  // Worker threads start now, while tsx and the command's modules load (src/cli/render-prestart.ts).
  // The bundle is there once `tpi render` has run with more than one worker; until then, nothing.
  try {
    (await import('../node_modules/.cache/tpi-render/render-prestart.mjs')).prestartRender(argv.slice(1));
  } catch {}
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(argv);
