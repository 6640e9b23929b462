// `node --import tsx bench/score-kernel.ts --imzml F --db DB [--adducts +H,+Na,+K] [--sigma S] [--ppm P]
//  [--cache-dir D] [--tasks N] [--json OUT --label L]`: the score stage's kernel alone, in this thread. Runs the job's
// stages up to `plan` (dataset and centroids from the CLI's cache dir), then scores every planned task inline and
// reports CPU time split into segment loading and scoring, with per-ion counters (peaks gathered per ion, ions
// that reach each metric). A measuring tool for issue 13: the worker pool, messaging and other helpers' load
// are out of the picture, so before/after figures of the kernel compare back to back.
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseMolDb } from '../src/core/chem/moldb.ts';
import { runAnnotationDetailed } from '../src/core/job/pipeline.ts';
import type { Executor, MapOptions } from '../src/core/job/executor.ts';
import { holdUntilIdle, loadTaskSegments, type ScoreTaskInput } from '../src/core/job/score-task.ts';
import { emptyScoreResult, scoreIons, ScoreScratch, type ScoreResult } from '../src/core/score/score-ions.ts';
import type { Segment } from '../src/core/types.ts';
import type { SegmentStore } from '../src/core/store.ts';
import { openDataset } from '../src/platform/node/dataset-cache.ts';
import { DirCentroidCache } from '../src/platform/node/centroid-cache.ts';

/** Stands in for the worker pool: records the score tasks the plan made instead of running them. */
class CaptureExecutor implements Executor {
  readonly name = 'capture';
  captured: ScoreTaskInput[] = [];
  constructor(readonly concurrency: number) {}
  async map<I, O>(task: string, inputs: I[], _o?: MapOptions): Promise<O[]> {
    if (task !== 'score') throw new Error(`score-kernel: unexpected task '${task}' (are the centroids cached? run the CLI once)`);
    this.captured = inputs as ScoreTaskInput[];
    return (inputs as ScoreTaskInput[]).map((t) => emptyScoreResult(t.centroids.n)) as O[];
  }
  async close(): Promise<void> {}
}

export interface KernelRun {
  tasks: number;
  /** Segments read from the store (a task reuses what the previous one held). */
  segmentLoads: number;
  ions: number;
  pixels: number;
  peaks: number;
  loadCpuS: number;
  scoreCpuS: number;
  scoreWallS: number;
  /** Peaks gathered (sum of nPx over the 4 windows) per ion, mean. */
  peaksPerIon: number;
  scored: number;
  withSpatial: number;
  withChaos: number;
  results: ScoreResult[];
}

const cpuS = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

export async function captureTasks(o: { imzml: string; db: string; adducts: string[]; sigma: number; ppm: number; cacheDir: string; workers: number }) {
  const db = parseMolDb(new Uint8Array(await readFile(o.db)), basename(o.db));
  const ds = await openDataset({ imzml: o.imzml, ibd: null, name: basename(o.imzml), root: join(o.cacheDir, 'datasets'), useCache: true });
  const exec = new CaptureExecutor(o.workers);
  await runAnnotationDetailed({
    store: ds.store, meta: ds.meta, mask: ds.mask, dbs: [db], executor: exec,
    params: { databases: [db.name], adducts: o.adducts, neutralLosses: [], chemMods: [], polarity: '+', sigma: o.sigma, ppm: o.ppm, decoys: 20, analysisVersion: 1 },
    centroidCache: new DirCentroidCache(join(o.cacheDir, 'centroids')),
  });
  return { ds, tasks: exec.captured };
}

export async function runKernel(ds: Awaited<ReturnType<typeof captureTasks>>['ds'], tasks: ScoreTaskInput[], limit = Infinity): Promise<KernelRun> {
  let loadCpu = 0;
  let loads = 0;
  let scratch: ScoreScratch | undefined;
  const counting = {
    getSegment: (id: string, i: number) => {
      loads++;
      return ds.store.getSegment(id, i);
    },
  } as unknown as SegmentStore;
  let scoreCpu = 0;
  let wall = 0;
  let ions = 0;
  let gathered = 0;
  let scored = 0;
  let withSpatial = 0;
  let withChaos = 0;
  const results: ScoreResult[] = [];
  for (const t of tasks.slice(0, limit)) {
    const c0 = process.cpuUsage();
    // as the score task loads them: the previous task's segments are reused
    const segments: Segment[] = await loadTaskSegments(t, { store: counting });
    loadCpu += cpuS(process.cpuUsage(c0));
    const c1 = process.cpuUsage();
    const w0 = performance.now();
    // one scratch for all tasks, as a worker keeps it (score-task.ts)
    scratch ??= new ScoreScratch(t.width, t.height);
    const r = scoreIons({ segments, geometry: { width: t.width, height: t.height, mask: t.mask }, centroids: t.centroids, isTarget: t.isTarget, ppm: t.ppm, scratch });
    wall += performance.now() - w0;
    scoreCpu += cpuS(process.cpuUsage(c1));
    holdUntilIdle();
    results.push(r);
    ions += r.n;
    for (let i = 0; i < r.n; i++) {
      for (let k = 0; k < 4; k++) gathered += r.nPx[i * 4 + k];
      if (!r.scored[i]) continue;
      scored++;
      const calcAll = t.isTarget[i] !== 0;
      if (r.spectral[i] > 0 || calcAll) withSpatial++;
      if ((r.spectral[i] > 0 && r.spatial[i] > 0) || calcAll) withChaos++;
    }
  }
  return {
    tasks: Math.min(limit, tasks.length), segmentLoads: loads, ions, pixels: ds.meta.nSpectra, peaks: ds.meta.totalPeaks,
    loadCpuS: loadCpu, scoreCpuS: scoreCpu, scoreWallS: wall / 1000, peaksPerIon: gathered / Math.max(1, ions),
    scored, withSpatial, withChaos, results,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      imzml: { type: 'string' }, db: { type: 'string' }, adducts: { type: 'string', default: '+H,+Na,+K' },
      sigma: { type: 'string', default: '0.000619' }, ppm: { type: 'string', default: '3' },
      'cache-dir': { type: 'string', default: process.env.IMZLENS_CACHE_DIR }, tasks: { type: 'string' },
      workers: { type: 'string', default: '2' }, repeat: { type: 'string', default: '1' },
      json: { type: 'string' }, label: { type: 'string', default: 'current' },
    },
  });
  if (!values.imzml || !values.db || !values['cache-dir']) throw new Error('usage: --imzml F --db DB --cache-dir D (the CLI cache dir of an earlier annotate run)');
  const { ds, tasks } = await captureTasks({
    imzml: values.imzml, db: values.db, adducts: values.adducts!.split(','), sigma: Number(values.sigma), ppm: Number(values.ppm),
    cacheDir: values['cache-dir'], workers: Number(values.workers),
  });
  const sizes = tasks.map((t) => `${t.centroids.n}@${t.segments.length}`).join(' ');
  process.stdout.write(`${tasks.length} tasks (ions@segments): ${sizes}\n`);
  for (let rep = 0; rep < Number(values.repeat); rep++) {
    const r = await runKernel(ds, tasks, values.tasks ? Number(values.tasks) : Infinity);
    const { results: _r, ...rest } = r;
    const row = { label: values.label, dataset: basename(values.imzml), date: new Date().toISOString(), load1: loadavg()[0], ...rest, usPerIon: (r.scoreCpuS / r.ions) * 1e6, nsPerIonPixel: (r.scoreCpuS / (r.ions * r.pixels)) * 1e9 };
    process.stdout.write(`${JSON.stringify(row)}\n`);
    if (values.json) {
      const rows = existsSync(values.json) ? (JSON.parse(readFileSync(values.json, 'utf8')) as unknown[]) : [];
      writeFileSync(values.json, `${JSON.stringify([...rows, row], null, 1)}\n`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
