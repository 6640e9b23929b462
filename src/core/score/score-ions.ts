// Scores ion formulas exactly as METASPACE analysis_version 1 (spec §6): spectral, spatial, chaos,
// MSM, the completeness gate and the extra per-ion metrics.
//
// Hot path design: the 4 isotope images of an ion are accumulated into one reusable dense float32
// scratch array of 4 planes (a window's peaks scatter into one 4 B-per-pixel plane, the kernel's hot,
// cache-bound step; issue 13); the touched pixels are listed and re-zeroed afterwards, so per-ion cost is proportional to its number of peaks,
// not to the image size. Pixel sums are float32 like
// METASPACE's `np.add.at` into float32 arrays, so the pixel values are bit-identical; metric sums are
// float64. Spatial correlation over all sample pixels is computed from the sparse support with exact
// corrections for the zero pixels (two-pass, centred sums). Chaos runs on the sparse support of I0
// (SparseChaos), so a scattered image on a large grid costs its pixel count, not the grid area.
import type { CentroidTable, DatasetGeometry, Segment } from '../types.ts';
import { SparseChaos, chaosFromMoc } from './chaos.ts';
import { ChaosCut } from './chaos-compact.ts';
import { SegmentIndex } from './images.ts';
import { windowHalfWidth } from './windows.ts';
import { SpatialV3Scratch, spatialV3 } from './spatial-v3.ts';

/**
 * Which spatial metric: 'v1' = pyImagingMSpec's isotope_image_correlation (analysis_version 1, the default),
 * 'v3' = the engine's reimplementation (analysis_version ≥ 2; spatial-v3.ts). Nothing else in the kernel differs.
 */
export type SpatialImpl = 'v1' | 'v3';

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
  /** Spatial metric implementation (default 'v1'). */
  spatial?: SpatialImpl;
  /** Scratch buffers to reuse (a thread scoring many tasks of one dataset); made when absent or another size. */
  scratch?: ScoreScratch;
}

/**
 * The kernel’s per-pixel scratch for one image size: ~25 bytes per grid pixel (the 4-plane float32 image
 * array, touched flags, the sparse chaos buffers). Every use leaves it all-zero, so a thread can keep one
 * and skip allocating and zero-filling it for each task (5.6 MB on the 472×472 grid of the 100k-pixel bench dataset).
 */
export class ScoreScratch {
  /** The 4 isotope images as planes: value of slot k at pixel p is img[k * area + p]. */
  readonly img: Float32Array;
  readonly touched: Uint8Array;
  /** Listed pixels per isotope slot (grown on demand). */
  readonly uniq: Int32Array[];
  readonly sparseChaos: SparseChaos;
  /** METASPACE's cut of I0's grid for chaos (chaos-compact.ts), and I0's values on it by compact pixel index
   * (all-zero between uses). */
  readonly chaosCut: ChaosCut;
  readonly chaosValues: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const area = width * height;
    this.chaosCut = new ChaosCut(width, height);
    this.chaosValues = new Float32Array(area);
    this.img = new Float32Array(area * 4);
    this.touched = new Uint8Array(area);
    this.uniq = [0, 1, 2, 3].map(() => new Int32Array(64));
    this.sparseChaos = new SparseChaos(width, height);
  }
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

export class ScoreInputError extends Error {
  override name = 'ScoreInputError';
}

/** Scores every ion of `input.centroids` (one-shot form of IonScorer). */
export function scoreIons(input: ScoreInput): ScoreResult {
  const scorer = new IonScorer(input.segments, input.geometry, {
    ppm: input.ppm,
    minPx: input.minPx,
    targetedDb: input.targetedDb,
    nLevels: input.nLevels,
    spatial: input.spatial,
  }, input.scratch);
  return scorer.score(input.centroids, input.isTarget);
}

export interface ScorerOptions {
  ppm: number;
  minPx?: number;
  targetedDb?: boolean;
  nLevels?: number;
  spatial?: SpatialImpl;
}

/** A scorer bound to one dataset (segments + geometry); reuses its scratch buffers across calls. */
export class IonScorer {
  private readonly index: SegmentIndex;
  private readonly width: number;
  private readonly height: number;
  private readonly nSample: number;
  private readonly ppm: number;
  private readonly minPx: number;
  private readonly targetedDb: boolean;
  private readonly nLevels: number;
  /** Set for the v3 spatial metric (its float32 row buffers); null = v1. */
  private readonly spatialV3: SpatialV3Scratch | null;

  /** The 4 isotope images as planes: value of slot k at pixel p is img[k * area + p]. A window's peaks scatter
   * into one plane (4 B × grid pixels), which stays in L2 on grids where the interleaved layout (16 B) did not. */
  private readonly img: Float32Array;
  /** Bit k set when pixel p is listed in uniq[k] for the current ion (re-zeroed after each ion). */
  private readonly touched: Uint8Array;
  private readonly uniq: Int32Array[];
  private readonly nu = new Int32Array(4);
  private readonly cnt = new Float64Array(4);
  private readonly tot = new Float64Array(4);
  private readonly mzMean = new Float64Array(4);
  /** Per isotope slot: where its previous window started (segment ordinal, peak index); see rangesNear. */
  private readonly hints = new Int32Array(8);
  private readonly rangesOut: Int32Array;
  private readonly sparseChaos: SparseChaos;
  private readonly scratch: ScoreScratch;

  /** `scratch`: dense buffers of an earlier scorer of the same image size, reused (they are left clean). */
  constructor(segments: Segment[], geometry: DatasetGeometry, opts: ScorerOptions, scratch?: ScoreScratch) {
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
    const impl = opts.spatial ?? 'v1';
    if (impl !== 'v1' && impl !== 'v3') throw new ScoreInputError(`scoreIons: spatial must be 'v1' or 'v3' (got ${JSON.stringify(impl)})`);
    this.spatialV3 = impl === 'v3' ? new SpatialV3Scratch() : null;
    const sc = scratch && scratch.width === width && scratch.height === height ? scratch : new ScoreScratch(width, height);
    this.scratch = sc;
    this.img = sc.img;
    this.touched = sc.touched;
    this.uniq = sc.uniq;
    this.rangesOut = new Int32Array(this.index.maxRangeEntries);
    this.sparseChaos = sc.sparseChaos;
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
    // Visit the ions in m/z order: each isotope slot's window then starts near the previous one's, so the
    // window searches gallop a short way and the peaks they read are still in cache. Every ion's metrics
    // depend on its own windows only, so the order changes no value.
    const order = ionsByMz(centroids);
    this.hints.fill(0);
    try {
      for (let q = 0; q < n; q++) {
        const i = order[q];
        this.scoreOne(centroids, i, isTarget[i] !== 0 || this.targetedDb, res);
      }
    } catch (e) {
      // leave the scratch clean for the next call
      this.img.fill(0);
      this.touched.fill(0);
      this.scratch.chaosValues.fill(0);
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
    const tot = this.tot;
    const mzMean = this.mzMean;
    const minPx = this.minPx;
    const segs = this.index.segments;
    const out = this.rangesOut;
    const area = this.width * this.height;
    const a1 = area;
    const a2 = 2 * area;
    const a3 = 3 * area;

    // 1. Gather the 4 windows into the scratch images. While no pixel repeats within a window (the usual
    // case), each pixel's float32 sum is its one peak's intensity and the pixels are listed in peak order,
    // so the image's total, min and max over its pixels equal the sums over its peaks, taken here in the
    // same order: no second pass over the image. A repeated pixel falls back to that pass.
    for (let k = 0; k < 4; k++) {
      nu[k] = 0;
      cnt[k] = 0;
      tot[k] = 0;
      const mu = mzs[base + k];
      mzMean[k] = mu;
      if (!(mu > 0)) {
        res.nPx[base + k] = 0;
        continue; // padded slot: no image
      }
      const d = windowHalfWidth(mu, this.ppm);
      const nr = this.index.rangesNear(mu - d, mu + d, out, this.hints, k * 2);
      let count = 0;
      for (let r = 0; r < nr; r++) count += out[r * 3 + 2] - out[r * 3 + 1];
      cnt[k] = count;
      if (count < minPx) continue; // METASPACE drops images with nnz < min_px
      const bit = 1 << k;
      const kOff = k * area;
      let uq = this.uniq[k];
      if (uq.length < count) {
        uq = new Int32Array(Math.max(count, uq.length * 2));
        this.uniq[k] = uq; // the same array as scratch.uniq: a grown list stays with the scratch
      }
      let m = 0;
      let sw = 0;
      let swm = 0;
      let mn = 0;
      let mx = 0;
      let repeated = false;
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
          } else {
            repeated = true;
          }
          img[kOff + p] += v; // float32 store: the same rounding as METASPACE's float32 np.add.at
          sw += v;
          swm += v * Math.fround(smz[j]); // METASPACE keeps the m/z image in float32
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
      }
      nu[k] = m;
      if (sw > 0) mzMean[k] = swm / sw;
      if (repeated) {
        // 2. Extra metrics over the image's pixels (computed for every ion, as METASPACE does before the gate).
        let t = 0;
        mn = 0;
        mx = 0;
        for (let q = 0; q < m; q++) {
          const v = img[kOff + uq[q]];
          t += v;
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        sw = t;
      }
      tot[k] = sw;
      res.totalInt[base + k] = sw;
      res.minInt[base + k] = mn;
      res.maxInt[base + k] = mx;
      res.nPx[base + k] = m > 0 ? count : 0;
    }

    const uq0 = this.uniq[0];
    const uq1 = this.uniq[1];
    const uq2 = this.uniq[2];
    const uq3 = this.uniq[3];
    const n0 = nu[0];
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
      // Spectral and spatial in one pass over I0's pixels. Spatial: weighted Pearson correlation of I0
      // with I1..I3 over all sample pixels (zeros included), clipped to [0, 1] (pyImagingMSpec
      // isotope_image_correlation with weights t1..t3), from the sparse supports with exact corrections
      // for the zero pixels (two-pass, centred sums). Each float64 accumulator gets the same additions in
      // the same order as when the metrics were separate loops, so the values are bit for bit the same;
      // the spatial terms are computed before the gate says whether they are needed (nearly always).
      const N = this.nSample;
      const mx = tot[0] / N;
      const my1 = tot[1] / N;
      const my2 = tot[2] / N;
      const my3 = tot[3] / N;
      const n1 = nu[1];
      const n2 = nu[2];
      const n3 = nu[3];
      // pixels of I_k outside I0's support: their part of the cross sum, and their count
      let syy1 = 0;
      let sxy1 = 0;
      let only1 = 0;
      for (let q = 0; q < n1; q++) {
        const p = uq1[q];
        const dy = img[a1 + p] - my1;
        syy1 += dy * dy;
        if ((touched[p] & 1) === 0) {
          sxy1 -= mx * dy;
          only1++;
        }
      }
      let syy2 = 0;
      let sxy2 = 0;
      let only2 = 0;
      for (let q = 0; q < n2; q++) {
        const p = uq2[q];
        const dy = img[a2 + p] - my2;
        syy2 += dy * dy;
        if ((touched[p] & 1) === 0) {
          sxy2 -= mx * dy;
          only2++;
        }
      }
      let syy3 = 0;
      let sxy3 = 0;
      let only3 = 0;
      for (let q = 0; q < n3; q++) {
        const p = uq3[q];
        const dy = img[a3 + p] - my3;
        syy3 += dy * dy;
        if ((touched[p] & 1) === 0) {
          sxy3 -= mx * dy;
          only3++;
        }
      }
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let pos0 = 0;
      let sxx = 0;
      for (let q = 0; q < n0; q++) {
        const p = uq0[q];
        const x = img[p];
        const y1 = img[a1 + p];
        const y2 = img[a2 + p];
        const y3 = img[a3 + p];
        // spectral: pattern match over the pixels where I0 > 0 (pyImagingMSpec isotope_pattern_match)
        if (x > 0) {
          pos0++;
          s0 += x;
          s1 += y1;
          s2 += y2;
          s3 += y3;
        }
        const dx = x - mx;
        sxx += dx * dx;
        sxy1 += dx * (y1 - my1);
        sxy2 += dx * (y2 - my2);
        sxy3 += dx * (y3 - my3);
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
        let spatial = 0;
        if (this.spatialV3) {
          spatial = spatialV3(img, area, this.uniq, nu, touched, N, [t0, t1, t2, t3], this.spatialV3);
        } else if (!(wsum === 0 || pos0 < 2)) {
          sxx += (N - n0) * mx * mx;
          let acc = 0;
          // an all-zero image I_k: correlation undefined → its term is left out
          if (n1 !== 0) acc += t1 * pearson(sxx, syy1 + (N - n1) * my1 * my1, sxy1 + (N - n0 - only1) * mx * my1);
          if (n2 !== 0) acc += t2 * pearson(sxx, syy2 + (N - n2) * my2 * my2, sxy2 + (N - n0 - only2) * mx * my2);
          if (n3 !== 0) acc += t3 * pearson(sxx, syy3 + (N - n3) * my3 * my3, sxy3 + (N - n0 - only3) * mx * my3);
          const sp = acc / wsum;
          spatial = sp < 0 ? 0 : sp > 1 ? 1 : sp;
        }
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
      img[p] = 0;
      touched[p] = 0;
    }
    for (let q = 0, e = nu[1]; q < e; q++) {
      const p = uq1[q];
      img[a1 + p] = 0;
      touched[p] = 0;
    }
    for (let q = 0, e = nu[2]; q < e; q++) {
      const p = uq2[q];
      img[a2 + p] = 0;
      touched[p] = 0;
    }
    for (let q = 0, e = nu[3]; q < e; q++) {
      const p = uq3[q];
      img[a3 + p] = 0;
      touched[p] = 0;
    }
  }

  /**
   * Chaos of I0 as METASPACE computes it: on the grid its chaos_metric cuts around the signal (chaos-compact.ts),
   * from I0's sparse support (the same value as the dense cut image).
   */
  private chaos(n0: number): number {
    const px = this.uniq[0];
    const cut = this.scratch.chaosCut;
    const grid = cut.cut(px, n0);
    if (!grid) return chaosFromMoc(this.sparseChaos.measure(px, n0, this.img, this.nLevels, 1));
    const vals = this.scratch.chaosValues;
    const at = cut.pixels;
    for (let q = 0; q < n0; q++) vals[at[q]] = this.img[px[q]];
    const moc = this.sparseChaos.measure(at, n0, vals, this.nLevels, 1, grid.width, grid.height);
    for (let q = 0; q < n0; q++) vals[at[q]] = 0;
    return chaosFromMoc(moc);
  }
}

/** Pearson r from centred sums, as numpy's corrcoef: NaN/±∞ → 0, clipped to [−1, 1]. */
function pearson(sxx: number, syy: number, sxy: number): number {
  const r = sxy / Math.sqrt(sxx) / Math.sqrt(syy);
  if (!Number.isFinite(r)) return 0;
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** Ion indices ordered by monoisotopic m/z (stable; padded or empty slots first). */
function ionsByMz(c: CentroidTable): Int32Array {
  const n = c.n;
  const key = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const m = c.mzs[i * 4];
    key[i] = m > 0 ? m : 0;
    order[i] = i;
  }
  order.sort((a, b) => key[a] - key[b] || a - b);
  return order;
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
