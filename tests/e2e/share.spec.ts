// Sharing a real result: "Try the example" → download its bundle → open it by file pick in a fresh browser
// context (empty storage): same rows, bit-identical images (FNV fingerprint of the Float32 bits, plus hover
// readouts). Then upload to a local s3rver (CORS = this page's origin) and open the presigned link in
// another fresh context: same rows and images, the view state restored, no IndexedDB touched. A corrupted
// and an oversized bundle give clear errors and leave the page usable.
import Papa from 'papaparse';
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8, zipSync, type Zippable } from 'fflate';
import { startLocalS3, type LocalS3 } from '../../cloud/local-s3.ts';
import { writeBundle } from '../../src/core/bundle/index.ts';
import type { AnnotationRow, JobResult } from '../../src/core/job/result.ts';
import type { DatasetMeta } from '../../src/core/types.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const SECRET = 'e2e-secret-must-never-appear-in-links';
const BUCKET = 'share-e2e';

let s3: LocalS3;
let tmp: string;
test.beforeAll(async () => {
  s3 = await startLocalS3({ bucket: BUCKET, allowOrigin: ORIGIN });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-share-e2e-'));
});
test.afterAll(async () => {
  await s3?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The selected row's ion and its images' fingerprint, once the viewer shows that row. */
async function selectedImages(page: Page): Promise<{ ion: string; hash: string }> {
  const ion = (await page.locator('[data-testid=table-row].sel').getAttribute('data-ion'))!;
  const main = page.getByTestId('main-image');
  await expect(main).toHaveAttribute('data-images', /^[0-9a-f]{8}$/, { timeout: 30_000 });
  const id = (await main.getAttribute('data-ion'))!;
  expect(id.startsWith(`${ion}|`)).toBe(true);
  return { ion: id, hash: (await main.getAttribute('data-images'))! };
}

/** For rows 0..n-1 of the table: click, then the fingerprint of its images. */
async function rowImages(page: Page, n: number): Promise<{ ion: string; hash: string }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    await page.getByTestId('table-row').nth(i).click();
    await expect(page.getByTestId('table-row').nth(i)).toHaveClass(/sel/);
    out.push(await selectedImages(page));
  }
  return out;
}

async function hoverValues(page: Page): Promise<string[]> {
  const viewer = page.getByTestId('ion-viewer');
  await expect(viewer).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  const box = (await viewer.locator('.stage').boundingBox())!;
  const readout = page.getByTestId('hover-readout');
  const vals: string[] = [];
  for (const [fx, fy] of [[0.5, 0.5], [0.4, 0.6], [0.62, 0.38]]) {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
    await expect(readout).not.toHaveAttribute('data-x', '');
    vals.push(`${await readout.getAttribute('data-x')},${await readout.getAttribute('data-y')}=${await readout.getAttribute('data-value')}`);
  }
  return vals;
}

/** The shown rows as the CSV export writes them (every row and metric; the header block with time/URL dropped). */
async function csvRows(page: Page): Promise<string[]> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const lines = fs.readFileSync(await d.path(), 'utf8').trim().split('\n');
  // comment lines (# …) first, then the header (METASPACE's columns first: docs/results-csv.md)
  return lines.slice(lines.findIndex((l) => !l.startsWith('#')));
}

/** The rows the virtual table has rendered (a prefix of the sorted rows; its length depends on the viewport). */
const visibleIons = (page: Page) => page.getByTestId('table-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ion')));

test('example job → bundle download → open by file and by presigned S3 link: same rows, bit-identical images', async ({ page, browser }) => {
  test.setTimeout(400_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.getByTestId('try-example').click();
  const table = page.getByTestId('annotation-table');
  await expect(table).toBeVisible({ timeout: 240_000 });

  // the rows a default bundle holds: FDR ≤ 50 %
  await page.getByTestId('filter-fdr').selectOption('0.5');
  const nRows = Number(await table.getAttribute('data-rows'));
  expect(nRows).toBeGreaterThan(2);
  const ions = await visibleIons(page);
  const csv = await csvRows(page);
  expect(csv.length).toBe(nRows + 1);
  const src = await rowImages(page, 3);
  await page.getByTestId('table-row').nth(1).click();
  const srcHover = await hoverValues(page);

  // 1. download (default rows), and the "current filter" variant (FDR ≤ 5 %) for its size
  await page.getByTestId('share-open').click(); // the share dialog is a modal
  const t0 = Date.now();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-download').click()]);
  const writeMs = Date.now() - t0;
  expect(dl.suggestedFilename()).toMatch(/\.imzlens\.zip$/);
  const bundlePath = path.join(tmp, dl.suggestedFilename());
  await dl.saveAs(bundlePath);
  const bytes = new Uint8Array(fs.readFileSync(bundlePath));
  const files = unzipSync(bytes);
  const manifest = JSON.parse(strFromU8(files['manifest.json']));
  const annotations = JSON.parse(strFromU8(files['annotations.json'])) as { rows: { ion: string; fdr: number }[] };
  expect(manifest.counts.rows).toBe(nRows);
  expect(annotations.rows.length).toBe(nRows);
  expect(annotations.rows.every((r) => r.fdr <= 0.5)).toBe(true);
  expect(annotations.rows.map((r) => r.ion).sort()).toEqual(Papa.parse<Record<string, string>>(csv.join('\n'), { header: true }).data.map((r) => r.ion).sort());
  // "current filter" variant: FDR ≤ 5 % and the first adduct only
  await page.getByTestId('share-close').click();
  await page.getByTestId('filter-fdr').selectOption('0.05');
  await page.getByTestId('filter-adduct').selectOption({ index: 1 });
  const n5 = Number(await table.getAttribute('data-rows'));
  await page.getByTestId('share-open').click();
  await page.getByTestId('bundle-rows-filter').check();
  const [dl5] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-download').click()]);
  const size5 = fs.statSync(await dl5.path()).size;
  const m5 = JSON.parse(strFromU8(unzipSync(new Uint8Array(fs.readFileSync(await dl5.path())))['manifest.json']));
  expect(m5.counts.rows).toBe(n5);
  console.log(`example bundle sizes: FDR ≤ 50 % ${nRows} rows × ${manifest.counts.images / nRows} images on ${manifest.counts.width}×${manifest.counts.height} = ${bytes.length} B; ` +
    `FDR ≤ 5 % + one adduct ${n5} rows = ${size5} B; uncompressed entries ${manifest.sizes.total} B; written in the page in ${writeMs} ms`);
  await page.getByTestId('bundle-rows-default').check();
  await page.getByTestId('share-close').click();
  await page.getByTestId('filter-adduct').selectOption('');
  await page.getByTestId('filter-fdr').selectOption('0.5');

  // 2. open it by file pick in a fresh context (empty storage)
  {
    const ctx = await browser.newContext();
    const p2 = await ctx.newPage();
    const err2: string[] = [];
    p2.on('pageerror', (e) => err2.push(e.message));
    await p2.goto('/');
    const t1 = Date.now();
    await p2.getByTestId('file-input').setInputFiles(bundlePath);
    await expect(p2.getByTestId('shared-banner')).toContainText('Shared result');
    console.log(`bundle opened from file (pick → table) in ${Date.now() - t1} ms`);
    await expect(p2.getByTestId('shared-panel')).toBeVisible();
    await expect(p2.getByTestId('job-form')).toHaveCount(0); // read-only: no job form on a bundle
    await p2.getByTestId('filter-fdr').selectOption('0.5');
    await expect(p2.getByTestId('annotation-table')).toHaveAttribute('data-rows', String(nRows));
    expect(await csvRows(p2)).toEqual(csv);
    const ions2 = await visibleIons(p2);
    expect(ions2.slice(0, ions.length)).toEqual(ions.slice(0, ions2.length));
    expect(await rowImages(p2, 3)).toEqual(src);
    await p2.getByTestId('table-row').nth(1).click();
    expect(await hoverValues(p2)).toEqual(srcHover);
    expect(err2).toEqual([]);
    await ctx.close();
  }

  // 3. share link: upload to the local S3, presigned GET, the view (2nd ion, magma, log) in the fragment
  await page.getByTestId('table-row').nth(1).click();
  await page.getByTestId('cmap-select').selectOption('magma');
  await page.getByTestId('scale-select').selectOption('log');
  await page.getByTestId('share-open').click();
  await page.getByTestId('share-link-section').locator('summary').click();
  await page.getByTestId('cloud-region').fill('us-east-1');
  await page.getByTestId('cloud-endpoint').fill(s3.url);
  await page.getByTestId('cloud-bucket').fill(BUCKET);
  await page.getByTestId('cloud-prefix').fill('e2e/');
  await page.getByTestId('cloud-key-id').fill('S3RVER');
  await page.getByTestId('cloud-secret').fill(SECRET);
  await page.getByTestId('share-expiry').selectOption(String(3600));
  await page.getByTestId('share-create').click();
  const linkBox = page.getByTestId('share-link');
  await expect(linkBox).toHaveValue(/#bundle=/, { timeout: 60_000 });
  const link = await linkBox.inputValue();
  expect(link.startsWith(`${ORIGIN}/#bundle=${encodeURIComponent(s3.url)}`)).toBe(true);
  expect(link).not.toContain(SECRET);
  expect(decodeURIComponent(link)).not.toContain(SECRET);
  expect(decodeURIComponent(link)).toContain('X-Amz-Expires=3600');
  expect(await page.evaluate(() => localStorage.getItem('imzlens-share-settings'))).toBeNull(); // "remember" not ticked
  // the object is the downloaded bundle, byte for byte
  const stored = fs.readdirSync(s3.directory, { recursive: true }).map(String).filter((f) => f.endsWith('._S3rver_object'));
  expect(stored.some((f) => /e2e\/shared\/.*\.imzlens-[0-9a-f]{16}\.zip/.test(f.replace(/\\/g, '/')))).toBe(true);

  {
    const ctx = await browser.newContext();
    const p3 = await ctx.newPage();
    const err3: string[] = [];
    p3.on('pageerror', (e) => err3.push(e.message));
    await p3.goto(link);
    await expect(p3.getByTestId('shared-banner')).toContainText('127.0.0.1', { timeout: 30_000 });
    await expect(p3.getByTestId('drop-zone')).toHaveCount(0);
    await expect(p3.getByTestId('cmap-select')).toHaveValue('magma');
    await expect(p3.getByTestId('scale-select')).toHaveValue('log');
    await expect(p3.getByTestId('filter-fdr')).toHaveValue('0.5');
    await expect(p3.getByTestId('annotation-table')).toHaveAttribute('data-rows', String(nRows));
    expect(await csvRows(p3)).toEqual(csv);
    expect((await selectedImages(p3)).ion).toBe(src[1].ion); // the shared ion is selected
    expect(await rowImages(p3, 3)).toEqual(src);
    // a bundle from a link never opens the user's stores
    expect(await p3.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual([]);
    expect(await p3.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('share')))).toEqual([]);
    expect(err3).toEqual([]);
    await ctx.close();
  }

  // 4. public-URL option: no signature in the link; the local bucket serves anonymous GETs like a public bucket
  await page.getByTestId('share-public').check();
  await page.getByTestId('share-create').click();
  await expect(linkBox).not.toHaveValue(link, { timeout: 60_000 });
  const pub = await linkBox.inputValue();
  expect(decodeURIComponent(pub)).toMatch(new RegExp(`#bundle=${s3.url}/${BUCKET}/e2e/shared/[^?&]+\\.zip(&|$)`));
  expect(decodeURIComponent(pub)).not.toContain('X-Amz-');
  {
    const ctx = await browser.newContext();
    const p4 = await ctx.newPage();
    await p4.goto(pub);
    await expect(p4.getByTestId('shared-banner')).toBeVisible({ timeout: 30_000 });
    await p4.getByTestId('filter-fdr').selectOption('0.5');
    await expect(p4.getByTestId('annotation-table')).toHaveAttribute('data-rows', String(nRows));
    expect((await selectedImages(p4)).hash).toBe(src[1].hash);
    await ctx.close();
  }
  expect(errors).toEqual([]);
});

test('a corrupted and an oversized bundle give clear errors; the page stays usable', async ({ page }) => {
  test.setTimeout(120_000);
  // a small valid bundle written by the core, then damaged two ways: cut short, and one byte of a stored entry changed
  const W = 3;
  const H = 2;
  const row = {
    formula: 'C2H4O', chemMod: '', neutralLoss: '', adduct: '+H', ionFormula: 'C2H5O', ion: 'C2H4O+H+', mz: 45.0335, msm: 0.9, fdr: 0.05, fdrRaw: 0.01,
    chaos: 0.99, spatial: 0.95, spectral: 0.97, mzErrAbs: 1e-4, mzErrRel: 0.5, database: 'db', moleculeIds: ['M1'], moleculeNames: ['m'],
    centroidMzs: [45.0335, 0, 0, 0], centroidInts: [100, 0, 0, 0], totalInt: [10, 0, 0, 0], maxInt: [3, 0, 0, 0], nPx: [5, 0, 0, 0],
  } as AnnotationRow;
  const meta = {
    id: 'ds', name: 'tiny', width: W, height: H, minX: 1, minY: 1, nSpectra: 6, nSamplePixels: 6, totalPeaks: 6, mzMin: 40, mzMax: 60,
    polarity: 'positive', spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null, instrument: null, segments: [], warnings: [],
    source: { imzml: 't.imzML', ibd: 't.ibd', ibdSize: 1, uuid: null }, createdAt: '2026-11-27T00:00:00.000Z',
  } as unknown as DatasetMeta;
  const result = {
    version: 1, datasetId: 'ds', datasetName: 'tiny', createdAt: '2026-11-27T00:00:00.000Z', rows: [row],
    params: { databases: ['db'], adducts: ['+H'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 },
    stats: { stages: [], ionFormulas: 1, targets: 1, decoys: 20, scored: 21, annotatedAt10: 1, executor: 'inline', workers: 1 },
  } as unknown as JobResult;
  const valid = await writeBundle({ result, meta, mask: new Uint8Array(W * H).fill(1), getImages: async () => [new Float32Array([1, 0, 2, 0, 0, 3]), new Float32Array(6), new Float32Array(6), new Float32Array(6)] });
  const okPath = path.join(tmp, 'tiny.imzlens.zip');
  fs.writeFileSync(okPath, valid);
  const cut = path.join(tmp, 'cut.imzlens.zip');
  fs.writeFileSync(cut, valid.subarray(0, valid.length - 40));
  // re-zipped without compression so the annotation text is in the clear, then one letter changed: CRC mismatch
  const stored: Zippable = {};
  for (const [k, v] of Object.entries(unzipSync(valid))) stored[k] = [v, { level: 0 }];
  const tampered = zipSync(stored);
  const at = Buffer.from(tampered).indexOf('C2H4O+H+');
  expect(at).toBeGreaterThan(0);
  tampered[at] = 'N'.charCodeAt(0);
  const bad = path.join(tmp, 'tampered.imzlens.zip');
  fs.writeFileSync(bad, tampered);
  const big = path.join(tmp, 'huge.imzlens.zip');
  const fd = fs.openSync(big, 'w');
  fs.ftruncateSync(fd, 1100 * 1024 * 1024); // sparse: 1.1 GB on paper, nothing on disk
  fs.closeSync(fd);

  await page.goto('/');
  const msg = page.getByTestId('open-message');
  await page.getByTestId('file-input').setInputFiles(cut);
  await expect(msg).toContainText('cut.imzlens.zip: ');
  await page.getByTestId('file-input').setInputFiles(bad);
  await expect(msg).toContainText("tampered.imzlens.zip: truncated or corrupted zip: entry 'annotations.json' fails its CRC check");
  await page.getByTestId('file-input').setInputFiles(big);
  await expect(msg).toContainText('huge.imzlens.zip is 1100.0 MB, more than the 1024.0 MB a bundle may have; it was not opened');
  // still the normal page: no shared mode, the example button works, and a good bundle opens after the bad ones
  await expect(page.getByTestId('shared-banner')).toHaveCount(0);
  await expect(page.getByTestId('try-example')).toBeEnabled();
  await page.getByTestId('file-input').setInputFiles(okPath);
  await expect(page.getByTestId('shared-banner')).toBeVisible();
  await expect(page.getByTestId('annotation-table')).toHaveAttribute('data-rows', '1');

  // a link to a bundle that is not there: a clear error in the shared view, and a way back
  await page.goto(`/#bundle=${encodeURIComponent(`${s3.url}/${BUCKET}/missing.zip`)}`);
  await expect(page.getByTestId('shared-error')).toContainText(/HTTP 404|could not fetch the bundle/);
  await page.getByTestId('leave-shared').click();
  await expect(page.getByTestId('try-example')).toBeVisible();
  // a link with an unsafe scheme is refused without fetching
  await page.goto(`/#bundle=${encodeURIComponent('javascript:alert(1)')}`);
  await expect(page.getByTestId('shared-error')).toContainText('only http(s) addresses are opened');
});
