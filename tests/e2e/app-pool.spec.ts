// WorkerPool (comlink over module Web Workers) in a real browser: order, transfer of typed arrays,
// progress, a crashing worker failing the job with its message, cancel, unknown tasks.
import { expect, test } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  await page.goto('/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', '1');
});

test('pool runs tasks in order with progress and typed arrays intact', async ({ page }) => {
  const r = await page.evaluate(() => (window as any).imzlensHarness.poolEcho(9));
  expect(r.order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  expect(r.typed).toBe(true);
  expect(r.progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(r.concurrency).toBe(2);
});

test('a crashing worker fails the job with its message; the pool recovers', async ({ page }) => {
  const r = await page.evaluate(() => (window as any).imzlensHarness.poolCrash());
  expect(r.r.ok).toBe(false);
  expect(r.r.message).toContain('simulated worker crash');
  expect(r.again).toEqual({ ok: true, value: [7] });
});

test('cancel rejects with CancelledError and the pool respawns workers', async ({ page }) => {
  const r = await page.evaluate(() => (window as any).imzlensHarness.poolCancel());
  expect(r.r.ok).toBe(false);
  expect(r.r.name).toBe(r.cancelledName);
  expect(r.again).toEqual({ ok: true, value: [5] });
});

test('an unknown task is reported by name', async ({ page }) => {
  const r = await page.evaluate(() => (window as any).imzlensHarness.poolUnknown());
  expect(r.ok).toBe(false);
  expect(r.message).toContain("unknown task 'no-such-task'");
});
