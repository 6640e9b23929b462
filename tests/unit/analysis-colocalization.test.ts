// core/analysis/colocalization: METASPACE's median-thresholded cosine, step by step on hand-checkable cases, and
// as a whole against numbers written by numpy + scipy from the published steps (tests/fixtures/coloc/).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  clipAndThreshold, colocalizationMatrix, colocPartners, colocPrepare, cosineMatrix, medianFilter3x3, quantile,
} from '../../src/core/analysis/colocalization.ts';

const f32 = (v: number[]) => Float32Array.from(v);

describe('quantile (numpy linear)', () => {
  it('interpolates between order statistics, zeros and negatives counted', () => {
    expect(quantile(f32([3, 1, 2]), 0.5)).toBe(2);
    expect(quantile(f32([4, 1, 2, 3]), 0.5)).toBe(2.5);
    expect(quantile(f32([0, 0, 0, 10]), 0.5)).toBe(0);
    expect(quantile(f32([0, 0, 10, 10]), 0.5)).toBe(5);
    expect(quantile(f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0.99)).toBeCloseTo(9.9, 6);
    expect(quantile(f32([-2, 0, 0, 4]), 0.5)).toBe(0);
    expect(quantile(f32([-2, -1, 0, 4]), 0.25)).toBeCloseTo(-1.25, 6);
    expect(quantile(f32([5]), 0.5)).toBe(5);
  });
  it('equals the sorted-array definition on random arrays with zeros, ties and negatives', () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(rnd() * 60);
      const neg = t % 3 === 0;
      const a = f32(Array.from({ length: n }, () => (rnd() < 0.5 ? 0 : Math.round(rnd() * 8) - (neg ? 4 : 0))));
      const sorted = Float64Array.from(a).sort();
      for (const q of [0, 0.25, 0.5, 0.99, 1]) {
        const pos = q * (n - 1), lo = Math.floor(pos);
        const ref = lo + 1 < n ? sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - lo) : sorted[lo];
        expect(quantile(a, q)).toBeCloseTo(ref, 5);
      }
    }
  });
});

describe('clipAndThreshold', () => {
  it('clips at the 99th percentile, then zeroes what is below the median', () => {
    // 0..100: p99 = 99 → 100 clipped to 99; median 50 → 0..49 become 0
    const img = f32(Array.from({ length: 101 }, (_, i) => i));
    const out = clipAndThreshold(img);
    expect(out[100]).toBe(99);
    expect(out[49]).toBe(0);
    expect(out[50]).toBe(50);
    expect(img[100]).toBe(100); // input untouched
  });
  it('a percentile of 0 falls back to the maximum (nothing clipped)', () => {
    const img = new Float32Array(200);
    img[3] = 7;
    expect(clipAndThreshold(img)[3]).toBe(7);
  });
});

describe('medianFilter3x3 (edge repeated)', () => {
  it('removes an isolated pixel and keeps a 3×3 block, edges included', () => {
    const w = 5, h = 4;
    const img = new Float32Array(w * h);
    img[1 * w + 3] = 9; // isolated
    expect(medianFilter3x3(img, w, h).every((v) => v === 0)).toBe(true);
    const blk = new Float32Array(w * h);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) blk[y * w + x] = 1;
    const out = medianFilter3x3(blk, w, h);
    // the corner (0,0) sees (0..1)×(0..1) with its edge row/col repeated: all ones → 1
    expect(out[0]).toBe(1);
    // (2,2): neighbours x 1..3, y 1..3: ones at x≤2,y≤2 → 4 of 9 → 0
    expect(out[2 * w + 2]).toBe(0);
    // (2,0): x 1..3, y 0..1 (row 0 repeated): ones at x 1,2 in rows 0,0,1 → 6 of 9 → 1
    expect(out[2]).toBe(1);
    // (3,0): x 2..4, rows 0,0,1: ones at x 2 → 3 of 9 → 0
    expect(out[3]).toBe(0);
  });
  it('equals the sorted-window median on random images (ties, zeros, negatives, 1-pixel rows/columns)', () => {
    let seed = 9;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const [w, h] of [[7, 5], [1, 6], [6, 1], [1, 1], [9, 9]]) {
      for (let t = 0; t < 20; t++) {
        const img = f32(Array.from({ length: w * h }, () => (rnd() < 0.4 ? 0 : Math.round(rnd() * 6) - (t % 2 ? 2 : 0))));
        const out = medianFilter3x3(img, w, h);
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
          const win: number[] = [];
          for (const yy of [y - 1, y, y + 1]) for (const xx of [x - 1, x, x + 1]) {
            win.push(img[Math.min(h - 1, Math.max(0, yy)) * w + Math.min(w - 1, Math.max(0, xx))]);
          }
          win.sort((a, b) => a - b);
          expect(out[y * w + x]).toBe(win[4]);
        }
      }
    }
  });
  it('takes the middle of 9 values, negatives included', () => {
    const img = f32([8, -5, 7, 1, 6, 2, 5, 3, 4]); // 3×3: the centre (1,1) sees every value once; sorted, the 5th is 4
    expect(medianFilter3x3(img, 3, 3)[4]).toBe(4);
  });
});

describe('cosineMatrix', () => {
  it('identical → 1, disjoint → 0, proportional → 1, all-zero → 0, 45° → √½', () => {
    const a = f32([1, 0, 0, 0]), b = f32([0, 1, 0, 0]), c = f32([3, 0, 0, 0]), z = new Float32Array(4), d = f32([1, 1, 0, 0]);
    const m = cosineMatrix([a, b, c, z, d]);
    const at = (i: number, j: number) => m[i * 5 + j];
    expect(at(0, 0)).toBeCloseTo(1, 6);
    expect(at(0, 1)).toBe(0);
    expect(at(0, 2)).toBeCloseTo(1, 6);
    expect(at(3, 3)).toBe(0);
    expect(at(3, 0)).toBe(0);
    expect(at(0, 4)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(at(4, 0)).toBeCloseTo(Math.SQRT1_2, 6);
  });
  it('blocked product equals the plain one (many images over several pixel blocks)', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const npix = 5000, n = 11;
    const imgs = Array.from({ length: n }, (_, i) => {
      const x = new Float32Array(npix);
      // images live in different pixel ranges so that blocks have different active sets
      for (let p = 0; p < npix; p++) if ((p + i * 700) % npix < 2500 && rnd() > 0.3) x[p] = rnd() * 10;
      return x;
    });
    const m = cosineMatrix(imgs);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let d = 0, na = 0, nb = 0;
      for (let p = 0; p < npix; p++) { d += imgs[i][p] * imgs[j][p]; na += imgs[i][p] ** 2; nb += imgs[j][p] ** 2; }
      expect(m[i * n + j]).toBeCloseTo(d / Math.sqrt(na * nb), 5);
    }
  });
});

describe('colocalizationMatrix against numpy + scipy (tests/fixtures/coloc/make-reference.py)', () => {
  const ref = JSON.parse(readFileSync(new URL('../fixtures/coloc/reference.json', import.meta.url), 'utf8')) as {
    width: number; height: number; images: number[][]; prepared: number[][]; scores: number[][];
  };
  const images = ref.images.map((r) => Float32Array.from(r));
  it('prepared images equal scipy’s up to a scale factor (the engine scales to max 1, we do not)', () => {
    images.forEach((img, k) => {
      const mine = colocPrepare(img, ref.width, ref.height);
      const max = Math.max(...mine);
      const theirs = ref.prepared[k];
      const tmax = Math.max(...theirs);
      expect(max > 0).toBe(tmax > 0);
      for (let p = 0; p < mine.length; p++) expect(max > 0 ? mine[p] / max : 0).toBeCloseTo(tmax > 0 ? theirs[p] / tmax : 0, 5);
    });
  });
  it('scores equal the reference matrix', () => {
    const n = images.length;
    const m = colocalizationMatrix(images, ref.width, ref.height);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(m[i * n + j]).toBeCloseTo(ref.scores[i][j], 5);
    // the reference is not trivial: some related, some unrelated pairs
    expect(ref.scores[0][1]).toBeGreaterThan(0.8);
    expect(ref.scores[0][2]).toBeLessThan(0.1);
  });
});

describe('colocPartners', () => {
  it('excludes itself, keeps ≥ min score, highest first, at most max', () => {
    const m = f32([
      1, 0.9, 0.2, 0.5,
      0.9, 1, 0.3, 0.3,
      0.2, 0.3, 1, 0.1,
      0.5, 0.3, 0.1, 1,
    ]);
    expect(colocPartners(m, 4, 0)).toEqual([{ index: 1, score: m[1] }, { index: 3, score: m[3] }]);
    expect(colocPartners(m, 4, 1).map((p) => p.index)).toEqual([0, 2, 3]);
    expect(colocPartners(m, 4, 1, 0.3, 1).map((p) => p.index)).toEqual([0]);
    expect(colocPartners(m, 4, 2, 0).map((p) => p.index)).toEqual([1, 0, 3]);
  });
});
