// Shared steps of the storage specs (storage-quota.spec.ts: the quota project; storage-full.spec.ts: Chromium as it
// ships): the origin's real quota through the DevTools protocol, the dataset store's keys, another writer filling
// the origin's storage, and the check that an earlier dataset still opens and annotates.
import { expect, type CDPSession, type Page } from '@playwright/test';

/** The origin's quota, set to what it uses now plus `freeBytes` (undefined: back to the browser's own quota). */
export async function setQuota(cdp: CDPSession, origin: string, freeBytes?: number): Promise<number> {
  const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
  await cdp.send('Storage.overrideQuotaForOrigin', freeBytes === undefined ? { origin } : { origin, quotaSize: usage + freeBytes });
  const after = await cdp.send('Storage.getUsageAndQuota', { origin });
  if (freeBytes !== undefined) expect(after.overrideActive).toBe(true);
  return usage;
}

/** Every key of the page's dataset store (database 'imzlens', object store 'datasets'), as JSON strings. */
export async function allStoreKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => new Promise<string[]>((res, rej) => {
    const open = indexedDB.open('imzlens');
    open.onerror = () => rej(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('datasets')) { db.close(); res([]); return; }
      const req = db.transaction('datasets').objectStore('datasets').getAllKeys();
      req.onsuccess = () => { db.close(); res((req.result as unknown[]).map((k) => JSON.stringify(k))); };
      req.onerror = () => rej(req.error);
    };
  }));
}

/** Keys of the dataset store that belong to a dataset whose id contains `name` (ids are `<name>-<random>`). */
export async function storedKeys(page: Page, name: string): Promise<string[]> {
  return (await allStoreKeys(page)).filter((k) => k.includes(name));
}

/** The earlier dataset (the example) still opens and annotates: select it, run a new job (ppm 4: not cached). */
export async function earlierDatasetAnnotates(page: Page) {
  await page.getByTestId('library-item').filter({ hasText: 'example' }).locator('button.item').click();
  await expect(page.getByTestId('job-form')).toBeVisible({ timeout: 60_000 });
  // the example's database is offered again (from its stored job)
  await expect(page.getByTestId('job-form')).toContainText('example-db', { timeout: 30_000 });
  for (const box of await page.getByTestId('job-form').locator('fieldset input[type=checkbox]:not([disabled])').all()) {
    if (!(await box.evaluate((el) => el.closest('label')?.textContent?.includes('example-db') ?? false))) await box.uncheck();
  }
  await page.getByTestId('ppm').fill('4');
  await page.getByTestId('run-job').click();
  const table = page.getByTestId('annotation-table');
  await expect(table).toBeVisible({ timeout: 240_000 });
  await expect(page.getByText(/reopened/)).toHaveCount(0); // computed, not the stored result of the first job
  expect(Number(await table.getAttribute('data-rows'))).toBeGreaterThan(0);
  await expect(page.getByTestId('main-image')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('ion-viewer').first()).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
}

/**
 * Writes `bytes` of random data (incompressible) into the database 'quota-filler'; returns the bytes written. The
 * usage the test computed `bytes` from may lag what is stored (the page's own writes and deletes settle later), so
 * when the quota refuses a 1 MB chunk the filling goes on in 64 kB chunks, and when one of those is refused the last
 * one written is deleted again: the origin is left with 64–128 kB free, about what the caller asked for.
 */
export async function fill(page: Page, bytes: number): Promise<number> {
  return page.evaluate(async (total) => {
    const req = indexedDB.open('quota-filler', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('fill');
    const db: IDBDatabase = await new Promise((res, rej) => { req.onsuccess = () => res(req.result); req.onerror = () => rej(req.error); });
    const tx = (mode: IDBTransactionMode, f: (s: IDBObjectStore) => void) => new Promise<boolean>((res, rej) => {
      const t = db.transaction('fill', mode);
      f(t.objectStore('fill'));
      t.oncomplete = () => res(true);
      t.onabort = () => (t.error?.name === 'QuotaExceededError' ? res(false) : rej(t.error));
    });
    let done = 0;
    let size = 1 << 20;
    let last = { key: -1, size: 0 };
    for (let i = 0; done < total; i++) {
      const chunk = new Uint8Array(Math.min(size, total - done));
      for (let k = 0; k < chunk.length; k += 65536) crypto.getRandomValues(chunk.subarray(k, k + 65536));
      if (await tx('readwrite', (s) => s.put(chunk.buffer, i))) {
        done += chunk.length;
        last = { key: i, size: chunk.length };
        continue;
      }
      if (size > 65536) { size = 65536; continue; }
      if (last.key < 0) break;
      const { key, size: freed } = last;
      await tx('readwrite', (s) => s.delete(key));
      done -= freed;
      last = { key: -1, size: 0 };
      // a 1 MB chunk given back is refilled in 64 kB chunks; a 64 kB one leaves the headroom
      if (freed <= 65536) break;
    }
    db.close();
    return done;
  }, bytes);
}
