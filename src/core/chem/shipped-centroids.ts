// Centroid tables shipped with the page (public/centroids/) for the bundled databases at the form's defaults, so
// the first job on a bundled DB skips the isotope-pattern stage (issue 19: ~117k ion formulas, seconds of CPU).
// A shipped table is found by the same key as any cached table (centroidCacheKey: the exact ordered ion list,
// charge, sigma, CENTROID_ALGORITHM_VERSION), so a table made by an older algorithm or for another ion list is
// never used — it is simply not found and the centroids are computed. scripts/build-centroid-tables.mjs writes
// them; tests/unit/shipped-centroids.test.ts checks that the keys are current and recomputes a sample of rows.
import type { CachedCentroidTable, CentroidCache } from './centroid-cache.ts';
import { DEFAULT_ADDUCTS, DEFAULT_DECOYS, DEFAULT_SIGMA } from '../view/presets.ts';

/** One shipped table as listed in public/centroids/index.json. */
export interface ShippedCentroidEntry {
  key: string;
  /** File name inside the centroids folder: gzip of encodeCentroidTable's bytes. */
  file: string;
  bytes: number;
  db: string;
  polarity: '+' | '-';
  adducts: string[];
  sigma: number;
  decoys: number;
  ions: number;
}

/** What gets shipped: CoreMetabolome (the small bundled DB, the first one a user tries), both polarities'
 *  default adducts, the default resolving power and decoy count. (~5–6 MB gzip per table; see bench/README.md.) */
export const SHIPPED_CENTROID_SPECS: readonly { db: string; polarity: '+' | '-'; adducts: readonly string[]; sigma: number; decoys: number }[] = [
  { db: 'core-metabolome-v3', polarity: '+', adducts: DEFAULT_ADDUCTS['+'], sigma: DEFAULT_SIGMA, decoys: DEFAULT_DECOYS },
  { db: 'core-metabolome-v3', polarity: '-', adducts: DEFAULT_ADDUCTS['-'], sigma: DEFAULT_SIGMA, decoys: DEFAULT_DECOYS },
];

/** Reads shipped tables through `load` (fetch in the page, the file system in Node); read-only. */
export class ShippedCentroidCache implements CentroidCache {
  private index: Promise<Map<string, ShippedCentroidEntry>> | null = null;

  constructor(
    private readonly loadIndex: () => Promise<ShippedCentroidEntry[] | null>,
    private readonly loadTable: (entry: ShippedCentroidEntry) => Promise<CachedCentroidTable>,
    /** Told when a listed table cannot be read (the job then computes the centroids). */
    private readonly onError: (e: unknown, entry: ShippedCentroidEntry) => void = () => {},
  ) {}

  private entries(): Promise<Map<string, ShippedCentroidEntry>> {
    this.index ??= this.loadIndex()
      .then((list) => new Map((list ?? []).map((e) => [e.key, e])))
      .catch(() => new Map()); // no index (a build without tables, offline): nothing shipped
    return this.index;
  }

  async has(key: string): Promise<boolean> {
    return (await this.entries()).has(key);
  }

  async get(key: string): Promise<CachedCentroidTable | undefined> {
    const e = (await this.entries()).get(key);
    if (!e) return undefined;
    // A table that cannot be read is a miss (the centroids get computed), never a failed job.
    return this.loadTable(e).catch((err: unknown) => {
      this.onError(err, e);
      return undefined;
    });
  }

  async set(): Promise<void> {
    // read-only
  }
}

/**
 * Looks in `tiers` in order; a hit in a later tier is copied into `memory` (the worker's or process's lifetime),
 * so a second job pays neither a download nor a decode. New tables are written to memory and the first tier.
 */
export class TieredCentroidCache implements CentroidCache {
  /** `memoryMaxIons`: larger tables are not kept in memory (a multi-DB job's table can take hundreds of MB). */
  constructor(
    private readonly memory: CentroidCache,
    private readonly tiers: readonly CentroidCache[],
    private readonly memoryMaxIons = Infinity,
  ) {}

  private async remember(key: string, v: CachedCentroidTable): Promise<void> {
    if (v.table.n <= this.memoryMaxIons) await this.memory.set(key, v);
  }

  async get(key: string): Promise<CachedCentroidTable | undefined> {
    const m = await this.memory.get(key);
    if (m) return m;
    for (const t of this.tiers) {
      const v = await t.get(key);
      if (v) {
        await this.remember(key, v);
        return v;
      }
    }
    return undefined;
  }

  async set(key: string, value: CachedCentroidTable): Promise<void> {
    await this.remember(key, value);
    if (this.tiers[0]) await this.tiers[0].set(key, value);
  }
}
