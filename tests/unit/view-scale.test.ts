import { describe, expect, it } from 'vitest';
import { defaultRange, histEqualizer, pixelAt, quantileSorted, toDisplay, visibleValues } from '../../src/core/view/scale.ts';

describe('quantileSorted (numpy linear interpolation)', () => {
  it('matches hand-computed quantiles', () => {
    const a = [1, 2, 3, 4];
    // numpy.quantile([1,2,3,4], 0.5) = 2.5 ; 0.99 → pos 2.97 → 3 + 0.97 = 3.97
    expect(quantileSorted(a, 0.5)).toBeCloseTo(2.5, 12);
    expect(quantileSorted(a, 0.99)).toBeCloseTo(3.97, 12);
    expect(quantileSorted(a, 0)).toBe(1);
    expect(quantileSorted(a, 1)).toBe(4);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('defaultRange', () => {
  it('linear: 99th percentile of pixels above max/256, sampled pixels only', () => {
    // 101 values 1..100 plus a hot spot of 10000; zeros and a masked 1e9 must be ignored
    const img = new Float32Array(106);
    for (let i = 0; i < 100; i++) img[i] = i + 1;
    img[100] = 10000;
    img[105] = 1e9; // off-sample
    const mask = new Uint8Array(106).fill(1);
    mask[105] = 0;
    const r = defaultRange(img, mask, 'linear');
    // visible threshold = 10000/256 = 39.06 → values 40..100 and 10000 (62 values)
    const vals = [...Array.from({ length: 61 }, (_, k) => k + 40), 10000];
    const pos = 0.99 * (vals.length - 1); // 60.39
    const expected = vals[60] + (vals[61] - vals[60]) * (pos - 60);
    expect(r.max).toBeCloseTo(expected, 3);
    expect(r.dataMax).toBe(10000);
    expect(r.clipped).toBe(true);
    expect(r.min).toBe(0);
  });

  it('linear-full and hist keep the full range; empty image gives 0..0', () => {
    const img = new Float32Array([0, 5, 7, 0]);
    expect(defaultRange(img, null, 'linear-full')).toEqual({ min: 0, max: 7, dataMax: 7, clipped: false });
    expect(defaultRange(new Float32Array(4), null, 'linear').max).toBe(0);
  });

  it('log: 1st–99th percentile of non-zero pixels', () => {
    const img = new Float32Array([0, 1, 10, 100, 1000]);
    const r = defaultRange(img, null, 'log');
    // non-zero sorted [1,10,100,1000]: q01 at pos 0.03 → 1.27; q99 at pos 2.97 → 100 + 0.97*900 = 973
    expect(r.min).toBeCloseTo(1.27, 5);
    expect(r.max).toBeCloseTo(973, 3);
  });
});

describe('toDisplay', () => {
  it('linear maps into [0,1], clamps above max, marks off-sample NaN', () => {
    const img = new Float32Array([0, 50, 100, 200]);
    const mask = new Uint8Array([1, 1, 1, 0]);
    const d = toDisplay(img, mask, 'linear', { min: 0, max: 100 });
    expect(Array.from(d.slice(0, 3))).toEqual([0, 0.5, 1]);
    expect(d[3]).toBeNaN();
    const clamp = toDisplay(new Float32Array([300]), null, 'linear', { min: 0, max: 100 });
    expect(clamp[0]).toBe(1);
  });

  it('log is linear in log10 between min and max', () => {
    const d = toDisplay(new Float32Array([1, 10, 100, 0]), null, 'log', { min: 1, max: 100 });
    expect(d[0]).toBeCloseTo(0, 6);
    expect(d[1]).toBeCloseTo(0.5, 6);
    expect(d[2]).toBeCloseTo(1, 6);
    expect(d[3]).toBe(0);
  });

  it('hist spreads ranks: the median pixel maps near 0.5', () => {
    const img = new Float32Array(1001);
    for (let i = 0; i < 1001; i++) img[i] = (i + 1) ** 3; // very skewed
    const eq = histEqualizer(img, null);
    expect(eq(0)).toBe(0);
    expect(eq(img[500])).toBeGreaterThan(0.45);
    expect(eq(img[500])).toBeLessThan(0.55);
    expect(eq(img[1000])).toBe(1);
  });
});

describe('visibleValues / pixelAt', () => {
  it('drops zeros, NaN and masked pixels', () => {
    const v = visibleValues(new Float32Array([3, 0, NaN, 1, 2]), new Uint8Array([1, 1, 1, 1, 0]));
    expect(Array.from(v)).toEqual([1, 3]);
  });
  it('looks up the exact float by world coordinate (row-major, y down)', () => {
    const img = new Float32Array([1.5, 2.25, 3.125, 4.0625, 5, 6]); // 3 wide, 2 high
    expect(pixelAt(img, 3, 2, 2.99, 0.01)).toEqual({ col: 2, row: 0, value: 3.125 });
    expect(pixelAt(img, 3, 2, 0.5, 1.5)).toEqual({ col: 0, row: 1, value: 4.0625 });
    expect(pixelAt(img, 3, 2, 3.0, 0)).toBeNull();
    expect(pixelAt(img, 3, 2, -0.1, 0)).toBeNull();
    expect(pixelAt(img, 3, 2, 0, 0, new Uint8Array([0, 1, 1, 1, 1, 1]))).toBeNull();
  });
});
