#!/usr/bin/env node
// The `tpi` command. The engine is TypeScript shared with the page; tsx runs it as it is.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
