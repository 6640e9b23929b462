// The product's bundles carry no test scaffolding: the page build (what `npm run build` / `npm start` serve) has no
// harness entry and no test-only worker tasks, and the Lambda release bundle (what `cloud:deploy` uploads) has no
// diagnostic or test-only tasks. Both are built here from the current sources and grepped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { buildHandler } from '../../cloud/build.mjs';

const repo = resolve(import.meta.dirname, '../..');
/** Names that only test code registers or exposes. */
const TEST_ONLY = ['imzlensHarness', 'harness.html', 'test-echo', 'test-crash', 'test-hang', 'segment-stats', 'simulated worker crash',
  // the page's former URL test switches (?renderer=canvas, ?simquota=): tests use real browser configurations instead
  'simquota', 'simulatedQuota', 'get(`renderer`)', 'get("renderer")'];
const DIAGNOSTICS = ['cloud-echo', 'cloud-alloc', 'cloud-sleep', 'cloud-fail'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** `needle → files` for every needle found in the text files (js/html/css/mjs) under `dir`. */
function hits(dir: string, needles: string[]): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const f of files(dir).filter((p) => /\.(m?js|html|css)$/.test(p))) {
    const text = readFileSync(f, 'utf8');
    for (const n of needles) if (text.includes(n)) (found[n] ??= []).push(relative(dir, f));
  }
  return found;
}

describe('product bundles contain no test code', () => {
  let dist: string;
  let buildLog: string;
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'imzlens-dist-check-'));
    // --logLevel warn: a quiet build prints nothing at all; every line here is a warning (or an error)
    const run = spawnSync(process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], { cwd: repo, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`vite build failed:\n${run.stdout}${run.stderr}`);
    buildLog = `${run.stdout}${run.stderr}`;
  }, 300_000);
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('the page build prints no warnings (no Node-only module externalized for the browser)', () => {
    expect(buildLog.trim()).toBe('');
  });

  it('the page build has its app entry and no harness page, harness module or test-only task', () => {
    const all = files(dist).map((f) => relative(dist, f));
    expect(all).toContain('index.html');
    expect(all.filter((f) => /harness/i.test(f))).toEqual([]);
    expect(hits(dist, [...TEST_ONLY, ...DIAGNOSTICS])).toEqual({});
    // the worker that would register them is there (the check looks at the right files)
    expect(all.some((f) => /task-worker-.*\.js$/.test(f))).toBe(true);
  });

  it('the Lambda release bundle has no diagnostic or test-only task; the local test bundle has them', async () => {
    const release = await buildHandler({ release: true });
    const text = readFileSync(release.bundle, 'utf8');
    expect([...TEST_ONLY, ...DIAGNOSTICS].filter((n) => text.includes(`'${n}'`) || text.includes(`"${n}"`))).toEqual([]);
    const local = await buildHandler();
    const localText = readFileSync(local.bundle, 'utf8');
    expect(['segment-stats', ...DIAGNOSTICS].filter((n) => !localText.includes(`"${n}"`) && !localText.includes(`'${n}'`))).toEqual([]);
  }, 120_000);
});
