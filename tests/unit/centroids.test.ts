// Golden values and failure cases of spec §4 item 8 (METASPACE engine test, v1, sigma 0.000619, +1).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  IsotopeError,
  SIGMA_TO_FWHM,
  computeCentroidTable,
  ionCentroids,
  roundSigma,
} from '../../src/core/chem/centroids.ts';
import { MemoryCentroidCache, centroidCacheKey, type CentroidCache } from '../../src/core/chem/centroid-cache.ts';
import { DirCentroidCache } from '../../src/platform/node/centroid-cache.ts';

describe('ionCentroids — spec golden vector', () => {
  it('H2O+H (ion H3O) → [19.018, 20.022, 20.024, 21.022] / [100, 0.0383, 0.0348, 0.206]', () => {
    const r = ionCentroids('H3O', 1, 0.000619);
    expect(r.nPeaks).toBe(4);
    const mz = [19.018, 20.022, 20.024, 21.022];
    const it = [100, 0.0383, 0.0348, 0.206];
    mz.forEach((m, j) => expect(Math.abs(r.mzs[j]! - m)).toBeLessThan(0.0005));
    // 3 significant decimals as printed in the engine test (4 for the first)
    [100, 0.0383, 0.0348, 0.206].forEach((v, j) => expect(Math.abs(r.ints[j]! - v)).toBeLessThan(v * 0.002 + 1e-4));
    expect(it.length).toBe(4);
    // the unparsed "H2O+H" gives the same
    const again = ionCentroids('H2O+H', 1, 0.000619);
    expect(Array.from(again.mzs)).toEqual(Array.from(r.mzs));
  });

  it('+H, 4Sn+K and C4-H fail with IsotopeError; H+H and C8H20NO6P+K succeed', () => {
    for (const f of ['+H', '4Sn+K', 'C4-H']) {
      expect(() => ionCentroids(f, 1, 0.000619), f).toThrow(IsotopeError);
    }
    expect(() => ionCentroids('4Sn+K', 1, 0.000619)).toThrow(/too many isotopic combinations/);
    expect(() => ionCentroids('C4-H', 1, 0.000619)).toThrow(/negative/);
    const h2 = ionCentroids('H+H', 1, 0.000619);
    expect(h2.mzs.length).toBe(4);
    expect(h2.nPeaks).toBe(2); // H2 and HD; D2 (1.3e-8) is below the 1e-4 threshold
    expect(h2.mzs[2]).toBe(0);
    const p = ionCentroids('C8H20NO6P+K', 1, 0.000619);
    expect(p.nPeaks).toBe(4);
    expect(Array.from(p.ints)).toContain(100);
  });

  it('single-peak patterns are returned unchanged (mass − electron, intensity 100)', () => {
    const r = ionCentroids('Na', 1, 0.000619);
    expect(r.nPeaks).toBe(1);
    expect(r.mzs[0]).toBeCloseTo(22.98976966 - 0.00054857990924, 12);
    expect(r.ints[0]).toBe(100);
    const neg = ionCentroids('F', -1, 0.000619);
    expect(neg.mzs[0]).toBeCloseTo(18.9984032 + 0.00054857990924, 12);
  });

  it('rounds sigma to 6 decimals as METASPACE does, and rejects non-positive sigma', () => {
    expect(roundSigma(0.0006191)).toBe(0.000619);
    expect(roundSigma(0.0024764)).toBe(0.002476);
    expect(SIGMA_TO_FWHM).toBe(2.3548200450309493);
    expect(Array.from(ionCentroids('C6H13O6', 1, 0.0006190004).mzs)).toEqual(Array.from(ionCentroids('C6H13O6', 1, 0.000619).mzs));
    expect(() => ionCentroids('H3O', 1, 0)).toThrow(/sigma/);
    expect(() => ionCentroids('H3O', 1, 1e-8)).toThrow(/rounds to 0/);
  });

  it('output is m/z-sorted, max 100, and a wider sigma merges fine structure', () => {
    const fine = ionCentroids('C20H31O5', 1, 0.000619);
    const wide = ionCentroids('C20H31O5', 1, 0.002476);
    for (const r of [fine, wide]) {
      for (let j = 1; j < r.nPeaks; j++) expect(r.mzs[j]!).toBeGreaterThan(r.mzs[j - 1]!);
      expect(Math.max(...r.ints)).toBe(100);
    }
    // at 0.000619 the 13C and 15N/2H M+1 peaks are separate; at 0.002476 they merge, so the
    // 4 peaks then reach further out (M+3)
    expect(fine.mzs[3]! - fine.mzs[0]!).toBeLessThan(wide.mzs[3]! - wide.mzs[0]!);
  });
});

describe('computeCentroidTable', () => {
  const ions = ['H3O', 'C6H13O6', 'Sn4K', 'C8H20NO6PK', 'Xx2'];

  it('fills a CentroidTable; failures get nPeaks 0, zero slots and their message', () => {
    const { table, errors } = computeCentroidTable(ions, 1, 0.000619);
    expect(table.n).toBe(5);
    expect(table.mzs.length).toBe(20);
    expect(Array.from(table.nPeaks)).toEqual([4, 4, 0, 4, 0]);
    expect(errors[0]).toBeNull();
    expect(errors[2]).toMatch(/Sn4K.*too many isotopic combinations/);
    expect(errors[4]).toMatch(/unknown element "Xx"/);
    expect(Array.from(table.mzs.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    const single = ionCentroids('C6H13O6', 1, 0.000619);
    expect(Array.from(table.mzs.subarray(4, 8))).toEqual(Array.from(single.mzs));
    expect(Array.from(table.ints.subarray(4, 8))).toEqual(Array.from(single.ints));
  });

  class CountingCache implements CentroidCache {
    constructor(readonly inner: CentroidCache) {}
    gets = 0;
    sets = 0;
    async get(k: string) {
      this.gets++;
      return this.inner.get(k);
    }
    async set(k: string, v: Parameters<CentroidCache['set']>[1]) {
      this.sets++;
      return this.inner.set(k, v);
    }
  }

  it('with a memory cache: computes once, then serves the same table', async () => {
    const cache = new CountingCache(new MemoryCentroidCache());
    const a = await computeCentroidTable(ions, 1, 0.000619, cache);
    const b = await computeCentroidTable(ions, 1, 0.000619, cache);
    expect(cache.sets).toBe(1);
    expect(cache.gets).toBe(2);
    expect(b.table).toBe(a.table);
    await computeCentroidTable(ions, -1, 0.000619, cache);
    await computeCentroidTable(ions, 1, 0.002476, cache);
    await computeCentroidTable(ions.slice(1), 1, 0.000619, cache);
    expect(cache.sets).toBe(4);
  });

  const dir = mkdtempSync(join(tmpdir(), 'imzlens-centroids-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('with a directory cache: round-trips the binary file exactly', async () => {
    const cache = new CountingCache(new DirCentroidCache(join(dir, 'sub')));
    const a = await computeCentroidTable(ions, -1, 0.002476, cache);
    expect(readdirSync(join(dir, 'sub')).length).toBe(1);
    const fresh = new DirCentroidCache(join(dir, 'sub'));
    const hit = await fresh.get(centroidCacheKey(ions, -1, 0.002476, 'msv1-cpymspec0.3.5-r1'));
    expect(hit).toBeDefined();
    expect(Array.from(hit!.table.mzs)).toEqual(Array.from(a.table.mzs));
    expect(Array.from(hit!.table.ints)).toEqual(Array.from(a.table.ints));
    expect(Array.from(hit!.table.nPeaks)).toEqual(Array.from(a.table.nPeaks));
    expect(hit!.errors).toEqual(a.errors);
    const b = await computeCentroidTable(ions, -1, 0.002476, cache);
    expect(cache.sets).toBe(1);
    expect(Array.from(b.table.mzs)).toEqual(Array.from(a.table.mzs));
    expect(await fresh.get('absent-key')).toBeUndefined();
  });
});
