// `npm run bench -- typical [--quick]`: the seed's "typical" experiment — a ~40k-pixel processed dataset × HMDB
// (mol_db1, 11,592 formulas), +H,+Na,+K, 20 decoys, σ 0.000619, 3 ppm, 1 and 2 workers, ≥ 3 runs — plus the
// same job on ~10k and ~20k pixels (time against pixels) and three databases on the 10k dataset (time against
// ions). Datasets are simulated with ions planted from HMDB, so recall is meaningful. The scenario's cache is
// emptied first, so the first run of each dataset is cold (ingest; centroids too for the first one); later runs
// read dataset and centroids from the cache and recompute the scores.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import type { BenchContext } from './run.ts';
import { annotate, repo, shared, simulate, type AnnotateJob, type AnnotateRun } from './lib/annotate-cli.ts';
import { summarise, tableRow, TABLE_HEAD, TABLE_NOTES, type BenchRow } from './lib/rows.ts';
import { sec } from './lib/util.ts';
import { option } from './run.ts';

const dataDir = resolve(repo, 'bench/data/typical');
const HMDB = join(shared, 'mol_db1.csv');
const SMALL = join(shared, 'mol_db5.csv');
const CORE = join(repo, 'public/db/core-metabolome-v3.tsv.gz');

export async function run(ctx: BenchContext): Promise<void> {
  for (const f of [HMDB, SMALL, CORE]) if (!existsSync(f)) throw new Error(`bench typical: ${f} is missing (the bench expects ../shared next to the repo and public/db)`);
  const runs = Number(option(ctx.args, '--runs') ?? (ctx.quick ? 1 : 3));
  // quick: one small dataset and the small DB; full: 10k/20k/40k pixels × HMDB, then the DB sweep on 10k
  const sizes = ctx.quick ? [{ label: '5k', side: 100 }] : [{ label: '10k', side: 150 }, { label: '20k', side: 212 }, { label: '40k', side: 300 }];
  const mainDb = ctx.quick ? { label: 'small (mol_db5)', path: SMALL } : { label: 'HMDB (mol_db1)', path: HMDB };
  const sweep = ctx.quick ? [] : [{ label: 'small (mol_db5)', path: SMALL }, { label: 'CoreMetabolome v3', path: CORE }];
  const cacheDir = join(dataDir, ctx.quick ? 'cache-quick' : 'cache');
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const outDir = join(dataDir, ctx.quick ? 'out-quick' : 'out');
  const rows: BenchRow[] = [];
  const loadStart = loadavg();
  const flush = () => write(ctx, rows, loadStart, runs);

  const once = (job: AnnotateJob, workers: number): AnnotateRun => annotate(job, { workers, cacheDir, outDir });
  let firstImzml = '';
  for (const { label, side } of sizes) {
    const imzml = simulate(join(dataDir, `sim-${side}${ctx.quick ? '-small' : ''}`), {
      side, db: mainDb.path, nTrue: 60, noisePeaks: 950, seed: 7,
    }, ctx.log);
    firstImzml ||= imzml;
    const job: AnnotateJob = { kind: 'flags', imzml, dbs: [mainDb.path], adducts: '+H,+Na,+K', sigma: 0.000619 };
    const first = once(job, 2);
    const cold = rows.length === 0 ? 'cold (dataset + centroids)' : 'cold dataset, cached centroids';
    rows.push(summarise('typical', label, mainDb.label, 2, cold, [first]));
    ctx.log(`${label} × ${mainDb.label}: first run (${cold}) ${sec(first.stats.wallMs)} s`);
    flush();
    for (const workers of [1, 2]) {
      const all = Array.from({ length: runs }, () => once(job, workers));
      const r = summarise('typical', label, mainDb.label, workers, 'cached', all);
      rows.push(r);
      ctx.log(`${label} × ${mainDb.label}, ${workers} worker(s): score ${sec(r.stages.score)} s, total ${sec(r.totalMs)} s`);
      flush();
    }
  }
  // time against ions: other DBs on the smallest dataset (planted ions are HMDB's, so their recall is not meaningful)
  const noRecall = (r: BenchRow): BenchRow => ({ ...r, recall: null });
  for (const db of sweep) {
    const job: AnnotateJob = { kind: 'flags', imzml: firstImzml, dbs: [db.path], adducts: '+H,+Na,+K', sigma: 0.000619 };
    const first = once(job, 2);
    rows.push(noRecall(summarise('typical', sizes[0]!.label, db.label, 2, 'cold centroids, cached dataset', [first])));
    flush();
    for (const workers of [1, 2]) {
      const all = Array.from({ length: runs }, () => once(job, workers));
      rows.push(noRecall(summarise('typical', sizes[0]!.label, db.label, workers, 'cached', all)));
      ctx.log(`${sizes[0]!.label} × ${db.label}, ${workers} worker(s): score ${sec(rows[rows.length - 1]!.stages.score)} s`);
      flush();
    }
  }
  flush();
}

function write(ctx: BenchContext, rows: BenchRow[], loadStart: number[], runs: number): void {
  ctx.writeJson({ scenario: 'typical', date: new Date().toISOString(), quick: ctx.quick, rows });
  ctx.write(`## typical — a ~40k-pixel dataset × HMDB (Node CLI)${ctx.quick ? ' (quick: 5k pixels × mol_db5)' : ''}

Generated processed datasets (\`imzlens simulate\`, ~1,100 peaks per spectrum, 60 ions planted from ${ctx.quick ? 'mol_db5' : 'HMDB (mol_db1)'}, seed 7),
+H,+Na,+K, 20 decoys, σ 0.000619, 3 ppm; every run is its own \`imzlens annotate --no-score-cache\` process. "cold" rows
are the first run on a dataset (one run: ingest into the dataset cache, and centroids computed for the first job of each DB);
"cached" rows are ${runs} run(s) each with dataset and centroids from the cache and the scores recomputed.
${ctx.quick ? '' : 'The small DB and CoreMetabolome rows run on the 10k dataset (its planted ions come from HMDB, so their recall is not a recall test).\n'}Load average at the start ${loadStart.map((x) => x.toFixed(1)).join(' / ')}, at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (2 cores: above 2, other jobs competed).

${TABLE_HEAD}
${rows.map(tableRow).join('\n')}

${TABLE_NOTES}`);
}
