// Plumbing for the page benchmark: build the app into a temp dist, serve it with `vite preview` on a free
// 127.0.0.1 port, and launch Debian Chromium with a persistent on-disk profile (IndexedDB like a real browser).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The launch flags of playwright.config.ts (read from it so the two cannot drift apart). */
export function chromiumArgs(repo: string): string[] {
  const cfg = readFileSync(join(repo, 'playwright.config.ts'), 'utf8');
  const m = /args:\s*\[([^\]]*)\]/.exec(cfg);
  if (!m) throw new Error(`bench page: could not find the Chromium launch args in ${join(repo, 'playwright.config.ts')}; update bench/page-browser.ts`);
  return [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
}

export function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

let built: string | null = null;

/**
 * Builds the app once per bench process: into $BENCH_DIST when set (kept afterwards), else into a temp dir.
 * Returns the dist folder; removeBuild() deletes a temp one.
 */
export function buildApp(repo: string, log: (s: string) => void): string {
  if (built) return built;
  const out = process.env.BENCH_DIST ?? mkdtempSync(join(tmpdir(), 'imzlens-bench-dist-'));
  log(`building the app into ${out}…`);
  execFileSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  built = out;
  return out;
}

/** Removes a temp build at the end (a $BENCH_DIST build is left for the next run to overwrite). */
export function removeBuild(): void {
  if (built && !process.env.BENCH_DIST) rmSync(built, { recursive: true, force: true });
  built = null;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface Server { url: string; stop(): void }

export async function preview(repo: string, dist: string): Promise<Server> {
  const port = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : await freePort();
  // own process group, so stop() ends npx and the vite child it started (by our pid only)
  const child: ChildProcess = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', dist],
    { cwd: repo, stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    if (child.pid && child.exitCode == null) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return { url, stop };
    } catch { /* not up yet */ }
    if (child.exitCode != null || Date.now() > deadline) {
      stop();
      throw new Error(`bench page: vite preview did not come up on ${url} (exit ${child.exitCode}); is port ${port} taken or dist ${dist} empty?`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Browser { context: BrowserContext; profile: string; close(): Promise<void> }

/** A fresh on-disk profile each time: the first job in it is cold (no cached centroids, no cached jobs). */
export async function launch(repo: string, baseURL: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'imzlens-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: chromiumArgs(repo),
    baseURL,
    viewport: { width: 1280, height: 800 },
  });
  // tsx (esbuild keepNames) wraps named functions in the bench's page.evaluate callbacks with __name(...),
  // which does not exist in the page; an identity shim keeps those callbacks runnable as written.
  await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
  return {
    context,
    profile,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
