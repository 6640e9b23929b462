// A killed `imzlens annotate` re-run with the same command reuses the score tasks that had finished (issue 16,
// point 2): the score stage keeps each finished task in the stage cache (IMZLENS_CACHE_DIR/stages) until the whole
// stage is written. The test kills the CLI by its PID in the middle of the score stage, re-runs it and compares
// results.csv with an uninterrupted run; then it proves the kept tasks are really used (not recomputed) by putting
// back a tampered copy of one and seeing its ions change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import Papa from 'papaparse';
import { REPO_ROOT } from '../helpers/shared.ts';
import type { ScoreResult } from '../../src/core/score/score-ions.ts';

const CLI = join(REPO_ROOT, 'bin/imzlens.mjs');
let dir: string;
let cache: string;
const stages = () => join(cache, 'stages');
const entries = () => (existsSync(stages()) ? readdirSync(stages()).filter((f) => f.endsWith('.v8')) : []);

function args(out: string, extra: string[] = []): string[] {
  return [CLI, 'annotate', '--imzml', join(dir, 'sim.imzML'), '--db', join(REPO_ROOT, 'public/db/core-metabolome-v3.tsv.gz'),
    '--polarity', '+', '--adducts', '+H,+Na,+K', '--sigma', '0.000619', '--ppm', '3', '--workers', '1', '--no-output', '--out', out, ...extra];
}

function annotate(out: string, extra: string[] = []): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, args(out, extra), { encoding: 'utf8', cwd: REPO_ROOT, env: { ...process.env, IMZLENS_CACHE_DIR: cache } });
  return { status: r.status, stderr: r.stderr };
}

/** The rows of a results.csv without its comment header (which carries the time of the export). */
function rows(out: string): Record<string, string>[] {
  const text = readFileSync(join(out, 'results.csv'), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imzlens-resume-cli-'));
  cache = join(dir, 'cache');
  const sim = spawnSync(process.execPath, [CLI, 'simulate', '--width', '120', '--height', '120', '--db', join(REPO_ROOT, 'public/db/core-metabolome-v3.tsv.gz'),
    '--n-true', '30', '--noise-peaks', '200', '--sigma', '0.000619', '--seed', '5', '--out', join(dir, 'sim'), '--quiet'], { encoding: 'utf8', cwd: REPO_ROOT });
  expect(sim.status, sim.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('imzlens annotate killed mid-score', () => {
  it('re-run with the same command scores only the missing tasks and gives the same rows', { timeout: 300_000 }, async () => {
    // the uninterrupted run (no score cache: nothing kept) — it also fills the centroid and dataset caches, so the
    // run below reaches the score stage soon
    const ref = annotate(join(dir, 'ref'), ['--no-score-cache']);
    expect(ref.status, ref.stderr).toBe(0);
    expect(entries()).toEqual([]);
    const total = Number(/score\s+100%\s+\(\d+\/(\d+)\)/.exec(ref.stderr)?.[1]);
    expect(total).toBeGreaterThanOrEqual(6);

    // the run we kill: SIGKILL by its PID once a few tasks are kept (no chance to clean up)
    const child = spawn(process.execPath, args(join(dir, 'killed')), { cwd: REPO_ROOT, env: { ...process.env, IMZLENS_CACHE_DIR: cache }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    let kept = 0;
    for (let t = 0; t < 240_000 && child.exitCode === null; t += 20) {
      kept = entries().length;
      if (kept >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    process.kill(child.pid!, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
    kept = entries().length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(total); // killed mid-score: the whole stage was not written
    expect(existsSync(join(dir, 'killed', 'results.csv'))).toBe(false);
    const keptFiles = entries();
    const aside = join(dir, 'aside');
    spawnSync('mkdir', ['-p', aside]);
    for (const f of keptFiles) copyFileSync(join(stages(), f), join(aside, f));

    // the same command again: the same rows as the uninterrupted run, every field
    const again = annotate(join(dir, 'killed'));
    expect(again.status, again.stderr).toBe(0);
    expect(rows(join(dir, 'killed'))).toEqual(rows(join(dir, 'ref')));
    // the whole stage is cached now, its per-task entries are gone
    expect(entries()).toHaveLength(1);
    expect(keptFiles).not.toContain(entries()[0]);

    // proof that kept tasks are read, not recomputed: drop the stage entry, put back the kept tasks with one
    // tampered (its scored ions' msm zeroed) — that task's annotations disappear, nothing else changes
    rmSync(stages(), { recursive: true });
    spawnSync('mkdir', ['-p', stages()]);
    let tampered: ScoreResult | null = null;
    for (const f of keptFiles) {
      const v = deserialize(readFileSync(join(aside, f))) as ScoreResult;
      if (!tampered && v.msm.some((m, j) => v.scored[j] && m > 0)) {
        tampered = v;
        v.msm.fill(0);
        if (v.msm64) v.msm64.fill(0);
      }
      writeFileSync(join(stages(), f), serialize(v));
    }
    expect(tampered, 'a kept task with an ion of msm > 0').not.toBeNull();
    const third = annotate(join(dir, 'tampered'));
    expect(third.status, third.stderr).toBe(0);
    const refRows = rows(join(dir, 'ref'));
    const tamperedRows = rows(join(dir, 'tampered'));
    expect(tamperedRows.length).toBeLessThan(refRows.length);
  });
});
