// Segmentation (issue 14 §7) after the example job, in real Chromium: k outside 2–10 gets a clear message and no
// result; k = 3 gives a segment map over exactly the sample pixels (the counts add up to the mask's), a legend of 3
// with characteristic annotations, a painted map with the segments' colours; the same k again gives the same
// segments (seeded); the segments export as 3 'pixels' ROIs.
import { expect, test, type Page } from '@playwright/test';
import { runExample } from './job-form.ts';

const SHOTS = process.env.SHOT_DIR ?? '/tmp/s4-coloc-shots';

test('segmentation: k bounds, segment map, legend, determinism, export as ROIs', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  await runExample(page);
  const panel = page.getByTestId('seg-panel');
  await panel.locator('summary').click();
  const k = page.getByTestId('seg-k');
  for (const bad of ['1', '11', '2.5', '']) {
    await k.fill(bad);
    await page.getByTestId('seg-run').click();
    await expect(page.getByTestId('seg-error')).toContainText('from 2 to 10');
    await expect(page.getByTestId('seg-result')).toHaveCount(0);
  }
  await k.fill('3');
  await page.getByTestId('seg-run').click();
  const result = page.getByTestId('seg-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('seg-error')).toHaveCount(0);
  await expect(result).toHaveAttribute('data-k', '3');
  const counts = (await result.getAttribute('data-counts'))!.split(',').map(Number);
  expect(counts).toHaveLength(3);
  for (const c of counts) expect(c).toBeGreaterThan(0);
  for (let i = 1; i < 3; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]);
  await expect(page.getByTestId('seg-legend')).toHaveCount(3);

  // the map: transparent exactly off the sample, one of 3 colours on it; as many sample pixels as the counts sum
  const map = await page.getByTestId('seg-map').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Map<string, number>();
    let transparent = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) { transparent++; continue; }
      const key = `${d[i]},${d[i + 1]},${d[i + 2]}`;
      colours.set(key, (colours.get(key) ?? 0) + 1);
    }
    return { w: c.width, h: c.height, transparent, counts: [...colours.values()].sort((a, b) => b - a) };
  });
  expect(map.counts).toEqual(counts);
  expect(map.transparent + counts.reduce((a, b) => a + b, 0)).toBe(map.w * map.h);
  expect(map.transparent).toBeGreaterThan(0); // the example has off-sample pixels
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/seg-k3.png`, fullPage: true });
  await panel.screenshot({ path: `${SHOTS}/seg-k3-panel.png` });

  // k = 5, then 3 again: same segments as the first run
  await k.fill('5');
  await page.getByTestId('seg-run').click();
  await expect(result).toHaveAttribute('data-k', '5', { timeout: 60_000 });
  await expect(page.getByTestId('seg-legend')).toHaveCount(5);
  await panel.screenshot({ path: `${SHOTS}/seg-k5-panel.png` });
  await k.fill('3');
  await page.getByTestId('seg-run').click();
  await expect(result).toHaveAttribute('data-k', '3', { timeout: 60_000 });
  await expect(result).toHaveAttribute('data-counts', counts.join(','));

  await page.setViewportSize({ width: 1024, height: 768 });
  const detail = page.locator('section.detail');
  await expect.poll(() => detail.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
  await panel.screenshot({ path: `${SHOTS}/seg-1024-panel.png` });

  await page.getByTestId('seg-export').click();
  await expect(page.getByTestId('seg-note')).toContainText('3 segments added as ROIs');
  // the ROI tool lists them as pixel ROIs whose sizes are the legend's counts
  await page.getByTestId('roi-section').locator('summary').click();
  const items = page.getByTestId('roi-item');
  await expect(items).toHaveCount(3);
  const sizes = await items.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-pixels')}`));
  expect(sizes.sort()).toEqual(counts.map((c) => `pixels:${c}`).sort());
  expect(errors).toEqual([]);
});
