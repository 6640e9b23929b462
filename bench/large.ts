// `npm run bench -- large [--sample F] [--quick]`: the seed's "large" experiment — a ~250k-pixel dataset ×
// Lithops-METASPACE db_config4 (HMDB, ChEBI, LIPID MAPS, SwissLipids; adducts "", +H, +Na, +K; 25 modifiers),
// 20 decoys, σ 0.000619, 3 ppm, 2 workers. Named alone without --sample it runs the FULL job (hours on 2 cores:
// see the expected time in bench/RESULTS.md). `--sample F` runs the same job on a deterministic, stratified sample
// of each database's formulas (bench/lib/sample-db.ts; F = 0.02 keeps ~2 %), and extrapolates the measured
// per-stage costs to the full job. In a plain `npm run bench` (large not named) F defaults to 0.02.
// The dataset plants 60 ions (+H, +Na, +K) from the databases' sample at min(F, 0.01); samples are nested, so
// those ions are in every sample with a larger F and in the full databases.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import type { BenchContext } from './run.ts';
import { option, scenarioNames } from './run.ts';
import { annotate, repo, shared, simulate, type AnnotateJob } from './lib/annotate-cli.ts';
import { summarise, tableRow, TABLE_HEAD, TABLE_NOTES, STAGES, type BenchRow } from './lib/rows.ts';
import { sampleFormulas, lithopsCsv } from './lib/sample-db.ts';
import { parseMolDb } from '../src/core/chem/moldb.ts';
import { sec, int } from './lib/util.ts';

const dataDir = resolve(repo, 'bench/data/large');
const DB_CONFIG = join(shared, 'db_config4.json');

interface DbConfig { name: string; databases: string[]; adducts: string[]; modifiers: string[] }

/** Sampled copies of db_config4's databases (same file names) and a db_config pointing at them. */
function sampledConfig(cfg: DbConfig, fraction: number): { dbConfig: string; formulas: number; fullFormulas: number; perDb: string[] } {
  const dir = join(dataDir, `sample-${fraction}`);
  mkdirSync(dir, { recursive: true });
  let formulas = 0, fullFormulas = 0;
  const paths: string[] = [];
  const perDb: string[] = [];
  for (const p of cfg.databases) {
    const file = join(shared, basename(p));
    const db = parseMolDb(new Uint8Array(readFileSync(file)), basename(file));
    const kept = sampleFormulas(db.formulas, fraction);
    const out = join(dir, basename(file));
    writeFileSync(out, lithopsCsv(kept));
    paths.push(out);
    formulas += kept.length;
    fullFormulas += db.formulas.length;
    perDb.push(`${basename(file)} ${kept.length}/${db.formulas.length}`);
  }
  const dbConfig = join(dir, 'db_config.json');
  writeFileSync(dbConfig, `${JSON.stringify({ ...cfg, name: `${cfg.name}-sample-${fraction}`, databases: paths }, null, 1)}\n`);
  return { dbConfig, formulas, fullFormulas, perDb };
}

/** The planting pool: the union of the databases' samples at `fraction`, as one CSV for `imzlens simulate`. */
function plantPool(cfg: DbConfig, fraction: number): string {
  const seen = new Set<string>();
  for (const p of cfg.databases) {
    const file = join(shared, basename(p));
    for (const f of sampleFormulas(parseMolDb(new Uint8Array(readFileSync(file)), basename(file)).formulas, fraction)) seen.add(f);
  }
  const out = join(dataDir, `plant-${fraction}.csv`);
  writeFileSync(out, lithopsCsv([...seen]));
  return out;
}

/** The same extrapolation on process CPU time (all threads), which other load inflates far less than wall time. */
export function cpuNote(cold: BenchRow, share: number): string {
  const cpuFull = cold.cpuMs / share;
  return `Wall time depends on what else runs on the machine (load average ${cold.load.map((x) => x.toFixed(1)).join(' / ')} at the end of this run). ` +
    `The process used ${(cold.cpuMs / 1000).toFixed(0)} s of CPU (all threads) against ${(cold.totalMs / 1000).toFixed(0)} s of wall time; scaled the same way ` +
    `(÷ ${share.toFixed(4)}, ingest included, so an upper bound) the full job is ≈ ${(cpuFull / 3.6e6).toFixed(1)} CPU-hours, i.e. ≈ ${(cpuFull / 2 / 3.6e6).toFixed(1)} h ` +
    `on 2 otherwise idle cores if both workers stay busy — the expected time of \`npm run bench -- large\` on a quiet machine.`;
}

export async function run(ctx: BenchContext): Promise<void> {
  if (!existsSync(DB_CONFIG)) throw new Error(`bench large: ${DB_CONFIG} is missing (the bench expects ../shared next to the repo)`);
  const named = scenarioNames(ctx.args).includes('large');
  const given = option(ctx.args, '--sample');
  const fraction = given !== undefined ? Number(given) : ctx.quick ? 0.001 : named ? 1 : 0.02;
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`bench large: --sample must be a fraction in (0, 1] (got '${given}')`);
  const cachedRuns = Number(option(ctx.args, '--runs') ?? (ctx.quick || fraction === 1 ? 0 : 1));
  const cfg = JSON.parse(readFileSync(DB_CONFIG, 'utf8')) as DbConfig;
  mkdirSync(dataDir, { recursive: true });

  // ~250k sample pixels: the simulator's tissue covers about half the grid
  const side = ctx.quick ? 100 : 693;
  const plantF = Math.min(fraction, 0.01);
  const imzml = simulate(join(dataDir, `sim-${side}-plant${plantF}`), { side, db: plantPool(cfg, plantF), nTrue: 60, noisePeaks: 950, seed: 13 }, ctx.log);
  const ds = join(dataDir, ctx.quick ? 'ds_config-quick.json' : 'ds_config.json');
  writeFileSync(ds, `${JSON.stringify({ name: basename(imzml).replace(/\.imzML$/, ''), imzml_path: imzml, ibd_path: imzml.replace(/\.imzML$/, '.ibd'),
    num_decoys: 20, polarity: '+', isocalc_sigma: 0.000619 }, null, 1)}\n`);
  const s = fraction < 1 ? sampledConfig(cfg, fraction) : null;
  const dbConfig = s?.dbConfig ?? DB_CONFIG;
  const job: AnnotateJob = { kind: 'configs', imzml, dsConfig: ds, dbConfig };
  const cacheDir = join(dataDir, ctx.quick ? 'cache-quick' : 'cache');
  rmSync(cacheDir, { recursive: true, force: true });
  const outDir = join(dataDir, ctx.quick ? 'out-quick' : 'out');
  const loadStart = loadavg();
  const label = ctx.quick ? '5k' : '250k';
  const dbLabel = `db_config4${fraction < 1 ? ` sample F=${fraction}` : ' (full)'}`;
  ctx.log(fraction < 1 ? `SAMPLED run: ${s!.formulas} of ${s!.fullFormulas} formulas (F=${fraction}); ${s!.perDb.join(', ')}` : 'FULL db_config4 run (hours on 2 cores)');

  const rows: BenchRow[] = [];
  const first = annotate(job, { workers: 2, cacheDir, outDir });
  rows.push(summarise('large', label, dbLabel, 2, 'cold (dataset + centroids)', [first], `F=${fraction}`));
  ctx.log(`first run: ${sec(first.stats.wallMs)} s`);
  if (cachedRuns > 0) {
    const all = Array.from({ length: cachedRuns }, () => annotate(job, { workers: 2, cacheDir, outDir }));
    rows.push(summarise('large', label, dbLabel, 2, 'cached', all, `F=${fraction}`));
  }

  // extrapolation: every stage but ingest scales with the number of ion formulas, i.e. with the formula share
  const share = s ? s.formulas / s.fullFormulas : 1;
  const cold = rows[0]!;
  const est = Object.fromEntries(STAGES.map((n) => [n, n === 'ingest' ? cold.stages[n] : cold.stages[n] / share])) as Record<string, number>;
  const estTotal = STAGES.reduce((t, n) => t + est[n]!, 0);
  const estIons = cold.ionFormulas / share;
  const fmtH = (ms: number) => (ms >= 3.6e6 ? `${(ms / 3.6e6).toFixed(1)} h` : `${(ms / 60000).toFixed(1)} min`);
  const extrapolation = s ? `
**Extrapolation to the full job — an estimate, not a measurement.** The sample keeps ${int(s.formulas)} of ${int(s.fullFormulas)}
formulas (${(share * 100).toFixed(2)} %: ${s.perDb.join(', ')}). Assuming every stage but ingest grows linearly with the number
of ion formulas (ions, centroids, plan and FDR are per-ion loops; the score stage builds one image set per ion over the
same dataset), the cold full job on this machine (2 workers) would take:

| stage | measured on the sample (cold) | × 1/${share.toFixed(4)} | full job (estimate) |
|---|---|---|---|
${STAGES.map((n) => `| ${n} | ${sec(cold.stages[n])} s | ${n === 'ingest' ? '(same dataset: not scaled)' : '✓'} | ${fmtH(est[n]!)} |`).join('\n')}
| **total** | ${sec(cold.totalMs)} s | | **${fmtH(estTotal)}** (~${int(estIons)} ion formulas) |

Peak RSS on the sample: ${int(cold.peakRssMB)} MB; the ion and centroid tables grow with the ion count (db_config3's
4.8 M ion formulas peaked at 3.0 GB on a 12.7 M-peak dataset, bench/results/annotate-manual.md), so the full job
would need several GB more. To run it in full: \`npm run bench -- large\` (no --sample).
${cpuNote(cold, share)}` : `
This was the FULL job (no sampling).`;

  const md = `## large — a ~250k-pixel dataset × db_config4${fraction < 1 ? ` — **SAMPLED (F = ${fraction})**` : ' — full'}${ctx.quick ? ' (quick: 5k pixels)' : ''}

db_config4 = 4 databases (mol_db1–4: HMDB, ChEBI, LIPID MAPS, SwissLipids) × adducts "", +H, +Na, +K × ${cfg.modifiers.length} modifiers
(${cfg.modifiers.filter(Boolean).slice(0, 6).join(', ')}, …), 20 decoys, σ 0.000619, 3 ppm, 2 workers (\`imzlens annotate ds_config.json db_config.json OUT\`).
${fraction < 1 ? `Formulas: a deterministic sample stratified by mass (bench/lib/sample-db.ts), F = ${fraction}: ${s!.perDb.join(', ')} — the job is otherwise identical.\n` : ''}Dataset: \`imzlens simulate\` ${side}×${side} (≈ ${label} pixels on tissue), ~1,100 peaks per spectrum, 60 ions (+H/+Na/+K) planted from the
databases' sample at F = ${plantF} (nested samples: the planted ions are in the job's databases), seed 13.
The first run is cold (ingest into the dataset cache, all centroids computed)${cachedRuns ? `; the cached row reuses both and recomputes the scores` : ''}.
Load average at the start ${loadStart.map((x) => x.toFixed(1)).join(' / ')}, at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}.

${TABLE_HEAD}
${rows.map(tableRow).join('\n')}

${TABLE_NOTES}
${extrapolation}`;
  ctx.writeJson({ scenario: 'large', date: new Date().toISOString(), quick: ctx.quick, fraction, share, formulas: s?.formulas ?? null, fullFormulas: s?.fullFormulas ?? null,
    rows, extrapolation: s ? { stagesMs: est, totalMs: estTotal, ionFormulas: estIons } : null });
  ctx.write(md);
}
