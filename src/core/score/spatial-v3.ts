// Spatial metric of METASPACE analysis_version ≥ 2 (engine `annotation/metrics.py`: `spatial_metric` with
// v1_impl=False and its `spatial_corr`). v1 keeps pyImagingMSpec's isotope_image_correlation (score-ions.ts).
//
// What the engine computes, on the 4 isotope images as float32 rows over the sample pixels (n_spectra = N):
//   0 when fewer than 2 images, fewer than 2 non-zero pixels in I0, or no theoretical intensity past peak 0;
//   otherwise it keeps only the pixels where any image is non-zero (m of them, in pixel order), and per image k:
//     avg_k = sum(I_k) / N,  X_k = I_k − avg_k,  padding = N − m,
//     covdiag_k = (sum(X_k²) + avg_k² · padding) / (N − 1),  covleft_k = (sum(X_0·X_k) + avg_0·avg_k · padding) / (N − 1),
//     corr_k = covleft_k / sqrt(covdiag_0 · covdiag_k)   (NaN/±∞ → 0),
//   spatial = clip(Σ corr_k·t_k / Σ t_k over k = 1..3, 0, 1)   (np.average with the float64 theoretical weights).
// Everything up to corr_k is float32 arithmetic (the images are float32 arrays and numpy keeps that dtype), with
// the sums taken in pixel order (rowSum32 says why), so the values are numpy's bit for bit
// (tests/unit/spatial-v3.test.ts, vectors from tests/fixtures/metaspace-ml/gen_spatial_v3.py).
const f32 = Math.fround;

/**
 * np.sum(rows, axis=1) of the engine's kept-pixel rows, for one row: a float32 sum in pixel order, one value after
 * the other. Not numpy's usual pairwise sum: `iso_imgs_flat[:, mask]` (boolean index on the pixel axis) gives a
 * Fortran-ordered array, so numpy reduces along the strided pixel axis by adding whole columns in turn.
 */
export function rowSum32(a: Float32Array, off: number, n: number): number {
  let r = 0;
  for (let i = off, e = off + n; i < e; i++) r = f32(r + a[i]);
  return r;
}

/** Grown-on-demand float32 buffers for one thread (all values are overwritten before use). */
export class SpatialV3Scratch {
  cols = new Int32Array(256);
  /** 4 rows of m values: the kept pixels of I0..I3. */
  rows = new Float32Array(4 * 256);
  /** One row of products X_0·X_k or X_k². */
  prod = new Float32Array(256);
  ensure(m: number): void {
    if (this.cols.length >= m) return;
    const cap = Math.max(m, this.cols.length * 2);
    this.cols = new Int32Array(cap);
    this.rows = new Float32Array(4 * cap);
    this.prod = new Float32Array(cap);
  }
}

/**
 * The v3 spatial metric of one ion. `img`: the 4 images as planes of `area` pixels (value of image k at pixel p
 * is img[k·area + p], zero outside the listed pixels); `lists[k]` the first `counts[k]` entries: the pixels of
 * image k; `listed[p]` has bit k set when p is in lists[k]. `n`: number of sample pixels; `t`: the 4 theoretical
 * intensities (float64, as the engine's theo_ints).
 */
export function spatialV3(
  img: Float32Array,
  area: number,
  lists: readonly Int32Array[],
  counts: ArrayLike<number>,
  listed: Uint8Array,
  n: number,
  t: ArrayLike<number>,
  scratch: SpatialV3Scratch,
): number {
  const t1 = t[1];
  const t2 = t[2];
  const t3 = t[3];
  // np.sum(intensities[1:]) == 0: sequential for 3 values
  if (0 + t1 + t2 + t3 === 0) return 0;
  let nz0 = 0;
  const l0 = lists[0];
  for (let q = 0, e = counts[0]; q < e && nz0 < 2; q++) if (img[l0[q]] !== 0) nz0++;
  if (nz0 < 2) return 0;

  // the pixels where any image is non-zero (np.any: NaN counts), each once, in pixel order
  let m = 0;
  for (let k = 0; k < 4; k++) m += counts[k];
  scratch.ensure(m);
  const cols = scratch.cols;
  m = 0;
  for (let k = 0; k < 4; k++) {
    const lk = lists[k];
    const lower = (1 << k) - 1;
    for (let q = 0, e = counts[k]; q < e; q++) {
      const p = lk[q];
      if ((listed[p] & lower) !== 0) continue; // already taken from an earlier list
      if (img[p] !== 0 || img[area + p] !== 0 || img[2 * area + p] !== 0 || img[3 * area + p] !== 0) cols[m++] = p;
    }
  }
  const kept = cols.subarray(0, m).sort();
  const rows = scratch.rows;
  const prod = scratch.prod;
  const avg = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    const o = k * m;
    const ko = k * area;
    for (let j = 0; j < m; j++) rows[o + j] = img[ko + kept[j]];
    avg[k] = f32(rowSum32(rows, o, m) / n);
    const a = avg[k];
    for (let j = 0; j < m; j++) rows[o + j] = f32(rows[o + j] - a); // X_k (float32 store)
  }
  const padding = n - m;
  const den = n - 1;
  const covdiag = [0, 0, 0, 0];
  const covleft = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    const o = k * m;
    for (let j = 0; j < m; j++) prod[j] = rows[o + j] * rows[o + j];
    covdiag[k] = f32(f32(rowSum32(prod, 0, m) + f32(f32(avg[k] * avg[k]) * padding)) / den);
    for (let j = 0; j < m; j++) prod[j] = rows[j] * rows[o + j];
    covleft[k] = f32(f32(rowSum32(prod, 0, m) + f32(f32(avg[0] * avg[k]) * padding)) / den);
  }
  // np.average(corr, weights=t[1:]) in float64: sequential sums of 3 values
  let num = 0;
  for (let k = 1; k < 4; k++) {
    let c = f32(covleft[k] / f32(Math.sqrt(f32(covdiag[0] * covdiag[k]))));
    if (!Number.isFinite(c)) c = 0;
    num += c * t[k];
  }
  const sp = num / (0 + t1 + t2 + t3);
  return sp < 0 ? 0 : sp > 1 ? 1 : sp;
}
