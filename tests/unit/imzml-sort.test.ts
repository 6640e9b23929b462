import { describe, expect, it } from 'vitest';
import { sortPeaksByMz, radixSortPeaksByMz } from '../../src/core/imzml/sort.ts';

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
