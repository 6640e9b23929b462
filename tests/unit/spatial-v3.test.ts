// The v3 spatial metric (src/core/score/spatial-v3.ts): hand-checkable images, the engine's early-zero rules,
// float32 sums in numpy's order, bit for bit against a numpy transcription of the engine's spatial_metric
// (tests/fixtures/metaspace-ml/gen_spatial_v3.py → spatial-v3-vectors.json), and the kernel option.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SpatialV3Scratch, spatialV3 } from '../../src/core/score/spatial-v3.ts';
import { scoreIons } from '../../src/core/score/score-ions.ts';
import type { Segment } from '../../src/core/types.ts';

/** Planes of `n` pixels from per-image [pixel, value] lists, with the kernel's listed bits. */
function planes(n: number, lists: [number, number][][]) {
  const img = new Float32Array(4 * n);
  const listed = new Uint8Array(n);
  const idx = lists.map((l, k) => {
    for (const [p, v] of l) {
      img[k * n + p] = v;
      listed[p] |= 1 << k;
    }
    return Int32Array.from(l, ([p]) => p);
  });
  while (idx.length < 4) idx.push(new Int32Array(0));
  return { img, listed, idx, counts: idx.map((l) => l.length) };
}

function run(n: number, lists: [number, number][][], ints: number[]): number {
  const { img, listed, idx, counts } = planes(n, lists);
  return spatialV3(img, n, idx, counts, listed, n, ints, new SpatialV3Scratch());
}

describe('v3 spatial metric by hand', () => {
  it('an isotope image proportional to I0 correlates 1, whatever the empty pixels', () => {
    // I0 = [1, 2, 0, 0], I1 = 2·I0 over 4 sample pixels: corr 1
    expect(run(4, [[[0, 1], [1, 2]], [[0, 2], [1, 4]], [], []], [100, 50, 0, 0])).toBe(1);
  });

  it('weighted average of the per-image correlations, empty images counting 0 with their weight', () => {
    // N = 3: I0 = [1, 0, 0], … would be < 2 pixels; use I0 = [2, 1, 0], I1 = [1, 2, 0], I2 empty.
    // avg0 = 1, avg1 = 1, X0 = [1, 0, −1], X1 = [0, 1, −1] (the zero pixel enters through padding = 1):
    // cov(0,1) = (0 + 0 + 1)/2, var = (1 + 0 + 1)/2 → corr = 0.5; weights 30, 10 → (0.5·30 + 0·10) / 40
    const v = run(3, [[[0, 2], [1, 1]], [[0, 1], [1, 2]], [], []], [100, 30, 10, 0]);
    expect(v).toBeCloseTo(0.375, 7);
    expect(v).toBe((Math.fround(0.5) * 30) / 40);
  });

  it('early zeros: fewer than 2 non-zero I0 pixels, no intensity past peak 0; negatives clip to 0', () => {
    expect(run(5, [[[0, 3]], [[0, 1], [1, 1]], [], []], [100, 50, 0, 0])).toBe(0);
    // two listed I0 pixels, one of them 0: count_nonzero is 1
    expect(run(5, [[[0, 3], [1, 0]], [[0, 1], [1, 1]], [], []], [100, 50, 0, 0])).toBe(0);
    expect(run(4, [[[0, 1], [1, 2]], [[0, 2], [1, 4]], [], []], [100, 0, 0, 0])).toBe(0);
    // anti-correlated: I1 is where I0 is not
    expect(run(4, [[[0, 1], [1, 2]], [[2, 2], [3, 4]], [], []], [100, 50, 0, 0])).toBe(0);
  });

  it('pixels zero in every image do not change the value (the denominator compensates)', () => {
    const lists: [number, number][][] = [[[0, 5], [3, 2], [7, 9]], [[0, 2], [3, 1], [5, 1]], [[7, 1]], []];
    const withZeros = structuredClone(lists);
    withZeros[3] = [[9, 0], [11, 0]]; // listed, but 0
    expect(run(12, withZeros, [100, 40, 10, 5])).toBe(run(12, lists, [100, 40, 10, 5]));
  });
});

describe('v3 spatial metric against the engine function in numpy', () => {
  const vectors = JSON.parse(readFileSync(new URL('../fixtures/metaspace-ml/spatial-v3-vectors.json', import.meta.url), 'utf8')) as {
    numpy: string;
    cases: { n: number; ints: number[]; lists: [number, number][][]; spatial: number }[];
  };

  it(`all ${vectors.cases.length} cases bit for bit (numpy ${vectors.numpy})`, () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(50);
    expect(vectors.cases.filter((c) => c.spatial > 0 && c.spatial < 1).length).toBeGreaterThanOrEqual(25);
    const scratch = new SpatialV3Scratch();
    const bad: string[] = [];
    vectors.cases.forEach((c, i) => {
      const lists = c.lists.map((l) => l.map(([p, v]) => [p, Math.fround(v)] as [number, number]));
      const { img, listed, idx, counts } = planes(c.n, lists);
      const got = spatialV3(img, c.n, idx, counts, listed, c.n, c.ints, scratch);
      if (!Object.is(got, c.spatial) && !(got === 0 && c.spatial === 0)) bad.push(`case ${i}: ${got} vs numpy ${c.spatial}`);
    });
    expect(bad).toEqual([]);
  });

  it('float64 summation instead of numpy’s float32 would not match (the vectors tell the arithmetic apart)', () => {
    let differ = 0;
    for (const c of vectors.cases) {
      if (!(c.spatial > 0 && c.spatial < 1)) continue;
      const lists = c.lists.map((l) => l.map(([p, v]) => [p, Math.fround(v)] as [number, number]));
      const v64 = float64Spatial(c.n, lists, c.ints);
      if (v64 !== c.spatial) differ++;
    }
    expect(differ).toBeGreaterThan(10);
  });
});

/** The same formula in float64 (a plain correlation over all N pixels): only to show the vectors are sharp. */
function float64Spatial(n: number, lists: [number, number][][], t: number[]): number {
  const rows = [0, 1, 2, 3].map((k) => {
    const r = new Float64Array(n);
    for (const [p, v] of lists[k] ?? []) r[p] = v;
    return r;
  });
  const mean = rows.map((r) => r.reduce((s, x) => s + x, 0) / n);
  const cov = (a: number, b: number) => rows[a].reduce((s, x, i) => s + (x - mean[a]) * (rows[b][i] - mean[b]), 0);
  let num = 0;
  for (let k = 1; k < 4; k++) {
    const c = cov(0, k) / Math.sqrt(cov(0, 0) * cov(k, k));
    num += (Number.isFinite(c) ? c : 0) * t[k];
  }
  const sp = num / (t[1] + t[2] + t[3]);
  return sp < 0 ? 0 : sp > 1 ? 1 : sp;
}

describe('the score kernel option', () => {
  // one segment, 6×1 image: I0 at m/z 100, I1 at 101 over pixels 0..3
  const pixel = Uint32Array.from([0, 1, 2, 3, 0, 1, 2, 3]);
  const mz = Float64Array.from([100, 100, 100, 100, 101, 101, 101, 101]);
  const intensity = Float32Array.from([4, 3, 2, 1, 2, 1.7, 0.9, 0.6]);
  const seg = { index: 0, mzMin: 100, mzMax: 101, pixel, mz, intensity } as unknown as Segment;
  const input = {
    segments: [seg],
    geometry: { width: 6, height: 1, mask: new Uint8Array(6).fill(1) },
    centroids: { n: 1, mzs: Float64Array.from([100, 101, 0, 0]), ints: Float64Array.from([100, 30, 0, 0]), nPeaks: Uint8Array.from([2]) },
    isTarget: Uint8Array.from([1]),
    ppm: 3,
  };

  it("'v3' runs the engine's v3 metric, 'v1' (the default) the v1 one; the other metrics are the same", () => {
    const v1 = scoreIons(input);
    const v3 = scoreIons({ ...input, spatial: 'v3' });
    const lists: [number, number][][] = [[0, 1, 2, 3].map((p) => [p, intensity[p]]), [0, 1, 2, 3].map((p) => [p, intensity[4 + p]]), [], []];
    expect(v3.spatial[0]).toBe(run(6, lists, [100, 30, 0, 0]));
    expect(v3.spatial[0]).toBeGreaterThan(0.9);
    expect(v1.spatial[0]).toBeCloseTo(v3.spatial[0], 6);
    expect(v3.spectral[0]).toBe(v1.spectral[0]);
    expect(v3.chaos[0]).toBe(v1.chaos[0]);
    expect(v3.msm64![0]).toBe(v3.chaos[0] * v3.spatial[0] * v3.spectral[0]);
    expect(() => scoreIons({ ...input, spatial: 'v2' as never })).toThrow(/spatial must be/);
  });
});
