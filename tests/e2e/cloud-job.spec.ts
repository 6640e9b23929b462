// Hybrid mode from the page, through real CORS: the example is annotated in this browser, then the same job runs
// "in AWS Lambda" on the local stack (s3rver + our Lambda Invoke server running the bundled handler, with this
// page's origin in their CORS rules). The page copies the dataset to S3, LambdaPool runs the tasks, and the result
// must have the same rows with the same numbers as the browser run; the job shows where it ran and a cost; the
// secret key is found in no IndexedDB record and not in localStorage. Wrong settings give clear errors, fast.
import { expect, test, type Page } from '@playwright/test';
import { openPair, setUpFixtureParams } from './job-form.ts';
import fs from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import { createCloudClients } from '../../src/platform/cloud/config.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const BUCKET = 'cloud-job-e2e';
const KEY_ID = 'S3RVER';
// s3rver and the local Lambda do not check signatures, so any secret works; this one is searched for in storage.
const SECRET = 'e2e-secret-never-stored-anywhere';
const SHOTS = '/tmp/shots-b1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let stack: LocalStack;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  stack = await startLocalStack({ bucket: BUCKET, memoryTiers: [2048], concurrency: 4, timeoutMs: 60_000, allowOrigin: ORIGIN, rebuild: true });
  fs.mkdirSync(SHOTS, { recursive: true });
});
test.afterAll(async () => {
  await stack?.close();
});

interface Row { ion: string; database: string; msm: number; fdr: number; spectral: number; spatial: number; chaos: number; centroidMzs: number[] }

/** Every row of every stored job result (IndexedDB 'imzlens-jobs'/'results', written by services/jobs.ts). */
async function storedResults(page: Page): Promise<{ rows: Row[]; runOn?: { kind: string } }[]> {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('imzlens-jobs');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('results').objectStore('results').getAll();
      req.onerror = () => reject(req.error);
      req.onsuccess = () => resolve(req.result.map((r: { rows: Row[]; runOn?: { kind: string } }) => ({
        runOn: r.runOn,
        rows: r.rows.map((x) => ({ ion: x.ion, database: x.database, msm: x.msm, fdr: x.fdr, spectral: x.spectral, spatial: x.spatial, chaos: x.chaos, centroidMzs: Array.from(x.centroidMzs) })),
      })));
    };
  }));
}

/** All IndexedDB content and localStorage as one string (to look for the secret). */
async function everythingStored(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const parts: string[] = [JSON.stringify({ ...localStorage })];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((res, rej) => { const o = indexedDB.open(info.name!); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
      for (const name of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((res, rej) => { const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
        // typed arrays stringify as index maps; strings (where a key would be) stay readable
        parts.push(JSON.stringify(all, (_k, v) => (ArrayBuffer.isView(v) ? undefined : v)));
      }
      db.close();
    }
    return parts.join('\n');
  });
}

async function fillCloudSettings(page: Page, over: { bucket?: string; fn?: string } = {}) {
  const c = stack.config;
  await page.getByTestId('cloud-region').fill(c.region!);
  await page.getByTestId('cloud-endpoint').fill(c.s3Endpoint!);
  await page.getByTestId('cloud-bucket').fill(over.bucket ?? c.bucket);
  await page.getByTestId('cloud-prefix').fill(c.prefix);
  await page.getByTestId('cloud-function').fill(over.fn ?? c.tiers.map((t) => `${t.functionName}:${t.memoryMB}`).join(','));
  await page.getByTestId('cloud-lambda-endpoint').fill(c.lambdaEndpoint!);
  await page.getByTestId('cloud-concurrency').fill(String(c.concurrency));
  await page.getByTestId('cloud-timeout').fill(String(c.functionTimeoutMs / 1000));
  await page.getByTestId('cloud-key-id').fill(KEY_ID);
  await page.getByTestId('cloud-secret').fill(SECRET);
}

const EXAMPLE = path.resolve(import.meta.dirname, '../../public/example');

/** The bundled example's files, opened by file pick (no automatic job), and its database uploaded in the job form. */
async function openExample(page: Page) {
  await openPair(page, path.join(EXAMPLE, 'example.imzML'), path.join(EXAMPLE, 'example.ibd'));
  // the example's parameters (public/example/index.json)
  await setUpFixtureParams(page, path.join(EXAMPLE, 'example-db.csv'), 'example-db');
}

/** Runs the form's job in this browser. */
async function runInBrowser(page: Page) {
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('result-run-on')).toHaveText('This browser');
}

test('example job in AWS Lambda (local stack, real CORS): same rows as in this browser, cost shown, no stored keys', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openExample(page);
  await runInBrowser(page);
  const local = await storedResults(page);
  expect(local).toHaveLength(1);
  const localRows = local[0].rows;
  expect(localRows.length).toBeGreaterThan(10);
  const shownRows = await page.getByTestId('annotation-table').getAttribute('data-rows');

  // Lambda is not offered until the settings are complete
  await expect(page.getByTestId('run-on').locator('option[value=lambda]')).toBeDisabled();
  await page.getByTestId('cloud-settings-toggle').click();
  await fillCloudSettings(page);
  await page.getByTestId('cloud-test').click();
  await expect(page.getByTestId('cloud-test-result')).toHaveAttribute('data-ok', '1', { timeout: 20_000 });
  await expect(page.getByTestId('cloud-test-result')).toContainText(`S3 bucket ${BUCKET}: reachable`);
  await expect(page.getByTestId('cloud-test-result')).toContainText('may be invoked');
  await page.getByTestId('cloud-dialog').screenshot({ path: `${SHOTS}/cloud-settings.png` });
  await page.getByTestId('cloud-save').click();

  await page.getByTestId('run-on').selectOption('lambda');
  await page.getByTestId('job-form').screenshot({ path: `${SHOTS}/job-form-run-on.png` });
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-progress')).toContainText('Copy dataset to S3', { timeout: 20_000 });
  await expect(page.getByTestId('result-run-on')).toContainText('AWS Lambda', { timeout: 100_000 });
  const header = (await page.getByTestId('result-run-on').textContent())!;
  expect(header).toMatch(/^AWS Lambda, us-east-1, \d+ invocations, [\d.,]+ GB-s, ≈ (\$[\d.e-]+|< \$0\.000001)$/);
  const invocations = Number(/(\d+) invocations/.exec(header)![1]);
  expect(invocations).toBeGreaterThan(0);
  await expect(page.getByTestId('job-run-on').first()).toContainText('AWS Lambda');
  await expect(page.getByTestId('job-message')).toHaveCount(0); // computed, not reopened from the cache
  await page.locator('.results').screenshot({ path: `${SHOTS}/lambda-job-header.png` });
  await page.getByTestId('job-item').first().screenshot({ path: `${SHOTS}/lambda-job-list.png` });

  // same rows, same numbers (same job key: the Lambda result replaced the browser one in IndexedDB)
  const cloud = await storedResults(page);
  expect(cloud).toHaveLength(1);
  expect(cloud[0].runOn?.kind).toBe('lambda');
  const byIon = (rows: Row[]) => [...rows].sort((a, b) => (a.ion + a.database < b.ion + b.database ? -1 : 1));
  expect(byIon(cloud[0].rows)).toEqual(byIon(localRows));
  await expect(page.getByTestId('annotation-table')).toHaveAttribute('data-rows', shownRows!);

  // the dataset is in the bucket now (committed: meta.json written last), and the job objects are cleaned up
  const { s3 } = createCloudClients(stack.config);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: stack.config.prefix }));
  const keys = (listed.Contents ?? []).map((c) => c.Key!);
  expect(keys.filter((k) => k.endsWith('/meta.json'))).toHaveLength(1);
  expect(keys.filter((k) => /\/segment-\d+\.bin$/.test(k)).length).toBeGreaterThan(0);
  expect(keys.filter((k) => k.startsWith(`${stack.config.prefix}jobs/`))).toEqual([]);

  expect(await everythingStored(page)).not.toContain(SECRET);
  expect(errors).toEqual([]);
});

test('wrong bucket or function: clear errors from "Test connection" and from the job, no hang; cancel stops a Lambda job', async ({ page }) => {
  test.setTimeout(120_000);
  await openExample(page);
  await page.getByTestId('cloud-settings-toggle').click();
  await fillCloudSettings(page, { bucket: 'no-such-bucket-e2e', fn: 'no-such-function:2048' });
  await page.getByTestId('cloud-test').click();
  const result = page.getByTestId('cloud-test-result');
  await expect(result).toHaveAttribute('data-ok', '0', { timeout: 20_000 });
  // a missing bucket has no CORS rule, so (as on AWS) the browser sees no answer at all
  await expect(result).toContainText('S3 bucket no-such-bucket-e2e: no answer');
  await expect(result).toContainText('Lambda function no-such-function: not found');
  await page.getByTestId('cloud-save').click();
  await page.getByTestId('run-on').selectOption('lambda');

  // wrong bucket: the copy to S3 fails and says what to check
  const t0 = Date.now();
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-message')).toContainText('Job failed: copying the dataset to s3://no-such-bucket-e2e/', { timeout: 30_000 });
  await expect(page.getByTestId('job-message')).toContainText('Test connection');

  // right bucket, wrong function: the first Invoke fails with the function's name
  await page.getByTestId('cloud-settings-toggle').click();
  await page.getByTestId('cloud-bucket').fill(BUCKET);
  await page.getByTestId('cloud-save').click();
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-message')).toContainText("invoking Lambda function 'no-such-function' failed: ResourceNotFoundException", { timeout: 60_000 });
  expect(Date.now() - t0).toBeLessThan(60_000);
  await expect(page.getByTestId('run-job')).toBeEnabled();

  // right settings, then Cancel while Lambda works: the job stops at once and nothing is stored
  await page.getByTestId('cloud-settings-toggle').click();
  await page.getByTestId('cloud-function').fill(stack.config.tiers.map((t) => `${t.functionName}:${t.memoryMB}`).join(','));
  await page.getByTestId('cloud-save').click();
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('job-progress')).toContainText(/Isotope patterns|Score/, { timeout: 30_000 });
  const t1 = Date.now();
  await page.getByTestId('job-cancel').click();
  await expect(page.getByTestId('job-message')).toHaveText('Job cancelled.', { timeout: 10_000 });
  expect(Date.now() - t1).toBeLessThan(10_000);
  expect(await storedResults(page)).toEqual([]);
});
