// The CLI's job placement: the run mode (platform/placement.ts decides) made concrete in Node —
//   local      → the on-disk dataset store + NodePool (worker_threads);
//   hybrid     → ingest to the on-disk store, copy the segments to S3, LambdaPool;
//   serverless → the imzML/ibd to S3 and ingested there by Lambda (cloud-run.ts), LambdaPool.
import { join } from 'node:path';
import type { MolDb } from '../../core/chem/moldb.ts';
import type { Executor } from '../../core/job/executor.ts';
import { isLargeJob } from '../../core/job/large-job.ts';
import type { JobParams } from '../../core/job/result.ts';
import type { SegmentStore } from '../../core/store.ts';
import type { DatasetMeta } from '../../core/types.ts';
import { createCloud, type Cloud, type CloudConfig } from '../cloud/config.ts';
import { uploadDataset } from '../cloud/upload-dataset.ts';
import { decideMode, MODE_REQUESTS, type ModeRequest, type RunMode } from '../placement.ts';
import { ingestInCloud } from './cloud-run.ts';
import { openDataset } from './dataset-cache.ts';
import { NodePool } from './node-pool.ts';

/** `--impl` as a mode request; checked before anything is read. */
export function parseModeRequest(impl: string): ModeRequest {
  if (!MODE_REQUESTS.includes(impl as ModeRequest)) throw new Error(`--impl must be local, serverless, hybrid or auto (got '${impl}')`);
  return impl as ModeRequest;
}

/** The modes that always run in Lambda need cloud settings: say where to put them. */
export function requireCloudSettings(mode: ModeRequest, cfg: CloudConfig | null): void {
  if ((mode === 'serverless' || mode === 'hybrid') && !cfg) {
    throw new Error(`--impl ${mode} needs cloud settings: set IMZLENS_BUCKET and IMZLENS_FUNCTION (and IMZLENS_LAMBDA_ENDPOINT / IMZLENS_S3_ENDPOINT for a local stack, region and credentials the AWS SDK way), or pass --cloud-config FILE (see docs/cloud.md)`);
  }
}

export interface NodeJob {
  name: string;
  imzml: string;
  ibd: string | null;
  dbs: MolDb[];
  params: JobParams;
}

export interface NodePlaceOptions {
  requested: ModeRequest;
  cloudConfig: CloudConfig | null;
  /** Root of the dataset store (`<root>/datasets`). */
  root: string;
  useCache: boolean;
  workers?: number;
  onProgress: (stage: string, done: number, total: number) => void;
  signal?: AbortSignal;
  /** Lambda stage reports and other cloud log lines. */
  log: (line: string) => void;
}

/** Where the job's dataset is and what runs its tasks. */
export interface NodePlacement {
  mode: RunMode;
  store: SegmentStore;
  meta: DatasetMeta;
  mask: Uint8Array;
  /** The local dataset store already held the dataset. */
  cached: boolean;
  executor: Executor;
  /** The cloud clients, store and pool for the Lambda modes (its pool is `executor`); null for local. */
  cloud: Cloud | null;
}

/** Opens (ingests, uploads) the dataset where the mode needs it and builds the executor. */
export async function placeNodeJob(job: NodeJob, o: NodePlaceOptions): Promise<NodePlacement> {
  const cloudFor = () => createCloud(o.cloudConfig!, { log: o.log });
  if (o.requested === 'serverless') {
    const cloud = cloudFor();
    const ds = await ingestInCloud(cloud, o.cloudConfig!, job.imzml, job.ibd, job.name, o.onProgress, o.signal);
    return { mode: 'serverless', store: cloud.store, ...ds, cached: false, executor: cloud.pool, cloud };
  }
  const ds = await openDataset({
    imzml: job.imzml,
    ibd: job.ibd,
    name: job.name,
    root: join(o.root, 'datasets'),
    useCache: o.useCache,
    onProgress: (p) => o.onProgress(p.stage, p.done, p.total),
    signal: o.signal,
  });
  const mode = decideMode({ requested: o.requested, cloudUsable: !!o.cloudConfig, large: () => isLargeJob(ds.meta, job.dbs, job.params) });
  if (mode === 'local') {
    return { mode, ...ds, executor: new NodePool({ storeRoot: join(o.root, 'datasets'), workers: o.workers }), cloud: null };
  }
  const cloud = cloudFor();
  await uploadDataset(ds.store, ds.meta, ds.mask, cloud.store, (d, t) => o.onProgress('upload', d, t));
  return { mode, ...ds, store: cloud.store, executor: cloud.pool, cloud };
}
