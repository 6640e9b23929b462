import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';

// Debian's chromium; a Playwright browser download cannot work on our machines.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// E2E_PORT / E2E_DIST let several builds be tested side by side (default: dist/ on 4173).
const PORT = Number(process.env.E2E_PORT ?? 4173);
const DIST = resolve(process.env.E2E_DIST ?? 'dist');
// The test harness (harness.html, test-only worker tasks) is not in the product build: it is built here into its own
// folder and served next to DIST by the harness config's preview (tests/e2e/harness/vite.config.ts).
const HARNESS_CONFIG = 'tests/e2e/harness/vite.config.ts';
// The launch options of every project (bench/page-browser.ts reads the first args list in this file).
const LAUNCH = {
  executablePath: CHROMIUM,
  // never add --disable-software-rasterizer: it kills WebGL under SwiftShader
  args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
};
const QUOTA_SPEC = /storage-quota\.spec\.ts$/;

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    // The page registers an offline service worker; outside offline.spec it is blocked, so a reload never serves a
    // cached copy past the routes and failures a spec sets up.
    serviceWorkers: 'block',
    launchOptions: LAUNCH,
  },
  // Browser features the page must cope with are real browser configurations, never switches in the page:
  // launch options are per browser, so each configuration is a project.
  projects: [
    { name: 'chromium', testIgnore: QUOTA_SPEC, grepInvert: /@canvas2d/ },
    // Chromium without WebGL2: the viewer falls back to Canvas2D. Tests tagged @canvas2d (in any spec) run here only.
    { name: 'canvas2d', grep: /@canvas2d/, testIgnore: QUOTA_SPEC,
      use: { launchOptions: { ...LAUNCH, args: [...LAUNCH.args, '--disable-webgl2'] } } },
    // A small storage quota set per test through the DevTools protocol (Storage.overrideQuotaForOrigin). Chromium's
    // StaticStorageQuota makes navigator.storage.estimate() report usage + a fixed 10 GiB (anti-fingerprinting)
    // whatever the quota is; switched off here so the page's pre-check sees the real (overridden) quota.
    { name: 'quota', testMatch: QUOTA_SPEC,
      use: { launchOptions: { ...LAUNCH, args: [...LAUNCH.args, '--disable-features=StaticStorageQuota'] } } },
  ],
  webServer: {
    command: `npx vite build --config ${HARNESS_CONFIG} --logLevel warn && `
      + `npx vite preview --config ${HARNESS_CONFIG} --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${DIST}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 300_000,
  },
});
