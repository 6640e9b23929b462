// METASPACE-ML (v3) in the page: the example runs with v1 (the default), then the form's Scoring select picks
// "METASPACE-ML (v3)" with the Animal model (its explanation line changes), Run gives a v3 table labelled
// METASPACE-ML (not the cached v1 result: the job key has version + model), whose CSV export has the model score
// columns; its bundle opens in a fresh context with the same label and rows. The model data is its own chunk, fetched
// only when a v3 job runs, and listed in the service worker's precache (so v3 works offline).
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { runExample } from './job-form.ts';

const SHOTS = '/tmp/v3score-shots';

let lastCsvComments = '';
async function exportCsv(page: import('@playwright/test').Page): Promise<Record<string, string>[]> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const raw = fs.readFileSync(await d.path(), 'utf8');
  lastCsvComments = (raw.match(/^#.*$/gm) ?? []).join('\n');
  const text = raw.replace(/^#.*\n/gm, '');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

test('example → METASPACE-ML (v3) Animal in the job form → labelled v3 table → its bundle reopens', async ({ page, browser }) => {
  test.setTimeout(480_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const modelChunks: string[] = [];
  page.on('request', (r) => {
    if (/metaspace-ml-(animal|plant)/.test(r.url())) modelChunks.push(new URL(r.url()).pathname);
  });

  await runExample(page);
  expect(modelChunks).toEqual([]); // a v1 job never loads a model
  await expect(page.getByTestId('scoring-label')).toHaveText('v1 (MSM)');
  await page.getByTestId('filter-fdr').selectOption('0.5');
  const v1Csv = await exportCsv(page);
  expect(v1Csv.length).toBeGreaterThan(2);
  expect(Object.keys(v1Csv[0])).not.toContain('msm_product');

  // the form: v1 by default, no model select; v3 shows the model select (Animal first) and its explanation
  const form = page.getByTestId('job-form');
  await expect(page.getByTestId('analysis-version')).toHaveValue('1');
  await expect(page.getByTestId('scoring-model')).toHaveCount(0);
  await expect(page.getByTestId('instrument')).toHaveCount(0); // v1's patterns have no instrument model
  await expect(page.getByTestId('scoring-explain')).toContainText('Original METASPACE scoring');
  await page.getByTestId('analysis-version').selectOption({ label: 'METASPACE-ML (v3)' });
  await expect(page.getByTestId('scoring-model')).toHaveValue('animal');
  await expect(page.getByTestId('scoring-explain')).toContainText("METASPACE's current default");
  await expect(page.getByTestId('scoring-explain')).toContainText('Plant: plant samples');
  await page.getByTestId('scoring-model').selectOption('plant');
  await page.getByTestId('scoring-model').selectOption('animal');
  // v3's isotope patterns follow the analyzer (TOF when not given, as the engine)
  await expect(page.getByTestId('instrument')).toHaveValue('TOF');
  await page.getByTestId('instrument').selectOption('FTICR');
  await form.screenshot({ path: path.join(SHOTS, 'job-form-v3.png') });

  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('scoring-label')).toHaveText('METASPACE-ML (v3) Animal', { timeout: 240_000 });
  const table = page.getByTestId('annotation-table');
  await expect(table).toBeVisible();
  await page.getByTestId('filter-fdr').selectOption('0.5');
  await expect(page.getByTestId('table-row').first()).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'results-v3.png') });
  // the Animal model's chunk was fetched (by the job worker), the Plant one not; the service worker precaches it
  expect(modelChunks.length).toBeGreaterThan(0);
  expect(modelChunks.every((u) => /metaspace-ml-animal\.v2\.2023-12-14-[\w-]+\.js$/.test(u))).toBe(true);
  const sw = await (await page.request.get('/sw.js')).text();
  expect(sw).toContain(modelChunks[0].split('/').pop());
  const v3Csv = await exportCsv(page);
  expect(v3Csv.length).toBeGreaterThan(2);
  expect(Object.keys(v3Csv[0]).slice(-2)).toEqual(['msm_product', 'scoring_model']);
  expect(lastCsvComments).toContain('instrument: FTICR');
  expect(v3Csv.every((r) => r.scoring_model === 'METASPACE-ML_Animal v2.2023-12-14')).toBe(true);
  // msm is the model score, not the product (the v1 table's msm)
  expect(v3Csv.some((r) => Number(r.msm) !== Number(r.msm_product))).toBe(true);
  const v1Msm = new Map(v1Csv.map((r) => [r.ion, r.msm]));
  expect(v3Csv.filter((r) => v1Msm.has(r.ion) && v1Msm.get(r.ion) !== r.msm).length).toBeGreaterThan(v3Csv.length / 2);

  // its bundle, opened by file in a fresh context: same label and rows
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-v3-e2e-'));
  try {
    await page.getByTestId('share-open').click();
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-download').click()]);
    const bundlePath = path.join(tmp, dl.suggestedFilename());
    await dl.saveAs(bundlePath);
    await page.getByTestId('share-close').click();
    const ctx = await browser.newContext();
    const p2 = await ctx.newPage();
    p2.on('pageerror', (e) => errors.push(e.message));
    await p2.goto('/');
    await p2.getByTestId('file-input').setInputFiles(bundlePath);
    await expect(p2.getByTestId('shared-banner')).toContainText('Shared result');
    await expect(p2.getByTestId('scoring-label')).toHaveText('METASPACE-ML (v3) Animal');
    await p2.getByTestId('filter-fdr').selectOption('0.5');
    const reopened = await exportCsv(p2);
    expect(reopened).toEqual(v3Csv);
    await p2.screenshot({ path: path.join(SHOTS, 'bundle-v3.png') });
    await ctx.close();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  expect(errors).toEqual([]);
});
