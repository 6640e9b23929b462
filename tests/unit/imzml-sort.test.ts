import { describe, expect, it } from 'vitest';
import { sortPeaksByMz, radixSortPeaksByMz, sortPeaksInPlace, sortPeaksInto } from '../../src/core/imzml/sort.ts';

/** Reference: stable comparison sort on (m/z, original index). */
function reference(mz: Float64Array, it: Float32Array, px: Uint32Array) {
  const order = Array.from(mz, (_, i) => i).sort((a, b) => mz[a] - mz[b] || a - b);
  return { mz: order.map((i) => mz[i]), it: order.map((i) => it[i]), px: order.map((i) => px[i]) };
}

function lcg(seed: number) {
  let s = seed;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

const cases: [string, (r: () => number, i: number) => number][] = [
  ['uniform', (r) => 100 + r() * 900],
  ['many exact ties (continuous axis)', (r) => 100 + Math.floor(r() * 50) * 0.5],
  ['float32-derived values', (r) => Math.fround(300 + r() * 2)],
  ['tight cluster plus outliers (forces the exact fallback)', (r, i) => (i % 997 === 0 ? 1000 + r() : 500 + r() * 1e-7)],
  ['zeros and integers', (r) => Math.floor(r() * 3)],
  ['already sorted runs', (_, i) => 100 + (i % 100) * 0.01 + Math.floor(i / 100) * 1e-6],
];

describe('sortPeaksByMz', () => {
  for (const [label, gen] of cases) {
    for (const sorter of [sortPeaksByMz, radixSortPeaksByMz]) {
      it(`${sorter.name}: ${label}`, () => {
        const r = lcg(7);
        const n = 5000;
        const mz = Float64Array.from({ length: n }, (_, i) => gen(r, i));
        const it = Float32Array.from({ length: n }, (_, i) => i + 0.5);
        const px = Uint32Array.from({ length: n }, (_, i) => i * 7);
        const got = sorter(mz, it, px, n);
        const want = reference(mz, it, px);
        expect(Array.from(got.mz)).toEqual(want.mz);
        expect(Array.from(got.intensity)).toEqual(want.it);
        expect(Array.from(got.pixel)).toEqual(want.px);
      });
    }
  }
  it('handles 0 and 1 elements and uses only the first n entries', () => {
    const mz = new Float64Array([5, 3, 1]);
    expect(Array.from(sortPeaksByMz(mz, new Float32Array(3), new Uint32Array(3), 0).mz)).toEqual([]);
    expect(Array.from(sortPeaksByMz(mz, new Float32Array(3), new Uint32Array(3), 1).mz)).toEqual([5]);
    expect(Array.from(sortPeaksByMz(mz, new Float32Array(3), new Uint32Array(3), 2).mz)).toEqual([3, 5]);
  });
});

describe('sort of large buckets (two-level path, in place, into an offset)', () => {
  const big: [string, (r: () => number, i: number) => number][] = [
    ['uniform', (r) => 100 + r() * 900],
    ['many exact ties', (r) => 100 + Math.floor(r() * 300) * 0.5],
    ['tight clusters (one ion per spectrum)', (r, i) => 200 + (i % 40) * 3.1 + r() * 1e-6],
    ['exponentially spread', (r) => Math.exp(r() * 11)],
  ];
  for (const [label, gen] of big) {
    it(`sortPeaksByMz and sortPeaksInPlace: ${label}`, () => {
      const r = lcg(11);
      const n = 120000;
      const mz = Float64Array.from({ length: n }, (_, i) => gen(r, i));
      const it = Float32Array.from({ length: n }, (_, i) => i + 0.5);
      const px = Uint32Array.from({ length: n }, (_, i) => i * 3);
      const want = reference(mz, it, px);
      const got = sortPeaksByMz(mz, it, px, n);
      expect(Array.from(got.mz)).toEqual(want.mz);
      expect(Array.from(got.intensity)).toEqual(want.it);
      expect(Array.from(got.pixel)).toEqual(want.px);
      sortPeaksInPlace(mz, it, px, n);
      expect(Array.from(mz)).toEqual(want.mz);
      expect(Array.from(it)).toEqual(want.it);
      expect(Array.from(px)).toEqual(want.px);
    });
  }
  it('sortPeaksInto writes only its range', () => {
    const mz = new Float64Array([3, 1, 2]), it = new Float32Array([30, 10, 20]), px = new Uint32Array([3, 1, 2]);
    const om = new Float64Array(6).fill(-1), oi = new Float32Array(6).fill(-1), op = new Uint32Array(6).fill(9);
    sortPeaksInto(mz, it, px, 3, om, oi, op, 2);
    expect(Array.from(om)).toEqual([-1, -1, 1, 2, 3, -1]);
    expect(Array.from(oi)).toEqual([-1, -1, 10, 20, 30, -1]);
    expect(Array.from(op)).toEqual([9, 9, 1, 2, 3, 9]);
  });
});
