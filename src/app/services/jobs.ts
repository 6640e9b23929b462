// Annotation jobs in the page: runs the core pipeline in a job worker (scoring on its Web Worker pool), keeps results in
// IndexedDB per (dataset, databases, parameters) so the same job reopens instantly.
import * as Comlink from 'comlink';
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import type { MolDb } from '../../core/chem/moldb.ts';
import { hashStrings } from '../../core/hash.ts';
import type { Progress } from '../../core/job/pipeline.ts';
import type { JobParams, JobResult } from '../../core/job/result.ts';
import type { DatasetMeta } from '../../core/types.ts';
import type { JobWorkerApi } from '../../../workers/job-worker.ts';

export interface JobSummary {
  key: string;
  datasetId: string;
  databases: string[];
  params: JobParams;
  createdAt: string;
  rows: number;
  annotatedAt10: number;
  wallMs: number;
}

export interface SelectedDb {
  /** Bundled id or 'upload:<name>'. */
  id: string;
  db: MolDb;
}

let jobsStore: UseStore | null = null;
let summaryStore: UseStore | null = null;
const results = () => (jobsStore ??= createStore('imzlens-jobs', 'results'));
const summaries = () => (summaryStore ??= createStore('imzlens-job-index', 'summaries'));

/** Fingerprint of a database's content (formulas in order), so an edited upload is a different job. */
export function dbFingerprint(db: MolDb): string {
  return hashStrings([db.name, db.formulas.length, ...db.formulas]);
}

export function jobKey(datasetId: string, dbs: readonly SelectedDb[], params: JobParams): string {
  const p = params;
  return `${datasetId}|${hashStrings([
    ...dbs.map((d) => `${d.id}:${dbFingerprint(d.db)}`),
    p.polarity, p.adducts.join(','), p.neutralLosses.join(','), p.chemMods.join(','),
    p.sigma, p.ppm, p.decoys, p.analysisVersion,
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
}

/** Runs (or reopens from the cache) an annotation job. */
export async function runJob(opts: RunJobOptions): Promise<{ key: string; result: JobResult; cached: boolean }> {
  const key = jobKey(opts.meta.id, opts.dbs, opts.params);
  const hit = await get<JobResult>(key, results()).catch(() => undefined);
  if (hit) return { key, result: hit, cached: true };
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
  let result: JobResult;
  try {
    const req = { meta: opts.meta, dbs: opts.dbs.map((d) => d.db), params: { ...opts.params, databases: [...opts.params.databases], adducts: [...opts.params.adducts], neutralLosses: [...opts.params.neutralLosses], chemMods: [...opts.params.chemMods] } };
    result = await Promise.race([jw.remote.run(req, Comlink.proxy((p: Progress) => opts.onProgress?.(p))), crash]);
  } finally {
    jw.worker.removeEventListener('error', onError);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const wallMs = performance.now() - t0;
  await set(key, result, results());
  const summary: JobSummary = {
    key, datasetId: opts.meta.id, databases: opts.params.databases, params: opts.params, createdAt: result.createdAt,
    rows: result.rows.length, annotatedAt10: result.stats.annotatedAt10, wallMs,
  };
  await set(key, summary, summaries());
  return { key, result, cached: false };
}

export async function getJob(key: string): Promise<JobResult | undefined> {
  return get<JobResult>(key, results());
}

export async function listJobs(datasetId: string): Promise<JobSummary[]> {
  const all = (await keys<string>(summaries())).filter((k) => k.startsWith(`${datasetId}|`));
  const out: JobSummary[] = [];
  for (const k of all) {
    const s = await get<JobSummary>(k, summaries());
    if (s) out.push(s);
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

export async function deleteJob(key: string): Promise<void> {
  await del(key, results());
  await del(key, summaries());
}

export async function deleteJobsOf(datasetId: string): Promise<void> {
  const all = (await keys<string>(summaries())).filter((k) => k.startsWith(`${datasetId}|`));
  for (const k of all) await deleteJob(k);
}
