import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the built app (vite preview), in the system Chromium.
 * Set TPI_CHROMIUM to use another Chromium-family browser.
 */
const chromium = process.env.TPI_CHROMIUM ?? '/usr/bin/chromium';
export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
];

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'test-results/e2e.json' }]] : [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: 'http://localhost:4173',
    launchOptions: { executablePath: chromium, args: [...QUIET_FLAGS, '--enable-unsafe-webgpu'] },
    trace: 'off',
  },
  webServer: {
    command: 'npx vite preview --port 4173 --strictPort --host localhost',
    url: 'http://localhost:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
