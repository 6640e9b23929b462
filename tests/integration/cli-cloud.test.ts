// `imzlens annotate --impl local|hybrid|serverless` on the bundled example against the local Lambda + S3 stack:
// the three modes write byte-identical results.csv (the CLI as a user runs it, in child processes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildHandler } from '../../cloud/build.mjs';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import { REPO_ROOT } from '../helpers/shared.ts';

const run = promisify(execFile);
let stack: LocalStack;
let tmp: string;

beforeAll(async () => {
  await buildHandler();
  stack = await startLocalStack({ bucket: 'cli-modes', concurrency: 8 });
  tmp = await mkdtemp(join(tmpdir(), 'imzlens-cli-cloud-'));
}, 180_000);

afterAll(async () => {
  await stack?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function annotate(mode: string, extraEnv: Record<string, string> = {}): Promise<{ csv: string; stderr: string }> {
  const out = join(tmp, mode);
  const { stderr } = await run('node', [join(REPO_ROOT, 'bin/imzlens.mjs'), 'annotate', '--imzml', join(REPO_ROOT, 'public/example/example.imzML'),
    '--db', join(REPO_ROOT, 'public/example/example-db.csv'), '--adducts', '+H,+Na,+K', '--polarity', '+', '--sigma', '0.000619',
    '--out', out, '--impl', mode, '--no-cache', '--no-output', '--quiet'], {
    env: { ...process.env, ...extraEnv, IMZLENS_CACHE_DIR: join(tmp, 'cache'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeout: 240_000,
  });
  return { csv: await readFile(join(out, 'results.csv'), 'utf8'), stderr };
}

describe('annotate run modes', () => {
  it('local, hybrid and serverless give identical results', { timeout: 600_000 }, async () => {
    const env = { ...stack.env, IMZLENS_FUNCTION_TIMEOUT: '120' } as Record<string, string>;
    const local = await annotate('local');
    const hybrid = await annotate('hybrid', env);
    const serverless = await annotate('serverless', env);
    expect(local.csv.split('\n').length).toBeGreaterThan(20);
    expect(hybrid.csv).toBe(local.csv);
    expect(serverless.csv).toBe(local.csv);
    expect(hybrid.stderr).toMatch(/\[lambda\] score: \d+ inputs/);
    expect(serverless.stderr).toMatch(/\[lambda\] cloud-ingest: 1 inputs/);
  });

  it('says what to set when a cloud mode has no settings', async () => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IMZLENS_')));
    await expect(run('node', [join(REPO_ROOT, 'bin/imzlens.mjs'), 'annotate', '--imzml', 'x.imzML', '--db', 'y.csv', '--polarity', '+',
      '--sigma', '0.000619', '--out', join(tmp, 'none'), '--impl', 'hybrid'], { env: clean })).rejects.toMatchObject({
      stderr: expect.stringMatching(/--impl hybrid needs cloud settings: set IMZLENS_BUCKET and IMZLENS_FUNCTION/),
    });
  });
});
