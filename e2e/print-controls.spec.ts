/** The Print view's controls as a keyboard user meets them: typing numbers, layout, narrow screens, reloads, focus. */
import type { Page } from '@playwright/test';
import { expect, openPrint, savedDraft, test } from './fixtures.ts';

const open = openPrint;
const info = (page: Page) => page.getByTestId('tpi-info');


test('number fields show what is typed, apply valid values and revert invalid ones', async ({ page }) => {
  await open(page);
  await page.getByLabel('Text to print').fill('Typed, not filled.');
  const max = page.getByLabel('Max font size (px)');
  await max.selectText();
  await page.keyboard.type('2');
  // "2" is below the minimum font size: shown as typed, marked invalid, the setting unchanged.
  await expect(max).toHaveValue('2');
  await expect(max).toHaveAttribute('aria-invalid', 'true');
  await expect(max).toHaveAccessibleDescription(/^\d+–512$/);
  await page.keyboard.type('0');
  await expect(max).toHaveValue('20');
  await expect(max).not.toHaveAttribute('aria-invalid', 'true');
  await expect(info(page)).toContainText('font size 20 px');

  const size = page.getByLabel('Canvas size (px)');
  await size.selectText();
  await page.keyboard.type('200');
  await expect(size).toHaveValue('200');
  await expect(info(page)).toContainText('200×200');
  // Arrow keys step the value.
  await page.keyboard.press('ArrowUp');
  await expect(size).toHaveValue('201');
  await expect(info(page)).toContainText('201×201');
  // The box can be cleared; the setting stays until a valid value is typed, and blur reverts.
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await expect(size).toHaveValue('');
  await expect(size).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('16–4096', { exact: true })).toBeVisible();
  await page.keyboard.type('5');
  await expect(size).toHaveValue('5');
  await page.keyboard.press('Enter');
  await expect(size).toHaveValue('201');
  await expect(size).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('16–4096', { exact: true })).toHaveCount(0);
  // A pasted value out of range does not change the setting either; leaving the box reverts it.
  await size.fill('5000');
  await expect(size).toHaveValue('5000');
  await expect(size).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Text to print').focus();
  await expect(size).toHaveValue('201');
  await expect(info(page)).toContainText('201×201');
});

test('the editor keeps its width when the text overflows', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await open(page);
  const editor = page.getByRole('region', { name: 'Text and settings' });
  const preview = page.getByRole('region', { name: 'Printed image' });
  await page.getByLabel('Text to print').fill('A short line.');
  await expect(info(page)).toContainText('fits');
  const before = { editor: (await editor.boundingBox())!, preview: (await preview.boundingBox())! };
  await page.getByLabel('Text to print').fill('overflowing text '.repeat(600));
  await expect(info(page)).toContainText('overflow');
  const after = { editor: (await editor.boundingBox())!, preview: (await preview.boundingBox())! };
  expect(after.editor.width).toBeCloseTo(before.editor.width, 0);
  expect(after.preview.width).toBeCloseTo(before.preview.width, 0);
  const select = (await page.getByLabel('Preset').boundingBox())!;
  expect(select.x + select.width).toBeLessThanOrEqual(after.editor.x + after.editor.width + 0.5);
});

test('on a narrow screen the Print view is one column and does not scroll sideways', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page);
  await page.getByLabel('Text to print').fill('overflowing text '.repeat(600));
  await expect(info(page)).toContainText('overflow');
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
  for (const el of [page.getByLabel('Text to print'), page.getByLabel('Preset'), page.getByTestId('tpi-preview')]) {
    const box = (await el.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
});

test('a save still waiting when the page is hidden or closed is made then', async ({ page }) => {
  await page.clock.install();
  await open(page);
  await page.clock.pauseAt(Date.now() + 1000); // the draft's debounce timer will not fire by itself now
  await page.getByLabel('Text to print').fill('Typed right before the reload.');
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide')));
  await expect.poll(() => savedDraft(page), { timeout: 5000 }).toContain('Typed right before the reload.');
  await page.reload();
  await expect(page.getByLabel('Text to print')).toHaveValue('Typed right before the reload.');
});

test('"Ask about this image" moves focus to the question box', async ({ page }) => {
  await open(page);
  await page.getByLabel('Text to print').fill('A black cat.');
  const button = page.getByRole('button', { name: 'Ask about this image' });
  await expect(button).toBeEnabled();
  await button.click();
  await expect(page).toHaveURL(/#\/ask$/);
  await expect(page.getByLabel('Question')).toBeFocused();
});

test('Render all and Cancel pass focus to each other instead of dropping it', async ({ page }) => {
  await openPrint(page);
  const rows = ['text'];
  for (let i = 0; i < 2000; i++) rows.push(`Record ${i} of a batch long enough to cancel.`);
  await page.getByLabel('Import dataset (JSONL or CSV)').setInputFiles({ name: 'focus.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await page.getByRole('button', { name: 'Render all' }).focus();
  await page.keyboard.press('Enter');
  const cancel = page.getByRole('region', { name: 'Batch' }).getByRole('button', { name: 'Cancel' });
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('batch-status')).toContainText('cancelled');
  await expect(page.getByRole('button', { name: 'Render all' })).toBeFocused();
});
