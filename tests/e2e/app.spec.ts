// The page end to end (built app): loads clean; a real imzML/ibd pair from ../shared/data is ingested into
// IndexedDB and survives a reload; a missing half and a broken file give clear messages and leave the
// library intact.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const TINY = path.join(SHARED, 'data/metaspace/untreated_tiny');
const TINY_IMZML = path.join(TINY, 'Untreated_3_434_tiny.imzML');
const TINY_IBD = path.join(TINY, 'Untreated_3_434_tiny.ibd');

test.beforeAll(() => {
  if (!fs.existsSync(TINY_IMZML)) throw new Error(`shared data missing: ${TINY_IMZML} (tests expect ../shared next to the repo)`);
});

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function ingestTiny(page: Page) {
  await page.getByTestId('file-input').setInputFiles([TINY_IMZML, TINY_IBD]);
  await expect(page.getByTestId('library-item').filter({ hasText: 'Untreated_3_434_tiny' })).toBeVisible({ timeout: 30_000 });
}

test('page loads without console errors and shows the welcome panel', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page.getByText('Drop an .imzML + .ibd pair')).toBeVisible();
  await expect(page.getByTestId('library')).toContainText('No datasets yet');
  await page.waitForTimeout(500);
  expect(errors).toEqual([]);
});

test('a picked pair is ingested, listed with its geometry, and survives a reload', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await ingestTiny(page);
  const item = page.getByTestId('library-item').filter({ hasText: 'Untreated_3_434_tiny' });
  // the header shows the geometry read from the file: 8 spectra at x 1..2, y 1..4 → a 2×4 box;
  // the file states no polarity (no MS:1000130/MS:1000129), and the page says so
  await expect(page.locator('.dshead')).toContainText('Untreated_3_434_tiny');
  await expect(page.locator('.dshead')).toContainText('2×4 px · 8 spectra');
  await expect(page.locator('.dshead')).toContainText('polarity not stated');
  await expect(item).toContainText('spectra');
  // the TIC image of the dataset is drawn before any job
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 20_000 });
  await page.reload();
  await expect(page.getByTestId('library-item').filter({ hasText: 'Untreated_3_434_tiny' })).toBeVisible();
  // the URL kept the selected dataset
  await expect(page.locator('.dshead')).toContainText('Untreated_3_434_tiny');
  expect(errors).toEqual([]);
});

test('a missing half is named; a broken file shows its error and leaves the library intact', async ({ page }) => {
  await page.goto('/');
  await ingestTiny(page);
  await page.getByTestId('file-input').setInputFiles([TINY_IMZML]);
  await expect(page.getByTestId('open-message')).toContainText('Untreated_3_434_tiny.ibd is missing');
  await page.getByTestId('file-input').setInputFiles([TINY_IBD]);
  await expect(page.getByTestId('open-message')).toContainText('Untreated_3_434_tiny.imzML is missing');

  // a broken pair: the XML is cut in the middle of the spectrum list
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-e2e-'));
  const xml = fs.readFileSync(TINY_IMZML, 'utf8');
  fs.writeFileSync(path.join(dir, 'broken.imzML'), xml.slice(0, Math.floor(xml.length * 0.6)));
  fs.copyFileSync(TINY_IBD, path.join(dir, 'broken.ibd'));
  await page.getByTestId('file-input').setInputFiles([path.join(dir, 'broken.imzML'), path.join(dir, 'broken.ibd')]);
  await expect(page.getByTestId('open-message')).toContainText('broken', { timeout: 30_000 });
  await expect(page.getByTestId('ingest-progress')).toHaveCount(0);
  await expect(page.getByTestId('library-item')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('library-item')).toHaveCount(1);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('deleting a dataset removes it from the library and from storage', async ({ page }) => {
  await page.goto('/');
  await ingestTiny(page);
  page.on('dialog', (d) => d.accept());
  await page.getByTestId('library-delete').click();
  await expect(page.getByTestId('library-item')).toHaveCount(0);
  const left = await page.evaluate(async () => {
    const req = indexedDB.open('imzlens');
    const db: IDBDatabase = await new Promise((res, rej) => { req.onsuccess = () => res(req.result); req.onerror = () => rej(req.error); });
    const tx = db.transaction('datasets', 'readonly');
    const n: number = await new Promise((res) => { const r = tx.objectStore('datasets').count(); r.onsuccess = () => res(r.result); });
    db.close();
    return n;
  });
  expect(left).toBe(0);
  await page.reload();
  await expect(page.getByTestId('library')).toContainText('No datasets yet');
});

test('open by URL: the pair is read with HTTP range requests and listed', async ({ page, baseURL }) => {
  await page.goto('/');
  await page.getByTestId('url-input').fill(`${baseURL}/example/example.imzML`);
  await page.getByRole('button', { name: 'Open URL' }).click();
  await expect(page.getByTestId('library-item').filter({ hasText: 'example' })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.dshead')).toContainText('spectra');
  // a URL that is not an .imzML is refused with a message
  await page.getByTestId('url-input').fill(`${baseURL}/example/example.ibd`);
  await page.getByRole('button', { name: 'Open URL' }).click();
  await expect(page.getByTestId('open-message')).toContainText('must end in .imzML');
});

test('an uploaded database with bad rows is refused with row numbers', async ({ page }) => {
  await page.goto('/');
  await ingestTiny(page);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-e2e-'));
  const bad = path.join(dir, 'bad_db.csv');
  // header = row 1; row 3 has an empty formula, row 4 a formula with '.'
  fs.writeFileSync(bad, 'id,name,formula\n1,glucose,C6H12O6\n2,nothing,\n3,hydrate,CuSO4.5H2O\n');
  await page.getByTestId('db-upload').setInputFiles(bad);
  const err = page.getByTestId('db-error');
  await expect(err).toContainText('row 3');
  await expect(err).toContainText('row 4');
  await expect(page.getByTestId('job-form')).not.toContainText('(upload,');
  fs.rmSync(dir, { recursive: true, force: true });
});
