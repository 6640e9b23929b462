// The first minutes as a new user sees them (issue 19 points 2, 3 and 6): "Try the example" shows the running job in
// the middle panel (stages, counts, elapsed, Cancel; no "-0 s"), the form shows the job's real settings (the example's
// database ticked, RP 280 000) while it runs and after, and re-runs them with a change; the example's size is stated
// once, from the data; reopening `/` shows the library's last dataset, not the welcome panel.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const EXAMPLE = path.resolve(import.meta.dirname, '../../public/example');

interface Seen { inMain: boolean; text: string; rp: string | null; ticked: string[]; noJob: boolean }

/** Records, on every DOM change, what the page shows while a job's progress panel is on screen. */
async function watchProgress(page: import('@playwright/test').Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __seen: unknown[] };
    w.__seen = [];
    new MutationObserver(() => {
      const p = document.querySelector('[data-testid=job-progress]');
      if (!p) return;
      const form = document.querySelector('[data-testid=job-form]');
      w.__seen.push({
        inMain: !!p.closest('main'), text: (p as HTMLElement).innerText,
        rp: (document.querySelector('[data-testid=rp-select]') as HTMLSelectElement | null)?.value ?? null,
        ticked: [...(form?.querySelectorAll('fieldset label.check') ?? [])].filter((l) => (l.querySelector('input') as HTMLInputElement).checked)
          .map((l) => (l as HTMLElement).innerText.trim()),
        noJob: !!document.querySelector('[data-testid=no-job]'),
      });
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

test('the example: progress where the user looks, honest settings, re-run with a change, size once, library on reopen', async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await watchProgress(page);
  await page.getByTestId('try-example').click();
  await expect(page.locator('main [data-testid=job-progress]')).toBeVisible({ timeout: 120_000 });
  await page.screenshot({ path: '/tmp/f-shots/first-minutes-running.png' });
  const table = page.getByTestId('annotation-table');
  await expect(table).toBeVisible({ timeout: 240_000 });

  // while it ran: the progress panel was in the middle column, never beside the "no job yet" text; the form showed the
  // example's database ticked and RP 280 000 (σ 0.000619); no timer read "-0 s"
  const seen = await page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);
  const running = seen.filter((s) => /^Annotating/i.test(s.text));
  console.log(`progress snapshots while running: ${running.length}; last: ${JSON.stringify(running.at(-1))}`);
  expect(running.length).toBeGreaterThan(0);
  for (const s of running) {
    expect(s.inMain).toBe(true);
    expect(s.noJob).toBe(false);
    expect(s.text).not.toMatch(/-0(\.0)? s|NaN|-\d/);
    expect(s.rp).toBe('0.000619');
    expect(s.ticked).toEqual([expect.stringContaining('example-db')]);
  }
  expect(running.some((s) => /Isotope patterns|Score ion images/.test(s.text))).toBe(true);
  expect(running.at(-1)!.text).toMatch(/\d+(\.\d)? s elapsed/);

  // after: the same settings, and Run re-opens the same job (no "choose at least one database")
  const form = page.getByTestId('job-form');
  await expect(page.getByTestId('rp-select')).toHaveValue('0.000619');
  await expect(form.getByTestId('db-extra').locator('input')).toBeChecked();
  for (const box of await form.locator('fieldset label.check:not([data-testid=db-extra]) input').all()) await expect(box).not.toBeChecked();
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-message')).toContainText('reopened its result', { timeout: 60_000 });
  await expect(page.getByTestId('job-error')).toHaveCount(0);
  await expect(page.getByTestId('job-item')).toHaveCount(1);

  // a change re-runs with the example's database: a second job with 2.5 ppm
  await page.getByTestId('ppm').fill('2.5');
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-item')).toHaveCount(2, { timeout: 120_000 });
  await expect(page.getByTestId('job-item').first()).toContainText('example-db');
  await expect(page.getByTestId('job-item').first()).toContainText('2.5 ppm');
  await expect(page.getByTestId('job-error')).toHaveCount(0);

  // the size is stated once and is the data's: the bounding box of the imzML's pixel coordinates
  const xml = fs.readFileSync(path.join(EXAMPLE, 'example.imzML'), 'utf8');
  const coord = (axis: string) => [...xml.matchAll(new RegExp(`position ${axis}" value="(\\d+)"`, 'g'))].map((m) => Number(m[1]));
  const xs = coord('x'), ys = coord('y');
  const w = Math.max(...xs) - Math.min(...xs) + 1, h = Math.max(...ys) - Math.min(...ys) + 1;
  await expect(page.getByTestId('dataset-size')).toContainText(`${w}×${h} px`);
  await expect(page.getByTestId('dataset-size')).toContainText(`${xs.length} spectra`);
  const note = await page.getByTestId('dataset-note').innerText();
  expect(note).toContain('SIMULATED');
  expect(note).not.toMatch(/\d+\s*[×x]\s*\d+/);
  expect(await page.locator('body').innerText()).not.toMatch(/\b1 annotations\b|\(s\)/);

  // reopening the page without a query shows the library's last dataset and its job, not the welcome panel
  await page.goto('/');
  await expect(page.getByTestId('dataset-size')).toContainText(`${w}×${h} px`, { timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Welcome' })).toHaveCount(0);
  await expect(table).toBeVisible({ timeout: 30_000 });
  // after the reload the example's database is offered again, ticked for the job on screen
  await expect(form.getByTestId('db-extra').locator('input')).toBeChecked({ timeout: 30_000 });
  await page.screenshot({ path: '/tmp/f-shots/first-minutes-reopened.png' });
  expect(errors).toEqual([]);
});
