// Issue 13: the rewritten score kernel (ions visited in m/z order, galloping window search, fused metric passes,
// faster sparse chaos) against the kernel as it was (tests/reference/score-ions-v0.ts, kept verbatim), bit for
// bit on every output array, on generated datasets with thousands of ions: dense and sparse images, repeated
// pixels within a window, zero and negative intensities, windows straddling segment borders, empty segments,
// padded isotope slots, targets and decoys, minPx > 1 and a targeted database.
import { describe, expect, it } from 'vitest';
import { IonScorer, scoreIons, type ScoreInput, type ScoreResult } from '../../src/core/score/score-ions.ts';
import { scoreIonsV0 } from '../reference/score-ions-v0.ts';
import { SparseChaosV0 } from '../reference/chaos-v0.ts';
import { SparseChaos, measureOfChaos } from '../../src/core/score/chaos.ts';
import { lowerBound, lowerBoundNear, upperBound, upperBoundNear } from '../../src/core/score/windows.ts';
import { SegmentIndex } from '../../src/core/score/images.ts';
import type { CentroidTable, Segment } from '../../src/core/types.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Gen {
  w: number;
  h: number;
  nIons: number;
  peaksPerPx: number;
  nSegments: number;
  seed: number;
  /** Share of ions planted as spatially coherent blobs (so spatial and chaos are non-trivial). */
  planted: number;
}

/** A random processed dataset with planted ions, split into m/z-sorted segments, and its ion table. */
function generate(g: Gen): { input: ScoreInput; nPeaks: number } {
  const r = rng(g.seed);
  const area = g.w * g.h;
  const mask = new Uint8Array(area);
  for (let p = 0; p < area; p++) mask[p] = r() < 0.85 ? 1 : 0;
  const sample = [...mask.keys()].filter((p) => mask[p]);
  const n = g.nIons;
  const c: CentroidTable = { n, mzs: new Float64Array(n * 4), ints: new Float64Array(n * 4), nPeaks: new Uint8Array(n) };
  const mz: number[] = [];
  const it: number[] = [];
  const px: number[] = [];
  for (let i = 0; i < n; i++) {
    // many ions close in m/z (windows overlap), a few exactly equal, some with padded slots
    const m0 = i > 0 && r() < 0.05 ? c.mzs[(i - 1) * 4] : 100 + r() * 400;
    const np = 1 + Math.floor(r() * 4);
    c.nPeaks[i] = np;
    for (let k = 0; k < np; k++) {
      c.mzs[i * 4 + k] = m0 + k * 1.00335;
      c.ints[i * 4 + k] = k === 0 ? 100 : 100 * r() * 0.6;
    }
    if (r() < g.planted) {
      // a blob: a disc of pixels with smooth intensity, on every isotope with some jitter in m/z
      const cx = r() * g.w;
      const cy = r() * g.h;
      const rad = 1 + r() * Math.min(g.w, g.h) * 0.3;
      for (const p of sample) {
        const x = p % g.w;
        const y = Math.floor(p / g.w);
        const d = Math.hypot(x - cx, y - cy);
        if (d > rad) continue;
        for (let k = 0; k < np; k++) {
          if (r() < 0.1) continue;
          mz.push(c.mzs[i * 4 + k] * (1 + (r() - 0.5) * 4e-6));
          it.push((c.ints[i * 4 + k] / 100) * (1 - d / rad) * 1000 * (0.5 + r()));
          px.push(p);
        }
      }
    }
  }
  // background noise: random peaks in random sample pixels; some zero, some negative, some repeated pixels
  const noise = Math.round(sample.length * g.peaksPerPx);
  for (let j = 0; j < noise; j++) {
    mz.push(100 + r() * 404);
    const u = r();
    it.push(u < 0.01 ? 0 : u < 0.015 ? -r() * 5 : r() * 50);
    px.push(sample[Math.floor(r() * sample.length)]);
  }
  // repeated pixels inside a window: duplicate some peaks with a tiny m/z shift
  const nDup = Math.round(mz.length * 0.03);
  for (let j = 0; j < nDup; j++) {
    const q = Math.floor(r() * mz.length);
    mz.push(mz[q] * (1 + 1e-7));
    it.push(r() * 20);
    px.push(px[q]);
  }
  const order = [...mz.keys()].sort((a, b) => mz[a] - mz[b] || a - b);
  const segments: Segment[] = [];
  const per = Math.ceil(order.length / g.nSegments);
  for (let s = 0; s < g.nSegments; s++) {
    const ids = order.slice(s * per, (s + 1) * per);
    segments.push({
      mz: Float64Array.from(ids, (q) => mz[q]),
      intensity: Float32Array.from(ids, (q) => it[q]),
      pixel: Uint32Array.from(ids, (q) => px[q]),
    });
    if (s === 1) segments.push({ mz: new Float64Array(0), intensity: new Float32Array(0), pixel: new Uint32Array(0) });
  }
  const isTarget = Uint8Array.from({ length: n }, () => (r() < 0.1 ? 1 : 0));
  return { input: { segments, geometry: { width: g.w, height: g.h, mask }, centroids: c, isTarget, ppm: 3 }, nPeaks: mz.length };
}

const KEYS: (keyof ScoreResult)[] = ['msm', 'msm64', 'chaos', 'spatial', 'spectral', 'mzErrAbs', 'mzErrRel', 'totalInt', 'minInt', 'maxInt', 'nPx', 'scored'];

/** Index of the first value that differs bit for bit (Object.is: NaN equals NaN, +0 differs from −0), or −1. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function expectIdentical(got: ScoreResult, want: ScoreResult): void {
  expect(got.n).toBe(want.n);
  for (const k of KEYS) {
    const d = firstDiff(got[k] as ArrayLike<number>, want[k] as ArrayLike<number>);
    expect(d, `${k}[${d}]: new ${(got[k] as ArrayLike<number>)[d]} vs reference ${(want[k] as ArrayLike<number>)[d]}`).toBe(-1);
  }
}

describe('score kernel: new = reference (v0), bit for bit', () => {
  const cases: [string, Gen, Partial<ScoreInput>][] = [
    ['dense noise, 3,000 ions, 60×50, 5 segments', { w: 60, h: 50, nIons: 3000, peaksPerPx: 200, nSegments: 5, seed: 1, planted: 0.05 }, {}],
    ['sparse noise, 3,000 ions, 120×90, 3 segments, minPx 2', { w: 120, h: 90, nIons: 3000, peaksPerPx: 20, nSegments: 3, seed: 2, planted: 0.1 }, { minPx: 2 }],
    ['targeted database, 2,000 ions, 40×40, one segment, 7 levels', { w: 40, h: 40, nIons: 2000, peaksPerPx: 80, nSegments: 1, seed: 3, planted: 0.2 }, { targetedDb: true, nLevels: 7 }],
  ];
  for (const [name, g, extra] of cases) {
    it(name, () => {
      const { input } = generate(g);
      const full = { ...input, ...extra };
      const want = scoreIonsV0(full);
      const got = scoreIons(full);
      // the data must exercise every branch the comparison is about
      expect(want.scored.reduce((s, v) => s + v, 0)).toBeGreaterThan(g.nIons * 0.1);
      expect(want.chaos.some((v) => v > 0)).toBe(true);
      expect(want.spatial.some((v) => v > 0 && v < 1)).toBe(true);
      expect(want.scored.some((v) => v === 0) || extra.targetedDb).toBe(true);
      expectIdentical(got, want);
    });
  }

  it('one scorer reused for several ion tables (scratch left clean) equals fresh reference runs', () => {
    const { input } = generate({ w: 50, h: 40, nIons: 1500, peaksPerPx: 150, nSegments: 4, seed: 9, planted: 0.1 });
    const scorer = new IonScorer(input.segments, input.geometry, { ppm: input.ppm });
    for (const [a, b] of [[0, 700], [700, 1500], [200, 900]]) {
      const sub: CentroidTable = {
        n: b - a,
        mzs: input.centroids.mzs.slice(a * 4, b * 4),
        ints: input.centroids.ints.slice(a * 4, b * 4),
        nPeaks: input.centroids.nPeaks.slice(a, b),
      };
      const tgt = input.isTarget.slice(a, b);
      expectIdentical(scorer.score(sub, tgt), scoreIonsV0({ ...input, centroids: sub, isTarget: tgt }));
    }
  });
});

describe('galloping searches equal the plain binary searches', () => {
  it('lowerBoundNear / upperBoundNear for every hint, with runs of equal values', () => {
    const r = rng(5);
    for (let t = 0; t < 200; t++) {
      const len = Math.floor(r() * 60);
      const arr = Float64Array.from({ length: len }, () => Math.floor(r() * 20)).sort();
      const from = Math.floor(r() * (len + 1));
      const to = from + Math.floor(r() * (len - from + 1));
      for (let q = 0; q < 10; q++) {
        const x = Math.floor(r() * 24) - 2 + (r() < 0.3 ? 0.5 : 0);
        const hint = Math.floor(r() * (len + 3)) - 1;
        expect(lowerBoundNear(arr, x, hint, from, to)).toBe(lowerBound(arr, x, from, to));
        expect(upperBoundNear(arr, x, hint, from, to)).toBe(upperBound(arr, x, from, to));
      }
    }
  });

  it('SegmentIndex.rangesNear gives the triples of ranges, whatever the hint and visiting order', () => {
    const r = rng(6);
    const segs: Segment[] = [];
    let m = 10;
    for (let s = 0; s < 6; s++) {
      const len = s === 2 ? 0 : 5 + Math.floor(r() * 40);
      const mz = new Float64Array(len);
      for (let j = 0; j < len; j++) mz[j] = m += r() < 0.2 ? 0 : r();
      segs.push({ mz, intensity: new Float32Array(len), pixel: new Uint32Array(len) });
    }
    const idx = new SegmentIndex(segs);
    const a = new Int32Array(idx.maxRangeEntries);
    const b = new Int32Array(idx.maxRangeEntries);
    const hint = new Int32Array(2);
    for (let q = 0; q < 2000; q++) {
      const lo = 5 + r() * (m - 2);
      const hi = lo + r() * (r() < 0.2 ? 30 : 2);
      if (r() < 0.05) {
        hint[0] = Math.floor(r() * 8);
        hint[1] = Math.floor(r() * 50);
      }
      const na = idx.rangesNear(lo, hi, a, hint, 0);
      const nb = idx.ranges(lo, hi, b);
      expect(Array.from(a.subarray(0, na * 3))).toEqual(Array.from(b.subarray(0, nb * 3)));
    }
  });
});

describe('SparseChaos on large images (the row-major walk) equals the dense measure and the reference', () => {
  it('blobs, rings, stripes and noise of 1k–20k pixels on grids up to 200×150, listed in random order', () => {
    const r = rng(11);
    let rowMajorCases = 0;
    for (let t = 0; t < 24; t++) {
      const w = 40 + Math.floor(r() * 160);
      const h = 30 + Math.floor(r() * 120);
      const area = w * h;
      const img = new Float32Array(area);
      const kind = t % 4;
      const cx = r() * w;
      const cy = r() * h;
      const rad = 5 + r() * Math.min(w, h) * 0.7;
      for (let p = 0; p < area; p++) {
        const x = p % w;
        const y = Math.floor(p / w);
        const d = Math.hypot(x - cx, y - cy);
        let v = 0;
        if (kind === 0 && d < rad) v = (1 - d / rad) * 100 * (0.7 + 0.6 * r());
        else if (kind === 1 && Math.abs(d - rad / 2) < 3) v = 50 + r() * 50;
        else if (kind === 2 && (x + (y >> 2)) % 7 < 3) v = r() * 100;
        else if (kind === 3 && r() < 0.4) v = r() < 0.05 ? 1000 : r() * 10;
        img[p] = v;
      }
      const list = [...img.keys()].filter((p) => img[p] !== 0 || r() < 0.01); // some listed zero pixels too
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [list[i], list[j]] = [list[j], list[i]];
      }
      const pixels = Int32Array.from(list);
      const span = list.length ? Math.max(...list) - Math.min(...list) + 1 : 0;
      if (list.length >= 1024 && list.length * 8 >= span) rowMajorCases++;
      const got = new SparseChaos(w, h).measure(pixels, pixels.length, img, 30);
      expect(Object.is(got, measureOfChaos(img, w, h, 30)), `case ${t} (${w}×${h}, ${list.length} px)`).toBe(true);
      expect(Object.is(got, new SparseChaosV0(w, h).measure(pixels, pixels.length, img, 30))).toBe(true);
    }
    expect(rowMajorCases).toBeGreaterThan(10);
  });
});
