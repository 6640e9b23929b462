// The hosted page (issue 19 item 7): the built dist/ served from a sub-path by a plain static server, as GitHub
// Pages serves https://user.github.io/imzlens/, with the Content-Security-Policy docs/hosting.md suggests. In
// Chromium the example runs from there and an ion image opens; no request leaves the sub-path (nothing resolves
// against `/`), the URL state survives a reload, a share link (#bundle=) opens on the sub-path, and the CSP reports
// no violation.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveStatic, type StaticHost } from './static-host.ts';

// as on a real host: the offline service worker registers under the sub-path (and must not break anything there)
test.use({ serviceWorkers: 'allow' });

const DIST = path.resolve(process.env.E2E_DIST ?? 'dist');
const SHOTS = '/tmp/g-shots';
// Kept in step with docs/hosting.md (the test reads it from there, so the documented policy is the tested one).
const CSP = (() => {
  const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/hosting.md'), 'utf8');
  const m = /Content-Security-Policy: ([^\n`]+)/.exec(doc);
  if (!m) throw new Error('docs/hosting.md has no Content-Security-Policy line');
  return m[1].trim();
})();

let host: StaticHost;
test.beforeAll(async () => {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error(`no build in ${DIST}: run npx vite build first`);
  fs.mkdirSync(SHOTS, { recursive: true });
  host = await serveStatic(DIST, '/imzlens/', { 'Content-Security-Policy': CSP });
});
test.afterAll(async () => { await host?.close(); });

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('the built page has only relative URLs in its HTML', () => {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('data:'));
  expect(refs.length).toBeGreaterThan(0);
  expect(refs.filter((u) => !u.startsWith('./'))).toEqual([]);
});

test('from a sub-path with the suggested CSP: the example runs and an ion image opens; the state survives a reload', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const errors = watchErrors(page);
  await page.goto(host.url);
  await expect(page.getByTestId('try-example')).toBeVisible();
  // the example: example/index.json, its imzML and its ibd (by range), all from /imzlens/example/
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('dataset-note')).toContainText('SIMULATED', { timeout: 60_000 });
  const table = page.getByTestId('annotation-table');
  await expect(table).toBeVisible({ timeout: 240_000 });
  expect(Number(await table.getAttribute('data-rows'))).toBeGreaterThan(0);
  await page.getByTestId('table-row').first().click();
  const viewer = page.getByTestId('ion-viewer');
  await expect(viewer).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  const ion = await page.getByTestId('table-row').first().getAttribute('data-ion');
  await page.screenshot({ path: `${SHOTS}/subpath-example.png` });

  // the URL state is written relative to the page: still under /imzlens/, and a reload comes back to the same view
  const url = new URL(page.url());
  expect(url.pathname).toBe('/imzlens/');
  expect(url.search).not.toBe('');
  // the offline service worker registered for the sub-path, within the CSP (worker-src 'self')
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL ?? ''), { timeout: 60_000 })
    .toMatch(/\/imzlens\/sw\.js$/);
  await page.reload();
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 60_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '')).toMatch(/\/imzlens\/sw\.js$/);
  await expect(page.locator('[data-testid=table-row].sel')).toHaveAttribute('data-ion', ion!);

  // the job form lists the bundled databases: the page's own fetch of db/index.json resolved under the sub-path
  await expect(page.getByTestId('job-form')).toContainText('CoreMetabolome');
  await expect(page.getByTestId('job-form')).toContainText('LIPID MAPS');

  // a share link on the sub-path: the result bundle (downloaded from this page) served from another origin, opened
  // as …/imzlens/#bundle=<url>; the page stays at its own path
  await page.getByTestId('share-open').click(); // the share dialog is a modal
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-download').click()]);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-subpath-'));
  await dl.saveAs(path.join(tmp, 'result.imzlens.zip'));
  const files = await serveStatic(tmp, '/files/', { 'Access-Control-Allow-Origin': '*' });
  try {
    await page.goto('about:blank');
    await page.goto(`${host.url}#bundle=${encodeURIComponent(`${files.url}result.imzlens.zip`)}`);
    await expect(page.getByTestId('shared-banner')).toContainText('Shared result', { timeout: 30_000 });
    await expect(page.getByTestId('annotation-table')).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/imzlens/');
    expect(new URL(page.url()).hash).toMatch(/^#bundle=/);
    await page.screenshot({ path: `${SHOTS}/subpath-shared.png` });
  } finally {
    await files.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  expect(host.outside).toEqual([]);
  expect(errors.filter((e) => !/favicon/i.test(e))).toEqual([]);
});
