// Web Worker that runs a whole annotation job (ion formulas, isotope patterns, planning, FDR) off the main
// thread, so the page stays responsive; scoring fans out to the task pool (nested workers), or — runCloud,
// hybrid mode — to the user's AWS Lambda: the dataset is copied to S3 once, then LambdaPool runs the tasks.
// Cloud credentials arrive with the request and live only in this worker's memory for the job.
import * as Comlink from 'comlink';
import type { MolDb } from '../src/core/chem/moldb.ts';
import { runAnnotation, type Progress } from '../src/core/job/pipeline.ts';
import type { JobParams, JobResult } from '../src/core/job/result.ts';
import { BLOB_MASK } from '../src/core/store.ts';
import type { DatasetMeta } from '../src/core/types.ts';
import type { CloudConfig } from '../src/platform/cloud/config.ts';
import type { LambdaStageReport } from '../src/platform/cloud/lambda-pool.ts';
import { IdbSegmentStore } from '../src/platform/browser/idb-store.ts';
import { WorkerPool } from '../src/platform/browser/worker-pool.ts';
import { IdbCentroidCache } from '../src/platform/browser/centroid-cache.ts';

const store = new IdbSegmentStore();
/** Centroid tables cached in IndexedDB across jobs and reloads. */
const centroidCache = new IdbCentroidCache();

let pool: WorkerPool | null = null;
let controller: AbortController | null = null;

export interface CloudJobRequest {
  meta: DatasetMeta;
  dbs: MolDb[];
  params: JobParams;
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

const api = {
  async run(req: { meta: DatasetMeta; dbs: MolDb[]; params: JobParams; workers?: number }, onProgress: (p: Progress) => void): Promise<JobResult> {
    pool ??= new WorkerPool({ workers: req.workers });
    const ctrl = new AbortController();
    controller = ctrl;
    try {
      const mask = await localMask(req.meta);
      return await runAnnotation({
        store, meta: req.meta, mask, dbs: req.dbs, params: req.params, executor: pool, centroidCache,
        onProgress, signal: ctrl.signal,
      });
    } finally {
      if (controller === ctrl) controller = null;
    }
  },
  /** Hybrid mode: copy the dataset to S3 (stage 'upload'; skipped when there), then score in Lambda. */
  async runCloud(req: CloudJobRequest, onProgress: (p: Progress) => void): Promise<CloudJobOutput> {
    const ctrl = new AbortController();
    controller = ctrl;
    try {
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
      const uploaded = await uploadDataset(store, req.meta, mask, cloud.store, {
        signal: ctrl.signal,
        onProgress: (done, total) => onProgress({ stage: 'upload', done, total }),
      }).catch((e: Error) => {
        if (ctrl.signal.aborted) throw e;
        throw new Error(`copying the dataset to s3://${config.bucket}/${config.prefix}datasets/ failed: ${e.name}: ${e.message}. Check the bucket, the keys and the bucket's CORS rule ("Test connection" in Cloud settings).`);
      });
      if (!uploaded) onProgress({ stage: 'upload', done: 1, total: 1 });
      const result = await runAnnotation({
        store: cloud.store, meta: req.meta, mask, dbs: req.dbs, params: req.params, executor: cloud.pool, centroidCache,
        onProgress, signal: ctrl.signal,
      });
      return { result, reports: cloud.pool.reports, uploaded };
    } finally {
      if (controller === ctrl) controller = null;
    }
  },
  cancel(): void {
    controller?.abort();
  },
};

export type JobWorkerApi = typeof api;
Comlink.expose(api);
