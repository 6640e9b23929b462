// The centroid tables shipped with the page (public/centroids, scripts/build-centroid-tables.mjs): each must be
// found by the key the job computes today (else it would silently never be used), and hold exactly what
// computeCentroidTable gives — checked bit for bit on a sample of rows, targets and decoys, recomputed here.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'fflate';
import { parseMolDb } from '../../src/core/chem/moldb.ts';
import { ionsStage } from '../../src/core/job/stages/ions.ts';
import { computeCentroidTable, roundSigma, CENTROID_ALGORITHM_VERSION } from '../../src/core/chem/centroids.ts';
import { centroidCacheKey, decodeCentroidTable, MemoryCentroidCache, type CachedCentroidTable } from '../../src/core/chem/centroid-cache.ts';
import { SHIPPED_CENTROID_SPECS, ShippedCentroidCache, TieredCentroidCache, type ShippedCentroidEntry } from '../../src/core/chem/shipped-centroids.ts';
import { DirCentroidCache } from '../../src/platform/node/centroid-cache.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { REPO_ROOT } from '../helpers/shared.ts';

const DIR = resolve(REPO_ROOT, 'public/centroids');
const index: ShippedCentroidEntry[] = JSON.parse(readFileSync(resolve(DIR, 'index.json'), 'utf8'));
const dbIndex: { id: string; name: string; file: string }[] = JSON.parse(readFileSync(resolve(REPO_ROOT, 'public/db/index.json'), 'utf8'));

describe('shipped centroid tables (public/centroids)', () => {
  it('index lists one table per spec, each file present and its size stated', () => {
    expect(index.length).toBe(SHIPPED_CENTROID_SPECS.length);
    for (const e of index) {
      expect(existsSync(resolve(DIR, e.file))).toBe(true);
      expect(statSync(resolve(DIR, e.file)).size).toBe(e.bytes);
      expect(e.key).toContain(CENTROID_ALGORITHM_VERSION.replace(/[^A-Za-z0-9.-]/g, '_'));
    }
  });

  for (const spec of SHIPPED_CENTROID_SPECS) {
    it(`${spec.db} ${spec.polarity} ${spec.adducts.join(',')} σ ${spec.sigma}: current key, exact centroids on sampled rows`, () => {
      const dbEntry = dbIndex.find((d) => d.id === spec.db)!;
      const db = parseMolDb(readFileSync(resolve(REPO_ROOT, 'public/db', dbEntry.file)), dbEntry.name);
      // The ion list exactly as the job's ions stage makes it (the page passes no chem mods / neutral losses).
      const { ions, isTarget } = ionsStage([db], {
        databases: [dbEntry.name], adducts: [...spec.adducts], neutralLosses: [], chemMods: [], polarity: spec.polarity,
        sigma: spec.sigma, ppm: 3, decoys: spec.decoys, analysisVersion: 1,
      });
      const charge = spec.polarity === '+' ? 1 : -1;
      const key = centroidCacheKey(ions, charge, roundSigma(spec.sigma), CENTROID_ALGORITHM_VERSION);
      const entry = index.find((e) => e.db === spec.db && e.polarity === spec.polarity);
      expect(entry, 'no shipped table for this spec: run node scripts/build-centroid-tables.mjs').toBeDefined();
      expect(entry!.key, 'the shipped table is stale (ion list or algorithm changed): run node scripts/build-centroid-tables.mjs').toBe(key);
      const shipped = decodeCentroidTable(gunzipSync(readFileSync(resolve(DIR, entry!.file))), entry!.file);
      expect(shipped.ionFormulas).toEqual(ions);
      // Sample: every 97th ion plus the first 40 targets — decoys with heavy-element adducts and targets alike.
      const sample: number[] = [];
      for (let i = 0; i < ions.length; i += 97) sample.push(i);
      for (let i = 0, t = 0; i < ions.length && t < 40; i++) if (isTarget[i]) { sample.push(i); t++; }
      const fresh = computeCentroidTable(sample.map((i) => ions[i]!), charge, spec.sigma);
      let compared = 0;
      sample.forEach((i, s) => {
        expect(shipped.table.nPeaks[i]).toBe(fresh.table.nPeaks[s]);
        expect(shipped.errors[i]).toBe(fresh.errors[s]);
        for (let j = 0; j < 4; j++) {
          // Object.is: bit-identical doubles (also tells 0 from -0)
          if (!Object.is(shipped.table.mzs[i * 4 + j], fresh.table.mzs[s * 4 + j]) || !Object.is(shipped.table.ints[i * 4 + j], fresh.table.ints[s * 4 + j])) {
            throw new Error(`ion ${i} (${ions[i]}) peak ${j}: shipped ${shipped.table.mzs[i * 4 + j]}/${shipped.table.ints[i * 4 + j]}, computed ${fresh.table.mzs[s * 4 + j]}/${fresh.table.ints[s * 4 + j]}`);
          }
          compared++;
        }
      });
      expect(compared).toBeGreaterThan(3000);
    }, 60_000);
  }
});

const table = (n: number): CachedCentroidTable => ({
  ionFormulas: Array.from({ length: n }, (_, i) => `C${i + 1}H4`),
  errors: new Array(n).fill(null),
  table: { n, mzs: new Float64Array(n * 4).fill(1), ints: new Float64Array(n * 4).fill(2), nPeaks: new Uint8Array(n).fill(1) },
});

describe('DirCentroidCache (the CLI) falls back to the shipped tables', () => {
  it('an empty cache dir gives the shipped table for its key; without the fallback it is a miss', async () => {
    const dir = mkdtempSync(resolve(tmpdir(), 'imzlens-centroids-'));
    try {
      const e = index[0]!;
      const hit = await new DirCentroidCache(dir).get(e.key);
      expect(hit?.table.n).toBe(e.ions);
      expect(hit?.ionFormulas.length).toBe(e.ions);
      // kept in the cache dir: the next run reads it from there, same table, without the shipped fallback
      const again = await new DirCentroidCache(dir, null).get(e.key);
      expect(again?.ionFormulas).toEqual(hit?.ionFormulas);
      expect(again?.table.mzs).toEqual(hit?.table.mzs);
      rmSync(resolve(dir, `${e.key}.centroids`));
      expect(await new DirCentroidCache(dir, null).get(e.key)).toBeUndefined();
      expect(await new DirCentroidCache(dir).get(`${e.key}x`)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ShippedCentroidCache / TieredCentroidCache / MemoryCentroidCache', () => {
  const entry = (key: string): ShippedCentroidEntry => ({ key, file: `${key}.izct.gz`, bytes: 1, db: 'x', polarity: '+', adducts: ['+H'], sigma: 0.001, decoys: 20, ions: 1 });

  it('fetches only listed keys, once the index is read; a failing table or index is a miss, not an error', async () => {
    const loads: string[] = [];
    const c = new ShippedCentroidCache(async () => [entry('a'), entry('bad')], async (e) => {
      loads.push(e.key);
      if (e.key === 'bad') throw new Error('HTTP 404');
      return table(2);
    });
    expect(await c.get('nope')).toBeUndefined();
    expect(loads).toEqual([]);
    expect((await c.get('a'))?.table.n).toBe(2);
    expect(await c.get('bad')).toBeUndefined();
    expect(loads).toEqual(['a', 'bad']);
    const noIndex = new ShippedCentroidCache(async () => { throw new Error('offline'); }, async () => table(1));
    expect(await noIndex.get('a')).toBeUndefined();
  });

  it('a later tier hit lands in memory; set writes memory and the first tier only', async () => {
    const mem = new MemoryCentroidCache();
    const first = new MemoryCentroidCache();
    let shippedGets = 0;
    const shipped = new ShippedCentroidCache(async () => [entry('k')], async () => { shippedGets++; return table(3); });
    const t = new TieredCentroidCache(mem, [first, shipped]);
    expect((await t.get('k'))?.table.n).toBe(3);
    expect((await t.get('k'))?.table.n).toBe(3);
    expect(shippedGets).toBe(1);
    expect(mem.size).toBe(1);
    expect(first.size).toBe(0);
    await t.set('new', table(1));
    expect(first.size).toBe(1);
    expect(await t.get('missing')).toBeUndefined();
  });

  it('tables above memoryMaxIons are not kept in memory', async () => {
    const mem = new MemoryCentroidCache();
    const first = new MemoryCentroidCache();
    const t = new TieredCentroidCache(mem, [first], 2);
    await t.set('big', table(3));
    await t.set('small', table(2));
    expect(await mem.get('big')).toBeUndefined();
    expect(await mem.get('small')).toBeDefined();
    expect((await t.get('big'))?.table.n).toBe(3);
    expect(mem.size).toBe(1);
  });

  it('MemoryCentroidCache with a bound drops the least recently used entry', async () => {
    const m = new MemoryCentroidCache(2);
    await m.set('a', table(1));
    await m.set('b', table(1));
    await m.get('a');
    await m.set('c', table(1));
    expect(await m.get('b')).toBeUndefined();
    expect(await m.get('a')).toBeDefined();
    expect(await m.get('c')).toBeDefined();
  });
});
