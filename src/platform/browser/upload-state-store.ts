// Resumable-upload state in IndexedDB ('imzlens-uploads'/'state'): the UploadStateStore of
// platform/cloud/multipart-upload.ts for the page, so an upload survives a closed tab.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { UploadState, UploadStateStore } from '../cloud/multipart-upload.ts';

let uploadDb: UseStore | null = null;

export function idbUploadStateStore(): UploadStateStore {
  const s = () => (uploadDb ??= createStore('imzlens-uploads', 'state'));
  return {
    get: (k) => get<UploadState>(k, s()),
    set: (k, v) => set(k, v, s()),
    delete: (k) => del(k, s()),
  };
}
