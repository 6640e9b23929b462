// A real annotation job in the page: the reference fixture (../shared/fixtures/annotate) with its database
// uploaded as CSV, METASPACE's parameters (σ 0.000619 = RP 280 000 preset, +H +Na +K, 3 ppm, 20 decoys),
// run on the Web Worker pool. The table must list the reference annotations; filters, CSV export,
// the ion image and reload are checked against it.
import { expect, test, type Page } from '@playwright/test';
import { openPair, setUpFixtureParams } from './job-form.ts';
import fs from 'node:fs';
import path from 'node:path';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const FX = path.join(SHARED, 'fixtures/annotate');

interface RefRow { formula: string; adduct: string; msm: number; fdr: number }
function readRef(): RefRow[] {
  const lines = fs.readFileSync(path.join(FX, 'results_ref.csv'), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const col = (n: string) => head.indexOf(n);
  return lines.slice(1).map((l) => {
    const c = l.split(',');
    return { formula: c[col('formula')], adduct: c[col('adduct')], msm: Number(c[col('msm')]), fdr: Number(c[col('fdr')]) };
  });
}

/**
 * Independent of the app: the intensity of pixel (x, y) at mz ± ppm read straight from the fixture files
 * (processed imzML: 64-bit m/z, 32-bit intensity per the file's param groups), summed in float32 in m/z order.
 */
function pixelValueFromFiles(x: number, y: number, mz: number, ppm: number): number {
  const xml = fs.readFileSync(path.join(FX, 'fixture.imzML'), 'utf8');
  const ibd = fs.readFileSync(path.join(FX, 'fixture.ibd'));
  for (const block of xml.split('<spectrum ').slice(1)) {
    const px = /name="position x" value="(\d+)"/.exec(block);
    const py = /name="position y" value="(\d+)"/.exec(block);
    if (!px || !py || Number(px[1]) !== x || Number(py[1]) !== y) continue;
    const arrays = block.split('<binaryDataArray ').slice(1).map((a) => ({
      ref: /ref="(\w+)"/.exec(a)![1],
      len: Number(/name="external array length" value="(\d+)"/.exec(a)![1]),
      off: Number(/name="external offset" value="(\d+)"/.exec(a)![1]),
    }));
    const m = arrays.find((a) => a.ref === 'mzArray')!;
    const it = arrays.find((a) => a.ref === 'intensityArray')!;
    const lo = mz - (mz * ppm) / 1e6;
    const hi = mz + (mz * ppm) / 1e6;
    let acc = 0;
    for (let k = 0; k < m.len; k++) {
      const v = ibd.readDoubleLE(m.off + 8 * k);
      if (v >= lo && v <= hi) acc = Math.fround(acc + ibd.readFloatLE(it.off + 4 * k));
    }
    return acc;
  }
  return 0; // no spectrum at (x, y): off-sample
}

test.beforeAll(() => {
  if (!fs.existsSync(path.join(FX, 'fixture.imzML'))) throw new Error(`shared fixtures missing in ${FX} (tests expect ../shared next to the repo)`);
});

async function runFixtureJob(page: Page) {
  await openPair(page, path.join(FX, 'fixture.imzML'), path.join(FX, 'fixture.ibd'));
  await setUpFixtureParams(page, path.join(FX, 'fixture_db.csv'), 'fixture_db');
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
}

test('fixture job: table rows, filters, CSV export, ion image, reload', async ({ page }) => {
  test.setTimeout(400_000);
  const ref = readRef();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await runFixtureJob(page);
  const table = page.getByTestId('annotation-table');
  const at10 = ref.filter((r) => r.fdr <= 0.1 + 1e-9);
  const at5 = ref.filter((r) => r.fdr <= 0.05 + 1e-9);
  await expect(table).toHaveAttribute('data-rows', String(at10.length));
  // the best reference annotation is the first row (sorted by MSM)
  const best = [...ref].sort((a, b) => b.msm - a.msm)[0];
  await expect(page.getByTestId('table-row').first()).toContainText(best.formula);

  // the same job again (same dataset, DB and parameters) reopens from IndexedDB instead of recomputing
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-message')).toContainText('reopened', { timeout: 10_000 });
  await expect(table).toHaveAttribute('data-rows', String(at10.length));

  // filters change the rows
  await page.getByTestId('filter-fdr').selectOption('0.05');
  await expect(table).toHaveAttribute('data-rows', String(at5.length));
  await page.getByTestId('filter-adduct').selectOption('+Na');
  await expect(table).toHaveAttribute('data-rows', String(at5.filter((r) => r.adduct === '+Na').length));
  await page.getByTestId('filter-adduct').selectOption('');

  // CSV export: header records parameters, one line per shown row
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  expect(text).toContain('# isocalc_sigma: 0.000619; ppm: 3; decoys: 20');
  expect(text).toMatch(/# exported: \d{4}-\d\d-\d\dT/);
  const lines = text.trim().split('\n');
  // METASPACE's export columns first (group, datasetName, datasetId, formula, adduct, …), see docs/results-csv.md
  const hdr = lines.findIndex((l) => l.startsWith('group,datasetName,datasetId,formula,adduct,'));
  expect(lines.length - hdr - 1).toBe(at5.length);
  expect(text).toContain(`,${best.formula},${best.adduct},`);

  // the ion image of the selected annotation renders and is not blank
  const viewer = page.getByTestId('ion-viewer');
  await expect(viewer).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  await expect(page.getByTestId('isotope-plot')).toBeVisible();
  await expect(page.getByTestId('metrics')).toContainText('MSM');
  // hover: file coordinates and the exact float, checked against the raw files
  const main = page.getByTestId('main-image');
  const mz = Number(await main.getAttribute('data-mz'));
  const ppm = Number(await main.getAttribute('data-ppm'));
  const box = (await viewer.locator('.stage').boundingBox())!;
  const readout = page.getByTestId('hover-readout');
  let nonZero = 0;
  for (const [fx, fy] of [[0.5, 0.5], [0.45, 0.55], [0.6, 0.4], [0.3, 0.7]]) {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
    await expect(readout).not.toHaveAttribute('data-x', '');
    const x = Number(await readout.getAttribute('data-x'));
    const y = Number(await readout.getAttribute('data-y'));
    const value = Number(await readout.getAttribute('data-value'));
    expect(value).toBe(pixelValueFromFiles(x, y, mz, ppm));
    if (value > 0) nonZero++;
    console.log(`hover (${x}, ${y}) m/z ${mz}: ${value}`);
  }
  expect(nonZero).toBeGreaterThan(0);

  // keyboard: ↓ selects the next row
  await page.getByTestId('table-body').focus();
  const second = page.getByTestId('table-row').nth(1);
  const secondIon = await second.getAttribute('data-ion');
  await page.keyboard.press('ArrowDown');
  await expect(second).toHaveClass(/sel/);
  await page.getByTestId('cmap-select').selectOption('magma');
  await page.getByTestId('scale-select').selectOption('log');

  // reload keeps dataset, job, filters and the selected ion
  await page.reload();
  await expect(page.getByTestId('annotation-table')).toHaveAttribute('data-rows', String(at5.length), { timeout: 30_000 });
  await expect(page.getByTestId('filter-fdr')).toHaveValue('0.05');
  await expect(page.locator('[data-testid=table-row].sel')).toHaveAttribute('data-ion', secondIon!);
  await expect(page.getByTestId('cmap-select')).toHaveValue('magma');
  await expect(page.getByTestId('scale-select')).toHaveValue('log');
  expect(errors).toEqual([]);
});

test('"Try the example": simulated dataset + DB, one click to annotations; planted ions are found', async ({ page }) => {
  test.setTimeout(300_000);
  const truthPath = path.resolve(import.meta.dirname, '../../public/example/example.truth.csv');
  const truth = fs.readFileSync(truthPath, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  await page.goto('/');
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('dataset-note')).toContainText('SIMULATED', { timeout: 60_000 });
  const table = page.getByTestId('annotation-table');
  await expect(table).toBeVisible({ timeout: 240_000 });
  await page.getByTestId('filter-fdr').selectOption('1');
  const ions = await page.getByTestId('table-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ion')));
  const n = Number(await table.getAttribute('data-rows'));
  expect(n).toBeGreaterThan(0);
  // the visible rows are the top ones by MSM; the planted ions must dominate them
  const planted = new Set(truth.map((c) => `${c[0]}${c[1]}+`));
  const top = ions.slice(0, Math.min(10, ions.length));
  const hits = top.filter((i) => planted.has(i!)).length;
  console.log(`example: ${n} rows at FDR ≤ 100 %, ${hits}/${top.length} of the top rows are planted ions`);
  expect(hits).toBeGreaterThanOrEqual(Math.ceil(top.length * 0.8));
});

test('a running job can be cancelled; nothing is kept and the form is usable again', async ({ page }) => {
  test.setTimeout(200_000);
  await openPair(page, path.join(FX, 'fixture.imzML'), path.join(FX, 'fixture.ibd'));
  await setUpFixtureParams(page, path.join(FX, 'fixture_db.csv'), 'fixture_db');
  await page.getByTestId('decoys').fill('7'); // parameters no other test uses: no cached result to reopen
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-progress')).toBeVisible();
  // cancel once a stage runs (a cancel during the job's set-up stops it before any stage starts: no stage to mark)
  await expect(page.locator('[data-testid=job-progress] li.current')).toHaveCount(1, { timeout: 60_000 });
  await page.getByTestId('job-cancel').click();
  await expect(page.getByTestId('job-message')).toHaveText('Job cancelled.', { timeout: 60_000 });
  // the stage it was in is marked stopped (its timer no longer runs), not done
  await expect(page.locator('[data-testid=job-progress] li.stopped')).toHaveCount(1);
  const shown = await page.locator('[data-testid=job-progress] li.stopped').textContent();
  await page.waitForTimeout(1200);
  expect(await page.locator('[data-testid=job-progress] li.stopped').textContent()).toBe(shown);
  await expect(page.getByTestId('annotation-table')).toHaveCount(0);
  await expect(page.getByTestId('job-item')).toHaveCount(0);
  await expect(page.getByTestId('run-job')).toBeEnabled();
});
