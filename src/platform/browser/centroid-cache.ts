// Centroid-table cache in IndexedDB (database 'imzlens-centroids', store 'tables'): the browser twin of
// platform/node/centroid-cache.ts, one binary entry per key (encodeCentroidTable), kept across jobs and reloads.
// A failed read or write is a cache miss, never a failed job (quota, private mode).
import { createStore, get, set, type UseStore } from 'idb-keyval';
import { decodeCentroidTable, encodeCentroidTable, type CachedCentroidTable, type CentroidCache } from '../../core/chem/centroid-cache.ts';

export class IdbCentroidCache implements CentroidCache {
  private db: UseStore | null = null;
  private store(): UseStore {
    return (this.db ??= createStore('imzlens-centroids', 'tables'));
  }

  async get(key: string): Promise<CachedCentroidTable | undefined> {
    const bytes = await get<Uint8Array>(key, this.store()).catch(() => undefined);
    return bytes ? decodeCentroidTable(bytes, `centroid cache entry ${key}`) : undefined;
  }

  async set(key: string, value: CachedCentroidTable): Promise<void> {
    await set(key, encodeCentroidTable(value), this.store()).catch(() => {});
  }
}
