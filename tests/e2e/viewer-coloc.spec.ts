// Related annotations (issue 14 §4) after the example job, in real Chromium: the list for the selected annotation is
// ranked by score, holds only partners ≥ 0.3 (METASPACE's rule), never the annotation itself; a click selects the
// partner, whose own list then holds the first annotation with the same score (the matrix is symmetric and
// computed once per job, not per selection).
import { expect, test, type Page } from '@playwright/test';
import { runExample } from './job-form.ts';

const SHOTS = process.env.SHOT_DIR ?? '/tmp/s4-coloc-shots';

async function scores(page: Page): Promise<{ ion: string; score: number }[]> {
  return page.getByTestId('coloc-item').evaluateAll((els) => els.map((e) => ({ ion: e.getAttribute('data-ion')!, score: Number(e.getAttribute('data-score')) })));
}

test('related annotations: ranked partners, click selects, symmetric scores', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  await runExample(page);
  const panel = page.getByTestId('coloc-panel');
  await panel.locator('summary').click();
  await expect(page.getByTestId('coloc-busy').or(page.getByTestId('coloc-list')).first()).toBeVisible();
  // the selected annotation (best MSM) is in the FDR ≤ 20 % set: a list or "no partner ≥ 0.3"
  await expect(page.getByTestId('coloc-list').or(page.getByTestId('coloc-none'))).toBeVisible({ timeout: 60_000 });
  if (await page.getByTestId('coloc-none').isVisible()) await page.getByTestId('coloc-show-all').check();
  const list = page.getByTestId('coloc-list');
  await expect(list).toBeVisible();
  const first = (await list.getAttribute('data-for'))!;
  await expect(page.getByTestId('main-image')).toHaveAttribute('data-ion', first);
  const a = await scores(page);
  expect(a.length).toBeGreaterThan(0);
  expect(a.map((x) => x.ion)).not.toContain(first);
  for (let i = 1; i < a.length; i++) expect(a[i].score).toBeLessThanOrEqual(a[i - 1].score);
  for (const x of a) expect(x.score).toBeLessThanOrEqual(1.000001);
  const showAll = await page.getByTestId('coloc-show-all').isChecked();
  if (!showAll) for (const x of a) expect(x.score).toBeGreaterThanOrEqual(0.3);
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/coloc-1.png`, fullPage: true });

  // click the best enabled partner → it is selected; its list names the first one with the same score
  const target = page.locator('[data-testid=coloc-item]:not([disabled])').first();
  const partner = (await target.getAttribute('data-ion'))!;
  const score = Number(await target.getAttribute('data-score'));
  await target.click();
  await expect(page.getByTestId('main-image')).toHaveAttribute('data-ion', partner, { timeout: 30_000 });
  await expect(list).toHaveAttribute('data-for', partner);
  // the partner's list may hold the first annotation only above 0.3 or with "show all"
  if (score < 0.3) await expect(page.getByTestId('coloc-show-all')).toBeChecked();
  const back = page.locator(`[data-testid=coloc-item][data-ion="${first}"]`);
  await expect(back).toHaveCount(1);
  expect(Number(await back.getAttribute('data-score'))).toBeCloseTo(score, 5);
  await page.screenshot({ path: `${SHOTS}/coloc-2.png`, fullPage: true });

  // at the smallest supported window the list stays inside the viewer panel (no sideways scrolling)
  await page.setViewportSize({ width: 1024, height: 768 });
  await list.scrollIntoViewIfNeeded();
  const detail = page.locator('section.detail');
  await expect.poll(() => detail.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
  await panel.screenshot({ path: `${SHOTS}/coloc-1024.png` });
  await page.screenshot({ path: `${SHOTS}/coloc-1024-page.png` });
  expect(errors).toEqual([]);
});
