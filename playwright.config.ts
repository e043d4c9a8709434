import { defineConfig } from '@playwright/test';
import { CHROMIUM, QUIET_FLAGS } from './e2e/flags.ts';

const PORT = Number(process.env.TPI_E2E_PORT ?? 4391);

/**
 * End-to-end tests against the built app (vite preview), in the system Chromium.
 * Set TPI_CHROMIUM to use another Chromium-family browser.
 */

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    launchOptions: { executablePath: CHROMIUM, args: [...QUIET_FLAGS, '--enable-unsafe-webgpu'] },
    trace: 'off',
    // The service worker would hide requests from page.route; offline.spec.ts allows it.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --host localhost`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
