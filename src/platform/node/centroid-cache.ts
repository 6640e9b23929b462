// Centroid-table cache in a directory: one binary file per key (see encodeCentroidTable). A miss there falls back
// to the tables shipped in the repo's public/centroids/ (core/chem/shipped-centroids.ts), read from disk, so the
// CLI's first job on a bundled DB at the defaults skips the isotope patterns as the page does.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'fflate';
import {
  decodeCentroidTable,
  encodeCentroidTable,
  type CachedCentroidTable,
  type CentroidCache,
} from '../../core/chem/centroid-cache.ts';
import { ShippedCentroidCache, type ShippedCentroidEntry } from '../../core/chem/shipped-centroids.ts';

/** public/centroids of this checkout/package (the CLI runs from source). */
const SHIPPED_DIR = fileURLToPath(new URL('../../../public/centroids/', import.meta.url));

/** The shipped tables on disk (none when the folder is absent, e.g. a trimmed install). */
export function diskShippedCentroids(dir = SHIPPED_DIR): ShippedCentroidCache {
  return new ShippedCentroidCache(
    async () => (existsSync(join(dir, 'index.json')) ? (JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ShippedCentroidEntry[]) : null),
    async (e) => {
      const raw = await readFile(join(dir, e.file));
      return decodeCentroidTable(raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw, join(dir, e.file));
    },
    (err, e) => process.stderr.write(`shipped centroid table ${e.file} not used (computing the centroids instead): ${String(err)}\n`),
  );
}

export class DirCentroidCache implements CentroidCache {
  /** `shipped`: where a miss looks next (default: public/centroids; null: nowhere). */
  constructor(
    readonly dir: string,
    private readonly shipped: CentroidCache | null = diskShippedCentroids(),
  ) {}

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
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this.fromShipped(key);
      throw e;
    }
    return decodeCentroidTable(bytes, f);
  }

  /** A shipped table, kept in the cache dir too: the next run reads the plain file instead of gunzipping again. */
  private async fromShipped(key: string): Promise<CachedCentroidTable | undefined> {
    const hit = await this.shipped?.get(key);
    if (hit) await this.set(key, hit).catch(() => {}); // a read-only cache dir only costs the next run the gunzip
    return hit;
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
