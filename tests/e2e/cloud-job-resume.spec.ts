// A reload during an AWS Lambda job re-attaches to it (issue 16, point 2), on the real local stack (s3rver + the
// Lambda Invoke server running the bundled handler, this page's origin in their CORS rules). The job is first run in
// this browser (the reference rows), then in Lambda; the page is reloaded mid-score; Continue (the cloud settings
// were remembered) sends only the tasks the page had not stored, and of those the ones Lambda finished or was still
// running are read or waited for, not invoked again (the stored Lambda report says how many). Rows: equal to the
// browser's, every field. The job's S3 objects are gone afterwards.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import { createCloudClients } from '../../src/platform/cloud/config.ts';
import { openPair } from './job-form.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const BUCKET = 'cloud-resume-e2e';
const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = '/tmp/resume-job-shots';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let stack: LocalStack;
let dir = '';
test.beforeAll(async () => {
  test.setTimeout(180_000);
  stack = await startLocalStack({ bucket: BUCKET, memoryTiers: [2048], concurrency: 3, timeoutMs: 60_000, allowOrigin: ORIGIN, rebuild: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-e2e-cloud-resume-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/imzlens.mjs'), 'simulate', '--width', '120', '--height', '120',
    '--db', path.join(ROOT, 'public/db/core-metabolome-v3.tsv.gz'), '--n-true', '30', '--noise-peaks', '200', '--sigma', '0.000619',
    '--seed', '5', '--out', path.join(dir, 'resume'), '--quiet'], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`simulate failed: ${r.stderr}`);
});
test.afterAll(async () => {
  await stack?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Stored { rows: unknown[]; runOn?: { kind: string }; lambdaReports?: { task: string; inputs: number; invocations: number; reused: number; attached: number }[] }

async function storedResults(page: Page): Promise<Stored[]> {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('imzlens-jobs');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('results').objectStore('results').getAll();
      req.onerror = () => reject(req.error);
      req.onsuccess = () => resolve(req.result);
    };
  }));
}

async function scoreCount(page: Page): Promise<[number, number] | null> {
  const li = page.getByTestId('job-progress').locator('li', { hasText: 'Score ion images' });
  if (!(await li.count())) return null;
  const m = /([\d,]+)\s*\/\s*([\d,]+)/.exec((await li.locator('.count').textContent()) ?? '');
  return m ? [Number(m[1].replace(/,/g, '')), Number(m[2].replace(/,/g, ''))] : null;
}

async function fillCloudSettings(page: Page) {
  const c = stack.config;
  await page.getByTestId('cloud-region').fill(c.region!);
  await page.getByTestId('cloud-endpoint').fill(c.s3Endpoint!);
  await page.getByTestId('cloud-bucket').fill(c.bucket);
  await page.getByTestId('cloud-prefix').fill(c.prefix);
  await page.getByTestId('cloud-function').fill(c.tiers.map((t) => `${t.functionName}:${t.memoryMB}`).join(','));
  await page.getByTestId('cloud-lambda-endpoint').fill(c.lambdaEndpoint!);
  await page.getByTestId('cloud-concurrency').fill(String(c.concurrency));
  await page.getByTestId('cloud-timeout').fill(String(c.functionTimeoutMs / 1000));
  await page.getByTestId('cloud-key-id').fill('S3RVER');
  await page.getByTestId('cloud-secret').fill('S3RVER');
  await page.getByTestId('cloud-remember').check();
}

test('reload during a Lambda job → Continue re-attaches: finished and running tasks are not invoked again; same rows', async ({ page }) => {
  test.setTimeout(360_000);
  await openPair(page, path.join(dir, 'resume.imzML'), path.join(dir, 'resume.ibd'));
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 120_000 });
  const browserRows = (await storedResults(page))[0].rows;
  expect(browserRows.length).toBeGreaterThan(10);

  await page.getByTestId('cloud-settings-toggle').click();
  await fillCloudSettings(page);
  await page.getByTestId('cloud-save').click();
  await page.getByTestId('run-on').selectOption('lambda');
  await page.getByTestId('run-job').click();
  let seen: [number, number] | null = null;
  await expect.poll(async () => (seen = await scoreCount(page)) !== null && seen[0] >= 1, { timeout: 180_000, intervals: [50] }).toBe(true);
  const [, total] = seen!;
  expect(seen![0]).toBeLessThan(total);
  await page.reload();

  const banner = page.getByTestId('interrupted-job');
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText('AWS Lambda');
  const m = /(\d+) of (\d+) tasks done/.exec((await page.getByTestId('interrupted-text').textContent()) ?? '');
  expect(m).not.toBeNull();
  const done = Number(m![1]);
  expect(Number(m![2])).toBe(total);
  await page.screenshot({ path: `${SHOTS}/cloud-interrupted-banner.png` });
  await page.getByTestId('interrupted-continue').click();
  await expect(page.getByTestId('result-run-on')).toContainText('AWS Lambda', { timeout: 180_000 });
  await page.screenshot({ path: `${SHOTS}/cloud-continued-result.png` });

  const stored = await storedResults(page);
  expect(stored).toHaveLength(1);
  expect(stored[0].runOn?.kind).toBe('lambda');
  const score = stored[0].lambdaReports!.find((r) => r.task === 'score')!;
  console.log(`[cloud resume] ${total} tasks, ${done} stored by the page; continued map: ${JSON.stringify(score)}`);
  expect(score.inputs).toBe(total - done); // the page's stored tasks are not sent at all
  expect(score.reused + score.attached).toBeGreaterThanOrEqual(1); // runs in flight at the reload were not started again
  expect(score.invocations).toBe(score.inputs - score.reused - score.attached);
  expect(stored[0].rows).toEqual(browserRows);

  const { s3 } = createCloudClients(stack.config);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${stack.config.prefix}jobs/` }));
  expect(listed.Contents ?? []).toEqual([]);
  await expect(banner).toHaveCount(0);
});
