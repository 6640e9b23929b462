// Web Worker that ingests an imzML + ibd pair (local files or URLs) into the IndexedDB dataset store,
// reporting progress; cancel aborts it. Quota is checked first; any failure (quota, parse error,
// cancel) deletes the partial dataset so the library never lists half a dataset.
import * as Comlink from 'comlink';
import { ingestDataset, type IngestProgress } from '../src/core/imzml/ingest.ts';
import type { ByteSource, DatasetMeta } from '../src/core/types.ts';
import { BlobSource } from '../src/platform/browser/blob-source.ts';
import { IdbSegmentStore, StorageQuotaError } from '../src/platform/browser/idb-store.ts';
import { HttpSource } from '../src/platform/shared/http-source.ts';

export type IngestInput = Blob | { url: string };

export interface IngestRequest {
  id: string;
  name: string;
  imzml: IngestInput;
  ibd: IngestInput;
  /** Test switch (page URL ?simquota=N): the store behaves as if only N bytes fit. */
  simulatedQuotaBytes?: number;
}

export class QuotaError extends Error {
  override name = 'QuotaError';
}

/** Segments take ~16 bytes per peak; ibd files store 8–12: reserve twice the ibd size plus margin. */
export const QUOTA_FACTOR = 2;

const defaultStore = new IdbSegmentStore();
let controller: AbortController | null = null;

async function open(src: IngestInput, fileName: string): Promise<ByteSource> {
  if (src instanceof Blob) return new BlobSource(src, (src as File).name ?? fileName);
  return HttpSource.open(src.url);
}

function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; message?: string; inner?: { name?: string } };
  if (e instanceof StorageQuotaError) return true;
  return err?.name === 'QuotaExceededError' || /quota/i.test(err?.message ?? '') || err?.inner?.name === 'QuotaExceededError';
}

const api = {
  async ingest(req: IngestRequest, onProgress: (p: IngestProgress) => void): Promise<DatasetMeta> {
    controller?.abort();
    const ctrl = new AbortController();
    controller = ctrl;
    const store = req.simulatedQuotaBytes ? new IdbSegmentStore({ simulatedQuotaBytes: req.simulatedQuotaBytes }) : defaultStore;
    const imzml = await open(req.imzml, `${req.name}.imzML`);
    const ibd = await open(req.ibd, `${req.name}.ibd`);
    const est = await navigator.storage?.estimate?.().catch(() => null);
    if (est && est.quota != null && est.usage != null) {
      const need = ibd.size * QUOTA_FACTOR + imzml.size;
      const free = est.quota - est.usage;
      if (need > free) {
        throw new QuotaError(
          `not enough browser storage for ${req.name}: about ${(need / 1e6).toFixed(0)} MB needed, ${(free / 1e6).toFixed(0)} MB free. Delete datasets from the library or free disk space, then try again.`,
        );
      }
    }
    try {
      return await ingestDataset({ imzml, ibd, store, id: req.id, name: req.name, onProgress, signal: ctrl.signal });
    } catch (e) {
      await store.delete(req.id).catch(() => {});
      if (isQuotaError(e)) {
        throw new QuotaError(`browser storage ran out while storing ${req.name}; the partial dataset was removed. Delete datasets from the library or free disk space, then try again.`);
      }
      throw e;
    } finally {
      if (controller === ctrl) controller = null;
    }
  },
  cancel(): void {
    controller?.abort();
  },
};

export type IngestWorkerApi = typeof api;
Comlink.expose(api);
