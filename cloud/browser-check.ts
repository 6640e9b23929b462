// Manual browser check of the cloud path through real CORS (until the page's e2e spec exists):
//   npx vite build --outDir /tmp/dist-h6 && npx tsx cloud/browser-check.ts [/tmp/dist-h6] [4186]
// Starts the local stack with the page origin in its CORS rules, builds the test harness (not part of the product
// build) and serves it next to the build with `vite preview`, opens harness.html in Debian's Chromium and runs
// `cloudSmoke` (tests/e2e/harness/cloud.harness.ts): S3 store writes,
// HeadObject ETag and ranged reads, a LambdaPool map, and a RequestResponse function error — all from the page.
import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { startLocalStack } from './local-stack.ts';

const dist = resolve(process.argv[2] ?? '/tmp/dist-h6');
const port = Number(process.argv[3] ?? 4186);
const origin = `http://127.0.0.1:${port}`;
const stack = await startLocalStack({ bucket: 'browser-check', memoryTiers: [512], timeoutMs: 60_000, concurrency: 4, allowOrigin: origin, rebuild: true });
const harness = { config: 'tests/e2e/harness/vite.config.ts', env: { ...process.env, E2E_HARNESS_DIST: `${dist}-harness` } };
execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', harness.config, '--logLevel', 'warn'], { env: harness.env, stdio: 'inherit' });
const preview = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--config', harness.config, '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', dist], { env: harness.env, stdio: 'ignore' });
let failed = false;
try {
  for (let i = 0; i < 120; i++) {
    try {
      await fetch(origin);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('favicon.ico')) process.stdout.write(`  (HTTP ${r.status()} ${r.request().method()} ${r.url()})\n`);
    });
    await page.goto(`${origin}/harness.html`);
    await page.waitForSelector('body[data-ready="1"]');
    const out = await page.evaluate(
      (cfg) => (window as unknown as { imzlensHarness: { cloudSmoke(c: unknown): Promise<Record<string, unknown>> } }).imzlensHarness.cloudSmoke(cfg),
      stack.config,
    );
    const results = out.results as { peaks: number; intensity: number }[];
    const expected = out.expected as { peaks: number; intensity: number };
    const checks: [string, boolean][] = [
      ['ETag visible (ExposeHeaders ETag)', typeof out.etag === 'string' && (out.etag as string).length > 2],
      ['ranged read (Content-Range)', out.magic === 'IMZC'],
      ['LambdaPool.map result', results[0].peaks === expected.peaks && results[0].intensity === expected.intensity && results[1].peaks === 2 * expected.peaks],
      ['FunctionError visible (Expose x-amz-function-error)', out.functionError === 'Unhandled'],
    ];
    for (const [name, ok] of checks) {
      process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}\n`);
      failed ||= !ok;
    }
  } finally {
    await browser.close();
  }
} finally {
  preview.kill();
  await stack.close();
}
process.exit(failed ? 1 : 0);
