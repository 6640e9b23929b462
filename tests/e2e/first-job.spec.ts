// Issue 19 point 1: the first job on a bundled database uses the centroid table shipped with the page
// (public/centroids) instead of computing ~117k isotope patterns, and gives exactly the rows the computed
// centroids give. The same job runs in two fresh browser contexts: in the second the table download fails.
import { test, expect, type Browser, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const TINY = path.resolve(import.meta.dirname, '../../../shared/data/metaspace/untreated_tiny/Untreated_3_434_tiny');
const SHOTS = '/tmp/e-shots';

interface Stored { ppm: number; stages: { stage: string; wallMs: number }[]; rows: unknown[] }

/** The job results the page stored in IndexedDB ('imzlens-jobs'/'results'); the record type is the app's. */
async function storedResults(page: Page): Promise<Stored[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('imzlens-jobs');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const all = await new Promise<unknown[]>((res, rej) => {
      const r = db.transaction('results').objectStore('results').getAll();
      r.onsuccess = () => res(r.result as unknown[]);
      r.onerror = () => rej(r.error);
    });
    db.close();
    const out: Stored[] = [];
    const visit = (o: unknown, depth: number) => {
      if (!o || typeof o !== 'object' || depth > 3) return;
      const x = o as { stats?: { stages?: Stored['stages'] }; params?: { ppm?: number }; rows?: unknown[] };
      if (Array.isArray(x.stats?.stages) && typeof x.params?.ppm === 'number' && Array.isArray(x.rows)) {
        out.push({ ppm: x.params.ppm, stages: x.stats.stages.map((s) => ({ stage: s.stage, wallMs: s.wallMs })), rows: x.rows });
        return;
      }
      for (const v of Object.values(o)) visit(v, depth + 1);
    };
    for (const r of all) visit(r, 0);
    return out;
  });
}

/** Fresh context: ingest the tiny dataset, CoreMetabolome only, +, RP 140 000, +H,+Na,+K, 20 decoys, 3 ppm, Run. */
async function firstJob(browser: Browser, blockShipped: boolean, shot: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => { if (r.url().includes('/centroids/')) requests.push(new URL(r.url()).pathname); });
  if (blockShipped) await context.route('**/centroids/*.izct.gz', (r) => r.abort());
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([`${TINY}.imzML`, `${TINY}.ibd`]);
  const form = page.getByTestId('job-form');
  await expect(form).toBeVisible({ timeout: 60_000 });
  await form.locator('fieldset label.check').first().waitFor();
  let ticked = 0;
  for (const label of await form.locator('fieldset label.check').all()) {
    const box = label.locator('input[type=checkbox]');
    if (await box.isDisabled()) continue;
    if (((await label.textContent()) ?? '').includes('CoreMetabolome')) { await box.check(); ticked++; } else await box.uncheck();
  }
  expect(ticked).toBe(1);
  await page.getByTestId('polarity').selectOption('+');
  await page.getByTestId('rp-select').selectOption('0.001238');
  await page.getByTestId('adducts').fill('+H, +Na, +K');
  await page.getByTestId('decoys').fill('20');
  await page.getByTestId('ppm').fill('3');
  const t0 = Date.now();
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('table-row').first()).toBeVisible({ timeout: 90_000 });
  const ms = Date.now() - t0;
  await expect(page.getByTestId('run-job')).toBeEnabled({ timeout: 60_000 });
  await page.waitForTimeout(300); // let the result be stored
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, shot) });
  const stored = await expect.poll(async () => (await storedResults(page)).find((s) => s.ppm === 3), { timeout: 10_000 }).toBeDefined().then(async () => (await storedResults(page)).find((s) => s.ppm === 3)!);
  await context.close();
  return { ms, requests, errors, stored, centroidsMs: stored.stages.find((s) => s.stage === 'centroids')!.wallMs };
}

/** Walks two row lists together: strings/booleans/lengths must match exactly, numbers to 1e-9 relative. */
function compareRows(a: unknown[], b: unknown[]) {
  const problems: string[] = [];
  let numbers = 0;
  let ulpOff = 0;
  let maxRel = 0;
  const walk = (x: unknown, y: unknown, where: string) => {
    if (problems.length > 5) return;
    if (typeof x === 'number' && typeof y === 'number') {
      numbers++;
      if (Object.is(x, y)) return;
      ulpOff++;
      const rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
      maxRel = Math.max(maxRel, rel);
      // relative 1e-9, or absolute 1e-12 for differences of near-equal m/z values (mzErrRel ~ 1e-6)
      if (!(rel < 1e-9 || Math.abs(x - y) < 1e-12)) problems.push(`${where}: ${x} vs ${y}`);
    } else if (x && y && typeof x === 'object' && typeof y === 'object') {
      const kx = Object.keys(x), ky = Object.keys(y);
      if (kx.join() !== ky.join()) { problems.push(`${where}: keys ${kx.join()} vs ${ky.join()}`); return; }
      for (const k of kx) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${where}.${k}`);
    } else if (x !== y) problems.push(`${where}: ${String(x)} vs ${String(y)}`);
  };
  walk(a, b, 'rows');
  return { problems, numbers, ulpOff, maxRel };
}

test('first job on CoreMetabolome uses the shipped centroid table and gives the rows computed centroids give', async ({ browser }) => {
  test.setTimeout(240_000);
  test.skip(!fs.existsSync(`${TINY}.imzML`), 'shared data missing (tests expect ../shared next to the repo)');
  const index = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../public/centroids/index.json'), 'utf8')) as { key: string; file: string; polarity: string }[];
  const table = index.find((e) => e.polarity === '+')!;

  const shipped = await firstJob(browser, false, 'first-job-shipped.png');
  expect(shipped.errors).toEqual([]);
  expect(shipped.requests).toContain(`/centroids/${table.file}`);
  expect(shipped.stored.rows.length).toBeGreaterThan(100);

  const computed = await firstJob(browser, true, 'first-job-computed.png');
  expect(computed.errors).toEqual([]);
  // the table download failed: the job found the key, fell back to computing the centroids — clearly slower there
  expect(computed.requests).toContain(`/centroids/${table.file}`);
  // Same ions, FDR levels and strings; numbers to 1e-9 relative. Not bit for bit: Chromium 156's Math.exp and
  // Node 20's differ in the last bit for ~10 % of arguments, which moves some centroids by ~1e-11 Da; the shipped
  // tables are Node's (the CLI's and Lambda's), so the page now gives the CLI's numbers for these settings.
  const diff = compareRows(shipped.stored.rows, computed.stored.rows);
  expect(diff.problems).toEqual([]);
  expect(diff.numbers).toBeGreaterThan(1000);
  console.log(`rows: ${diff.numbers} numbers compared, ${diff.ulpOff} not bit-identical, max relative difference ${diff.maxRel.toExponential(2)}`);
  expect(shipped.centroidsMs * 3).toBeLessThan(computed.centroidsMs);
  console.log(`Run → table: shipped ${shipped.ms} ms (centroids stage ${shipped.centroidsMs.toFixed(0)} ms), computed ${computed.ms} ms (centroids stage ${computed.centroidsMs.toFixed(0)} ms)`);
});
