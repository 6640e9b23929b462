// Web Worker that ingests an imzML + ibd pair (local files or URLs) into the IndexedDB dataset store,
// reporting progress; cancel aborts it. Quota is checked first (ingest-worker-quota.ts); any failure (the browser
// refusing a write for lack of space, parse error, cancel) deletes the partial dataset so the library never lists
// half a dataset, and leaves every other dataset as it was.
import * as Comlink from 'comlink';
import { ingestDataset, type IngestProgress } from '../src/core/imzml/ingest.ts';
import type { ByteSource, DatasetMeta, Segment } from '../src/core/types.ts';
import type { SegmentStore } from '../src/core/store.ts';
import { BlobSource } from '../src/platform/browser/blob-source.ts';
import { IdbSegmentStore, StorageQuotaError } from '../src/platform/browser/idb-store.ts';
import { HttpSource } from '../src/platform/shared/http-source.ts';
import { bytesNeeded, freeBytes, isQuotaError, notEnoughBefore, notEnoughDuring } from './ingest-worker-quota.ts';
import { fileIdentity, identityMismatch, ResumeMismatchError } from '../src/core/imzml/resume.ts';
import { holdIngestLock } from '../src/platform/browser/ingest-lock.ts';

export type IngestInput = Blob | { url: string };

export interface IngestRequest {
  id: string;
  name: string;
  imzml: IngestInput;
  ibd: IngestInput;
  /** Continue the interrupted ingest of `id` (its resume record in IndexedDB) with these files, checked to be the same. */
  resume?: boolean;
}

const CANCELLED = 'ingest cancelled by the user';

/**
 * Peaks held at once while bucketing (16 bytes each). Above it the ingest takes the m/z segments in several passes
 * over the ibd (core/imzml/ingest.ts), which keeps the tab's memory bounded for big datasets (the 100k-pixel bench
 * dataset holds ~710 MB of peaks; all at once took Chromium to 1.37 GB) at the cost of reading the file again.
 */
export const PEAK_BUDGET_BYTES = 384 * 2 ** 20;

/** Wall time spent inside the store's methods (IndexedDB writes), for the timing line. */
class TimedStore implements SegmentStore {
  ms = { putSegments: 0, putBlob: 0, commit: 0 };
  constructor(private readonly s: SegmentStore) {}
  private async time<T>(k: keyof TimedStore['ms'], f: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try { return await f(); } finally { this.ms[k] += performance.now() - t; }
  }
  putSegments(id: string, segs: { index: number; segment: Segment }[]) { return this.time('putSegments', () => this.s.putSegments(id, segs)); }
  putBlob(id: string, key: string, data: Uint8Array) { return this.time('putBlob', () => this.s.putBlob(id, key, data)); }
  commit(meta: DatasetMeta) { return this.time('commit', () => this.s.commit(meta)); }
  getSegment(id: string, i: number) { return this.s.getSegment(id, i); }
  getBlob(id: string, key: string) { return this.s.getBlob(id, key); }
  getMeta(id: string) { return this.s.getMeta(id); }
  list() { return this.s.list(); }
  listIncomplete() { return this.s.listIncomplete(); }
  delete(id: string) { return this.s.delete(id); }
}

const defaultStore = new IdbSegmentStore();
let controller: AbortController | null = null;

async function open(src: IngestInput, fileName: string): Promise<ByteSource> {
  if (src instanceof Blob) return new BlobSource(src, (src as File).name ?? fileName);
  return HttpSource.open(src.url);
}

const api = {
  async ingest(req: IngestRequest, onProgress: (p: IngestProgress) => void): Promise<DatasetMeta> {
    controller?.abort();
    const ctrl = new AbortController();
    controller = ctrl;
    const store = defaultStore;
    const imzml = await open(req.imzml, `${req.name}.imzML`);
    const ibd = await open(req.ibd, `${req.name}.ibd`);
    const need = bytesNeeded(ibd.size, imzml.size);
    const free = await freeBytes();
    if (free != null && need > free) throw notEnoughBefore(req.name, need, free);
    const timed = new TimedStore(store);
    const t0 = performance.now();
    const stageAt: Record<string, number> = {};
    // held while this ingest runs: the library tells a running ingest from an interrupted one by it (ingest-lock.ts)
    const unlock = await holdIngestLock(req.id);
    try {
      // the resume record (core/imzml/resume.ts) is saved as the ingest goes; a resume checks the files first
      const files = { imzml: await fileIdentity(imzml), ibd: await fileIdentity(ibd) };
      const from = req.resume ? await store.getResume(req.id) : null;
      if (req.resume && !from) throw new ResumeMismatchError(`${req.name}: there is no interrupted ingest to resume (it was discarded or finished).`);
      const why = from && identityMismatch(from, files.imzml, files.ibd);
      if (why) throw new ResumeMismatchError(`cannot resume the ingest of ${req.name}: ${why} Pick the same two files.`);
      const meta = await ingestDataset({
        resume: { files, from, save: (r) => store.putResume(req.id, r) },
        imzml, ibd, store: timed, id: req.id, name: req.name, signal: ctrl.signal, memoryBudgetBytes: PEAK_BUDGET_BYTES,
        onProgress: (p) => { stageAt[p.stage] ??= performance.now() - t0; onProgress(p); },
      });
      // a cancel that arrived while the commit was running: the dataset is complete but unwanted
      if (ctrl.signal.aborted) throw ctrl.signal.reason;
      // where the time went (bench/ingest.ts reads this line from the console)
      console.debug(`imzlens-ingest-timing ${JSON.stringify({ totalMs: performance.now() - t0, stageAt, storeMs: timed.ms, ibdBytes: ibd.size })}`);
      return meta;
    } catch (e) {
      // other files picked for a resume: the interrupted ingest stays as it was
      if ((e as Error).name === 'ResumeMismatchError') throw e;
      await store.delete(req.id).catch(() => {});
      if (isQuotaError(e)) {
        const written = e instanceof StorageQuotaError ? e.writtenBytes : 0;
        throw notEnoughDuring(req.name, need, await freeBytes(), written);
      }
      throw e;
    } finally {
      unlock();
      if (controller === ctrl) controller = null;
    }
  },
  cancel(): void {
    controller?.abort(new Error(CANCELLED));
  },
};

export type IngestWorkerApi = typeof api;
Comlink.expose(api);
