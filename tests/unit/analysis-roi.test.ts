// core/analysis/roi: pixel membership (pixel centre inside, even-odd, rectangles half-open, sample pixels only),
// self-intersection, empty regions, per-ROI statistics and the differential (log2 fold change, AUC), on cases small
// enough to check by hand, and the AUC against the brute-force pair count.
import { describe, expect, it } from 'vitest';
import {
  aucOf, differential, FOLD_CHANGE_PSEUDO, insidePolygon, polygonSelfIntersects, restPixels, RoiError, roiPixels, roiStats,
  SELF_INTERSECTION_MESSAGE,
} from '../../src/core/analysis/roi.ts';

const all = (n: number) => new Uint8Array(n).fill(1);
const list = (a: Uint32Array) => [...a];

describe('roiPixels', () => {
  it('rectangle: the pixels whose centre lies in [x, x+w) × [y, y+h)', () => {
    // 4×4 grid, rect covering columns 1–2 and rows 1–2 → 5, 6, 9, 10
    expect(list(roiPixels({ kind: 'rect', x: 1, y: 1, w: 2, h: 2 }, 4, 4, all(16)))).toEqual([5, 6, 9, 10]);
    // a rect from 0.6 to 2.4 holds the centre 1.5 only (0.5 < 0.6, 2.5 > 2.4)
    expect(list(roiPixels({ kind: 'rect', x: 0.6, y: 0.6, w: 1.8, h: 1.8 }, 4, 4, all(16)))).toEqual([5]);
    // clipped to the grid
    expect(list(roiPixels({ kind: 'rect', x: -5, y: 3, w: 100, h: 100 }, 4, 4, all(16)))).toEqual([12, 13, 14, 15]);
  });

  it('polygon: pixel centre inside (triangle below the diagonal x + y = 3.9)', () => {
    // centres (c+.5, r+.5) with c + r + 1 < 3.9 → c + r ≤ 2: (0,0) (1,0) (2,0) (0,1) (1,1) (0,2)
    const px = roiPixels({ kind: 'polygon', points: [0, 0, 3.9, 0, 0, 3.9] }, 4, 4, all(16));
    expect(list(px)).toEqual([0, 1, 2, 4, 5, 8]);
  });

  it('polygon: a concave U leaves its notch out', () => {
    // U over a 5×3 grid: outer box 0..5 × 0..3 minus the notch x 2..3, y 0..2 (open at the top)
    const u = [0, 0, 2, 0, 2, 2, 3, 2, 3, 0, 5, 0, 5, 3, 0, 3];
    const px = roiPixels({ kind: 'polygon', points: u }, 5, 3, all(15));
    // rows 0 and 1 miss column 2 (centre 2.5 in the notch); row 2 is full
    expect(list(px)).toEqual([0, 1, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('only sample pixels count; pixel lists are deduplicated and sorted', () => {
    const mask = all(16);
    mask[5] = 0;
    expect(list(roiPixels({ kind: 'rect', x: 1, y: 1, w: 2, h: 2 }, 4, 4, mask))).toEqual([6, 9, 10]);
    expect(list(roiPixels({ kind: 'pixels', indices: Uint32Array.from([9, 5, 3, 9, 99]) }, 4, 4, mask))).toEqual([3, 9]);
  });

  it('an ROI with no sample pixels is an error with a clear message', () => {
    const mask = all(16);
    mask[5] = 0;
    expect(() => roiPixels({ kind: 'rect', x: 1, y: 1, w: 1, h: 1 }, 4, 4, mask)).toThrow(/no sample pixels/);
    // a thin sliver between two rows of pixel centres
    expect(() => roiPixels({ kind: 'polygon', points: [0, 1.6, 4, 1.6, 4, 1.9, 0, 1.9] }, 4, 4, all(16))).toThrow(RoiError);
    expect(() => roiPixels({ kind: 'rect', x: 10, y: 10, w: 2, h: 2 }, 4, 4, all(16))).toThrow(/no sample pixels/);
  });

  it('a self-intersecting polygon is refused with the message', () => {
    const bowtie = [0, 0, 4, 0, 0, 4, 4, 4];
    expect(() => roiPixels({ kind: 'polygon', points: bowtie }, 4, 4, all(16))).toThrow(SELF_INTERSECTION_MESSAGE);
    expect(SELF_INTERSECTION_MESSAGE).toMatch(/^the outline crosses itself/);
    expect(() => roiPixels({ kind: 'polygon', points: [0, 0, 4, 0] }, 4, 4, all(16))).toThrow(/at least 3 points/);
  });
});

describe('polygonSelfIntersects / insidePolygon', () => {
  it('tells simple outlines from crossing ones', () => {
    expect(polygonSelfIntersects([0, 0, 4, 0, 4, 4, 0, 4])).toBe(false); // square
    expect(polygonSelfIntersects([0, 0, 4, 0, 0, 4, 4, 4])).toBe(true); // bow-tie
    expect(polygonSelfIntersects([0, 0, 2, 0, 2, 2, 3, 2, 3, 0, 5, 0, 5, 3, 0, 3])).toBe(false); // U
    // a vertex touching a non-adjacent edge
    expect(polygonSelfIntersects([0, 0, 4, 0, 4, 4, 2, 0, 0, 4])).toBe(true);
    // an edge folding back over the previous one
    expect(polygonSelfIntersects([0, 0, 4, 0, 2, 0, 2, 3])).toBe(true);
    // a pentagram drawn in one stroke
    const star: number[] = [];
    for (let k = 0; k < 5; k++) { const a = (k * 4 * Math.PI) / 5; star.push(Math.cos(a), Math.sin(a)); }
    expect(polygonSelfIntersects(star)).toBe(true);
  });

  it('even-odd inside test', () => {
    expect(insidePolygon([0, 0, 4, 0, 4, 4, 0, 4], 2, 2)).toBe(true);
    expect(insidePolygon([0, 0, 4, 0, 4, 4, 0, 4], 5, 2)).toBe(false);
  });
});

describe('roiStats', () => {
  it('mean, median, sum and % pixels with signal over the given pixels', () => {
    const img = Float32Array.from([0, 1, 2, 3, 10, 99]);
    const s = roiStats(img, Uint32Array.from([0, 1, 2, 3, 4]));
    expect(s).toEqual({ n: 5, mean: 3.2, median: 2, sum: 16, pctSignal: 80 });
    // even count: median is the mean of the two middle values
    expect(roiStats(img, Uint32Array.from([5, 0, 3, 1])).median).toBe(2);
  });
});

describe('differential', () => {
  it('AUC counts ties as ½ (hand count)', () => {
    // A = 1, 2, 3; B = 0, 2: pairs won 1+0+1+1+1+1 = 5 minus the tie (2,2) = ½ → U = 4.5 of 6 pairs
    expect(aucOf(Float64Array.from([1, 2, 3]), Float64Array.from([0, 2]))).toBe(0.75);
    expect(aucOf(Float64Array.from([5, 5]), Float64Array.from([5]))).toBe(0.5);
    expect(aucOf(Float64Array.from([0, 0]), Float64Array.from([1, 1]))).toBe(0);
  });

  it('AUC equals the brute-force pair count on random data with many ties', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 20; t++) {
      const a = Float64Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 6));
      const b = Float64Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 6));
      let u = 0;
      for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
      expect(aucOf(a.slice(), b.slice())).toBeCloseTo(u / (a.length * b.length), 12);
    }
  });

  it('log2 fold change of the means with the pseudo-count', () => {
    const img = Float32Array.from([2, 4, 1, 1, 1]);
    const d = differential(img, Uint32Array.from([0, 1]), Uint32Array.from([2, 3, 4]));
    expect(d.meanA).toBe(3);
    expect(d.meanB).toBe(1);
    const p = FOLD_CHANGE_PSEUDO * 2; // 1 % of the average of the means (3 + 1) / 2
    expect(d.log2fc).toBeCloseTo(Math.log2((3 + p) / (1 + p)), 12);
    expect(d.auc).toBe(1);
    // absent from B: finite, bounded by log2 201
    const z = differential(Float32Array.from([5, 0]), Uint32Array.from([0]), Uint32Array.from([1]));
    expect(z.log2fc).toBeCloseTo(Math.log2(201), 12);
    // absent everywhere: 0, AUC ½
    const e = differential(Float32Array.from([0, 0]), Uint32Array.from([0]), Uint32Array.from([1]));
    expect(e).toEqual({ meanA: 0, meanB: 0, log2fc: 0, auc: 0.5 });
  });

  it('restPixels: the sample pixels outside the region', () => {
    const mask = Uint8Array.from([1, 1, 0, 1, 1]);
    expect(list(restPixels(Uint32Array.from([1, 3]), mask))).toEqual([0, 4]);
  });
});
