// Centroid-table cache entries: format 2 round trip, reading format-1 entries written by older builds, clear
// errors for damaged entries, and a db_config3-sized table (5 M ions) without stack overflows.
import { describe, expect, it } from 'vitest';
import { decodeCentroidTable, encodeCentroidTable, centroidCacheKey, type CachedCentroidTable } from '../../src/core/chem/centroid-cache.ts';
import { concatCentroidTables } from '../../src/core/job/pipeline.ts';

const POOL = Array.from({ length: 4096 }, (_, i) => `C${(i % 97) + 1}H${i}O${i % 7}`);

function entry(n: number): CachedCentroidTable {
  const ionFormulas = new Array<string>(n);
  const errors = new Array<string | null>(n).fill(null);
  const mzs = new Float64Array(n * 4);
  const ints = new Float64Array(n * 4);
  const nPeaks = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    ionFormulas[i] = POOL[i % POOL.length]!;
    mzs[i * 4] = 100 + i * 1e-3;
    ints[i * 4] = 100;
    nPeaks[i] = 1 + (i % 4);
  }
  errors[n >> 1] = 'ion "X": unknown element "X"';
  errors[n - 1] = 'ion "Y": the isotope pattern has no peaks — "quoted", \\ and ünïcode';
  return { ionFormulas, errors, table: { n, mzs, ints, nPeaks } };
}

/** Format 1 as older builds wrote it: JSON {ionFormulas, errors} as the meta block. */
function encodeV1(v: CachedCentroidTable): Uint8Array {
  const n = v.table.n;
  const json = new TextEncoder().encode(JSON.stringify({ ionFormulas: v.ionFormulas, errors: v.errors }));
  const dataStart = Math.ceil((16 + json.length) / 8) * 8;
  const buf = new Uint8Array(dataStart + n * 65);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, 0x54435a49, true);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, json.length, true);
  buf.set(json, 16);
  new Float64Array(buf.buffer, dataStart, n * 4).set(v.table.mzs);
  new Float64Array(buf.buffer, dataStart + n * 32, n * 4).set(v.table.ints);
  buf.set(v.table.nPeaks, dataStart + n * 64);
  return buf;
}

function expectSame(a: CachedCentroidTable, b: CachedCentroidTable): void {
  expect(a.table.n).toBe(b.table.n);
  expect(a.ionFormulas).toEqual(b.ionFormulas);
  expect(a.errors).toEqual(b.errors);
  expect(Buffer.from(a.table.mzs.buffer, a.table.mzs.byteOffset, a.table.mzs.byteLength).equals(Buffer.from(b.table.mzs.buffer, b.table.mzs.byteOffset, b.table.mzs.byteLength))).toBe(true);
  expect(Buffer.from(a.table.ints.buffer, a.table.ints.byteOffset, a.table.ints.byteLength).equals(Buffer.from(b.table.ints.buffer, b.table.ints.byteOffset, b.table.ints.byteLength))).toBe(true);
  expect(Array.from(a.table.nPeaks)).toEqual(Array.from(b.table.nPeaks));
}

describe('centroid cache entries', () => {
  it('round-trip (format 2), also from an unaligned Node Buffer', () => {
    const v = entry(1000);
    const bytes = encodeCentroidTable(v);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(2);
    expectSame(decodeCentroidTable(bytes), v);
    const shifted = Buffer.alloc(bytes.length + 3);
    shifted.set(bytes, 3);
    expectSame(decodeCentroidTable(shifted.subarray(3)), v);
    const empty: CachedCentroidTable = { ionFormulas: [], errors: [], table: { n: 0, mzs: new Float64Array(0), ints: new Float64Array(0), nPeaks: new Uint8Array(0) } };
    expectSame(decodeCentroidTable(encodeCentroidTable(empty)), empty);
  });

  it('reads format-1 entries written by older builds', () => {
    const v = entry(500);
    expectSame(decodeCentroidTable(encodeV1(v)), v);
  });

  it('refuses damaged entries and inconsistent input with a message saying what to do', () => {
    const bytes = encodeCentroidTable(entry(10));
    expect(() => decodeCentroidTable(bytes.subarray(0, bytes.length - 1), 'x.centroids')).toThrow(/x\.centroids: truncated .*delete it/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => decodeCentroidTable(bad)).toThrow(/bad magic/);
    const v = entry(10);
    expect(() => encodeCentroidTable({ ...v, errors: v.errors.slice(1) })).toThrow(/must match/);
  });

  it('5 M ions (db_config3 has 4.8 M): merge, key, encode and decode without argument spreading', () => {
    const n = 5_000_000;
    const half = entry(n / 2);
    const merged = concatCentroidTables([
      { table: half.table, errors: half.errors },
      { table: half.table, errors: half.errors },
    ]);
    expect(merged.table.n).toBe(n);
    expect(merged.errors[n - 1]).toBe(half.errors[n / 2 - 1]);
    const v: CachedCentroidTable = { ionFormulas: half.ionFormulas.concat(half.ionFormulas), errors: merged.errors, table: merged.table };
    expect(centroidCacheKey(v.ionFormulas, 1, 0.001, 'v')).toMatch(/_n5000000_[0-9a-f]{16}$/);
    const back = decodeCentroidTable(encodeCentroidTable(v));
    expect(back.table.n).toBe(n);
    expect(back.ionFormulas[n - 1]).toBe(v.ionFormulas[n - 1]);
    expect(back.errors[n / 4]).toBe(v.errors[n / 4]);
    expect(back.errors.filter((e) => e !== null)).toHaveLength(4);
    expect(back.table.mzs[4 * (n - 1)]).toBe(v.table.mzs[4 * (n - 1)]);
  }, 120_000); // ≈ 5 s on a quiet 2-core machine
});
