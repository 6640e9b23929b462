// Hostile and broken inputs in the page (issue 16 point 8): the imzML/ibd and molecular-DB cases of
// tests/fixtures/hostile/make.ts (the same table the CLI test runs), picked through the real file inputs one after the
// other on one page. Each must show one line naming the file and the problem within seconds; afterwards the page
// still works and the dataset stored before is still listed and opens.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FORM_CASES, GOOD_DB, hostileCases, type HostileCase } from '../fixtures/hostile/make.ts';

const TINY = path.resolve(import.meta.dirname, '../../../shared/data/metaspace/untreated_tiny');
const TINY_IMZML = path.join(TINY, 'Untreated_3_434_tiny.imzML');
const TINY_IBD = path.join(TINY, 'Untreated_3_434_tiny.ibd');
const SHOTS = '/tmp/hostile-shots';
/** Per case: the message must be on screen within this (the files are a few KB; a hang would blow it). */
const CASE_MS = 10_000;

let dir: string;
test.beforeAll(() => {
  if (!fs.existsSync(TINY_IMZML)) throw new Error(`shared data missing: ${TINY_IMZML}`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-e2e-hostile-'));
  fs.mkdirSync(SHOTS, { recursive: true });
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(c: HostileCase): string[] {
  return c.files.filter((f) => !f.dir).map((f) => {
    const p = path.join(dir, f.name);
    fs.writeFileSync(p, f.bytes!);
    return p;
  });
}

/** The page's JS heap (CDP Performance metrics), in MB. Workers have their own heaps, not counted here. */
async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
}

test('hostile imzML/ibd pairs and molecular DBs: one line naming the file and the problem; the stored dataset survives', async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');

  // the dataset stored before the hostile ones
  await page.getByTestId('file-input').setInputFiles([TINY_IMZML, TINY_IBD]);
  const stored = page.getByTestId('library-item').filter({ hasText: 'Untreated_3_434_tiny' });
  await expect(stored).toBeVisible({ timeout: 30_000 });
  const heap0 = await heapMb(page);

  // external entities point at a URL of the page's own origin that does not exist: any request to it is a fetch
  const canaryUrl = new URL('/__hostile-canary.dtd', page.url()).href;
  const canaryRequests: string[] = [];
  page.context().on('request', (r) => { if (r.url().includes('__hostile-canary')) canaryRequests.push(r.url()); });
  const all = await hostileCases({ canaryUrl });
  const pairs = all.filter((c) => c.page === 'pair' && c.expect === 'error');
  const dbs = all.filter((c) => c.page === 'db' && c.expect === 'error');
  expect(pairs.length + dbs.length).toBeGreaterThanOrEqual(45);
  const timings: string[] = [];

  const messages = page.getByTestId('open-message');
  for (const c of pairs) {
    const files = write(c);
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(files);
    const mine = messages.filter({ hasText: c.names });
    await expect(mine, c.id).toHaveCount(1, { timeout: CASE_MS });
    const text = (await mine.textContent())!.trim();
    timings.push(`${c.id} ${Date.now() - t0} ms: ${text.slice(0, 140)}`);
    expect(text, c.id).not.toContain('\n');
    expect(text, c.id).toMatch(c.pageProblem ?? c.problem);
    expect(text, c.id).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack frames
    await expect(page.getByTestId('ingest-progress'), c.id).toHaveCount(0, { timeout: CASE_MS });
    if (c.id === 'coord-huge') await page.screenshot({ path: `${SHOTS}/pair-error.png` });
  }
  // nothing was added, the stored dataset is still the only one
  await expect(page.getByTestId('library-item')).toHaveCount(1);

  // molecular databases: the job form of the stored dataset
  await stored.click();
  await expect(page.getByTestId('job-form')).toBeVisible({ timeout: 20_000 });
  const dbError = page.getByTestId('db-error');
  for (const c of dbs) {
    const files = write(c);
    const t0 = Date.now();
    await page.getByTestId('db-upload').setInputFiles(files);
    await expect(dbError, c.id).toContainText(c.names, { timeout: CASE_MS });
    const first = (await dbError.textContent())!.trim().split('\n')[0]!;
    timings.push(`${c.id} ${Date.now() - t0} ms: ${first.slice(0, 140)}`);
    expect(first, c.id).toContain(c.names);
    expect(first, c.id).toMatch(c.pageProblem ?? c.problem);
    expect(first, c.id).not.toMatch(/\bat .+\.(js|ts):\d+/);
    if (c.id === 'db-bad-formulas') await page.screenshot({ path: `${SHOTS}/db-error.png` });
  }
  await expect(page.getByTestId('job-form')).not.toContainText('(upload');

  // the page still works: a good DB is taken, a good pair ingests, the stored dataset opens
  const good = path.join(dir, 'good_db.tsv');
  fs.writeFileSync(good, GOOD_DB);
  await page.getByTestId('db-upload').setInputFiles(good);
  await expect(dbError).toHaveCount(0);
  await expect(page.getByTestId('job-form')).toContainText('good_db');
  // the job form is the page's config: wrong adducts, losses and a polarity mismatch are refused in one line, no job starts
  const jobError = page.getByTestId('job-error');
  for (const f of FORM_CASES) {
    await page.getByTestId('polarity').selectOption(f.polarity);
    await page.getByTestId('adducts').fill(f.adducts);
    await page.getByPlaceholder('e.g. -H2O').fill(f.losses ?? '');
    await page.getByTestId('run-job').click();
    await expect(jobError, f.id).toContainText(f.problem, { timeout: CASE_MS });
    expect((await jobError.textContent())!.trim(), f.id).not.toContain('\n');
    timings.push(`${f.id}: ${(await jobError.textContent())!.trim().slice(0, 140)}`);
  }
  await page.screenshot({ path: `${SHOTS}/form-error.png` });
  await expect(page.getByTestId('job-progress')).toHaveCount(0);
  await page.getByTestId('polarity').selectOption('+');
  await page.getByTestId('adducts').fill('+H, +Na, +K');
  await page.getByPlaceholder('e.g. -H2O').fill('');
  const heap1 = await heapMb(page);
  fs.copyFileSync(TINY_IMZML, path.join(dir, 'again.imzML'));
  fs.copyFileSync(TINY_IBD, path.join(dir, 'again.ibd'));
  await page.getByTestId('file-input').setInputFiles([path.join(dir, 'again.imzML'), path.join(dir, 'again.ibd')]);
  await expect(page.getByTestId('library-item')).toHaveCount(2, { timeout: 30_000 });
  await stored.click();
  await expect(page.locator('.dshead')).toContainText('Untreated_3_434_tiny');
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 20_000 });
  await page.reload();
  await expect(page.getByTestId('library-item').filter({ hasText: 'Untreated_3_434_tiny' })).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: `${SHOTS}/after.png` });

  console.log(`page JS heap: ${heap0.toFixed(1)} MB before the cases, ${heap1.toFixed(1)} MB after ${pairs.length + dbs.length + FORM_CASES.length} cases\n${timings.join('\n')}`);
  expect(heap1 - heap0).toBeLessThan(100);
  expect(errors).toEqual([]);
  expect(canaryRequests, 'an external entity was fetched').toEqual([]);
});
