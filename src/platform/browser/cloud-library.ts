// Cloud datasets in the page's library: a dataset whose segments live in S3 is kept in this browser as its meta,
// mask and TIC image in the IndexedDB dataset store (small; the library, the viewer and the job form read them as
// for any dataset) plus a location record (cloud-dataset-store.ts). Segments are read from S3 with the keys of the
// current cloud settings. Worker-safe (no DOM, no localStorage).
import { BLOB_MASK, BLOB_TIC, type SegmentStore } from '../../core/store.ts';
import type { DatasetMeta } from '../../core/types.ts';
import type { CloudConfig } from '../cloud/config.ts';
import { storeAt, type CloudLocation } from '../cloud/location.ts';
import { deleteCloudLocation, getCloudLocation, putCloudLocation } from './cloud-dataset-store.ts';

/**
 * The store holding `meta`'s segments: `local` for datasets ingested in this browser, the S3 store for cloud
 * datasets. Shared resolver for the viewer (services/store.ts storeFor) and job workers.
 */
export async function resolveDatasetStore(meta: DatasetMeta | string, local: SegmentStore, cfg: CloudConfig | null): Promise<SegmentStore> {
  return storeAt(await getCloudLocation(typeof meta === 'string' ? meta : meta.id), local, cfg);
}

/**
 * Adds a cloud dataset to the library: location first, then mask/TIC, then the meta in one commit. On any failure
 * everything written is removed again, so nothing half-registered is listed.
 */
export async function registerCloudDataset(local: SegmentStore, meta: DatasetMeta, mask: Uint8Array, tic: Uint8Array | null, loc: CloudLocation): Promise<void> {
  try {
    await putCloudLocation(meta.id, loc);
    await local.putBlob(meta.id, BLOB_MASK, mask);
    if (tic) await local.putBlob(meta.id, BLOB_TIC, tic);
    // IdbSegmentStore.commit checks that every listed segment was written locally; a cloud dataset has none here
    await commitWithoutSegments(local, meta);
  } catch (e) {
    await local.delete(meta.id).catch(() => {});
    await deleteCloudLocation(meta.id).catch(() => {});
    throw new Error(`adding ${meta.name} to this browser's library failed: ${(e as Error).message}`);
  }
}

/**
 * Commits the meta of a dataset whose segments are elsewhere. The local store refuses a meta naming segments it
 * does not hold, so the meta is committed with the segment list kept in a blob and restored on read
 * (withCloudSegments).
 */
async function commitWithoutSegments(local: SegmentStore, meta: DatasetMeta): Promise<void> {
  await local.putBlob(meta.id, BLOB_CLOUD_SEGMENTS, new TextEncoder().encode(JSON.stringify(meta.segments)));
  await local.commit({ ...meta, segments: [] });
}

export const BLOB_CLOUD_SEGMENTS = 'cloud-segments';

/** The full meta of a cloud dataset (its segment list restored); other metas are returned as they are. */
export async function withCloudSegments(local: SegmentStore, meta: DatasetMeta): Promise<DatasetMeta> {
  if (meta.segments.length) return meta;
  const b = await local.getBlob(meta.id, BLOB_CLOUD_SEGMENTS);
  return b ? { ...meta, segments: JSON.parse(new TextDecoder().decode(b)) as DatasetMeta['segments'] } : meta;
}
