// Web Worker that runs a whole annotation job (ion formulas, isotope patterns, planning, FDR) off the main
// thread, so the page stays responsive; scoring fans out to the task pool (nested workers), or — runCloud — to
// the user's AWS Lambda: hybrid mode copies the dataset to S3 once, serverless (a cloud dataset) reads it there.
// Cloud credentials arrive with the request and live only in this worker's memory for the job.
import * as Comlink from 'comlink';
import type { MolDb } from '../src/core/chem/moldb.ts';
import { runAnnotation, type Progress } from '../src/core/job/pipeline.ts';
import type { JobParams, JobResult } from '../src/core/job/result.ts';
import { BLOB_MASK } from '../src/core/store.ts';
import type { DatasetMeta } from '../src/core/types.ts';
import type { Cloud, CloudConfig } from '../src/platform/cloud/config.ts';
import type { Executor } from '../src/core/job/executor.ts';
import type { SegmentStore } from '../src/core/store.ts';
import type { LambdaStageReport } from '../src/platform/cloud/lambda-pool.ts';
import { IdbSegmentStore } from '../src/platform/browser/idb-store.ts';
import { WorkerPool } from '../src/platform/browser/worker-pool.ts';
import { IdbCentroidCache } from '../src/platform/browser/centroid-cache.ts';
import { fetchShippedCentroids } from '../src/platform/browser/shipped-centroids.ts';
import { MemoryCentroidCache } from '../src/core/chem/centroid-cache.ts';
import { TieredCentroidCache } from '../src/core/chem/shipped-centroids.ts';
import { partialTaskCache } from '../src/platform/browser/partial-job-store.ts';

const store = new IdbSegmentStore();

/**
 * The page's centroids folder. An absolute base ('/', '/imzlens/') resolves against the origin; a relative one
 * ('./', for any static sub-path) against this worker's own URL, which Vite places in <base>assets/.
 */
function shippedCentroidsBase(): URL {
  const base = import.meta.env.BASE_URL;
  return base.startsWith('/') || /^[a-z]+:/i.test(base)
    ? new URL(`${base}centroids/`, self.location.href)
    : new URL('../centroids/', self.location.href);
}

/**
 * Centroid tables: this worker's memory (a second job pays no decode; the last 2 tables of ≤ 1M ions, ≤ ~70 MB
 * each), then IndexedDB (across reloads; new tables are written there), then the tables shipped with the page for
 * the bundled DBs at the default settings.
 */
const centroidCache = new TieredCentroidCache(
  new MemoryCentroidCache(2),
  [new IdbCentroidCache(), fetchShippedCentroids(shippedCentroidsBase())],
  1_000_000,
);

let pool: WorkerPool | null = null;
let controller: AbortController | null = null;

export interface JobRequest {
  meta: DatasetMeta;
  dbs: MolDb[];
  params: JobParams;
  workers?: number;
  /**
   * The job key: each finished score task is stored under it as it completes (platform/browser/partial-job-store.ts)
   * and tasks stored by an interrupted run of the same job are not run again.
   */
  partialKey?: string;
}

export interface CloudJobRequest extends JobRequest {
  /** 'hybrid' (default): copy the dataset to S3 first; 'serverless': a cloud dataset, already in S3. */
  mode?: 'hybrid' | 'serverless';
  /** From toCloudConfig (cloud-settings.ts): plain data, keys included when the user gave keys. */
  config: CloudConfig;
  /** Cognito identity pool id, when the user chose an identity pool instead of keys. */
  identityPoolId?: string;
}

export interface CloudJobOutput {
  result: JobResult;
  /** One LambdaPool report per map (centroids, score). */
  reports: LambdaStageReport[];
  /** False when the dataset was already in S3 (the copy was skipped). */
  uploaded: boolean;
}

async function localMask(meta: DatasetMeta): Promise<Uint8Array> {
  const mask = await store.getBlob(meta.id, BLOB_MASK);
  if (!mask) throw new Error(`dataset ${meta.name}: its sample mask is missing from browser storage; delete the dataset and open the files again.`);
  return mask;
}

/** The page's placement made concrete (platform/placement.ts decides the mode): where the segments are, what runs the tasks. */
interface Placed {
  store: SegmentStore;
  executor: Executor;
  mask: Uint8Array;
}

/** local: the IndexedDB store and the Web Worker pool. */
async function placeLocal(req: JobRequest): Promise<Placed> {
  pool ??= new WorkerPool({ workers: req.workers });
  return { store, executor: pool, mask: await localMask(req.meta) };
}

/**
 * hybrid: copy the dataset to S3 (stage 'upload'; skipped when it is there already), then LambdaPool;
 * serverless (a cloud dataset, ingested in Lambda): its segments are in S3 already, LambdaPool.
 */
async function placeLambda(req: CloudJobRequest, signal: AbortSignal, onProgress: (p: Progress) => void): Promise<Placed & { cloud: Cloud; uploaded: boolean }> {
  // The SDK is loaded only for cloud jobs, not with every browser job.
  const [{ createCloud }, { uploadDataset }, { cognitoCredentialProvider }] = await Promise.all([
    import('../src/platform/cloud/config.ts'),
    import('../src/platform/cloud/upload-dataset.ts'),
    import('../src/platform/cloud/settings.ts'),
  ]);
  const config: CloudConfig = { ...req.config };
  if (req.identityPoolId) config.credentialProvider = cognitoCredentialProvider(req.identityPoolId);
  const cloud = createCloud(config);
  const mask = await localMask(req.meta);
  const uploaded = req.mode === 'serverless' ? false : await uploadDataset(store, req.meta, mask, cloud.store, {
    signal,
    onProgress: (done, total) => onProgress({ stage: 'upload', done, total }),
  }).catch((e: Error) => {
    if (signal.aborted) throw e;
    throw new Error(`copying the dataset to s3://${config.bucket}/${config.prefix}datasets/ failed: ${e.name}: ${e.message}. Check the bucket, the keys and the bucket's CORS rule ("Test connection" in Cloud settings).`);
  });
  if (!uploaded) onProgress({ stage: 'upload', done: 1, total: 1 });
  return { store: cloud.store, executor: cloud.pool, mask, cloud, uploaded };
}

/** One job at a time has a controller, so cancel() reaches it. */
async function withController<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctrl = new AbortController();
  controller = ctrl;
  try {
    return await work(ctrl.signal);
  } finally {
    if (controller === ctrl) controller = null;
  }
}

function annotate(placed: Placed, req: JobRequest, onProgress: (p: Progress) => void, signal: AbortSignal): Promise<JobResult> {
  return runAnnotation({
    store: placed.store, meta: req.meta, mask: placed.mask, dbs: req.dbs, params: req.params, executor: placed.executor, centroidCache,
    taskCache: req.partialKey ? partialTaskCache(req.partialKey) : undefined, onProgress, signal,
  });
}

const api = {
  async run(req: JobRequest, onProgress: (p: Progress) => void): Promise<JobResult> {
    return withController(async (signal) => annotate(await placeLocal(req), req, onProgress, signal));
  },
  /** Lambda: hybrid (the dataset copied to S3 first) or serverless (a cloud dataset), see placeLambda. */
  async runCloud(req: CloudJobRequest, onProgress: (p: Progress) => void): Promise<CloudJobOutput> {
    return withController(async (signal) => {
      const placed = await placeLambda(req, signal, onProgress);
      const result = await annotate(placed, req, onProgress, signal);
      return { result, reports: placed.cloud.pool.reports, uploaded: placed.uploaded };
    });
  },
  cancel(): void {
    controller?.abort();
  },
};

export type JobWorkerApi = typeof api;
Comlink.expose(api);
