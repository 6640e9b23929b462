// m/z windows, binary searches and dense ion images (spec §5): inclusive bounds at exactly μ ± δ,
// windows straddling segment borders, duplicate pixels summed in float32.
import { describe, expect, it } from 'vitest';
import { lowerBound, upperBound, windowBounds, windowHalfWidth } from '../../src/core/score/windows.ts';
import { ionImage, SegmentIndex, SegmentOrderError } from '../../src/core/score/images.ts';
import type { Segment } from '../../src/core/types.ts';

/** Next double above / below x (x > 0). */
function nextUp(x: number): number {
  const b = new Float64Array([x]);
  const u = new BigInt64Array(b.buffer);
  u[0] += 1n;
  return b[0];
}
function nextDown(x: number): number {
  const b = new Float64Array([x]);
  const u = new BigInt64Array(b.buffer);
  u[0] -= 1n;
  return b[0];
}

function seg(mz: number[], intensity: number[], pixel: number[]): Segment {
  return { mz: Float64Array.from(mz), intensity: Float32Array.from(intensity), pixel: Uint32Array.from(pixel) };
}

describe('window bounds', () => {
  it('δ = μ·ppm·1e-6, [μ − δ, μ + δ]', () => {
    expect(windowHalfWidth(500, 3)).toBeCloseTo(0.0015, 15);
    const [lo, hi] = windowBounds(200, 5);
    expect(lo).toBeCloseTo(199.999, 12);
    expect(hi).toBeCloseTo(200.001, 12);
  });
});

describe('binary searches (numpy searchsorted left/right)', () => {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  it('match a linear scan on random arrays with many duplicates', () => {
    for (let t = 0; t < 200; t++) {
      const n = Math.floor(rnd() * 40);
      const a = Float64Array.from({ length: n }, () => Math.floor(rnd() * 10)).sort();
      for (let q = -1; q <= 10; q += 0.5) {
        let lb = 0;
        while (lb < n && a[lb] < q) lb++;
        let ub = 0;
        while (ub < n && a[ub] <= q) ub++;
        expect(lowerBound(a, q)).toBe(lb);
        expect(upperBound(a, q)).toBe(ub);
      }
    }
  });
  it('respect from/to', () => {
    const a = Float64Array.from([1, 2, 2, 2, 3]);
    expect(lowerBound(a, 2, 2)).toBe(2);
    expect(upperBound(a, 2, 0, 3)).toBe(3);
    expect(lowerBound(a, 9, 1, 4)).toBe(4);
  });
});

describe('ion images', () => {
  const geometry = { width: 3, height: 2, mask: new Uint8Array(6).fill(1) };

  it('a peak at exactly μ − δ or μ + δ is inside; the next double outside is not', () => {
    const mu = 301.123456789;
    const ppm = 3;
    const [lo, hi] = windowBounds(mu, ppm);
    const s = seg([nextDown(lo), lo, mu, hi, nextUp(hi)], [1, 2, 4, 8, 16], [0, 1, 2, 3, 4]);
    const img = ionImage([s], geometry, mu, ppm);
    expect(Array.from(img)).toEqual([0, 2, 4, 8, 0, 0]);
  });

  it('peaks of one pixel are summed in float32', () => {
    const a = 16777216; // 2^24: a + 1 is not representable in float32
    const s = seg([100, 100, 100], [a, 1, 1], [5, 5, 5]);
    const img = ionImage([s], geometry, 100, 1);
    // float32 accumulation: ((2^24 + 1) → 2^24) + 1 → 2^24; a float64 sum would give 2^24 + 2
    expect(img[5]).toBe(16777216);
  });

  it('a window straddling segment borders gives the same image as one segment', () => {
    const mz = [99.9999, 99.99995, 100, 100, 100.00005, 100.0001, 100.5];
    const it = [1, 2, 3, 4, 5, 6, 7];
    const px = [0, 1, 2, 2, 3, 4, 5];
    const whole = ionImage([seg(mz, it, px)], geometry, 100, 1);
    expect(Array.from(whole)).toEqual([1, 2, 7, 5, 6, 0]);
    for (let cut1 = 0; cut1 <= mz.length; cut1++) {
      for (let cut2 = cut1; cut2 <= mz.length; cut2++) {
        const parts = [
          seg(mz.slice(0, cut1), it.slice(0, cut1), px.slice(0, cut1)),
          seg(mz.slice(cut1, cut2), it.slice(cut1, cut2), px.slice(cut1, cut2)),
          seg(mz.slice(cut2), it.slice(cut2), px.slice(cut2)),
        ];
        expect(Array.from(ionImage(parts, geometry, 100, 1))).toEqual(Array.from(whole));
      }
    }
  });

  it('m/z 0 (a padded centroid slot) gives an empty image', () => {
    expect(Array.from(ionImage([seg([0, 1], [1, 1], [0, 1])], geometry, 0, 3))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('SegmentIndex rejects segments out of m/z order and inconsistent lengths', () => {
    expect(() => new SegmentIndex([seg([5, 6], [1, 1], [0, 0]), seg([5.5], [1], [0])])).toThrow(SegmentOrderError);
    expect(() => new SegmentIndex([{ mz: new Float64Array(2), intensity: new Float32Array(1), pixel: new Uint32Array(2) }])).toThrow(
      /lengths differ/,
    );
  });

  it('a pixel index outside the geometry is reported', () => {
    expect(() => ionImage([seg([100], [1], [6])], geometry, 100, 3)).toThrow(/outside the 3×2 image/);
  });
});
