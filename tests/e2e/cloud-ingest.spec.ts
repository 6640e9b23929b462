// Serverless ingest in the page, end to end on the local stack (s3rver + our Lambda Invoke server, CORS = this
// page's origin): a pair dropped with "Ingest in AWS Lambda" is uploaded to S3, ingested by the 'cloud-ingest'
// Lambda task and listed as a cloud dataset (meta, mask, TIC in IndexedDB; no segments in this browser). Its ion
// image at a planted m/z equals the one of the same pair ingested locally. An upload stopped after one part
// resumes on re-drop and sends only the missing parts. S3 errors say what is wrong and leave the library as it was.
//
// Settings seam: until the cloud settings form provides a CloudConfig, the page reads it from localStorage
// 'imzlens-cloud-config' (src/app/services/cloud-datasets.ts CLOUD_CONFIG_KEY); the part size for the resume test
// from 'imzlens-upload-part-bytes'.
import { expect, test, type Page, type Route } from '@playwright/test';
import { setUpFixtureParams } from './job-form.ts';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import type { CloudConfig } from '../../src/platform/cloud/config.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'public/example');
const SHOTS = '/tmp/shots-b2';
const CONFIG_KEY = 'imzlens-cloud-config';
const PART_KEY = 'imzlens-upload-part-bytes';
const BUCKET = 'b2-cloud-ingest';

let stack: LocalStack;
let s3: S3Client;
let tmp: string;
let simImzml: string;
let simIbd: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-b2-e2e-'));
  // a ~12 MB ibd: three parts of 5 MiB for the resume test
  const sim = spawnSync(process.execPath, [path.join(ROOT, 'bin/imzlens.mjs'), 'simulate', '--width', '50', '--height', '50', '--db', path.join(EXAMPLE, 'example-db.csv'),
    '--n-true', '10', '--noise-peaks', '800', '--sigma', '0.000619', '--seed', '5', '--out', path.join(tmp, 'resume12')], { encoding: 'utf8', cwd: ROOT });
  if (sim.status !== 0) throw new Error(`simulate failed: ${sim.stderr}`);
  simImzml = path.join(tmp, 'resume12.imzML');
  simIbd = path.join(tmp, 'resume12.ibd');
  const ibdSize = fs.statSync(simIbd).size;
  if (ibdSize <= 10 * 2 ** 20 || ibdSize > 15 * 2 ** 20) throw new Error(`simulated ibd is ${ibdSize} bytes; the resume test needs 10–15 MiB (3 parts of 5 MiB)`);
  stack = await startLocalStack({ bucket: BUCKET, memoryTiers: [2048], concurrency: 4, allowOrigin: ORIGIN, rebuild: true });
  s3 = new S3Client({ region: 'us-east-1', endpoint: stack.config.s3Endpoint, forcePathStyle: true, credentials: stack.config.credentials });
});

test.afterAll(async () => {
  s3?.destroy();
  await stack?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function withSettings(page: Page, cfg: CloudConfig, partBytes?: number) {
  await page.addInitScript(([ck, cv, pk, pv]) => {
    localStorage.setItem(ck, cv);
    if (pv) localStorage.setItem(pk, pv);
    else localStorage.removeItem(pk);
  }, [CONFIG_KEY, JSON.stringify(cfg), PART_KEY, partBytes ? String(partBytes) : ''] as const);
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function objectBytes(key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

async function keysUnder(prefix: string): Promise<string[]> {
  const res = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

/** Keys of this dataset id in the page's IndexedDB dataset store ('imzlens' / 'datasets'). */
async function idbKeysOf(page: Page, id: string): Promise<string[]> {
  return page.evaluate((dsId) => new Promise<string[]>((resolve, reject) => {
    const open = indexedDB.open('imzlens');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('datasets').objectStore('datasets').getAllKeys();
      req.onsuccess = () => resolve((req.result as unknown[][]).filter((k) => Array.isArray(k) && k[1] === dsId).map((k) => `${k[0]}:${k[2] ?? ''}`));
      req.onerror = () => reject(req.error);
    };
  }), id);
}

test('a pair ingested in AWS Lambda is a cloud dataset whose ion image equals the local ingest', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await withSettings(page, stack.config);
  await page.goto('/');
  await expect(page.getByTestId('ingest-mode')).toBeVisible();
  await page.getByTestId('ingest-cloud').check();
  await expect(page.getByTestId('drop-zone')).toContainText(`uploaded to s3://${BUCKET}/imzlens/`);
  await page.screenshot({ path: `${SHOTS}/1-mode.png` });

  const imzml = path.join(EXAMPLE, 'example.imzML');
  const ibd = path.join(EXAMPLE, 'example.ibd');
  await page.getByTestId('file-input').setInputFiles([imzml, ibd]);
  const cloudItem = page.locator('[data-testid=library-item][data-name=example][data-cloud="1"]');
  await expect(cloudItem).toBeVisible({ timeout: 90_000 });
  await expect(cloudItem.getByTestId('cloud-badge')).toHaveText('cloud');
  await expect(cloudItem).toContainText(`in S3 (${BUCKET})`);
  // selected after the ingest: header with the geometry, and the TIC image from the mask/TIC copied into IndexedDB
  await expect(page.locator('.dshead')).toContainText('example');
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  await page.screenshot({ path: `${SHOTS}/2-cloud-dataset.png` });

  const id = new URL(page.url()).searchParams.get('ds');
  // the files went to S3 byte for byte, and the segments Lambda wrote are there
  const uploads = await keysUnder('imzlens/uploads/');
  const ibdKey = uploads.find((k) => k.endsWith('/example.ibd'))!;
  expect(ibdKey, `uploads: ${uploads.join(', ')}`).toBeTruthy();
  expect((await objectBytes(ibdKey)).equals(fs.readFileSync(ibd))).toBe(true);
  const dsId = ibdKey.split('/')[2];
  expect(id).toBe(dsId); // the selected dataset is the cloud one
  const dsKeys = await keysUnder(`imzlens/datasets/${dsId}/`);
  const segKeys = dsKeys.filter((k) => /segment-\d+\.bin$/.test(k));
  expect(segKeys.length).toBeGreaterThan(0);
  expect(dsKeys).toContain(`imzlens/datasets/${dsId}/meta.json`);
  // nothing big in this browser: meta, mask, TIC (+ the segment list), no segments
  const local = await idbKeysOf(page, dsId);
  expect(local.filter((k) => k.startsWith('seg:'))).toEqual([]);
  expect(local).toEqual(expect.arrayContaining(['meta:', 'blob:mask', 'blob:tic']));

  // the same pair ingested in this browser
  await page.getByTestId('ingest-local').check();
  await page.getByTestId('file-input').setInputFiles([imzml, ibd]);
  await expect(page.locator('[data-testid=library-item][data-name=example][data-cloud="0"]')).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: `${SHOTS}/3-library-both.png` });

  // a job on the cloud dataset runs in AWS Lambda (its peaks are not in this browser) and gives the same table as
  // the same job on the local copy run in this browser
  const setUpJob = () => setUpFixtureParams(page, path.join(EXAMPLE, 'example-db.csv'), 'example-db');
  await page.locator('[data-testid=library-item][data-cloud="0"] button.item').click();
  await expect(page.getByTestId('job-form')).toBeVisible();
  await setUpJob();
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('result-run-on')).toHaveText('This browser', { timeout: 60_000 });
  const localRows = await page.getByTestId('annotation-table').getAttribute('data-rows');
  expect(Number(localRows)).toBeGreaterThan(0);

  await page.locator('[data-testid=library-item][data-cloud="1"] button.item').click();
  await expect(page.getByTestId('run-on-cloud-dataset')).toBeVisible();
  await expect(page.getByTestId('run-on').locator('option[value=browser]')).toBeDisabled();
  await setUpJob();
  const cfg = stack.config;
  await page.getByTestId('cloud-settings-toggle').click();
  await page.getByTestId('cloud-region').fill(cfg.region!);
  await page.getByTestId('cloud-endpoint').fill(cfg.s3Endpoint!);
  await page.getByTestId('cloud-bucket').fill(cfg.bucket);
  await page.getByTestId('cloud-prefix').fill(cfg.prefix);
  await page.getByTestId('cloud-function').fill(cfg.tiers.map((t) => `${t.functionName}:${t.memoryMB}`).join(','));
  await page.getByTestId('cloud-lambda-endpoint').fill(cfg.lambdaEndpoint!);
  await page.getByTestId('cloud-concurrency').fill(String(cfg.concurrency));
  await page.getByTestId('cloud-key-id').fill(cfg.credentials!.accessKeyId);
  await page.getByTestId('cloud-secret').fill(cfg.credentials!.secretAccessKey);
  await page.getByTestId('cloud-save').click();
  await expect(page.getByTestId('run-on')).toHaveValue('lambda');
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('result-run-on')).toContainText('AWS Lambda', { timeout: 120_000 });
  await expect(page.getByTestId('annotation-table')).toHaveAttribute('data-rows', localRows!);
  await page.screenshot({ path: `${SHOTS}/4-cloud-dataset-job.png` });

  // the ion image of a planted ion (first row of the example's ground truth) from both
  const truth = fs.readFileSync(path.join(EXAMPLE, 'example.truth.csv'), 'utf8').split('\n')[1].split(',');
  const mz = Number(truth[3]);
  const nPixels = Number(truth[9]);
  expect(mz).toBeGreaterThan(100);
  await page.goto('/harness.html');
  await page.waitForSelector('body[data-ready="1"]');
  const imgs = await page.evaluate(([m]) => (window as unknown as { imzlensHarness: { ionImagesByName(n: string, mz: number, ppm: number): Promise<{ id: string; cloud: boolean; nSegments: number; values: number[] }[]> } })
    .imzlensHarness.ionImagesByName('example', m, 3), [mz] as const);
  expect(imgs).toHaveLength(2);
  const c = imgs.find((x) => x.cloud)!;
  const l = imgs.find((x) => !x.cloud)!;
  expect(c.id).toBe(dsId);
  expect(c.nSegments).toBe(segKeys.length);
  expect(c.nSegments).toBe(l.nSegments);
  const nonzero = c.values.filter((v) => v > 0).length;
  // the planted ion covers nPixels pixels in the truth file; noise can hide a few at the edges
  expect(nonzero).toBeGreaterThan(nPixels * 0.8);
  expect(c.values).toEqual(l.values);
  expect(errors).toEqual([]);
});

test('an upload stopped after one part resumes on re-drop and sends only the missing parts', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await withSettings(page, stack.config, 5 * 2 ** 20);
  const partPuts: number[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (r.method() === 'PUT' && u.pathname.endsWith('/resume12.ibd') && u.searchParams.has('partNumber')) partPuts.push(Number(u.searchParams.get('partNumber')));
  });
  // hold parts 2 and 3 of the ibd (never answered) so the stop lands after exactly one part
  const held: Route[] = [];
  await page.route((u) => u.href.startsWith(stack.config.s3Endpoint!) && u.pathname.endsWith('/resume12.ibd') && u.searchParams.has('partNumber'), async (route) => {
    const n = Number(new URL(route.request().url()).searchParams.get('partNumber'));
    if (route.request().method() === 'PUT' && n > 1) held.push(route);
    else await route.continue();
  });
  await page.goto('/');
  await page.getByTestId('ingest-cloud').check();
  await page.getByTestId('file-input').setInputFiles([simImzml, simIbd]);
  await expect(page.getByTestId('ingest-note')).toHaveText('1 of 3 parts uploaded', { timeout: 60_000 });
  await expect(page.getByTestId('ingest-progress')).toContainText('MB/s');
  await expect(page.getByTestId('ingest-progress')).toContainText('ETA');
  await page.screenshot({ path: `${SHOTS}/4-uploading.png` });
  await page.getByTestId('ingest-cancel').click();
  await expect(page.getByTestId('open-message')).toContainText('parts already in S3 are kept');
  await expect(page.locator('[data-testid=library-item][data-name=resume12]')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/5-stopped.png` });
  for (const r of held) await r.abort().catch(() => {});
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  expect(partPuts.filter((n) => n === 1)).toHaveLength(1);

  // a closed tab does not lose it either: a new page, the same files again
  await page.reload();
  partPuts.length = 0;
  await page.getByTestId('ingest-cloud').check();
  await page.getByTestId('file-input').setInputFiles([simImzml, simIbd]);
  await expect(page.getByTestId('ingest-note')).toHaveText('resuming: 1 of 3 parts of the ibd already uploaded', { timeout: 60_000 });
  await page.screenshot({ path: `${SHOTS}/6-resuming.png` });
  const item = page.locator('[data-testid=library-item][data-name=resume12][data-cloud="1"]');
  await expect(item).toBeVisible({ timeout: 90_000 });
  expect(partPuts.sort()).toEqual([2, 3]);
  const uploads = await keysUnder('imzlens/uploads/');
  const ibdKey = uploads.find((k) => k.endsWith('/resume12.ibd'))!;
  expect((await objectBytes(ibdKey)).equals(fs.readFileSync(simIbd))).toBe(true);
  // the dataset Lambda ingested from the resumed upload has every spectrum of the file
  const nSpectra = (fs.readFileSync(simImzml, 'utf8').match(/<spectrum /g) ?? []).length;
  expect(nSpectra).toBeGreaterThan(500);
  await expect(page.locator('.dshead')).toContainText(`${nSpectra.toLocaleString('en-US')} spectra`);
  await page.screenshot({ path: `${SHOTS}/7-resumed-dataset.png` });
  expect(errors).toEqual([]);
});

test('S3 errors say what is wrong and leave the library as it was', async ({ page }) => {
  test.setTimeout(120_000);
  // a bucket that does not exist (no CORS rule either: the browser sees a network error)
  await withSettings(page, { ...stack.config, bucket: 'no-such-bucket-b2' });
  await page.goto('/');
  const before = await page.getByTestId('library-item').count();
  await page.getByTestId('ingest-cloud').check();
  await page.getByTestId('file-input').setInputFiles([simImzml, simIbd]);
  await expect(page.getByTestId('open-message')).toContainText("could not reach bucket 'no-such-bucket-b2'", { timeout: 60_000 });
  await expect(page.getByTestId('open-message')).toContainText('CORS');
  await page.screenshot({ path: `${SHOTS}/8-no-bucket.png` });
  await expect(page.getByTestId('library-item')).toHaveCount(before);

  // 403 from S3 (wrong keys): s3rver checks no signatures, so the answer is staged here
  await page.route((u) => u.href.startsWith(stack.config.s3Endpoint!), (route) => route.request().method() === 'OPTIONS' ? route.continue() : route.fulfill({
    status: 403,
    headers: { 'content-type': 'application/xml', 'access-control-allow-origin': ORIGIN },
    body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>',
  }));
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [CONFIG_KEY, JSON.stringify(stack.config)] as const);
  await page.getByTestId('file-input').setInputFiles([simImzml, simIbd]);
  await expect(page.getByTestId('open-message')).toContainText('403 access denied', { timeout: 60_000 });
  await expect(page.getByTestId('open-message')).toContainText('check the keys');
  await expect(page.getByTestId('library-item')).toHaveCount(before);
  await page.unrouteAll({ behavior: 'ignoreErrors' });

  // a late failure: the example is already ingested in S3 (first test), so the page goes straight to copying its
  // mask and TIC — the mask read fails, and nothing of the dataset may stay in this browser
  await page.route((u) => u.href.startsWith(stack.config.s3Endpoint!) && u.pathname.endsWith('/blob-mask'), (route) => route.request().method() === 'OPTIONS' ? route.continue() : route.fulfill({
    status: 403,
    headers: { 'content-type': 'application/xml', 'access-control-allow-origin': ORIGIN },
    body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
  }));
  await page.getByTestId('file-input').setInputFiles([path.join(EXAMPLE, 'example.imzML'), path.join(EXAMPLE, 'example.ibd')]);
  await expect(page.getByTestId('open-message')).toContainText('403 access denied', { timeout: 60_000 });
  await expect(page.getByTestId('library-item')).toHaveCount(before);
  const exampleId = (await keysUnder('imzlens/uploads/')).find((k) => k.endsWith('/example.ibd'))!.split('/')[2];
  expect(await keysUnder(`imzlens/datasets/${exampleId}/meta.json`)).toHaveLength(1);
  expect(await idbKeysOf(page, exampleId)).toEqual([]);
  const locations = await page.evaluate(() => new Promise<number>((resolve, reject) => {
    const open = indexedDB.open('imzlens-cloud-datasets');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('locations')) return resolve(0);
      const req = db.transaction('locations').objectStore('locations').count();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    };
  }));
  expect(locations).toBe(0);
});
