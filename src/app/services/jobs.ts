// Annotation jobs in the page: runs the core pipeline in a job worker (scoring on its Web Worker pool), keeps results in
// IndexedDB (platform/browser/job-store.ts) per (dataset, databases, parameters) so the same job reopens instantly.
// A job can also run in the user's AWS Lambda (placeJob; workers/job-worker.ts runCloud); where it ran is recorded
// (runOn) but is not part of the key: the results are the same. A job that starts leaves a PartialJob record, and the
// job worker stores each finished score task under the job key (platform/browser/partial-job-store.ts), so a job cut
// short by a reload or a closed tab can be continued (its stored tasks are not run again) or discarded; a finished
// or cancelled job deletes them.
import * as Comlink from 'comlink';
import type { MolDb } from '../../core/chem/moldb.ts';
import { hashStrings } from '../../core/hash.ts';
import { effectiveModel } from '../../core/score/models/versions.ts';
import { CancelledError } from '../../core/job/executor.ts';
import type { Progress } from '../../core/job/pipeline.ts';
import type { JobParams, JobResult } from '../../core/job/result.ts';
import type { DatasetMeta } from '../../core/types.ts';
import type { CloudJobRequest, JobWorkerApi } from '../../../workers/job-worker.ts';
import { toCloudConfig, type CloudSettings } from '../../platform/cloud/settings.ts';
import { lambdaRunOn, type RunOn } from '../../platform/cloud/pricing.ts';
import { datasetPrefix, type CloudLocation } from '../../platform/cloud/location.ts';
import { decideMode, runsInLambda, type RunMode } from '../../platform/placement.ts';
import { bundledDbs, loadBundledDb, type BundledDb } from './moldbs.ts';
import type { LambdaStageReport } from '../../platform/cloud/lambda-pool.ts';
import type { CloudConfig } from '../../platform/cloud/config.ts';
import { cloudLocation } from './cloud-datasets.ts';
import { deleteJobRecord, getJobResult, getJobSummary, jobKeysOf, putJob } from '../../platform/browser/job-store.ts';
import { countPartialTasks, deletePartialJob, getPartialJob, listPartialJobs, putPartialJob } from '../../platform/browser/partial-job-store.ts';

/** The job form's "Run on" → 'browser' | 'lambda', by the shared placement rule. */
export { chooseRunOn } from '../../platform/placement.ts';

export interface JobSummary {
  key: string;
  datasetId: string;
  databases: string[];
  params: JobParams;
  createdAt: string;
  rows: number;
  annotatedAt10: number;
  wallMs: number;
  /** Absent in records from before cloud jobs: those ran in the browser. */
  runOn?: RunOn;
}

/** A result as kept in IndexedDB: the core result plus where it ran and, for Lambda, the per-stage reports. */
export type StoredJobResult = JobResult & { runOn?: RunOn; lambdaReports?: LambdaStageReport[] };

/** Where a stored job ran (records without the field ran in the browser). */
export function runOnOf(r: JobResult | JobSummary | null | undefined): RunOn {
  return (r as { runOn?: RunOn } | null | undefined)?.runOn ?? { kind: 'browser' };
}

/** A job that started and has not finished, as stored: enough to run it again. */
export interface PartialJob {
  key: string;
  datasetId: string;
  datasetName: string;
  /** Bundled databases by id (loaded again from the page), the others (uploads, the example's) whole. */
  dbs: { id: string; db?: MolDb }[];
  params: JobParams;
  runOn: 'browser' | 'lambda';
  startedAt: string;
  /** The job's score tasks, known once its score stage has begun. */
  tasks?: number;
}

/** A PartialJob with the number of its score tasks stored. */
export interface InterruptedJob extends PartialJob {
  done: number;
}

/** What the job form asks for (App resolves the bundled databases, then calls runJob). */
export interface JobRunRequest {
  bundled: BundledDb[];
  uploads: SelectedDb[];
  params: JobParams;
  /** Run in Lambda with these settings (absent = this browser). */
  cloud?: { settings: CloudSettings };
  /** The user picked the place (not "Auto"). */
  placeChosen: boolean;
}

export interface SelectedDb {
  /** Bundled id or 'upload:<name>'. */
  id: string;
  db: MolDb;
}

/** Fingerprints by database object: a MolDb is not changed after parsing, so each is hashed once per page. */
const fingerprints = new WeakMap<MolDb, string>();

/** Fingerprint of a database's content (formulas in order), so an edited upload is a different job. */
export function dbFingerprint(db: MolDb): string {
  let f = fingerprints.get(db);
  if (f === undefined) {
    f = hashStrings([db.name, db.formulas.length, ...db.formulas]);
    fingerprints.set(db, f);
  }
  return f;
}

/** Bumped when the same parameters give other numbers (2: chaos on METASPACE's cut of the image), so Run
 * recomputes instead of reopening an older result; older results stay listed and open as they were. */
const ENGINE_VERSION = 2;

const optional = (x: string | undefined): string[] => (x === undefined ? [] : [x]);

export function jobKey(datasetId: string, dbs: readonly SelectedDb[], params: JobParams): string {
  const p = params;
  return `${datasetId}|${hashStrings([
    ENGINE_VERSION,
    ...dbs.map((d) => `${d.id}:${dbFingerprint(d.db)}`),
    p.polarity, p.adducts.join(','), p.neutralLosses.join(','), p.chemMods.join(','),
    p.sigma, p.ppm, p.decoys, p.analysisVersion,
    // the chosen model of versions that have one (v3: animal | plant); v1 keys stay as they were
    ...optional(effectiveModel(p.analysisVersion, p.scoringModel)),
    // the isotope patterns' analyzer of versions >= 2 (v1 and v3 keys without it stay as they were)
    ...optional(p.instrument),
  ])}`;
}

let jobWorker: { worker: Worker; remote: Comlink.Remote<JobWorkerApi> } | null = null;
function getJobWorker() {
  if (!jobWorker) {
    const worker = new Worker(new URL('../../../workers/job-worker.ts', import.meta.url), { type: 'module', name: 'imzlens-job' });
    jobWorker = { worker, remote: Comlink.wrap<JobWorkerApi>(worker) };
  }
  return jobWorker;
}

export interface RunJobOptions {
  meta: DatasetMeta;
  dbs: SelectedDb[];
  params: JobParams;
  onProgress?(p: Progress): void;
  signal?: AbortSignal;
  /** Run in the user's AWS Lambda with these settings (absent = this browser). */
  cloud?: { settings: CloudSettings };
  /**
   * The user chose where to run (not "Auto"): a cached result computed elsewhere is then recomputed here
   * (same key, so it replaces the cached one). Otherwise any cached result is reused.
   */
  placeChosen?: boolean;
}

/**
 * A cloud dataset (peaks in S3 only, services/cloud-datasets.ts) can be scored only by Lambda functions reading the
 * bucket and prefix it was ingested into; say so before anything starts instead of failing on a missing segment.
 */
function checkCloudDatasetPlace(meta: DatasetMeta, loc: CloudLocation, config: CloudConfig | null): void {
  const where = `s3://${loc.bucket}/${loc.prefix}`;
  if (!config) throw new Error(`dataset ${meta.name} is stored in S3 (${where}), not in this browser: run its jobs in AWS Lambda (Run on → AWS Lambda).`);
  const prefix = datasetPrefix(config);
  if (config.bucket !== loc.bucket || prefix !== loc.prefix) {
    throw new Error(`dataset ${meta.name} is stored in ${where}, but the cloud settings point to s3://${config.bucket}/${prefix}: set bucket ${loc.bucket} and prefix ${loc.prefix.replace(/datasets\/$/, '')} in Cloud settings.`);
  }
}

/**
 * The page's placement (platform/placement.ts decides the mode; workers/job-worker.ts builds it): this browser,
 * or Lambda with the dataset copied to S3 (hybrid) or already there (a cloud dataset: serverless). The job form
 * has resolved "Auto" already: `cloud` is set when the job goes to Lambda. Throws, before the worker starts, when
 * the settings are not usable (every problem listed) or a cloud dataset cannot be read from where they point.
 */
async function placeJob(meta: DatasetMeta, cloud: RunJobOptions['cloud']): Promise<{ mode: RunMode; config: CloudConfig | null }> {
  const config = cloud ? toCloudConfig(cloud.settings) : null;
  const loc = await cloudLocation(meta.id);
  if (loc) checkCloudDatasetPlace(meta, loc, config);
  const mode = decideMode({ requested: config ? 'hybrid' : 'local', cloudUsable: config !== null, datasetInCloud: loc !== null });
  return { mode, config };
}

export interface JobRun {
  key: string;
  result: StoredJobResult;
  cached: boolean;
  /**
   * Settles when the result and its summary are in IndexedDB (at once for a cached result). The caller shows the
   * result first and then awaits this: a failure to store rejects here and must be reported.
   */
  stored: Promise<void>;
}

/** Runs (or reopens from the cache) an annotation job. */
export async function runJob(opts: RunJobOptions): Promise<JobRun> {
  const key = jobKey(opts.meta.id, opts.dbs, opts.params);
  const want = opts.cloud ? 'lambda' : 'browser';
  // The cache look-up and the placement (both IndexedDB reads) run together; a cached result is returned even
  // when the placement would have refused, as before.
  const placing = placeJob(opts.meta, opts.cloud);
  placing.catch(() => {}); // observed below unless the cache answers
  const hit = await getJobResult<StoredJobResult>(key).catch(() => undefined);
  if (hit && (!opts.placeChosen || runOnOf(hit).kind === want)) {
    // finished elsewhere (another tab) while a run of it was interrupted here: nothing left to continue
    const stale = getPartialJob(key).then((p) => (p ? deletePartialJob(key) : undefined));
    return { key, result: hit, cached: true, stored: stale.catch(() => {}) };
  }
  // the partial record is written while the placement is read (both IndexedDB), not after it
  const [{ mode, config }, partial] = await Promise.all([placing, recordPartial(key, opts, want)]);
  // cancelled while those were read: the worker's cancel listener below would come too late
  if (opts.signal?.aborted) {
    await deletePartialJob(key).catch(() => {});
    throw new CancelledError();
  }
  let tasksKnown = partial?.tasks;
  const t0 = performance.now();
  const jw = getJobWorker();
  let crashed: (e: Error) => void = () => {};
  const crash = new Promise<never>((_, rej) => { crashed = rej; });
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    jobWorker = null;
    jw.worker.terminate();
    crashed(new Error(`the job worker crashed: ${e.message || 'failed to load'}`));
  };
  jw.worker.addEventListener('error', onError);
  const onAbort = () => { jw.remote.cancel().catch(() => {}); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let result: StoredJobResult;
  try {
    const req = { meta: opts.meta, dbs: opts.dbs.map((d) => d.db), params: plainParams(opts.params), partialKey: partial ? key : undefined };
    const progress = Comlink.proxy((p: Progress) => {
      if (partial && p.stage === 'score' && p.total > 0 && p.total !== tasksKnown) {
        tasksKnown = p.total;
        putPartialJob(key, { ...partial, tasks: p.total }).catch(() => {});
      }
      opts.onProgress?.(p);
    });
    if (runsInLambda(mode) && config && opts.cloud) {
      const s = opts.cloud.settings;
      // Credentials travel to the worker in this message only; the stored record gets runOn (no keys).
      const creq: CloudJobRequest = { ...req, mode, config, ...(s.credentialMode === 'cognito' ? { identityPoolId: s.identityPoolId.trim() } : {}) };
      // Cancel answers at once: requests already sent to S3/Lambda finish in the worker's background (Lambda cannot
      // stop a running invocation anyway), and a late result is never stored.
      const cancelled = new Promise<never>((_, rej) => {
        if (opts.signal?.aborted) rej(new CancelledError());
        opts.signal?.addEventListener('abort', () => rej(new CancelledError()), { once: true });
      });
      const out = await Promise.race([jw.remote.runCloud(creq, progress), crash, cancelled]);
      result = { ...out.result, runOn: lambdaRunOn(out.reports, config.region ?? 'us-east-1', s.functionName.trim()), lambdaReports: out.reports };
    } else {
      result = { ...(await Promise.race([jw.remote.run(req, progress), crash])), runOn: { kind: 'browser' } };
    }
  } catch (e) {
    // cancelled: the user stopped it, nothing to continue; failed: its finished tasks stay, to continue
    if (e instanceof CancelledError || opts.signal?.aborted) await deletePartialJob(key).catch(() => {});
    throw e;
  } finally {
    jw.worker.removeEventListener('error', onError);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const wallMs = performance.now() - t0;
  const summary: JobSummary = {
    key, datasetId: opts.meta.id, databases: opts.params.databases, params: opts.params, createdAt: result.createdAt,
    rows: result.rows.length, annotatedAt10: result.stats.annotatedAt10, wallMs, runOn: result.runOn,
  };
  // Storing starts now but is not waited for here: the table need not wait for IndexedDB. The summary is written
  // only after the result, so the job list never names a result that is not stored.
  // The partial records go last, once the result is safe.
  const stored = putJob(key, result, summary).then(() => deletePartialJob(key).catch(() => {}));
  return { key, result, cached: false, stored };
}

/** Job parameters as plain data (the form's may be Svelte state proxies, which cannot be cloned). */
function plainParams(p: JobParams): JobParams {
  return { ...p, databases: [...p.databases], adducts: [...p.adducts], neutralLosses: [...p.neutralLosses], chemMods: [...p.chemMods] };
}

/**
 * Writes (or keeps, when continuing) the job's PartialJob record before it starts. Null when it cannot be written:
 * the job then runs without keeping its tasks, as before.
 */
async function recordPartial(key: string, opts: RunJobOptions, runOn: PartialJob['runOn']): Promise<PartialJob | null> {
  try {
    const earlier = await getPartialJob<PartialJob>(key);
    if (earlier && earlier.runOn === runOn) return earlier;
    const bundled = new Set((await bundledDbs().catch(() => [])).map((b) => b.id));
    const record: PartialJob = {
      key, datasetId: opts.meta.id, datasetName: opts.meta.name, params: plainParams(opts.params), runOn, startedAt: new Date().toISOString(),
      dbs: opts.dbs.map((d) => (bundled.has(d.id) ? { id: d.id } : { id: d.id, db: d.db })),
    };
    await putPartialJob(key, record);
    return record;
  } catch {
    return null;
  }
}

/** The interrupted jobs in this browser (all datasets), newest first, each with its stored task count. */
export async function listInterruptedJobs(): Promise<InterruptedJob[]> {
  const out: InterruptedJob[] = [];
  for (const p of await listPartialJobs<PartialJob>()) out.push({ ...p, done: await countPartialTasks(p.key) });
  return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}

/** An interrupted job's databases, the bundled ones loaded again. */
export async function partialJobDbs(p: PartialJob): Promise<SelectedDb[]> {
  const index = await bundledDbs();
  return Promise.all(p.dbs.map(async (d) => {
    if (d.db) return { id: d.id, db: d.db };
    const entry = index.find((b) => b.id === d.id);
    if (!entry) throw new Error(`the database ${d.id} of the interrupted job is not bundled with this version of the page any more`);
    return { id: d.id, db: await loadBundledDb(entry) };
  }));
}

/** Discard: deletes an interrupted job's record and stored tasks, nothing else. */
export function discardInterruptedJob(key: string): Promise<void> {
  return deletePartialJob(key);
}

export async function getJob(key: string): Promise<StoredJobResult | undefined> {
  return getJobResult<StoredJobResult>(key);
}

export async function listJobs(datasetId: string): Promise<JobSummary[]> {
  const out: JobSummary[] = [];
  for (const k of await jobKeysOf(datasetId)) {
    const s = await getJobSummary<JobSummary>(k);
    if (s) out.push(s);
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

export async function deleteJob(key: string): Promise<void> {
  await deleteJobRecord(key);
}

export async function deleteJobsOf(datasetId: string): Promise<void> {
  for (const k of await jobKeysOf(datasetId)) await deleteJob(k);
  for (const p of await listPartialJobs<PartialJob>()) if (p.datasetId === datasetId) await deletePartialJob(p.key);
}
