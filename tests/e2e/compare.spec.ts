// "Compare with CSV…" on a real job: the reference fixture (../shared/fixtures/annotate) annotated in the page with
// METASPACE's parameters, then METASPACE's own results for it (results_ref.csv) loaded → every ion agrees; an edited
// copy (one msm changed, one row removed) → exactly one row differs and one is only here. Counts come from the
// reference file, never from our own output. Screenshots in /tmp/shots-e/.
import { expect, test, type Page } from '@playwright/test';
import { openPair, setUpFixtureParams } from './job-form.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const FX = path.join(SHARED, 'fixtures/annotate');
const SHOTS = '/tmp/shots-e';

test.beforeAll(() => {
  if (!fs.existsSync(path.join(FX, 'results_ref.csv'))) throw new Error(`shared fixtures missing in ${FX} (tests expect ../shared next to the repo)`);
  fs.mkdirSync(SHOTS, { recursive: true });
});

async function runFixtureJob(page: Page) {
  await openPair(page, path.join(FX, 'fixture.imzML'), path.join(FX, 'fixture.ibd'));
  await setUpFixtureParams(page, path.join(FX, 'fixture_db.csv'), 'fixture_db');
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
}

/** A temp copy of results_ref.csv with `edit` applied to its data lines (header kept). */
function writeVariant(name: string, edit: (head: string[], rows: string[][]) => string[][]): string {
  const lines = fs.readFileSync(path.join(FX, 'results_ref.csv'), 'utf8').trim().split('\n');
  const head = lines[0]!.split(',');
  const rows = edit(head, lines.slice(1).map((l) => l.split(',')));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-compare-e2e-'));
  const p = path.join(dir, name);
  fs.writeFileSync(p, [head.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return p;
}

test('compare the fixture job with METASPACE\'s results: all agree; an edited copy: 1 differs, 1 only here', async ({ page }) => {
  test.setTimeout(400_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const refLines = fs.readFileSync(path.join(FX, 'results_ref.csv'), 'utf8').trim().split('\n');
  const nRef = refLines.length - 1;

  await runFixtureJob(page);
  const table = page.getByTestId('annotation-table');
  await page.getByTestId('filter-fdr').selectOption('1'); // every row of the job
  await page.screenshot({ path: `${SHOTS}/01-table-1280.png` });

  // METASPACE's own results for this job
  // the button in the filter bar opens the file picker
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('compare-open').click()]);
  await chooser.setFiles(path.join(FX, 'results_ref.csv'));
  const summary = page.getByTestId('compare-summary');
  await expect(summary).toContainText(`METASPACE export results_ref.csv: ${nRef} agree, 0 differ, 0 only here, 0 only in results_ref.csv`);
  await expect(page.getByTestId('compare-verdict')).toHaveText('PASS');
  await expect(page.getByTestId('agreement-header')).toContainText('vs results_ref.csv');
  const nRows = Number(await table.getAttribute('data-rows'));
  const cells = page.getByTestId('agreement-cell');
  expect(await cells.count()).toBe(Math.min(nRows, await page.getByTestId('table-row').count()));
  expect(new Set(await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))))).toEqual(new Set(['agree']));
  await expect(cells.first()).toHaveText('✓');
  await expect(cells.first()).toHaveAttribute('title', /agrees with results_ref\.csv line \d+/);
  await page.screenshot({ path: `${SHOTS}/02-all-agree.png` });

  // edited copy: the best ion's msm changed by 1e-4 (relative), another ion's row removed
  const edited = writeVariant('results_ref_edited.csv', (head, rows) => {
    const iMsm = head.indexOf('msm');
    const best = rows.reduce((b, r, i) => (Number(r[iMsm]) > Number(rows[b]![iMsm]) ? i : b), 0);
    const out = rows.map((r) => [...r]);
    out[best]![iMsm] = String(Number(out[best]![iMsm]) * (1 + 1e-4));
    out.splice(best === 0 ? 1 : 0, 1);
    return out;
  });
  await page.getByTestId('compare-file').setInputFiles(edited);
  await expect(summary).toContainText(`results_ref_edited.csv: ${nRef - 2} agree, 1 differ, 1 only here, 0 only in results_ref_edited.csv`);
  await expect(page.getByTestId('compare-verdict')).toHaveText('FAIL');
  // "show only differing": one row, its tooltip names the metric and both values
  await page.getByTestId('filter-agreement').selectOption('differ');
  await expect(table).toHaveAttribute('data-rows', '1');
  const diff = page.getByTestId('agreement-cell').first();
  await expect(diff).toHaveAttribute('data-status', 'differ');
  await expect(diff).toHaveText('≠ msm');
  await expect(diff).toHaveAttribute('title', /msm: [\d.]+ here vs [\d.]+ in results_ref_edited\.csv \(rel\. diff 1\.0e-4\)/);
  await page.getByTestId('filter-agreement').selectOption('only-here');
  await expect(table).toHaveAttribute('data-rows', '1');
  await expect(page.getByTestId('agreement-cell').first()).toHaveText('only here');
  await page.getByTestId('filter-agreement').selectOption('all');
  await expect(table).toHaveAttribute('data-rows', String(nRows));
  // sortable: differing row first, then the one only here
  await page.getByTestId('agreement-header').click();
  await expect(page.getByTestId('agreement-cell').nth(0)).toHaveAttribute('data-status', 'differ');
  await expect(page.getByTestId('agreement-cell').nth(1)).toHaveAttribute('data-status', 'only-here');
  await page.screenshot({ path: `${SHOTS}/03-edited-sorted.png` });

  // an ion only in the file is listed below the summary
  const extra = writeVariant('results_ref_extra.csv', (head, rows) => {
    const r = [...rows[0]!];
    r[head.indexOf('formula')] = 'C99H99N9O9';
    return [...rows, r];
  });
  await page.getByTestId('compare-file').setInputFiles(extra);
  await expect(summary).toContainText(`${nRef} agree, 0 differ, 0 only here, 1 only in results_ref_extra.csv`);
  await page.getByTestId('compare-only-there').locator('summary').click();
  await expect(page.getByTestId('only-there-row')).toHaveCount(1);
  await expect(page.getByTestId('only-there-row')).toContainText('C99H99N9O9');
  await page.screenshot({ path: `${SHOTS}/04-only-there.png` });

  // a bad CSV: message names the file, the line and what was expected; the comparison shown stays
  const bad = path.join(path.dirname(extra), 'broken.csv');
  fs.writeFileSync(bad, 'formula,adduct,msm,fdr\nC6H12O6,+H,0.5,0.05\nC5H9NO4,+H,0.4,high\n');
  await page.getByTestId('compare-file').setInputFiles(bad);
  await expect(page.getByTestId('compare-error')).toContainText("broken.csv line 3: fdr 'high' is not a number within 0..1");
  await expect(page.getByTestId('compare-error')).toContainText('The table is unchanged');
  await expect(summary).toContainText('1 only in results_ref_extra.csv');
  await page.screenshot({ path: `${SHOTS}/05-bad-csv.png` });

  // the comparison belongs to its job: another job has none; back on the first job it is there again
  await page.getByTestId('ppm').fill('2.5');
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-item')).toHaveCount(2, { timeout: 240_000 });
  await expect(page.getByTestId('job-item').filter({ hasText: '2.5 ppm' })).toHaveClass(/sel/);
  await expect(summary).toHaveCount(0);
  await expect(page.getByTestId('agreement-header')).toHaveCount(0);
  await page.getByTestId('job-item').filter({ hasText: '· 3 ppm' }).click();
  await expect(summary).toContainText('1 only in results_ref_extra.csv');

  // cleared: no column, no summary
  await page.getByTestId('compare-clear').click();
  await expect(page.getByTestId('agreement-header')).toHaveCount(0);
  await expect(summary).toHaveCount(0);
  await expect(table).toHaveAttribute('data-rows', String(nRows));
  // the comparison is not part of the address (share links are built from the same view state)
  expect(page.url()).not.toContain('results_ref');
  expect(errors).toEqual([]);
});
