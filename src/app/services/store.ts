// The page's dataset store (IndexedDB), shared by the library, the viewer and the job service.
// Cloud datasets (services/cloud-datasets.ts) are listed from here like any other; their segments are in S3:
// `storeFor(meta)` gives the store that holds a dataset's segments, and getStore() routes segment reads of
// cloud datasets there too, so code written for local datasets keeps working.
import type { SegmentStore } from '../../core/store.ts';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import { IdbSegmentStore } from '../../platform/browser/idb-store.ts';
import { cloudSegmentStore } from '../../platform/cloud/location.ts';
import { resolveDatasetStore, withCloudSegments } from '../../platform/browser/cloud-library.ts';
import { cloudLocation, currentCloudConfig, forgetCloudLocation } from './cloud-datasets.ts';

/** IndexedDB store that knows cloud datasets: full metas (segment list restored), S3 segment reads, clean deletes. */
class LibraryStore implements SegmentStore {
  constructor(private readonly idb: SegmentStore) {}
  putSegments(id: string, segments: { index: number; segment: Segment }[]) {
    return this.idb.putSegments(id, segments);
  }
  async getSegment(id: string, index: number): Promise<Segment> {
    // cloudLocation answers from memory after the first read of a dataset: a local segment read costs no extra IDB read
    const loc = await cloudLocation(id);
    if (loc) return (await cloudSegmentStore(loc, currentCloudConfig())).getSegment(id, index);
    return this.idb.getSegment(id, index);
  }
  putBlob(id: string, key: string, data: Uint8Array) {
    return this.idb.putBlob(id, key, data);
  }
  getBlob(id: string, key: string) {
    return this.idb.getBlob(id, key);
  }
  commit(meta: DatasetMeta) {
    return this.idb.commit(meta);
  }
  async getMeta(id: string) {
    const m = await this.idb.getMeta(id);
    return m ? withCloudSegments(this.idb, m) : null;
  }
  async list() {
    return Promise.all((await this.idb.list()).map((m) => withCloudSegments(this.idb, m)));
  }
  listIncomplete() {
    return this.idb.listIncomplete();
  }
  /** Removes the dataset from this browser (a cloud dataset's segments stay in S3). */
  async delete(id: string) {
    await this.idb.delete(id);
    await forgetCloudLocation(id);
  }
}

let store: SegmentStore | null = null;
export function getStore(): SegmentStore {
  store ??= new LibraryStore(new IdbSegmentStore());
  return store;
}

/** The store holding `meta`'s segments: IndexedDB for local datasets, S3 (current cloud settings' keys) for cloud ones. */
export async function storeFor(meta: DatasetMeta | string): Promise<SegmentStore> {
  return resolveDatasetStore(meta, getStore(), currentCloudConfig());
}

/** Whether a dataset's segments are in the cloud. */
export async function isCloudDataset(meta: DatasetMeta | string): Promise<boolean> {
  return (await cloudLocation(typeof meta === 'string' ? meta : meta.id)) !== null;
}
