// Resume an interrupted job (issue 16, point 2): the page is reloaded in the middle of a job's score stage; on the
// next load it offers "Interrupted job on <dataset>: N of M tasks done — Continue / Discard". Continue runs the job
// again from N/M (the stored tasks are not run again) and its result rows equal, every field, those of the same job
// run without interruption in a fresh browser profile. Discard deletes only the job's stored tasks and record. The
// dataset is simulated by the CLI (120×120, CoreMetabolome, ~15 score tasks), big enough to reload mid-score.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPair } from './job-form.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = '/tmp/resume-job-shots';
let dir = '';
const imzml = () => path.join(dir, 'resume.imzML');
const ibd = () => path.join(dir, 'resume.ibd');

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-e2e-resume-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/imzlens.mjs'), 'simulate', '--width', '120', '--height', '120',
    '--db', path.join(ROOT, 'public/db/core-metabolome-v3.tsv.gz'), '--n-true', '30', '--noise-peaks', '200', '--sigma', '0.000619',
    '--seed', '5', '--out', path.join(dir, 'resume'), '--quiet'], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`simulate failed: ${r.stderr}`);
});

test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every value of an IndexedDB object store (idb-keyval layout: one store per database). */
function readStore(page: Page, db: string, store: string): Promise<{ keys: string[]; values: unknown[] }> {
  return page.evaluate(([db, store]) => new Promise((resolve, reject) => {
    const open = indexedDB.open(db);
    open.onupgradeneeded = () => open.result.createObjectStore(store);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(store, 'readonly');
      const keys = tx.objectStore(store).getAllKeys();
      const values = tx.objectStore(store).getAll();
      tx.oncomplete = () => { open.result.close(); resolve({ keys: keys.result as string[], values: values.result }); };
      tx.onerror = () => reject(tx.error);
    };
  }), [db, store] as const);
}

/** The score stage's "done / total" in the progress panel, or null before it shows. */
async function scoreCount(page: Page): Promise<[number, number] | null> {
  const li = page.getByTestId('job-progress').locator('li', { hasText: 'Score ion images' });
  if (!(await li.count())) return null;
  const m = /([\d,]+)\s*\/\s*([\d,]+)/.exec((await li.locator('.count').textContent()) ?? '');
  return m ? [Number(m[1].replace(/,/g, '')), Number(m[2].replace(/,/g, ''))] : null;
}

/** Starts the default job (CoreMetabolome, +H +Na +K) and waits until `min` score tasks are done, not all. */
async function startAndWaitMidScore(page: Page, min: number): Promise<[number, number]> {
  await openPair(page, imzml(), ibd());
  await page.getByTestId('run-job').click();
  let seen: [number, number] | null = null;
  await expect.poll(async () => {
    seen = await scoreCount(page);
    return seen !== null && seen[0] >= min;
  }, { timeout: 120_000, intervals: [50] }).toBe(true);
  expect(seen![0], 'the job finished before the reload: the dataset is too small for this machine').toBeLessThan(seen![1]);
  return seen!;
}

/** The rows of the one stored job result (after it is stored), and its key. */
async function storedRows(page: Page): Promise<{ key: string; rows: unknown[] }> {
  await expect.poll(async () => (await readStore(page, 'imzlens-job-index', 'summaries')).keys.length, { timeout: 60_000 }).toBe(1);
  const r = await readStore(page, 'imzlens-jobs', 'results');
  expect(r.keys).toHaveLength(1);
  return { key: r.keys[0], rows: (r.values[0] as { rows: unknown[] }).rows };
}

test('reload mid-job → Continue from N/M → the same rows as an uninterrupted run; no partial records left', async ({ page, browser }) => {
  test.setTimeout(360_000);
  const [before, total] = await startAndWaitMidScore(page, 2);
  await page.reload();

  const banner = page.getByTestId('interrupted-job');
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText('Interrupted job on resume');
  const text = (await page.getByTestId('interrupted-text').textContent()) ?? '';
  const m = /(\d+) of (\d+) tasks done/.exec(text);
  expect(m, text).not.toBeNull();
  const done = Number(m![1]);
  expect(Number(m![2])).toBe(total);
  expect(done).toBeGreaterThanOrEqual(before); // every task counted before the reload was stored
  expect(done).toBeLessThan(total);
  const partialTasks = await readStore(page, 'imzlens-partial-tasks', 'tasks');
  expect(partialTasks.keys).toHaveLength(done);
  await page.screenshot({ path: `${SHOTS}/interrupted-banner.png` });

  await page.getByTestId('interrupted-continue').click();
  // the score stage starts at the stored count, not at 0
  let first: [number, number] | null = null;
  await expect.poll(async () => (first = await scoreCount(page)) !== null, { timeout: 120_000, intervals: [20] }).toBe(true);
  expect(first![1]).toBe(total);
  expect(first![0]).toBeGreaterThanOrEqual(done);
  await page.screenshot({ path: `${SHOTS}/continued-progress.png` });
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  await expect(banner).toHaveCount(0);
  const resumed = await storedRows(page);
  await page.screenshot({ path: `${SHOTS}/continued-result.png` });
  // a finished job deletes its partial records
  await expect.poll(async () => (await readStore(page, 'imzlens-partial-tasks', 'tasks')).keys.length).toBe(0);
  expect((await readStore(page, 'imzlens-partial-jobs', 'jobs')).keys).toHaveLength(0);

  // the same job without interruption, in a fresh profile
  const ctx = await browser.newContext();
  const fresh = await ctx.newPage();
  await openPair(fresh, imzml(), ibd());
  await fresh.getByTestId('run-job').click();
  await expect(fresh.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  const ref = await storedRows(fresh);
  await ctx.close();
  // the same job (databases, parameters) on its own ingest of the files (the dataset id has a random part)
  expect(resumed.key.split('|')[1]).toBe(ref.key.split('|')[1]);
  expect(ref.rows.length).toBeGreaterThan(10);
  expect(resumed.rows).toEqual(ref.rows);
});

test('reload mid-job → Discard deletes the partial records only', async ({ page }) => {
  test.setTimeout(240_000);
  await startAndWaitMidScore(page, 1);
  await page.reload();
  await expect(page.getByTestId('interrupted-job')).toBeVisible({ timeout: 30_000 });
  expect((await readStore(page, 'imzlens-partial-tasks', 'tasks')).keys.length).toBeGreaterThan(0);
  const datasetsBefore = await page.getByTestId('library-item').allTextContents();
  expect(datasetsBefore).toHaveLength(1);
  await page.getByTestId('interrupted-discard').click();
  await expect(page.getByTestId('interrupted-job')).toHaveCount(0);
  expect((await readStore(page, 'imzlens-partial-tasks', 'tasks')).keys).toHaveLength(0);
  expect((await readStore(page, 'imzlens-partial-jobs', 'jobs')).keys).toHaveLength(0);
  // nothing else: the dataset is still there and opens, no job result was made up
  await page.reload();
  await expect(page.getByTestId('job-form')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('interrupted-job')).toHaveCount(0);
  await expect(page.getByTestId('library-item')).toHaveText(datasetsBefore);
  expect((await readStore(page, 'imzlens-jobs', 'results')).keys).toHaveLength(0);
  await page.screenshot({ path: `${SHOTS}/after-discard.png` });
});
