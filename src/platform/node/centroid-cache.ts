// Centroid-table cache in a directory: one binary file per key (see encodeCentroidTable).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeCentroidTable,
  encodeCentroidTable,
  type CachedCentroidTable,
  type CentroidCache,
} from '../../core/chem/centroid-cache.ts';

export class DirCentroidCache implements CentroidCache {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(key)) throw new Error(`centroid cache: key "${key}" is not a safe file name`);
    return join(this.dir, `${key}.centroids`);
  }

  async get(key: string): Promise<CachedCentroidTable | undefined> {
    const f = this.file(key);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(f);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return decodeCentroidTable(bytes, f);
  }

  async set(key: string, value: CachedCentroidTable): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const f = this.file(key);
    // Write then rename so a concurrent reader never sees a half-written file.
    const tmp = `${f}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, encodeCentroidTable(value));
    await rename(tmp, f);
  }
}
