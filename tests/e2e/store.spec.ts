// Ingest into IndexedDB in Chromium (through harness.html): a dataset generated in the page (Blob sources),
// a real pair fetched with HTTP Range requests, commit atomicity and the IndexedDB write rate
// (quota handling with Chromium's real quota: storage-quota.spec.ts).
import { expect, test, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');

async function harness(page: Page) {
  await page.goto('/harness.html');
  await page.waitForSelector('body[data-ready="1"]');
  await page.evaluate(() => (window as any).imzlensHarness.storeReset());
}

/** Serves files from ../shared/data under /h1-data/ with Range support (206 + Content-Range). */
async function serveSharedData(page: Page) {
  await page.route('**/h1-data/**', async (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/h1-data\//, ''));
    const file = path.join(SHARED, 'data', rel);
    if (!existsSync(file)) return route.fulfill({ status: 404, body: 'missing' });
    const body = readFileSync(file);
    const range = route.request().headers()['range'];
    const m = range && /bytes=(\d+)-(\d+)/.exec(range);
    if (!m) return route.fulfill({ status: 200, body, headers: { 'content-length': String(body.length), 'accept-ranges': 'bytes' } });
    const a = Number(m[1]), b = Math.min(Number(m[2]), body.length - 1);
    return route.fulfill({ status: 206, body: body.subarray(a, b + 1), headers: { 'content-range': `bytes ${a}-${b}/${body.length}`, 'accept-ranges': 'bytes' } });
  });
}

test('generated dataset: Blob ingest into IndexedDB, read back sorted and complete', async ({ page }) => {
  await harness(page);
  const r = await page.evaluate(() => (window as any).imzlensHarness.storeIngestGenerated({ id: 'gen', nSpectra: 400, peaks: 500, width: 20, targetSegmentBytes: 256 * 1024 }));
  expect(r.meta.nSpectra).toBe(400);
  expect(r.meta.width).toBe(20);
  expect(r.meta.height).toBe(20);
  expect(r.meta.totalPeaks).toBe(r.expectedPeaks);
  expect(r.meta.segments.length).toBeGreaterThan(5);
  expect(r.check).toMatchObject({ peaks: r.expectedPeaks, sorted: true, boundsOk: true, maskLength: 400, ticBytes: 1600 });
  expect(r.listed).toEqual(['gen']);
});

test('real pair over HTTP Range requests (pyimzml Example_Processed)', async ({ page }) => {
  test.skip(!existsSync(path.join(SHARED, 'data')), `needs ../shared/data next to the repo (${SHARED})`);
  await harness(page);
  await serveSharedData(page);
  const r = await page.evaluate(() => (window as any).imzlensHarness.storeIngestUrl({ id: 'ex', imzmlUrl: '/h1-data/pyimzml/Example_Processed.imzML', ibdUrl: '/h1-data/pyimzml/Example_Processed.ibd' }));
  // Facts from SOURCES.md and the Python reference (tests/fixtures/imzml/reference.json): 9 spectra, 3×3, 23,370 non-zero peaks.
  const ref = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/imzml/reference.json'), 'utf8'))['pyimzml/Example_Processed.imzML'];
  expect(r.meta.nSpectra).toBe(9);
  expect([r.meta.width, r.meta.height]).toEqual([3, 3]);
  expect(r.meta.totalPeaks).toBe(ref.nonzeroPeaks);
  expect(r.meta.mzMin).toBe(ref.mzMin);
  expect(r.meta.mzMax).toBe(ref.mzMax);
  expect(r.meta.polarity).toBe('negative');
  expect(r.check.sorted).toBe(true);
  expect(r.check.peaks).toBe(ref.nonzeroPeaks);
  expect(Math.abs(r.check.intensitySum - ref.nonzeroIntensitySum) / ref.nonzeroIntensitySum).toBeLessThan(1e-6);
});

test('commit is atomic: an interrupted ingest is never listed, shows as incomplete, and can be removed', async ({ page }) => {
  await harness(page);
  const r = await page.evaluate(() => (window as any).imzlensHarness.storeInterrupted({ id: 'half' }));
  expect(r.error).toBe('test abort');
  expect(r.listedAfterAbort).toEqual([]);
  expect(r.incompleteAfterAbort).toEqual(['half']);
  expect(r.segment0Readable).toBe(true);
  expect(r.incompleteAfterDelete).toEqual([]);
});

test('datasets stored before the packed segment records are listed and read back unchanged', async ({ page }) => {
  await harness(page);
  const r = await page.evaluate(() => (window as any).imzlensHarness.storeLegacyRead({ id: 'old' }));
  expect(r.listed).toEqual(['old']);
  expect(r.same).toEqual([true, true]);
  expect(r.mask).toBe(400);
});

test('IndexedDB write throughput (printed, not asserted)', async ({ page }) => {
  await harness(page);
  const r = await page.evaluate(() => (window as any).imzlensHarness.storeWriteBench({ totalMB: 128, segmentMB: 16, perBatch: 2 }));
  console.log(`IndexedDB setMany write: ${r.mbPerS.toFixed(0)} MB/s (${(r.bytes / 2 ** 20).toFixed(0)} MB in ${r.seconds.toFixed(2)} s)`);
  expect(r.bytes).toBeGreaterThan(0);
});
