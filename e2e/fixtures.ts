/**
 * Shared e2e fixtures: every test records the page's network requests and fails if any went
 * to a host other than localhost (requests a test itself intercepts are listed separately).
 */
import { test as base, expect, type Page } from '@playwright/test';

export interface NetworkLog {
  external: string[];
  /** Hosts a test intercepts on purpose (e.g. the Hub, to simulate being offline). */
  allow(host: string): void;
}

export const test = base.extend<{ net: NetworkLog }>({
  net: [
    async ({ context }, use) => {
      const allowed = new Set<string>();
      const external: string[] = [];
      context.on('request', (req) => {
        const url = new URL(req.url());
        if (url.protocol === 'data:' || url.protocol === 'blob:') return;
        if (url.hostname === 'localhost' || url.hostname === '127.0.0.1') return;
        if (allowed.has(url.hostname)) return;
        external.push(req.url());
      });
      await use({ external, allow: (h) => allowed.add(h) });
      expect(external, 'requests to hosts other than localhost').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export const TINY = 'tiny-random-smolvlm';

export async function openWithModel(page: Page, device: 'webgpu' | 'wasm' | 'auto' = 'auto'): Promise<void> {
  await page.goto(`/?model=${TINY}&device=${device}`);
  await expect(page.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
}

export const alertBox = (page: Page) => page.getByRole('alert');

/** Picks an image file through the labelled file input, as a keyboard or mouse user would. */
export async function pickImage(page: Page, name: string, buffer: Buffer, mimeType = 'image/png'): Promise<void> {
  await page.getByLabel('Image', { exact: true }).setInputFiles({ name, mimeType, buffer });
}

export async function askAndWait(page: Page, question: string): Promise<string> {
  const turns = page.getByTestId('turn');
  const before = await turns.count();
  await page.getByLabel('Question').fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const turn = turns.nth(before);
  await expect(turn).toHaveAttribute('data-streaming', 'false', { timeout: 90_000 });
  return (await turn.getByTestId('answer-text').textContent()) ?? '';
}

/**
 * Makes the page's first call of `fn` (decoding an image, or reading a file's text) `ms` slower,
 * as on a loaded machine or with a big file; slowCallsDone waits until `n` calls have finished.
 */
export async function slowFirstCall(page: Page, fn: 'createImageBitmap' | 'Blob.text', ms: number): Promise<void> {
  await page.addInitScript(
    ([fn, ms]) => {
      const w = window as unknown as { __slowDone: number };
      w.__slowDone = 0;
      const owner = (fn === 'Blob.text' ? Blob.prototype : window) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const name = fn === 'Blob.text' ? 'text' : 'createImageBitmap';
      const original = owner[name];
      let calls = 0;
      owner[name] = function (this: unknown, ...args: unknown[]) {
        const self = owner === (window as unknown) ? window : this;
        return new Promise((r) => setTimeout(r, calls++ === 0 ? ms : 0))
          .then(() => original.apply(self, args))
          .finally(() => void w.__slowDone++);
      };
    },
    [fn, ms] as const,
  );
}

export async function slowCallsDone(page: Page, n: number): Promise<void> {
  await page.waitForFunction((n) => (window as unknown as { __slowDone: number }).__slowDone >= n, n);
}

/** The Print view with the tiny model selected, once its first preview is shown. */
export async function openPrint(page: Page): Promise<void> {
  await page.goto(`/?model=${TINY}&device=wasm#/print`);
  await expect(page.getByTestId('tpi-preview')).toBeVisible();
}

/** The Print view's draft as saved in IndexedDB, as JSON; '' when none is yet. */
export const savedDraft = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const req = indexedDB.open('tpi-print', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('kv');
        req.onsuccess = () => {
          const get = req.result.transaction('kv').objectStore('kv').get('draft');
          get.onsuccess = () => {
            resolve(get.result ? JSON.stringify(get.result) : '');
            req.result.close();
          };
        };
      }),
  );
