// core/analysis/segmentation: preprocessing (METASPACE's TIC → log1p → z-score), PCA by Jacobi, seeded k-means++,
// and the whole segmentation on images with obvious regions.
import { describe, expect, it } from 'vitest';
import {
  checkK, covariance, kmeans, preprocessColumns, SEG_OUTSIDE, segmentIndices, segmentPixels, symmetricEigen,
} from '../../src/core/analysis/segmentation.ts';

describe('checkK', () => {
  it('accepts 2–10, explains the rest', () => {
    expect(checkK(2)).toBeNull();
    expect(checkK(10)).toBeNull();
    for (const k of [1, 11, 0, -3, 2.5, NaN]) expect(checkK(k)).toMatch(/from 2 to 10/);
    expect(() => segmentPixels([new Float32Array(4)], new Uint8Array(4).fill(1), 11)).toThrow(/from 2 to 10/);
  });
});

describe('preprocessColumns', () => {
  it('divides by the pixel sum, log1p, z-scores each annotation', () => {
    // two pixels, two annotations: pixel 0 = (1, 3) → (¼, ¾); pixel 1 = (0, 0) stays 0
    const [a, b] = preprocessColumns([Float32Array.from([1, 0]), Float32Array.from([3, 0])]);
    // each column has two values: z-scores are ±1 (population std)
    expect(a[0]).toBeCloseTo(1, 6); expect(a[1]).toBeCloseTo(-1, 6);
    expect(b[0]).toBeCloseTo(1, 6); expect(b[1]).toBeCloseTo(-1, 6);
    const [c] = preprocessColumns([Float32Array.from([5, 5, 5])]);
    expect([...c]).toEqual([0, 0, 0]); // constant (after TIC: all 1) → 0
  });
});

describe('symmetricEigen', () => {
  it('finds the eigenpairs of a hand-checkable matrix', () => {
    // [[2,1],[1,2]]: values 3 and 1, vectors (1,1)/√2 and (1,−1)/√2
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 10);
    expect(values[1]).toBeCloseTo(1, 10);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 10);
    expect(vectors[0] * vectors[1]).toBeCloseTo(0.5, 10);
    expect(vectors[2] * vectors[3]).toBeCloseTo(-0.5, 10);
  });
  it('reconstructs a random symmetric matrix', () => {
    const n = 7;
    const m = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = m[j * n + i] = Math.sin(i * 3 + j * 7);
    const { values, vectors } = symmetricEigen(m, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += values[c] * vectors[c * n + i] * vectors[c * n + j];
      expect(s).toBeCloseTo(m[i * n + j], 9);
    }
    for (let c = 1; c < n; c++) expect(values[c]).toBeLessThanOrEqual(values[c - 1]);
  });
  it('covariance of centred columns', () => {
    const cov = covariance([Float32Array.from([1, -1]), Float32Array.from([2, -2])]);
    expect([...cov]).toEqual([1, 2, 2, 4]);
  });
});

describe('kmeans', () => {
  // two tight groups of 2-D points around (0,0) and (10,10), 30 and 20 points
  const pts: number[] = [];
  for (let i = 0; i < 30; i++) pts.push(Math.cos(i) * 0.5, Math.sin(i) * 0.5);
  for (let i = 0; i < 20; i++) pts.push(10 + Math.cos(i) * 0.5, 10 + Math.sin(i * 2) * 0.5);
  const points = Float32Array.from(pts);
  it('finds two obvious clusters, numbered by size', () => {
    const r = kmeans(points, 50, 2, 2, 42);
    expect([...r.counts]).toEqual([30, 20]);
    expect(r.labels.slice(0, 30).every((l) => l === 0)).toBe(true);
    expect(r.labels.slice(30).every((l) => l === 1)).toBe(true);
    expect(r.centres[2]).toBeCloseTo(10, 0);
  });
  it('is deterministic for a seed', () => {
    const a = kmeans(points, 50, 2, 4, 7), b = kmeans(points, 50, 2, 4, 7);
    expect([...a.labels]).toEqual([...b.labels]);
    expect([...a.centres]).toEqual([...b.centres]);
  });
  it('refuses more segments than points', () => {
    expect(() => kmeans(points, 3, 2, 4)).toThrow(/4 segments of 3/);
  });
});

describe('segmentPixels', () => {
  // 12 × 10 grid, border column 0 off-sample; left half high in ion A, right half high in ion B, ion C noise
  const w = 12, h = 10;
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 1; x < w; x++) mask[y * w + x] = 1;
  const cols = [[], [], []] as number[][];
  for (let y = 0; y < h; y++) for (let x = 1; x < w; x++) {
    const left = x < 6;
    cols[0].push(left ? 100 + ((x * 7 + y) % 5) : (x + y) % 3);
    cols[1].push(left ? (x * y) % 2 : 80 + ((x + 3 * y) % 7));
    cols[2].push(10 + ((x * 13 + y * 7) % 9));
  }
  const f = cols.map((c) => Float32Array.from(c));
  it('separates the two halves, leaves off-sample pixels out, means follow the ions', () => {
    const s = segmentPixels(f, mask, 2);
    const leftLabel = s.map[0 * w + 1];
    for (let y = 0; y < h; y++) {
      expect(s.map[y * w]).toBe(SEG_OUTSIDE);
      for (let x = 1; x < w; x++) expect(s.map[y * w + x]).toBe(x < 6 ? leftLabel : 1 - leftLabel);
    }
    expect([...s.counts]).toEqual([60, 50]); // right half (x 6..11) is larger: segment 0
    expect(leftLabel).toBe(1);
    const n = 3;
    expect(s.means[1 * n + 0]).toBeGreaterThan(90); // ion A in the left segment
    expect(s.means[0 * n + 1]).toBeGreaterThan(70); // ion B in the right segment
    const idx = segmentIndices(s.map, 2);
    expect(idx[0].length + idx[1].length).toBe(110);
    expect(idx[1][0]).toBe(1);
  });
  it('is deterministic', () => {
    expect([...segmentPixels(f, mask, 3).map]).toEqual([...segmentPixels(f, mask, 3).map]);
  });
});
