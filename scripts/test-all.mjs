#!/usr/bin/env node
// `npm test`: every suite in order (unit tests in Node, the production build, end-to-end
// tests in Chromium against it), then one line with the totals: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

// WebGPU in Node (Dawn) finds Chromium's SwiftShader Vulkan driver through these two.
const env = {
  ...process.env,
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? '/usr/lib/chromium/vk_swiftshader_icd.json',
  LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
};
const run = (cmd, args, extra = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extra } }).status ?? 1;

run('node', ['scripts/ensure-install.mjs']);
mkdirSync('test-results', { recursive: true });
let passed = 0;
let failed = 0;

// 1. Unit and Node integration tests (Vitest).
rmSync('test-results/unit.json', { force: true });
const unitStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json'], {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ./scripts/node20-polyfill.mjs`,
});
if (existsSync('test-results/unit.json')) {
  const r = JSON.parse(readFileSync('test-results/unit.json', 'utf8'));
  passed += r.numPassedTests;
  // A suite that fails to load has no tests; count it as one failure.
  failed += r.numFailedTests + r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} else if (unitStatus !== 0) failed += 1;

// 2. Type check and production build; counted as one test each.
for (const [name, args] of [['typecheck', ['tsc', '-p', 'tsconfig.json', '--noEmit']], ['build', ['vite', 'build']]]) {
  const ok = run('npx', args) === 0;
  console.log(`${ok ? '✓' : '✗'} ${name}`);
  ok ? passed++ : failed++;
}

// 3. End-to-end tests in Chromium (skipped with a failure when the browser is missing).
const chromium = process.env.TPI_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`Chromium not found at ${chromium}: install it (apt-get install chromium) or set TPI_CHROMIUM.`);
  failed++;
} else if (!existsSync('dist/index.html')) {
  console.error('No build to test end to end (dist/index.html is missing).');
  failed++;
} else {
  rmSync('test-results/e2e.json', { force: true });
  const e2eStatus = run('npx', ['playwright', 'test']);
  let counted = 0;
  if (existsSync('test-results/e2e.json')) {
    const s = JSON.parse(readFileSync('test-results/e2e.json', 'utf8')).stats;
    passed += s.expected + (s.flaky ?? 0);
    failed += counted = s.unexpected;
  }
  // Playwright can fail before any test (no browser, the server's port taken): count it.
  if (e2eStatus !== 0 && counted === 0) failed++;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
