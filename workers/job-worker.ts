// Web Worker that runs a whole annotation job (ion formulas, isotope patterns, planning, FDR) off the main
// thread, so the page stays responsive; scoring fans out to the task pool (nested workers).
import * as Comlink from 'comlink';
import { decodeCentroidTable, encodeCentroidTable, type CachedCentroidTable, type CentroidCache } from '../src/core/chem/centroid-cache.ts';
import type { MolDb } from '../src/core/chem/moldb.ts';
import { runAnnotation, type Progress } from '../src/core/job/pipeline.ts';
import type { JobParams, JobResult } from '../src/core/job/result.ts';
import { BLOB_MASK } from '../src/core/store.ts';
import type { DatasetMeta } from '../src/core/types.ts';
import { IdbSegmentStore } from '../src/platform/browser/idb-store.ts';
import { WorkerPool } from '../src/platform/browser/worker-pool.ts';
import { createStore, get, set } from 'idb-keyval';

const store = new IdbSegmentStore();
const centroids = createStore('imzlens-centroids', 'tables');
/** Centroid tables cached in IndexedDB across jobs and reloads. */
const centroidCache: CentroidCache = {
  async get(key: string): Promise<CachedCentroidTable | undefined> {
    const bytes = await get<Uint8Array>(key, centroids).catch(() => undefined);
    return bytes ? decodeCentroidTable(bytes, `centroid cache entry ${key}`) : undefined;
  },
  async set(key: string, value: CachedCentroidTable): Promise<void> {
    await set(key, encodeCentroidTable(value), centroids).catch(() => {});
  },
};

let pool: WorkerPool | null = null;
let controller: AbortController | null = null;

const api = {
  async run(req: { meta: DatasetMeta; dbs: MolDb[]; params: JobParams; workers?: number }, onProgress: (p: Progress) => void): Promise<JobResult> {
    pool ??= new WorkerPool({ workers: req.workers });
    const ctrl = new AbortController();
    controller = ctrl;
    try {
      const mask = await store.getBlob(req.meta.id, BLOB_MASK);
      if (!mask) throw new Error(`dataset ${req.meta.name}: its sample mask is missing from browser storage; delete the dataset and open the files again.`);
      return await runAnnotation({
        store, meta: req.meta, mask, dbs: req.dbs, params: req.params, executor: pool, centroidCache,
        onProgress, signal: ctrl.signal,
      });
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
