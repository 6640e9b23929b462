// Where a dataset's segments live: memory, Node files, IndexedDB, S3. One interface, several backends.
import type { DatasetMeta, Segment } from './types.ts';

/**
 * A dataset is written as segments + named blobs (mask, TIC image, spectrum index…), then committed
 * atomically with its meta. Until `commit`, it is not listed as usable by `list`/`getMeta`; an
 * interrupted write shows up in `listIncomplete` and can be removed with `delete`.
 */
export interface SegmentStore {
  putSegments(datasetId: string, segments: { index: number; segment: Segment }[]): Promise<void>;
  getSegment(datasetId: string, index: number): Promise<Segment>;
  putBlob(datasetId: string, key: string, data: Uint8Array): Promise<void>;
  getBlob(datasetId: string, key: string): Promise<Uint8Array | null>;
  commit(meta: DatasetMeta): Promise<void>;
  /** Meta of a committed dataset, or null. */
  getMeta(datasetId: string): Promise<DatasetMeta | null>;
  list(): Promise<DatasetMeta[]>;
  listIncomplete(): Promise<string[]>;
  delete(datasetId: string): Promise<void>;
}

/** Blob keys every dataset has. */
export const BLOB_MASK = 'mask'; // Uint8Array h*w, 1 where sampled
export const BLOB_TIC = 'tic'; // Float32Array h*w as bytes (little-endian), total ion count per pixel
