// scoreIons (spec §6): the golden extra metrics of METASPACE's test_formula_validator.py, hand-checked
// spectral/spatial/chaos values, the completeness gate, min_px, and agreement with a plain dense
// re-statement of the spec (flat float32 images over the sample pixels, numpy-style metrics,
// full-image chaos) on random datasets whose windows straddle segment borders.
import { describe, expect, it } from 'vitest';
import { scoreIons, ScoreInputError, type ScoreInput } from '../../src/core/score/score-ions.ts';
import { measureOfChaos } from '../../src/core/score/chaos.ts';
import type { CentroidTable, DatasetGeometry, Segment } from '../../src/core/types.ts';

function seg(mz: number[], intensity: number[], pixel: number[]): Segment {
  return { mz: Float64Array.from(mz), intensity: Float32Array.from(intensity), pixel: Uint32Array.from(pixel) };
}
function table(rows: { mz: number[]; int: number[] }[]): CentroidTable {
  const n = rows.length;
  const t: CentroidTable = { n, mzs: new Float64Array(n * 4), ints: new Float64Array(n * 4), nPeaks: new Uint8Array(n) };
  rows.forEach((r, i) => {
    r.mz.forEach((m, k) => (t.mzs[i * 4 + k] = m));
    r.int.forEach((v, k) => (t.ints[i * 4 + k] = v));
    t.nPeaks[i] = r.mz.filter((m) => m > 0).length;
  });
  return t;
}
const full = (w: number, h: number): DatasetGeometry => ({ width: w, height: h, mask: new Uint8Array(w * h).fill(1) });

describe('test_formula_validator.py golden case (2×3 image, 2 peaks)', () => {
  // image1 = [[1.0, 0.9, 0.8], [0.7, 0.0, 0.5]], mz image [[9, 10, 11], [11, 0, 9]]; theo m/z [10, 11],
  // theo ints [100, 10]. With ppm 200000 both windows ([8, 12] and [8.8, 13.2]) hold all 5 peaks, so
  // both isotope images equal image1, as in the engine test. Expected there: total = image1.sum(),
  // min 0, max 1.0, mz_mean 10, mz_err_abs 0, mz_err_rel −1.
  const peaks = { mz: [9, 9, 10, 11, 11], int: [1.0, 0.5, 0.9, 0.8, 0.7], px: [0, 5, 1, 2, 3] };
  const centroids = table([{ mz: [10, 11], int: [100, 10] }]);
  const run = (segments: Segment[]) =>
    scoreIons({ segments, geometry: full(3, 2), centroids, isTarget: Uint8Array.of(1), ppm: 200000 });

  for (const [name, segments] of [
    ['one segment', [seg(peaks.mz, peaks.int, peaks.px)]],
    [
      'split across two segments (the engine test’s “formula 2”)',
      [seg(peaks.mz.slice(0, 3), peaks.int.slice(0, 3), peaks.px.slice(0, 3)), seg(peaks.mz.slice(3), peaks.int.slice(3), peaks.px.slice(3))],
    ],
  ] as const) {
    it(`extra metrics — ${name}`, () => {
      const r = run(segments as unknown as Segment[]);
      const sum = 1.0 + 0.9 + 0.8 + 0.7 + 0.5;
      expect(r.totalInt[0]).toBeCloseTo(sum, 6);
      expect(r.totalInt[1]).toBeCloseTo(sum, 6);
      expect(Array.from(r.minInt.subarray(0, 2))).toEqual([0, 0]);
      expect(Array.from(r.maxInt.subarray(0, 2))).toEqual([1, 1]);
      expect(r.mzErrAbs[0]).toBeCloseTo(0, 6);
      expect(r.mzErrRel[0]).toBeCloseTo(-1, 6);
      expect(Array.from(r.nPx.subarray(0, 4))).toEqual([5, 5, 0, 0]);
    });
  }

  it('metrics by hand: spectral from the pattern, spatial 1 (identical images), chaos counted by hand', () => {
    const r = run([seg(peaks.mz, peaks.int, peaks.px)]);
    const tn = Math.sqrt(100 ** 2 + 10 ** 2);
    const spectral = 1 - (Math.abs(100 / tn - Math.SQRT1_2) + Math.abs(10 / tn - Math.SQRT1_2)) / 4;
    expect(r.spectral[0]).toBeCloseTo(spectral, 7);
    expect(r.spatial[0]).toBeCloseTo(1, 12);
    // level counts (float32 thresholds k/30): [[30, 27, 24], [21, 0, 15]]; after the 4-neighbour
    // dilation and the 3×3 erosion: [[27, 24, 24], [27, 24, 24]] → 24 levels with 1 component and 3
    // levels with 1 component (left column) → mean 27/30 = 0.9 over 5 non-zero pixels → 1 − 0.18.
    expect(r.chaos[0]).toBeCloseTo(0.82, 14);
    expect(r.msm64![0]).toBeCloseTo(0.82 * 1 * spectral, 7);
    expect(r.msm[0]).toBe(Math.fround(r.msm64![0]));
    expect(r.scored[0]).toBe(1);
  });
});

describe('gate, early exit and special cases', () => {
  const geometry = full(4, 4);
  // I0 at m/z 100 in pixels 0..5 (a 2-row blob), I1 at m/z 101 in pixels 0..3
  const blob0 = [0, 1, 2, 3, 4, 5];
  const s = seg(
    [...blob0.map(() => 100), ...[0, 1, 2, 3].map(() => 101), 102],
    [...blob0.map((p) => 10 + p), 5, 6, 7, 8, 9],
    [...blob0, 0, 1, 2, 3, 15],
  );
  const base = (c: CentroidTable, isTarget: number[], extra: Partial<ScoreInput> = {}) =>
    scoreIons({ segments: [s], geometry, centroids: c, isTarget: Uint8Array.from(isTarget), ppm: 3, ...extra });

  it('a decoy with only I0 is not scored; the same ion as a target is (and gets msm 0)', () => {
    const c = table([{ mz: [100, 100.5], int: [100, 50] }]);
    const d = base(c, [0]);
    expect(d.scored[0]).toBe(0);
    expect(d.msm[0]).toBe(0);
    expect(d.totalInt[0]).toBeGreaterThan(0); // extra metrics are still computed
    const t = base(c, [1]);
    expect(t.scored[0]).toBe(1);
    expect(t.spectral[0]).toBeGreaterThan(0);
    expect(t.spatial[0]).toBe(0); // I1 is empty → correlation undefined → 0
    expect(t.chaos[0]).toBeGreaterThan(0); // targets get every metric (METASPACE calc_all)
    expect(t.msm[0]).toBe(0);
  });

  it('a targeted database scores every ion', () => {
    const c = table([{ mz: [100, 100.5], int: [100, 50] }]);
    expect(base(c, [0], { targetedDb: true }).scored[0]).toBe(1);
  });

  it('a decoy with I0 and I1 passes the gate; a decoy with only I1..I3 does not', () => {
    const c = table([
      { mz: [100, 101], int: [100, 50] },
      { mz: [99, 101, 102], int: [100, 50, 20] },
    ]);
    const r = base(c, [0, 0]);
    expect(Array.from(r.scored)).toEqual([1, 0]);
    expect(r.msm[0]).toBeGreaterThan(0);
  });

  it('min_px: an image with fewer peaks is treated as absent (no pixels, no intensity, theoretical m/z)', () => {
    const c = table([{ mz: [100, 102], int: [100, 50] }]); // I1 = one peak at pixel 15
    const r1 = base(c, [0], { minPx: 1 });
    expect(r1.scored[0]).toBe(1);
    expect(r1.nPx[1]).toBe(1);
    const r2 = base(c, [0], { minPx: 2 });
    expect(r2.scored[0]).toBe(0);
    expect(r2.nPx[1]).toBe(0);
    expect(r2.totalInt[1]).toBe(0);
  });

  it('a single-peak pattern matching exactly gives spectral 1.0 → 0', () => {
    const r = base(table([{ mz: [100], int: [100] }]), [1]);
    expect(r.spectral[0]).toBe(0);
    expect(r.msm[0]).toBe(0);
  });

  it('no I0 at all: spectral NaN → 0, chaos 0, mz_err_abs 0', () => {
    const r = base(table([{ mz: [150, 101], int: [100, 30] }]), [1]);
    expect(r.spectral[0]).toBe(0);
    expect(r.chaos[0]).toBe(0);
    expect(r.mzErrAbs[0]).toBe(0);
  });

  it('padded slots (m/z 0) make no image', () => {
    const r = base(table([{ mz: [100, 101, 0, 0], int: [100, 50, 0, 0] }]), [1]);
    expect(r.nPx[2]).toBe(0);
    expect(r.nPx[3]).toBe(0);
  });

  it('duplicate pixels: peaks of one pixel sum (float32) and each counts as an image entry', () => {
    const s2 = seg([100, 100, 100, 101, 101], [16777216, 1, 1, 3, 4], [1, 1, 2, 1, 2]);
    const r = scoreIons({ segments: [s2], geometry, centroids: table([{ mz: [100, 101], int: [100, 50] }]), isTarget: Uint8Array.of(1), ppm: 3 });
    expect(r.maxInt[0]).toBe(16777216); // float32: 2^24 + 1 → 2^24
    expect(r.totalInt[0]).toBe(16777216 + 1);
    expect(r.nPx[0]).toBe(3);
  });

  it('window bounds are inclusive at exactly μ ± δ in the scorer too', () => {
    const mu = 250.0123;
    const d = mu * 3 * 1e-6;
    const lo = mu - d;
    const hi = mu + d;
    const step = (x: number, up: boolean) => {
      const b = new Float64Array([x]);
      const u = new BigInt64Array(b.buffer);
      u[0] += up ? 1n : -1n;
      return b[0];
    };
    const s3 = seg([step(lo, false), lo, hi, step(hi, true)], [1, 2, 4, 8], [0, 1, 2, 3]);
    const r = scoreIons({ segments: [s3], geometry, centroids: table([{ mz: [mu], int: [100] }]), isTarget: Uint8Array.of(1), ppm: 3 });
    expect(r.nPx[0]).toBe(2);
    expect(r.totalInt[0]).toBe(6);
  });

  it('rejects bad input with a message naming the problem', () => {
    const c = table([{ mz: [100], int: [100] }]);
    expect(() => scoreIons({ segments: [s], geometry: { width: 4, height: 4, mask: new Uint8Array(3) }, centroids: c, isTarget: Uint8Array.of(1), ppm: 3 })).toThrow(
      ScoreInputError,
    );
    expect(() => base(c, [1], { ppm: 0 })).toThrow(/ppm must be > 0/);
    expect(() => base(c, [])).toThrow(/isTarget has 0 flags for 1 ions/);
  });
});

// ---- dense re-statement of spec §6 --------------------------------------------------------------

interface Ref {
  chaos: number;
  spatial: number;
  spectral: number;
  msm: number;
  scored: boolean;
  total: number[];
  errAbs: number;
  errRel: number;
  nPx: number[];
}

function reference(peaks: { mz: number[]; int: number[]; px: number[] }, g: DatasetGeometry, c: CentroidTable, i: number, target: boolean, ppm: number, minPx: number): Ref {
  const sample: number[] = [];
  g.mask.forEach((m, p) => m && sample.push(p));
  const flatOf = new Map(sample.map((p, f) => [p, f]));
  const N = sample.length;
  const flats: Float32Array[] = [];
  const dense0 = new Float32Array(g.width * g.height);
  const mzMean: number[] = [];
  const nnz: number[] = [];
  const t = Array.from(c.ints.subarray(i * 4, i * 4 + 4));
  const mu = Array.from(c.mzs.subarray(i * 4, i * 4 + 4));
  for (let k = 0; k < 4; k++) {
    const flat = new Float32Array(N);
    let cnt = 0;
    let sw = 0;
    let swm = 0;
    const sel: number[] = [];
    if (mu[k] > 0) {
      const d = mu[k] * ppm * 1e-6;
      for (let j = 0; j < peaks.mz.length; j++) if (peaks.mz[j] >= mu[k] - d && peaks.mz[j] <= mu[k] + d) sel.push(j);
    }
    if (sel.length >= Math.max(1, minPx)) {
      for (const j of sel) {
        cnt++;
        const v = Math.fround(peaks.int[j]);
        flat[flatOf.get(peaks.px[j])!] += v;
        if (k === 0) dense0[peaks.px[j]] += v;
        sw += v;
        swm += v * Math.fround(peaks.mz[j]);
      }
    }
    flats.push(flat);
    nnz.push(cnt);
    mzMean.push(cnt > 0 && sw > 0 ? swm / sw : mu[k]);
  }
  const total = flats.map((f) => f.reduce((a, b) => a + b, 0));
  const errAbs = mzMean[0] - mu[0];
  const wsum = t[1] + t[2] + t[3];
  const errRel = wsum > 0 ? [1, 2, 3].reduce((a, k) => a + t[k] * (mzMean[k] - mu[k] - errAbs), 0) / wsum : 0;
  const out: Ref = { chaos: 0, spatial: 0, spectral: 0, msm: 0, scored: false, total, errAbs, errRel, nPx: nnz };
  const complete = nnz[0] > 0 && nnz.slice(1).some((x) => x > 0);
  if (!complete && !target) return out;
  out.scored = true;
  const s = [0, 1, 2, 3].map((k) => flats[k].reduce((a, v, f) => (flats[0][f] > 0 ? a + v : a), 0));
  const tn = Math.hypot(...t);
  const sn = Math.hypot(...s);
  let spectral = 1 - t.reduce((a, tk, k) => a + Math.abs(tk / tn - s[k] / sn), 0) / 4;
  if (!Number.isFinite(spectral) || spectral === 1) spectral = 0;
  out.spectral = spectral;
  if (!(spectral > 0 || target)) return out;
  const pos = flats[0].filter((v) => v > 0).length;
  let spatial = 0;
  if (wsum !== 0 && pos >= 2) {
    const mean = (f: Float32Array) => f.reduce((a, b) => a + b, 0) / N;
    const m0 = mean(flats[0]);
    let acc = 0;
    for (let k = 1; k < 4; k++) {
      const mk = mean(flats[k]);
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let f = 0; f < N; f++) {
        const dx = flats[0][f] - m0;
        const dy = flats[k][f] - mk;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
      }
      let r = sxy / Math.sqrt(sxx * syy);
      if (!Number.isFinite(r)) r = 0;
      acc += t[k] * Math.max(-1, Math.min(1, r));
    }
    spatial = Math.max(0, Math.min(1, acc / wsum));
  }
  out.spatial = spatial;
  if (!(spatial > 0 || target)) return out;
  let chaos = 0;
  if (nnz[0] > 0) {
    const moc = measureOfChaos(dense0, g.width, g.height, 30);
    chaos = !Number.isFinite(moc) || Math.abs(moc - 1) <= 1e-8 + 1e-5 ? 0 : moc;
  }
  out.chaos = chaos;
  out.msm = chaos * spatial * spectral;
  return out;
}

describe('scoreIons equals the dense re-statement of the spec on random datasets', () => {
  let seed = 99;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

  it('40 datasets × 30 ions, holes in the mask, duplicate pixels, 1–4 segments, min_px 1 and 2', () => {
    let nScoredPositive = 0;
    for (let trial = 0; trial < 40; trial++) {
      const w = 3 + Math.floor(rnd() * 20);
      const h = 3 + Math.floor(rnd() * 15);
      const mask = new Uint8Array(w * h);
      for (let p = 0; p < w * h; p++) mask[p] = rnd() < 0.85 ? 1 : 0;
      mask[0] = 1;
      const g = { width: w, height: h, mask };
      // ions at m/z 100 + 7j with 4 isotope peaks 1 apart; peaks in blobs or scattered
      const nIons = 30;
      const ions = Array.from({ length: nIons }, (_, j) => 100 + 7 * j);
      const pk: { mz: number; int: number; px: number }[] = [];
      for (let j = 0; j < nIons; j++) {
        const cx = rnd() * w;
        const cy = rnd() * h;
        const r = 1 + rnd() * 4;
        const scattered = rnd() < 0.3;
        for (let p = 0; p < w * h; p++) {
          if (!mask[p]) continue;
          const x = p % w;
          const y = Math.floor(p / w);
          const inBlob = scattered ? rnd() < 0.1 : (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
          if (!inBlob) continue;
          for (let k = 0; k < 4; k++) {
            if (rnd() < 0.15) continue;
            const reps = rnd() < 0.1 ? 2 : 1; // duplicate peaks in a pixel
            for (let q = 0; q < reps; q++) {
              pk.push({ mz: ions[j] + k + (rnd() - 0.5) * 4e-4 * (1 + k), int: Math.fround(1 + rnd() * 100 * (4 - k)), px: p });
            }
          }
        }
      }
      pk.sort((a, b) => a.mz - b.mz);
      const peaks = { mz: pk.map((q) => q.mz), int: pk.map((q) => q.int), px: pk.map((q) => q.px) };
      // 1–4 segments, cut anywhere (also inside windows)
      const nSeg = 1 + Math.floor(rnd() * 4);
      const cuts = [0, ...Array.from({ length: nSeg - 1 }, () => Math.floor(rnd() * pk.length)).sort((a, b) => a - b), pk.length];
      const segments = cuts.slice(1).map((e, q) => seg(peaks.mz.slice(cuts[q], e), peaks.int.slice(cuts[q], e), peaks.px.slice(cuts[q], e)));
      const rows = ions.map((m, j) => {
        const n = 1 + (j % 4);
        return { mz: [0, 1, 2, 3].slice(0, n).map((k) => m + k), int: [100, 60 * rnd(), 30 * rnd(), 10 * rnd()].slice(0, n) };
      });
      const c = table(rows);
      const isTarget = Uint8Array.from(ions, () => (rnd() < 0.3 ? 1 : 0));
      const minPx = trial % 5 === 4 ? 2 : 1;
      const got = scoreIons({ segments, geometry: g, centroids: c, isTarget, ppm: 3, minPx });
      for (let i = 0; i < nIons; i++) {
        const ref = reference(peaks, g, c, i, isTarget[i] === 1, 3, minPx);
        const where = `trial ${trial} ion ${i}`;
        expect(got.scored[i], where).toBe(ref.scored ? 1 : 0);
        expect(got.spectral[i], where).toBeCloseTo(ref.spectral, 10);
        expect(got.spatial[i], where).toBeCloseTo(ref.spatial, 10);
        expect(got.chaos[i], where).toBe(ref.chaos);
        expect(got.msm64![i], where).toBeCloseTo(ref.msm, 10);
        expect(got.mzErrAbs[i], where).toBeCloseTo(ref.errAbs, 10);
        expect(got.mzErrRel[i], where).toBeCloseTo(ref.errRel, 10);
        for (let k = 0; k < 4; k++) {
          expect(got.nPx[i * 4 + k], where).toBe(ref.nPx[k]);
          expect(got.totalInt[i * 4 + k], where).toBeCloseTo(ref.total[k], 6);
        }
        if (got.msm[i] > 0) nScoredPositive++;
      }
    }
    expect(nScoredPositive).toBeGreaterThan(100); // the random data exercises the full metric path
  });
});
