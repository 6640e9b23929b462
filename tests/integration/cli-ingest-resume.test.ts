// `imzlens ingest` killed mid-way (SIGKILL, by PID) and run again with the same command resumes ("resuming … at
// m/z bucket N of M") and leaves an output directory byte-identical to an uninterrupted run's (every segment and blob
// file; meta.json but its createdAt). An input file changed between the runs makes the second run start over,
// saying why. A generated ~48 MB pair with 1 MB segments (about 64 buckets), so there is time to kill it mid-way.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, openSync, writeSync, closeSync, statSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDataset } from '../../bench/ingest.ts';
import { REPO_ROOT } from '../fixtures/imzml/shared.ts';

const ID = 'resume-cli';
const root = path.join(tmpdir(), `imzlens-cli-ingest-resume-${process.pid}`);
let files: { imzml: string; ibd: string };

beforeAll(async () => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  files = await generateDataset(path.join(tmpdir(), 'imzlens-cli-ingest-resume-data'), ID, 4000, 1000, 100);
}, 120_000);

function start(imzml: string, out: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn('node', [path.join(REPO_ROOT, 'bin/imzlens.mjs'), 'ingest', imzml, '--out', out, '--id', ID, '--segment-mb', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((res) => child.on('exit', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

interface Rec { nextBucket: number; nBuckets: number }

/** Runs the ingest and SIGKILLs it (its PID only) once its resume record says `from`..`to` of the buckets are done. */
async function runAndKill(imzml: string, out: string, from = 0.15, to = 0.6): Promise<Rec> {
  const { child, done } = start(imzml, out);
  const rec = path.join(out, `${ID}.partial`, 'resume.json');
  let seen: Rec | null = null;
  const t0 = Date.now();
  while (Date.now() - t0 < 120_000) {
    if (existsSync(rec)) {
      try {
        const r = JSON.parse(readFileSync(rec, 'utf8')) as Rec;
        if (r.nextBucket >= from * r.nBuckets) { seen = r; break; }
      } catch { /* being replaced: read again */ }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  process.kill(child.pid!, 'SIGKILL');
  const end = await done;
  expect(end.signal, `the ingest ended before it could be killed: ${end.stdout}${end.stderr}`).toBe('SIGKILL');
  expect(seen, 'never saw a resume record').not.toBeNull();
  // the record on disk after the kill (it may have moved on a little)
  const after = JSON.parse(readFileSync(rec, 'utf8')) as Rec;
  expect(after.nextBucket).toBeLessThan(after.nBuckets * Math.max(to, 0.95));
  return after;
}

/** Every file of a committed dataset directory: name → bytes (meta.json without its createdAt). */
function snapshot(out: string): Map<string, Buffer> {
  const dir = path.join(out, ID);
  const m = new Map<string, Buffer>();
  for (const f of readdirSync(dir).sort()) {
    let b = readFileSync(path.join(dir, f));
    if (f === 'meta.json') b = Buffer.from(b.toString('utf8').replace(/"createdAt": "[^"]*"/, '"createdAt": "-"'));
    m.set(f, b);
  }
  return m;
}

function expectSameDir(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [k, v] of a) expect(b.get(k)!.equals(v), `${k} differs`).toBe(true);
}

describe('imzlens ingest resumes after being killed', () => {
  let reference: Map<string, Buffer>;

  it('an uninterrupted run (the reference)', async () => {
    const out = path.join(root, 'ref');
    const r = await start(files.imzml, out).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/resuming/);
    reference = snapshot(out);
    expect([...reference.keys()].filter((k) => k.startsWith('seg-')).length).toBeGreaterThanOrEqual(30);
    expect(existsSync(path.join(out, ID, 'resume.json'))).toBe(false);
  }, 180_000);

  it('killed, then the same command resumes and the directory is byte-identical', async () => {
    const out = path.join(root, 'killed');
    const rec = await runAndKill(files.imzml, out);
    const r = await start(files.imzml, out).done;
    expect(r.code, r.stderr).toBe(0);
    const m = /resuming the interrupted ingest of 'resume-cli' at m\/z bucket (\d+) of (\d+) \((\d+) % done\)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBe(rec.nextBucket + 1);
    expect(Number(m![1])).toBeGreaterThan(1);
    console.log(`resumed at bucket ${m![1]} of ${m![2]}`);
    expect(existsSync(path.join(out, `${ID}.partial`))).toBe(false);
    expectSameDir(reference, snapshot(out));
  }, 300_000);

  it('killed twice, resumed twice: still byte-identical', async () => {
    const out = path.join(root, 'twice');
    const a = await runAndKill(files.imzml, out, 0.1, 0.4);
    const b = await runAndKill(files.imzml, out, 0.5, 0.9);
    expect(b.nextBucket).toBeGreaterThan(a.nextBucket);
    const r = await start(files.imzml, out).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming the interrupted ingest/);
    expectSameDir(reference, snapshot(out));
  }, 400_000);

  it('an input changed after the kill: the next run starts over and says why', async () => {
    // a copy of the pair, so the shared generated files stay as they are
    const dir = path.join(root, 'changed-input');
    mkdirSync(dir, { recursive: true });
    const imzml = path.join(dir, `${ID}.imzML`), ibd = path.join(dir, `${ID}.ibd`);
    copyFileSync(files.imzml, imzml);
    copyFileSync(files.ibd, ibd);
    const out = path.join(root, 'changed');
    await runAndKill(imzml, out);
    // the last intensity of the last spectrum becomes 123 (same size, same first MB: the modification time tells)
    const fd = openSync(ibd, 'r+');
    const v = Buffer.alloc(4);
    v.writeFloatLE(123, 0);
    writeSync(fd, v, 0, 4, statSync(ibd).size - 4);
    closeSync(fd);
    const r = await start(imzml, out).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`an interrupted ingest of '${ID}' in .* does not match this run \\(${ID}\\.ibd was modified since the interrupted ingest read it .*\\); starting over\\.`));
    expect(r.stderr).not.toMatch(/resuming/);
    // started over: the same as an uninterrupted run of the changed files
    const fresh = path.join(root, 'changed-fresh');
    const f = await start(imzml, fresh).done;
    expect(f.code, f.stderr).toBe(0);
    const a = snapshot(fresh), b = snapshot(out);
    expectSameDir(a, b);
    // and not the same as the reference: the change is in there
    expect([...a].some(([k, v]) => !reference.get(k)?.equals(v))).toBe(true);
  }, 400_000);
});
