// Plumbing for the page benchmark: build the app into a temp dist, serve it with `vite preview` on a free
// 127.0.0.1 port, and launch Debian Chromium with a persistent on-disk profile (IndexedDB like a real browser).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { browserRoots } from './page-mem.ts';
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

/** Builds per checkout (repo → dist): the bench can serve another checkout's app next to this one's (--baseline). */
const builds = new Map<string, { dir: string; temp: boolean }>();

/**
 * Builds the app of checkout `repo` with that checkout's own vite, once per bench process: into $BENCH_DIST when
 * set (kept afterwards; another checkout gets $BENCH_DIST-<checkout folder name>), else into a temp dir.
 * Returns the dist folder; removeBuild() deletes the temp ones.
 */
export function buildApp(repo: string, log: (s: string) => void): string {
  const have = builds.get(repo);
  if (have) return have.dir;
  const first = builds.size === 0;
  const env = process.env.BENCH_DIST;
  const out = env ? (first ? env : `${env}-${basename(repo)}`) : mkdtempSync(join(tmpdir(), 'imzlens-bench-dist-'));
  log(`building the app of ${repo} into ${out}…`);
  execFileSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  builds.set(repo, { dir: out, temp: !env });
  return out;
}

/** Removes the temp builds at the end (a $BENCH_DIST build is left for the next run to overwrite). */
export function removeBuild(): void {
  for (const b of builds.values()) if (b.temp) rmSync(b.dir, { recursive: true, force: true });
  builds.clear();
}

export function freePort(): Promise<number> {
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

/** `port`: default $BENCH_PORT, else a free one. */
export async function preview(repo: string, dist: string, port?: number): Promise<Server> {
  port ??= process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : await freePort();
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

export interface Browser {
  context: BrowserContext;
  profile: string;
  /** The browser's main process (for per-browser memory sampling), when it could be told apart. */
  pid: number | undefined;
  close(): Promise<void>;
}

/** A fresh on-disk profile each time: the first job in it is cold (no cached centroids, no cached jobs). */
export async function launch(repo: string, baseURL: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'imzlens-bench-profile-'));
  const before = new Set(browserRoots());
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: chromiumArgs(repo),
    baseURL,
    viewport: { width: 1280, height: 800 },
  });
  // tsx (esbuild keepNames) wraps named functions in the bench's page.evaluate callbacks with __name(...),
  // which does not exist in the page; an identity shim keeps those callbacks runnable as written.
  await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
  const started = browserRoots().filter((p) => !before.has(p));
  return {
    context,
    profile,
    pid: started.length === 1 ? started[0] : undefined,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
