// The table is shown before the result is stored in IndexedDB (issue 19 point 1: the second job ≤ 0.5 s), but
// nothing is lost silently: when storing fails (here: IndexedDB refuses writes to the job results, as a full disk
// would), the result stays on screen and the page says it could not be stored.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { openPair, setUpFixtureParams } from './job-form.ts';

const FX = path.resolve(import.meta.dirname, '../../../shared/fixtures/annotate');

test('a job whose result cannot be stored is shown and the failure is reported', async ({ page }) => {
  test.setTimeout(300_000);
  test.skip(!fs.existsSync(path.join(FX, 'fixture.imzML')), `shared fixtures missing in ${FX}`);
  // Writes to the job-results database fail once the test sets the flag (after the dataset is stored).
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if ((window as { failJobStore?: boolean }).failJobStore && this.transaction.db.name === 'imzlens-jobs') {
        throw new DOMException('the disk is full (test)', 'QuotaExceededError');
      }
      return put.apply(this, args);
    };
  });
  await openPair(page, path.join(FX, 'fixture.imzML'), path.join(FX, 'fixture.ibd'));
  await setUpFixtureParams(page, path.join(FX, 'fixture_db.csv'), 'fixture_db');
  await page.evaluate(() => { (window as { failJobStore?: boolean }).failJobStore = true; });
  await page.getByTestId('run-job').click();
  const table = page.getByTestId('annotation-table');
  await expect(table).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('job-message')).toContainText('could not be stored', { timeout: 10_000 });
  await expect(page.getByTestId('job-message')).toContainText('the disk is full (test)');
  expect(Number(await table.getAttribute('data-rows'))).toBeGreaterThan(0);
  await expect(page.getByTestId('run-job')).toBeEnabled();
  fs.mkdirSync('/tmp/j-shots', { recursive: true });
  await page.screenshot({ path: '/tmp/j-shots/store-failure.png' });
  await page.getByTestId('job-message').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('job-message')).toBeVisible();
  await page.screenshot({ path: '/tmp/j-shots/store-failure-message.png' });
  // Nothing was stored, so the job list does not name it.
  expect(await page.evaluate(() => new Promise<number>((res, rej) => {
    const r = indexedDB.open('imzlens-job-index');
    r.onerror = () => rej(r.error);
    r.onsuccess = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains('summaries')) { res(0); return; }
      const c = db.transaction('summaries').objectStore('summaries').count();
      c.onsuccess = () => res(c.result);
      c.onerror = () => rej(c.error);
    };
  }))).toBe(0);
});
