#!/usr/bin/env node
// Installs npm dependencies when they are missing or older than package-lock.json, without
// onnxruntime-node's postinstall (it downloads from a non-npm host; the CPU binary ships in
// the package).
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const stamp = 'node_modules/.package-lock.json';
const stale = !existsSync(stamp) || (existsSync('package-lock.json') && statSync('package-lock.json').mtimeMs > statSync(stamp).mtimeMs);
if (stale) {
  console.log('Installing npm dependencies…');
  execSync('npm install --no-audit --no-fund', {
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}
