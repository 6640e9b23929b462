// Hostile and broken inputs through the real CLI (issue 16 point 8): one table of cases (tests/fixtures/hostile/make.ts),
// each run as `node bin/imzlens.mjs ingest|annotate …` in a child process under /usr/bin/time (peak RSS), with a
// wall-clock bound. A bad input must exit ≠ 0 with a first stderr line naming the file and the problem, no stack
// frames, and leave the dataset ingested before (DIR/good) byte for byte as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FORM_CASES, GOOD_DB, goodDataset, hostileCases, type CliPaths, type HostileCase } from '../fixtures/hostile/make.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/imzlens.mjs');
const TIME = '/usr/bin/time';
/**
 * Bounds per case: CPU time of the process (user + system; the CLI's own start-up through tsx is ~1 s of it) — CPU,
 * not wall time, because the machine is shared and its load swings; wall time only catches a hang. Peak resident memory.
 */
const MAX_CPU_MS = 10_000;
const MAX_WALL_MS = 30_000;
const MAX_RSS_MB = 600;

interface Run { code: number | null; stdout: string; stderr: string; ms: number; cpuMs: number | null; rssMb: number | null }

/** Runs the CLI; kills the process group when it outlives `limitMs` (a hang is reported, not waited for). */
function runCli(args: string[], env: NodeJS.ProcessEnv, limitMs = MAX_WALL_MS * 2): Promise<Run> {
  const rssFile = path.join(tmpdir(), `imzlens-hostile-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const useTime = existsSync(TIME);
  const [cmd, argv] = useTime ? [TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      let rssMb: number | null = null, cpuMs: number | null = null;
      if (useTime && existsSync(rssFile)) {
        // the last line is ours ("Command exited with non-zero status" may precede it)
        const [kb, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
        if (Number.isFinite(kb)) rssMb = kb! / 1024;
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user! + sys!) * 1000;
        rmSync(rssFile, { force: true });
      }
      resolve({ code, stdout, stderr, ms, cpuMs, rssMb });
    });
  });
}

/** A content hash of a folder tree (names + bytes), to prove the earlier dataset was not touched. */
function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = path.join(d, n);
      h.update(path.relative(dir, p));
      if (statSync(p).isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

let tmp: string;
/** The external-entity cases point here: a request would mean the XML reader fetched an external entity. */
let canary: Server;
let canaryHits = 0;
const CANARY_TEXT = `canary-${Math.random().toString(36).slice(2)}`;
let paths: CliPaths;
let cases: HostileCase[];
let goodHash: string;
const env = () => ({ ...process.env, IMZLENS_CACHE_DIR: path.join(tmp, 'cache'), IMZLENS_DEBUG: '' });
/** One row per case for the summary printed at the end (what was measured). */
const rows: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'imzlens-hostile-'));
  const dir = path.join(tmp, 'cases');
  mkdirSync(dir);
  const good = await goodDataset();
  writeFileSync(path.join(dir, 'good.imzML'), good.xml);
  writeFileSync(path.join(dir, 'good.ibd'), good.ibd);
  writeFileSync(path.join(dir, 'good_db.tsv'), GOOD_DB);
  writeFileSync(path.join(dir, 'good_ds.json'), JSON.stringify({ name: 'good', imzml_path: 'good.imzML', polarity: '+', isocalc_sigma: 0.000619 }));
  writeFileSync(path.join(dir, 'good_db_config.json'), JSON.stringify({ databases: ['good_db.tsv'], adducts: ['+H', '+Na', '+K'] }));
  paths = {
    dir, store: path.join(tmp, 'store'), out: path.join(tmp, 'out'),
    good: { imzml: path.join(dir, 'good.imzML'), db: path.join(dir, 'good_db.tsv'), ds: path.join(dir, 'good_ds.json'), dbConfig: path.join(dir, 'good_db_config.json') },
  };
  canary = createServer((_req, res) => { canaryHits++; res.end(`<!ENTITY % leak "${CANARY_TEXT}">`); });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  const port = (canary.address() as { port: number }).port;
  const canaryFile = path.join(tmp, 'canary.txt');
  writeFileSync(canaryFile, CANARY_TEXT);
  cases = await hostileCases({ canaryUrl: `http://127.0.0.1:${port}/evil.dtd`, canaryFile });
  for (const c of cases) {
    for (const f of c.files) {
      if (f.dir) mkdirSync(path.join(dir, f.name));
      else writeFileSync(path.join(dir, f.name), f.bytes!);
    }
  }
  // the earlier stored dataset every case must leave intact
  const r = await runCli(['ingest', paths.good.imzml, '--out', paths.store, '--id', 'good', '--quiet'], env());
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  goodHash = hashTree(path.join(paths.store, 'good'));
}, 60_000);

afterAll(async () => {
  await new Promise((r) => canary?.close(r));
  if (rows.length) process.stdout.write(`hostile CLI cases (wall, CPU, peak RSS):\n${rows.join('\n')}\n`);
  rmSync(tmp, { recursive: true, force: true });
});

describe('hostile inputs through the CLI', async () => {
  // the table is built once here for the test names; beforeAll builds it again with the files written
  const table = await hostileCases();
  it('has at least 60 cases, ids unique', () => {
    expect(table.length).toBeGreaterThanOrEqual(60);
    expect(new Set(table.map((c) => c.id)).size).toBe(table.length);
  });

  it('tests/README.md lists every case', () => {
    const readme = readFileSync(path.join(ROOT, 'tests/README.md'), 'utf8');
    const missing = [...table, ...FORM_CASES].filter((c) => !readme.includes(`| \`${c.id}\` |`)).map((c) => c.id);
    expect(missing).toEqual([]);
  });

  it.each(table.map((c) => [c.id, c.what] as const))('%s: %s', async (id) => {
    const c = cases.find((x) => x.id === id)!;
    const r = await runCli(c.cli(paths), env());
    const first = r.stderr.trim().split('\n')[0] ?? '';
    rows.push(`  ${id.padEnd(26)} ${String(Math.round(r.ms)).padStart(6)} ms wall ${r.cpuMs === null ? '?' : String(Math.round(r.cpuMs)).padStart(6)} ms CPU ${r.rssMb === null ? '?' : r.rssMb.toFixed(0).padStart(5)} MB  exit ${r.code}  ${first.slice(0, 150)}`);
    expect(r.ms, `${id} took ${r.ms.toFixed(0)} ms (wall)`).toBeLessThan(MAX_WALL_MS);
    if (r.cpuMs !== null) expect(r.cpuMs, `${id} used ${r.cpuMs.toFixed(0)} ms CPU`).toBeLessThan(MAX_CPU_MS);
    if (r.rssMb !== null) expect(r.rssMb, `${id} peak RSS`).toBeLessThan(MAX_RSS_MB);
    expect(r.stderr).not.toMatch(/^\s+at .+(\(|:\d+)/m); // no stack frames
    if (c.expect === 'error') {
      expect(r.code, `${id}: stdout ${r.stdout}\nstderr ${r.stderr}`).not.toBe(0);
      expect(r.code).not.toBeNull(); // not killed by the time limit
      expect(first).toContain(c.names);
      expect(first).toMatch(c.problem);
    } else {
      expect(r.code, r.stderr).toBe(0);
      expect(`${r.stdout}\n${r.stderr}`).toMatch(c.problem);
    }
    expect(`${r.stdout}${r.stderr}`).not.toContain(CANARY_TEXT); // no external entity was read
    expect(canaryHits, 'an external entity was fetched').toBe(0);
    expect(hashTree(path.join(paths.store, 'good')), 'the earlier dataset changed').toBe(goodHash);
    expect(readdirSync(paths.store).filter((n) => n.endsWith('.partial'))).toEqual([]);
  }, MAX_WALL_MS * 3);
});
