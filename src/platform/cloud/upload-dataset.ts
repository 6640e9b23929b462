// Copies a dataset from one SegmentStore to another — in practice the local store (IndexedDB in the page, the
// file store in the CLI) to the S3 store Lambda tasks read from (hybrid mode). Uses only the SegmentStore
// interface, so it runs in Node and in the browser.
import { BLOB_MASK, type SegmentStore } from '../../core/store.ts';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import { CancelledError } from '../../core/job/executor.ts';

export interface UploadDatasetOptions {
  /** Segments done / total, after each segment read. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Bytes of segment data (16 B per peak) per putSegments call. Default 64 MiB. */
  batchBytes?: number;
}

/**
 * Copies the segments, mask and meta (meta last: the remote copy counts as committed only when complete).
 * Returns false, doing nothing, when the remote store already has the dataset committed.
 */
export async function uploadDataset(local: SegmentStore, meta: DatasetMeta, mask: Uint8Array, remote: SegmentStore,
  opts: UploadDatasetOptions | ((done: number, total: number) => void) = {}): Promise<boolean> {
  const o: UploadDatasetOptions = typeof opts === 'function' ? { onProgress: opts } : opts;
  const limit = o.batchBytes ?? 64 << 20;
  const check = () => {
    if (o.signal?.aborted) throw new CancelledError();
  };
  check();
  if (await remote.getMeta(meta.id)) return false;
  const total = meta.segments.length;
  let batch: { index: number; segment: Segment }[] = [];
  let bytes = 0;
  let done = 0;
  o.onProgress?.(0, total);
  for (const s of meta.segments) {
    check();
    const segment = await local.getSegment(meta.id, s.index);
    batch.push({ index: s.index, segment });
    bytes += segment.mz.length * 16;
    if (bytes > limit) {
      await remote.putSegments(meta.id, batch);
      batch = [];
      bytes = 0;
    }
    o.onProgress?.(++done, total);
  }
  check();
  if (batch.length) await remote.putSegments(meta.id, batch);
  await remote.putBlob(meta.id, BLOB_MASK, mask);
  check();
  await remote.commit(meta);
  return true;
}
