// `imzlens annotate`: METASPACE v1 annotation of one dataset against molecular databases, in Node.
//   imzlens annotate ds_config.json db_config.json OUT [--impl local] [--workers N] [--no-output] [--no-cache] [--all-ions]
//   imzlens annotate --imzml FILE --db DB.csv [--db ...] --adducts +H,+Na,+K [--neutral-losses ...] [--chem-mods ...]
//                    --polarity + --sigma 0.000619 --ppm 3 --decoys 20 --out OUT
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { modifierProblem, parseDbConfig, parseDsConfig, parseJsonConfig, polarityMismatch, ConfigError } from '../core/job/config.ts';
import type { JobParams, JobResult } from '../core/job/result.ts';
import { ANALYSIS_VERSIONS, DEFAULT_ANALYSIS_VERSION, effectiveModel, isAnalysisVersion, modelChoices, modelFromName, type AnalysisVersion } from '../core/score/models/index.ts';
import { runAnnotationDetailed, validateParams, type IonDetails } from '../core/job/pipeline.ts';
import { resultsCsv } from '../core/results/csv.ts';
import { parseMolDb, type MolDb } from '../core/chem/moldb.ts';
import { INSTRUMENTS, instrumentFromName, type Instrument } from '../core/chem/centroids-v3.ts';
import { DirStageCache, defaultCacheRoot } from '../platform/node/stage-cache.ts';
import { DirCentroidCache } from '../platform/node/centroid-cache.ts';
import { CancelledError } from '../core/job/executor.ts';
import { ProgressPrinter } from './progress.ts';
import { writeIonImagePngs } from './ion-pngs.ts';
import { loadCloudConfig } from '../platform/node/cloud-run.ts';
import { parseModeRequest, placeNodeJob, requireCloudSettings, type NodePlacement } from '../platform/node/place.ts';
import type { RunMode } from '../platform/placement.ts';
import type { Cloud } from '../platform/cloud/config.ts';

const USAGE = `usage:
  imzlens annotate ds_config.json db_config.json OUT [--impl local|serverless|hybrid|auto] [--workers N] [--no-output] [--no-cache] [--all-ions] [--cloud-config FILE]
  imzlens annotate --imzml FILE --db DB.csv [--db ...] --adducts +H,+Na,+K [--neutral-losses -H2O,...] [--chem-mods ...]
                   --polarity + --sigma 0.000619 [--ppm 3] [--decoys 20] --out OUT
  either form: [--analysis-version N] (METASPACE analysis_version: 1 = MSM, 3 = METASPACE-ML; default: ds_config's analysis_version, else ${DEFAULT_ANALYSIS_VERSION})
               [--model animal|plant] (METASPACE-ML model of version 3; default: ds_config's fdr.scoring_model, else animal)
               [--instrument TOF|Orbitrap|FTICR] (isotope patterns of analysis_version ≥ 2; default: ds_config's
               isotope_generation.instrument, else TOF; version 1 ignores it, as METASPACE does)`;

interface Job {
  name: string;
  imzml: string;
  ibd: string | null;
  dbPaths: string[];
  params: JobParams;
  out: string;
  /** ds_config's isotope_generation.instrument, if any (--instrument overrides it). */
  instrumentFromConfig?: Instrument | null;
}

/** --instrument, else the ds_config's instrument, else none (JobParams then means TOF). */
export function instrumentParam(flag: string | undefined, fromConfig: Instrument | null | undefined): Instrument | undefined {
  if (flag === undefined) return fromConfig ?? undefined;
  const ins = instrumentFromName(flag);
  if (!ins) throw new Error(`--instrument must be one of ${INSTRUMENTS.join(', ')} (got '${flag}')`);
  return ins;
}

const OPTIONS = {
  impl: { type: 'string', default: 'local' },
  workers: { type: 'string' },
  'no-output': { type: 'boolean', default: false },
  'no-cache': { type: 'boolean', default: false },
  // keeps the dataset and centroid caches but recomputes the scores (benchmarks)
  'no-score-cache': { type: 'boolean', default: false },
  'all-ions': { type: 'boolean', default: false },
  imzml: { type: 'string' },
  ibd: { type: 'string' },
  db: { type: 'string', multiple: true },
  adducts: { type: 'string' },
  'neutral-losses': { type: 'string' },
  'chem-mods': { type: 'string' },
  polarity: { type: 'string' },
  sigma: { type: 'string' },
  ppm: { type: 'string' },
  decoys: { type: 'string' },
  model: { type: 'string' },
  out: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  'cloud-config': { type: 'string' },
  'analysis-version': { type: 'string' },
  instrument: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const list = (s: string | undefined): string[] =>
  s === undefined ? [] : s.split(',').map((x) => x.trim()).filter((x, i, a) => x !== '' || a.length === 1);

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: OPTIONS,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const requested = parseModeRequest(values.impl!);
  const cloudCfg = await loadCloudConfig(values['cloud-config']);
  requireCloudSettings(requested, cloudCfg);
  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a whole number ≥ 1 (got '${values.workers}')`);
  }

  const job = positionals.length ? await jobFromConfigs(positionals, values['analysis-version'], values.model) : jobFromFlags(values);
  const instrument = instrumentParam(values.instrument, job.instrumentFromConfig);
  if (instrument) job.params.instrument = instrument;
  if (values.instrument !== undefined && job.params.analysisVersion < 2) {
    process.stderr.write(`note: --instrument ${values.instrument} has no effect with analysis_version ${job.params.analysisVersion} (its isotope patterns use a TOF model, as METASPACE's)\n`);
  }
  validateParams(job.params);

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const printer = new ProgressPrinter(values.quiet ? null : process.stderr);
  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write('\nimzlens annotate: interrupted, stopping workers…\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);

  const cacheRoot = defaultCacheRoot();
  const tmpRoot = values['no-cache'] ? await mkdtemp(join(tmpdir(), 'imzlens-')) : null;
  const root = tmpRoot ?? cacheRoot;
  let placed: NodePlacement | null = null;
  try {
    const dbs = await loadDbs(job.dbPaths);
    const ingestStart = performance.now();
    placed = await placeNodeJob({ name: job.name, imzml: job.imzml, ibd: job.ibd, dbs, params: job.params }, {
      requested, cloudConfig: cloudCfg, root, useCache: !values['no-cache'], workers,
      onProgress: (stage, done, total) => printer.update(stage, done, total),
      signal: controller.signal,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    const { mode, executor, cloud } = placed;
    const ds = placed; // the dataset where the tasks read it: store, meta, mask, cached
    const ingestMs = performance.now() - ingestStart;
    printer.done(`dataset ${ds.meta.name}: ${ds.meta.width}×${ds.meta.height}, ${ds.meta.nSpectra} spectra, ${ds.meta.totalPeaks} peaks${ds.cached ? ' (cached)' : ''}; running ${mode}`);
    for (const w of ds.meta.warnings) process.stderr.write(`warning: ${w}\n`);

    const { result, details } = await runAnnotationDetailed({
      store: ds.store,
      meta: ds.meta,
      mask: ds.mask,
      dbs,
      params: job.params,
      executor,
      centroidCache: values['no-cache'] ? undefined : new DirCentroidCache(join(cacheRoot, 'centroids')),
      stageCache: values['no-cache'] || values['no-score-cache'] ? undefined : new DirStageCache(join(cacheRoot, 'stages')),
      onProgress: (p) => printer.update(p.stage, p.done, p.total),
      signal: controller.signal,
    });
    printer.done(`${result.rows.length} target ions with msm > 0; ${result.stats.annotatedAt10} at FDR ≤ 10 %`);

    await mkdir(job.out, { recursive: true });
    await writeFile(join(job.out, 'results.csv'), resultsCsv(result));
    if (values['all-ions']) await writeFile(join(job.out, 'all_ions.csv.gz'), gzipSync(allIonsCsv(details)));
    let imagesMs = 0;
    if (!values['no-output']) {
      const ti = performance.now();
      await writeIonImagePngs(ds, result, join(job.out, 'images'), 0.5);
      imagesMs = performance.now() - ti;
    }
    const stats = runStats({ ds, result, details, dbs, params: job.params, mode, cloud, ingestMs, imagesMs, t0, cpu0 });
    await writeFile(join(job.out, 'stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
    process.stderr.write(`results written to ${job.out}/ in ${(stats.wallMs / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (e) {
    if (e instanceof CancelledError || controller.signal.aborted) {
      process.stderr.write('imzlens annotate: cancelled; nothing was written\n');
      return 130;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    await placed?.executor.close();
    if (tmpRoot) await rm(tmpRoot, { recursive: true, force: true });
  }
}

/** What stats.json records of a run: dataset, parameters, stage times, resources, counts, executor (+ Lambda reports). */
function runStats(r: {
  ds: NodePlacement; result: JobResult; details: IonDetails; dbs: MolDb[]; params: JobParams; mode: RunMode; cloud: Cloud | null;
  ingestMs: number; imagesMs: number; t0: number; cpu0: NodeJS.CpuUsage;
}) {
  const cpu = process.cpuUsage(r.cpu0);
  return {
    dataset: { name: r.ds.meta.name, width: r.ds.meta.width, height: r.ds.meta.height, spectra: r.ds.meta.nSpectra, peaks: r.ds.meta.totalPeaks, cached: r.ds.cached },
    params: r.params,
    databases: r.dbs.map((d) => ({ name: d.name, formulas: d.formulas.length })),
    stages: [{ stage: 'ingest', wallMs: r.ingestMs }, ...r.result.stats.stages, ...(r.imagesMs ? [{ stage: 'images', wallMs: r.imagesMs }] : [])],
    wallMs: performance.now() - r.t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    counts: {
      ionFormulas: r.result.stats.ionFormulas,
      targets: r.result.stats.targets,
      decoys: r.result.stats.decoys,
      centroids: r.details.centroids.nPeaks.reduce((s, v) => s + v, 0),
      scored: r.result.stats.scored,
      annotated: r.result.rows.length,
      fdr5: r.result.rows.filter((a) => a.fdr <= 0.05).length,
      fdr10: r.result.rows.filter((a) => a.fdr <= 0.1).length,
      fdr20: r.result.rows.filter((a) => a.fdr <= 0.2).length,
      fdr50: r.result.rows.filter((a) => a.fdr <= 0.5).length,
    },
    executor: { name: r.result.stats.executor, workers: r.result.stats.workers, mode: r.mode },
    ...(r.cloud ? { lambda: r.cloud.pool.reports } : {}),
  };
}

/** Why a file could not be read, in the user's words (missing, a folder, no permission). */
export function unreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file: check the path';
  if (code === 'EISDIR') return 'this is a folder, not a file: give the path of the file inside it';
  if (code === 'EACCES' || code === 'EPERM') return 'no permission to read the file';
  return `cannot read the file (${(e as Error).message}): check the path`;
}

async function readConfig(path: string) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [unreadable(e)]);
  }
  return parseJsonConfig(text, path);
}

/** A path from a config file: absolute, relative to the config file, relative to the cwd, or (Lithops configs name
 * `metabolomics/db/...` paths of their own repository) the file name next to the config. */
function resolveFromConfig(p: string, configPath: string): string {
  if (/^[a-z0-9]+:\/\//i.test(p) || isAbsolute(p)) return p;
  const dir = dirname(resolve(configPath));
  const candidates = [join(dir, p), resolve(p), join(dir, basename(p))];
  const hit = candidates.find((c) => existsSync(c));
  if (!hit) throw new Error(`${configPath}: "${p}" not found (tried ${candidates.join(', ')})`);
  if (statSync(hit).isDirectory()) throw new Error(`${configPath}: "${p}" is a folder (${hit}), not a file; give the path of the file`);
  return hit;
}

/**
 * The analysis version of a job: --analysis-version, else the ds_config's analysis_version, else the default. A
 * version this build does not have is an error (never a silent run of another version).
 */
export function analysisVersionOf(flag: string | undefined, fromConfig: number | null, configFile?: string): AnalysisVersion {
  let v: number;
  let where: string;
  if (flag !== undefined) {
    v = Number(flag);
    where = `--analysis-version ${flag}`;
    if (!Number.isInteger(v)) throw new Error(`--analysis-version must be a whole number (got '${flag}')`);
  } else if (fromConfig !== null) {
    v = fromConfig;
    where = `${configFile ?? 'ds_config'}: analysis_version ${fromConfig}`;
  } else {
    return DEFAULT_ANALYSIS_VERSION;
  }
  if (!isAnalysisVersion(v)) {
    const known = ANALYSIS_VERSIONS.map((a) => `${a.version} (${a.label})`).join(', ');
    throw new Error(`${where}: this build has analysis version ${known}.`);
  }
  return v;
}

/**
 * The scoring model of a job of `version`: --model, else the ds_config's scoring_model name, else the version's
 * default (written into the job, so results and bundles name it; undefined for versions without a choice). A version without model choices ignores a ds_config name but refuses --model; METASPACE's
 * `fdr.scoring_model_id` (an id in METASPACE's own database) cannot be resolved here and is reported.
 */
export function scoringModelOf(
  version: number,
  flag: string | undefined,
  fromConfig: { scoringModel: string | null; scoringModelId: number | null } | null,
  configFile?: string,
  warn: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
): string | undefined {
  const choices = modelChoices(version);
  const ids = choices.map((c) => c.id).join('|');
  if (flag !== undefined) {
    if (!choices.length) throw new Error(`--model ${flag}: analysis version ${version} has no model choice (--model is for --analysis-version 3)`);
    const id = modelFromName(version, flag);
    if (!id) throw new Error(`--model must be ${ids} (got '${flag}')`);
    return id;
  }
  if (!choices.length) return undefined;
  if (!fromConfig) return effectiveModel(version);
  if (fromConfig.scoringModel !== null) {
    const id = modelFromName(version, fromConfig.scoringModel);
    if (!id) throw new Error(`${configFile ?? 'ds_config'}: scoring_model "${fromConfig.scoringModel}" is not a model of analysis version ${version} (use ${choices.map((c) => `${c.id} or ${c.name}`).join(', ')})`);
    return id;
  }
  if (fromConfig.scoringModelId !== null) {
    warn(`${configFile ?? 'ds_config'}: fdr.scoring_model_id ${fromConfig.scoringModelId} is an id in METASPACE's own database; imzlens uses the ${choices[0].id} model (set fdr.scoring_model or --model to choose)`);
  }
  return effectiveModel(version);
}

async function jobFromConfigs(pos: string[], versionFlag?: string, modelFlag?: string): Promise<Job> {
  if (pos.length !== 3) throw new Error(`expected ds_config.json db_config.json OUT\n${USAGE}`);
  const [dsPath, dbPath, out] = pos;
  const ds = parseDsConfig(await readConfig(dsPath), dsPath);
  const db = parseDbConfig(await readConfig(dbPath), dbPath);
  const polarity = ds.polarity ?? '+';
  // the ds_config's own adducts were checked against its polarity; the db_config's are checked here
  const mismatch = ds.adducts ? null : polarityMismatch(polarity, db.adducts);
  if (mismatch) throw new ConfigError(dbPath, [`${mismatch} (the polarity is from ${basename(dsPath)})`]);
  const analysisVersion = analysisVersionOf(versionFlag, ds.analysisVersion, dsPath);
  const scoringModel = scoringModelOf(analysisVersion, modelFlag, ds, dsPath);
  return {
    name: ds.name,
    imzml: resolveFromConfig(ds.imzmlPath, dsPath),
    ibd: ds.ibdPath ? resolveFromConfig(ds.ibdPath, dsPath) : null,
    dbPaths: db.databases.map((p) => resolveFromConfig(p, dbPath)),
    out,
    instrumentFromConfig: ds.instrument,
    params: {
      databases: db.databases.map((p) => basename(p)),
      adducts: ds.adducts ?? db.adducts,
      neutralLosses: ds.neutralLosses ?? db.neutralLosses,
      chemMods: ds.chemMods ?? db.chemMods,
      polarity,
      sigma: ds.sigma ?? 0.001238,
      ppm: ds.ppm ?? 3,
      decoys: ds.decoys ?? 20,
      analysisVersion,
      ...(scoringModel ? { scoringModel } : {}),
    },
  };
}

function jobFromFlags(v: Record<string, unknown>): Job {
  const need = (k: string) => {
    if (v[k] === undefined) throw new Error(`missing --${k}\n${USAGE}`);
    return v[k] as string;
  };
  const imzml = need('imzml');
  const dbs = (v.db as string[] | undefined) ?? [];
  if (!dbs.length) throw new Error(`missing --db (a molecular database CSV; repeat --db for several)\n${USAGE}`);
  const pol = need('polarity');
  const polarity = pol === '+' || pol === 'positive' ? '+' : pol === '-' || pol === 'negative' ? '-' : null;
  if (!polarity) throw new Error(`--polarity must be + or - (got '${pol}')`);
  const number = (k: string, def?: number) => {
    const s = v[k] as string | undefined;
    if (s === undefined) {
      if (def === undefined) throw new Error(`missing --${k}\n${USAGE}`);
      return def;
    }
    const x = Number(s);
    if (!Number.isFinite(x)) throw new Error(`--${k} must be a number (got '${s}')`);
    return x;
  };
  const adducts = list((v.adducts as string | undefined) ?? (polarity === '+' ? '+H,+Na,+K' : '-H,+Cl'));
  const neutralLosses = list(v['neutral-losses'] as string | undefined);
  const chemMods = list(v['chem-mods'] as string | undefined);
  for (const [flag, mods] of [['adducts', adducts], ['neutral-losses', neutralLosses], ['chem-mods', chemMods]] as const) {
    for (const m of mods) {
      const bad = modifierProblem(m);
      if (bad) throw new Error(`--${flag} has ${bad}`);
    }
  }
  const mismatch = polarityMismatch(polarity, adducts);
  if (mismatch) throw new Error(`--polarity / --adducts: ${mismatch}`);
  const analysisVersion = analysisVersionOf(v['analysis-version'] as string | undefined, null);
  const scoringModel = scoringModelOf(analysisVersion, v.model as string | undefined, null);
  // the parameters first (their messages do not depend on the data), then the path
  if (!/^[a-z0-9]+:\/\//i.test(imzml)) {
    const st = statSync(imzml, { throwIfNoEntry: false });
    if (!st) throw new Error(`--imzml ${imzml}: no such file: check the path`);
    if (st.isDirectory()) throw new Error(`--imzml ${imzml}: this is a folder, not an .imzML file`);
  }
  return {
    name: basename(imzml).replace(/\.imzml$/i, ''),
    imzml,
    ibd: (v.ibd as string | undefined) ?? null,
    dbPaths: dbs,
    out: need('out'),
    params: {
      databases: dbs.map((p) => basename(p)),
      adducts,
      neutralLosses,
      chemMods,
      polarity,
      sigma: number('sigma'),
      ppm: number('ppm', 3),
      decoys: number('decoys', 20),
      analysisVersion,
      ...(scoringModel ? { scoringModel } : {}),
    },
  };
}

async function loadDbs(paths: string[]): Promise<MolDb[]> {
  const dbs: MolDb[] = [];
  for (const p of paths) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(p));
    } catch (e) {
      throw new Error(`${p}: molecular database: ${unreadable(e)}`);
    }
    const db = parseMolDb(bytes, basename(p));
    for (const w of db.warnings) process.stderr.write(`${p}: ${w}\n`);
    dbs.push(db);
  }
  return dbs;
}

const g = (x: number) => (Number.isFinite(x) ? x : '');

function allIonsCsv(d: IonDetails): string {
  const s = d.scores;
  const rows: unknown[][] = [];
  for (let i = 0; i < d.ions.length; i++) {
    if (!s.scored[i]) continue;
    const c = i * 4;
    rows.push([
      d.ions[i], d.isTarget[i] ? 0 : 1, s.msm[i], s.chaos[i], s.spatial[i], s.spectral[i], g(s.mzErrAbs[i]), g(s.mzErrRel[i]),
      ...Array.from(d.centroids.mzs.subarray(c, c + 4)), ...Array.from(d.centroids.ints.subarray(c, c + 4)),
      ...Array.from(s.nPx.subarray(c, c + 4)), ...Array.from(s.totalInt.subarray(c, c + 4)),
    ]);
  }
  const fields = ['ion_formula', 'is_decoy', 'msm', 'chaos', 'spatial', 'spectral', 'mz_err_abs', 'mz_err_rel',
    'mz0', 'mz1', 'mz2', 'mz3', 'int0', 'int1', 'int2', 'int3', 'n_px0', 'n_px1', 'n_px2', 'n_px3',
    'total0', 'total1', 'total2', 'total3'];
  return `${Papa.unparse({ fields, data: rows }, { newline: '\n' })}\n`;
}
