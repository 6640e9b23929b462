// REFERENCE ONLY (tests): the score kernel as it was before issue 13's rewrite (commit 7ae51ca), kept verbatim
// apart from imports, so tests/unit/score-kernel-equivalence.test.ts can check the new kernel against it bit for bit.
// Do not optimise this file: its worth is that it does not change.
// Scores ion formulas exactly as METASPACE analysis_version 1 (spec §6): spectral, spatial, chaos,
// MSM, the completeness gate and the extra per-ion metrics.
//
// Hot path design: the 4 isotope images of an ion are accumulated into one reusable dense float32
// scratch array, interleaved per pixel (the 4 values of a pixel share a cache line); the touched
// pixels are listed and re-zeroed afterwards, so per-ion cost is proportional to its number of peaks,
// not to the image size. Pixel sums are float32 like
// METASPACE's `np.add.at` into float32 arrays, so the pixel values are bit-identical; metric sums are
// float64. Spatial correlation over all sample pixels is computed from the sparse support with exact
// corrections for the zero pixels (two-pass, centred sums). Chaos runs on the sparse support of I0
// (SparseChaos), so a scattered image on a large grid costs its pixel count, not the grid area.
import type { CentroidTable, DatasetGeometry, Segment } from '../../src/core/types.ts';
import { SparseChaosV0 as SparseChaos, chaosFromMocV0 as chaosFromMoc } from './chaos-v0.ts';
import { SegmentIndex } from '../../src/core/score/images.ts';
import { windowHalfWidth } from '../../src/core/score/windows.ts';
import { metaspaceChaos } from '../../src/core/score/chaos-compact.ts';

export interface ScoreInput {
  segments: Segment[];
  geometry: DatasetGeometry;
  centroids: CentroidTable;
  /** 1 = target ion, 0 = decoy, per ion formula. */
  isTarget: Uint8Array;
  ppm: number;
  /** Images with fewer peaks than this are treated as absent (METASPACE `min_px`, default 1). */
  minPx?: number;
  /** Ions of a targeted database are always fully scored (METASPACE `targeted`). */
  targetedDb?: boolean;
  /** Levels of the measure of chaos (METASPACE `n_levels`, default 30). */
  nLevels?: number;
}

export interface ScoreResult {
  n: number;
  /** chaos × spatial × spectral rounded to float32, as METASPACE stores it. */
  msm: Float32Array;
  /**
   * The same product in float64 (what METASPACE's FDR ranks). Always set by scoreIons; optional so
   * that results merged or cached elsewhere without it still type-check.
   */
  msm64?: Float64Array;
  /** Metrics; 0 where not computed (early exit or not scored). */
  chaos: Float64Array;
  spatial: Float64Array;
  spectral: Float64Array;
  mzErrAbs: Float64Array;
  mzErrRel: Float64Array;
  /** n*4: per isotope image, over the sample pixels. */
  totalInt: Float64Array;
  minInt: Float64Array;
  maxInt: Float64Array;
  /**
   * n*4: pixel count of each isotope image as METASPACE counts it (scipy coo `nnz`, its `n_pixels`):
   * the number of peaks in the window, so a pixel with two peaks counts twice; 0 for an image with
   * fewer than minPx peaks (treated as absent). This is what the reference fixture's `n_px` holds.
   */
  nPx: Uint32Array;
  /** 1 if the metrics were computed (target, targeted DB, or passed the completeness gate). */
  scored: Uint8Array;
}

class ScoreInputError extends Error {
  override name = 'ScoreInputError';
}

/** Scores every ion of `input.centroids` (one-shot form of IonScorer). */
export function scoreIonsV0(input: ScoreInput): ScoreResult {
  const scorer = new IonScorerV0(input.segments, input.geometry, {
    ppm: input.ppm,
    minPx: input.minPx,
    targetedDb: input.targetedDb,
    nLevels: input.nLevels,
  });
  return scorer.score(input.centroids, input.isTarget);
}

export interface ScorerOptions {
  ppm: number;
  minPx?: number;
  targetedDb?: boolean;
  nLevels?: number;
}

/** A scorer bound to one dataset (segments + geometry); reuses its scratch buffers across calls. */
export class IonScorerV0 {
  private readonly index: SegmentIndex;
  private readonly width: number;
  private readonly height: number;
  private readonly nSample: number;
  private readonly ppm: number;
  private readonly minPx: number;
  private readonly targetedDb: boolean;
  private readonly nLevels: number;

  /** The 4 isotope images interleaved: value of slot k at pixel p is img[p * 4 + k] (one cache line per pixel). */
  private readonly img: Float32Array;
  /** Bit k set when pixel p is listed in uniq[k] for the current ion (re-zeroed after each ion). */
  private readonly touched: Uint8Array;
  private uniq: Int32Array[];
  private readonly nu = new Int32Array(4);
  private readonly cnt = new Float64Array(4);
  private readonly rangesOut: Int32Array;
  private readonly sparseChaos: SparseChaos;

  constructor(segments: Segment[], geometry: DatasetGeometry, opts: ScorerOptions) {
    const { width, height, mask } = geometry;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
      throw new ScoreInputError(`scoreIons: geometry ${width}×${height} is not a positive integer size`);
    }
    if (mask.length !== width * height) {
      throw new ScoreInputError(
        `scoreIons: the sample mask has ${mask.length} values but the geometry is ${width}×${height} = ${width * height}; pass the dataset's own mask`,
      );
    }
    if (!(opts.ppm > 0)) throw new ScoreInputError(`scoreIons: ppm must be > 0 (got ${opts.ppm})`);
    const minPx = opts.minPx ?? 1;
    if (!(Number.isInteger(minPx) && minPx >= 0)) {
      throw new ScoreInputError(`scoreIons: minPx must be a non-negative integer (got ${minPx})`);
    }
    this.index = new SegmentIndex(segments);
    this.width = width;
    this.height = height;
    let ns = 0;
    for (let p = 0; p < mask.length; p++) if (mask[p]) ns++;
    this.nSample = ns;
    this.ppm = opts.ppm;
    // An image exists only if its window holds at least one peak, whatever min_px says.
    this.minPx = Math.max(1, minPx);
    this.targetedDb = opts.targetedDb ?? false;
    this.nLevels = opts.nLevels ?? 30;
    const area = width * height;
    this.img = new Float32Array(area * 4);
    this.touched = new Uint8Array(area);
    this.uniq = [0, 1, 2, 3].map(() => new Int32Array(64));
    this.rangesOut = new Int32Array(this.index.maxRangeEntries);
    this.sparseChaos = new SparseChaos(width, height);
  }

  score(centroids: CentroidTable, isTarget: Uint8Array): ScoreResult {
    const n = centroids.n;
    if (centroids.mzs.length < n * 4 || centroids.ints.length < n * 4) {
      throw new ScoreInputError(
        `scoreIons: centroid table of ${n} ions needs ${n * 4} m/z and intensity values (got ${centroids.mzs.length}/${centroids.ints.length})`,
      );
    }
    if (isTarget.length < n) {
      throw new ScoreInputError(`scoreIons: isTarget has ${isTarget.length} flags for ${n} ions`);
    }
    const res = emptyScoreResult(n);
    try {
      for (let i = 0; i < n; i++) this.scoreOne(centroids, i, isTarget[i] !== 0 || this.targetedDb, res);
    } catch (e) {
      // leave the scratch clean for the next call
      this.img.fill(0);
      this.touched.fill(0);
      throw e;
    }
    return res;
  }

  private scoreOne(c: CentroidTable, i: number, calcAll: boolean, res: ScoreResult): void {
    const base = i * 4;
    const mzs = c.mzs;
    const ints = c.ints;
    const img = this.img;
    const touched = this.touched;
    const nu = this.nu;
    const cnt = this.cnt;
    const minPx = this.minPx;
    const segs = this.index.segments;
    const out = this.rangesOut;
    const area = this.width * this.height;
    const mzMean = [0, 0, 0, 0];

    // 1. Gather the 4 windows into the scratch images.
    for (let k = 0; k < 4; k++) {
      nu[k] = 0;
      cnt[k] = 0;
      const mu = mzs[base + k];
      mzMean[k] = mu;
      if (!(mu > 0)) continue; // padded slot: no image
      const d = windowHalfWidth(mu, this.ppm);
      const nr = this.index.ranges(mu - d, mu + d, out);
      let count = 0;
      for (let r = 0; r < nr; r++) count += out[r * 3 + 2] - out[r * 3 + 1];
      cnt[k] = count;
      if (count < minPx) continue; // METASPACE drops images with nnz < min_px
      const bit = 1 << k;
      let uq = this.uniq[k];
      if (uq.length < count) {
        uq = new Int32Array(Math.max(count, uq.length * 2));
        this.uniq[k] = uq;
      }
      let m = 0;
      let sw = 0;
      let swm = 0;
      for (let r = 0; r < nr; r++) {
        const seg = segs[out[r * 3]];
        const pix = seg.pixel;
        const val = seg.intensity;
        const smz = seg.mz;
        for (let j = out[r * 3 + 1], e = out[r * 3 + 2]; j < e; j++) {
          const p = pix[j];
          const v = val[j];
          if ((touched[p] & bit) === 0) {
            if (p >= area) {
              throw new ScoreInputError(
                `scoreIons: segment ${out[r * 3]} peak ${j} has pixel index ${p} outside the ${this.width}×${this.height} image; the segments do not belong to this geometry`,
              );
            }
            touched[p] |= bit;
            uq[m++] = p;
          }
          img[p * 4 + k] += v; // float32 store: the same rounding as METASPACE's float32 np.add.at
          sw += v;
          swm += v * Math.fround(smz[j]); // METASPACE keeps the m/z image in float32
        }
      }
      nu[k] = m;
      if (sw > 0) mzMean[k] = swm / sw;
    }

    const [uq0, uq1, uq2, uq3] = this.uniq;
    const n0 = nu[0];

    // 2. Extra metrics (computed for every ion, as METASPACE does before the gate).
    const tot = [0, 0, 0, 0];
    for (let k = 0; k < 4; k++) {
      const uq = this.uniq[k];
      let t = 0;
      let mn = 0;
      let mx = 0;
      for (let q = 0, e = nu[k]; q < e; q++) {
        const v = img[uq[q] * 4 + k];
        t += v;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      tot[k] = t;
      res.totalInt[base + k] = t;
      res.minInt[base + k] = mn;
      res.maxInt[base + k] = mx;
      res.nPx[base + k] = nu[k] > 0 ? cnt[k] : 0;
    }
    const t0 = ints[base];
    const t1 = ints[base + 1];
    const t2 = ints[base + 2];
    const t3 = ints[base + 3];
    const errAbs = mzMean[0] - mzs[base];
    res.mzErrAbs[i] = errAbs;
    const wsum = t1 + t2 + t3;
    res.mzErrRel[i] =
      wsum > 0
        ? (t1 * (mzMean[1] - mzs[base + 1] - errAbs) +
            t2 * (mzMean[2] - mzs[base + 2] - errAbs) +
            t3 * (mzMean[3] - mzs[base + 3] - errAbs)) /
          wsum
        : 0;

    // 3. Completeness gate: I0 and at least one other image present (targets always scored).
    const complete = n0 > 0 && (nu[1] > 0 || nu[2] > 0 || nu[3] > 0);
    if (complete || calcAll) {
      res.scored[i] = 1;
      // Spectral: pattern match over the pixels where I0 > 0 (pyImagingMSpec isotope_pattern_match).
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let pos0 = 0;
      for (let q = 0; q < n0; q++) {
        const p = uq0[q];
        const x = img[p * 4];
        if (x > 0) {
          pos0++;
          s0 += x;
          s1 += img[p * 4 + 1];
          s2 += img[p * 4 + 2];
          s3 += img[p * 4 + 3];
        }
      }
      const tn = Math.sqrt(t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3);
      const sn = Math.sqrt(s0 * s0 + s1 * s1 + s2 * s2 + s3 * s3);
      let spectral =
        1 -
        (Math.abs(t0 / tn - s0 / sn) +
          Math.abs(t1 / tn - s1 / sn) +
          Math.abs(t2 / tn - s2 / sn) +
          Math.abs(t3 / tn - s3 / sn)) /
          4;
      if (!Number.isFinite(spectral) || spectral === 1) spectral = 0; // 1.0 → 0; NaN → 0 (nan_to_num)
      res.spectral[i] = spectral;

      if (spectral > 0 || calcAll) {
        const spatial = wsum === 0 || pos0 < 2 ? 0 : this.spatial(tot, t1, t2, t3, wsum);
        res.spatial[i] = spatial;
        if (spatial > 0 || calcAll) {
          const chaos = n0 === 0 ? 0 : this.chaos(n0);
          res.chaos[i] = chaos;
          const msm = chaos * spatial * spectral;
          res.msm64![i] = msm;
          res.msm[i] = msm;
        }
      }
    }

    // 4. Re-zero the touched scratch pixels.
    for (let q = 0; q < n0; q++) {
      const p = uq0[q];
      img[p * 4] = 0;
      touched[p] = 0;
    }
    for (let q = 0, e = nu[1]; q < e; q++) {
      const p = uq1[q];
      img[p * 4 + 1] = 0;
      touched[p] = 0;
    }
    for (let q = 0, e = nu[2]; q < e; q++) {
      const p = uq2[q];
      img[p * 4 + 2] = 0;
      touched[p] = 0;
    }
    for (let q = 0, e = nu[3]; q < e; q++) {
      const p = uq3[q];
      img[p * 4 + 3] = 0;
      touched[p] = 0;
    }
  }

  /**
   * Weighted Pearson correlation of I0 with I1..I3 over all sample pixels (zeros included), clipped
   * to [0, 1] (pyImagingMSpec isotope_image_correlation with weights t1..t3).
   */
  private spatial(tot: number[], t1: number, t2: number, t3: number, wsum: number): number {
    const N = this.nSample;
    const img = this.img;
    const touched = this.touched;
    const uq0 = this.uniq[0];
    const n0 = this.nu[0];
    const mx = tot[0] / N;
    let sxx = 0;
    for (let q = 0; q < n0; q++) {
      const dx = img[uq0[q] * 4] - mx;
      sxx += dx * dx;
    }
    sxx += (N - n0) * mx * mx;
    let acc = 0;
    const w = [0, t1, t2, t3];
    for (let k = 1; k < 4; k++) {
      const nk = this.nu[k];
      if (nk === 0) continue; // all-zero image: correlation undefined → 0
      const uq = this.uniq[k];
      const my = tot[k] / N;
      let syy = 0;
      let sxy = 0;
      let only = 0; // pixels of I_k outside I0's support
      for (let q = 0; q < nk; q++) {
        const p = uq[q];
        const dy = img[p * 4 + k] - my;
        syy += dy * dy;
        if ((touched[p] & 1) === 0) {
          sxy -= mx * dy;
          only++;
        }
      }
      syy += (N - nk) * my * my;
      for (let q = 0; q < n0; q++) {
        const p = uq0[q];
        sxy += (img[p * 4] - mx) * (img[p * 4 + k] - my);
      }
      sxy += (N - n0 - only) * mx * my;
      let r = sxy / Math.sqrt(sxx) / Math.sqrt(syy);
      if (!Number.isFinite(r)) r = 0;
      else if (r > 1) r = 1;
      else if (r < -1) r = -1;
      acc += w[k] * r;
    }
    const s = acc / wsum;
    return s < 0 ? 0 : s > 1 ? 1 : s;
  }

  /**
   * Chaos of I0. Changed after the kernel was frozen here: METASPACE measures chaos on its cut of the image
   * (src/core/score/chaos-compact.ts, checked against ims-cpp), so the reference uses that dense path.
   */
  private chaos(n0: number): number {
    const px = this.uniq[0];
    const vals = new Float32Array(n0);
    for (let q = 0; q < n0; q++) vals[q] = this.img[px[q] * 4];
    return metaspaceChaos(px, vals, n0, this.width, this.height, this.nLevels);
  }
}

/** A ScoreResult of n ions, nothing scored: per-ion metrics set to `metric` (0, or NaN for "not scored"),
 * per-isotope sums zero. */
export function emptyScoreResult(n: number, metric = 0): ScoreResult {
  return {
    n,
    msm: new Float32Array(n).fill(metric),
    msm64: new Float64Array(n).fill(metric),
    chaos: new Float64Array(n).fill(metric),
    spatial: new Float64Array(n).fill(metric),
    spectral: new Float64Array(n).fill(metric),
    mzErrAbs: new Float64Array(n).fill(metric),
    mzErrRel: new Float64Array(n).fill(metric),
    totalInt: new Float64Array(n * 4),
    minInt: new Float64Array(n * 4),
    maxInt: new Float64Array(n * 4),
    nPx: new Uint32Array(n * 4),
    scored: new Uint8Array(n),
  };
}
