// The page's dataset store (IndexedDB), shared by the library, the viewer and the job service.
import type { SegmentStore } from '../../core/store.ts';
import { IdbSegmentStore } from '../../platform/browser/idb-store.ts';

let store: SegmentStore | null = null;
export function getStore(): SegmentStore {
  store ??= new IdbSegmentStore();
  return store;
}
