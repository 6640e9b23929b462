// The local cloud exactly as docs tell a new user to use it (issue 16 point 7): start `npm run cloud:local`,
// take the `export …` lines it prints, and run `imzlens annotate … --impl serverless` on the annotate fixture in a
// shell that has only those settings (no AWS config files, no other IMZLENS_ variables). A setting the CLI ignores
// on some path (e.g. the S3 endpoint) sends a request to AWS and fails with ENOTFOUND here (no network).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, sharedPath } from '../helpers/shared.ts';

const run = promisify(execFile);
let stack: ChildProcess | null = null;
let printed = '';
let tmp = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'imzlens-cloud-readme-'));
  const [s3Port, lambdaPort] = [await freePort(), await freePort()];
  // its own process group, so afterAll stops npm and everything it started (by PID, not by name)
  stack = spawn('npm', ['run', 'cloud:local'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOCAL_S3_PORT: String(s3Port), LOCAL_LAMBDA_PORT: String(lambdaPort) },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cloud:local did not start in 120 s; it printed:\n${printed}`)), 120_000);
    stack!.stdout!.on('data', (d: Buffer) => {
      printed += d.toString();
      if (printed.includes('Ctrl-C to stop.')) { clearTimeout(timer); resolve(); }
    });
    stack!.stderr!.on('data', (d: Buffer) => { printed += d.toString(); });
    stack!.once('exit', (code) => { clearTimeout(timer); reject(new Error(`cloud:local exited (${code}):\n${printed}`)); });
  });
}, 150_000);

afterAll(async () => {
  if (stack?.pid && stack.exitCode === null) {
    const exited = new Promise((r) => stack!.once('exit', r));
    try { process.kill(-stack.pid, 'SIGINT'); } catch { /* already gone */ }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    try { process.kill(-stack.pid, 'SIGKILL'); } catch { /* stopped */ }
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The `export K=V` lines of the printed text, as an environment. */
function exportsOf(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^\s*export ([A-Z0-9_]+)=(\S*)\s*$/gm)) env[m[1]] = m[2];
  return env;
}

describe('npm run cloud:local, as the README says', () => {
  it('its printed exports are all `imzlens annotate --impl serverless` needs, and give the local results', { timeout: 420_000 }, async () => {
    const exported = exportsOf(printed);
    expect(Object.keys(exported)).toEqual(expect.arrayContaining(['IMZLENS_S3_ENDPOINT', 'IMZLENS_LAMBDA_ENDPOINT', 'IMZLENS_BUCKET', 'IMZLENS_FUNCTION']));
    const dir = sharedPath('fixtures', 'annotate');
    // a new user's shell: PATH and a HOME without ~/.aws, plus the pasted lines
    const shell = { PATH: process.env.PATH ?? '', HOME: tmp, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const annotate = (impl: string, env: Record<string, string>) =>
      run('node', [join(REPO_ROOT, 'bin/imzlens.mjs'), 'annotate', '--imzml', join(dir, 'fixture.imzML'), '--db', join(dir, 'fixture_db.csv'),
        '--adducts', '+H,+Na,+K', '--polarity', '+', '--sigma', '0.000619', '--out', join(tmp, impl), '--impl', impl, '--no-output', '--quiet'],
      { env: { ...env, IMZLENS_CACHE_DIR: join(tmp, `cache-${impl}`) }, timeout: 360_000 });
    const serverless = await annotate('serverless', { ...shell, ...exported });
    expect(serverless.stderr).not.toMatch(/ENOTFOUND|amazonaws\.com/);
    expect(serverless.stderr).toMatch(/\[lambda\] cloud-ingest: 1 inputs/);
    await annotate('local', shell);
    const [a, b] = await Promise.all([readFile(join(tmp, 'serverless', 'results.csv'), 'utf8'), readFile(join(tmp, 'local', 'results.csv'), 'utf8')]);
    expect(a.split('\n').length).toBeGreaterThan(40);
    expect(a).toBe(b);
  });
});
