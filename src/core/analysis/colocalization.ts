// Colocalization of ion images (issue 14 §4), as METASPACE's engine scores "related annotations"
// (sm/engine/postprocessing/colocalization.py with image_storage.get_ion_images_for_analysis; notes in
// ../shared/spec/metaspace-2026.md). Per principal-peak image over the whole dataset grid (every pixel, zeros
// and off-sample pixels included, as METASPACE's stored images are):
//   1. hot-spot clipping at the image's 99th percentile (0 → the image's maximum → 1), as the engine's image loader
//      does before colocalization (its scaling to max 1 that follows changes no cosine and is left out);
//   2. every pixel below the image's 50 % quantile (numpy's linear interpolation) set to 0;
//   3. a 3×3 median filter (scipy `median_filter` default mode 'reflect': the edge pixel repeats, which for a 3×3
//      window is the same as clamping to the edge);
//   4. cosine similarity of the flattened images (an all-zero image scores 0 with everything, itself included).
// METASPACE then lists, per annotation, the partners scoring ≥ 0.3, at most 100, highest first.
// Differences from METASPACE kept on purpose: our images are float (METASPACE's are 16-bit PNGs, min–max scaled).
import type { DatasetGeometry, Segment, SegmentInfo } from '../types.ts';
import { checkAnalysisSize, eachPrincipalImage } from './annotation-images.ts';

/** The partner list rule of METASPACE's web app. */
export const COLOC_MIN_SCORE = 0.3;
export const COLOC_MAX_PARTNERS = 100;

/**
 * The r-th smallest value (0-based) of `a[0..n)`, reordering `a` (quickselect, Hoare partition around the median of
 * three); afterwards every a[i > r] ≥ a[r].
 */
function selectRank(a: Float32Array, n: number, r: number): number {
  let lo = 0, hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as pivot
    let x = a[lo], y = a[mid], z = a[hi];
    if (x > y) { const t = x; x = y; y = t; }
    if (y > z) { y = z; if (x > y) y = x; }
    const pivot = y;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (r <= j) hi = j;
    else if (r >= i) lo = i;
    else return a[r];
  }
  return a[r];
}

/** Smallest of a[from..n). */
function minFrom(a: Float32Array, from: number, n: number): number {
  let m = Infinity;
  for (let i = from; i < n; i++) if (a[i] < m) m = a[i];
  return m;
}

/**
 * numpy's default quantile (method 'linear') of all values of `img`, by selection, not sorting. Zeros (most of an
 * ion image) are counted but only the other values are selected among (when no value is negative).
 */
export function quantile(img: Float32Array, q: number, scratch?: Float32Array): number {
  const n = img.length;
  if (n === 0) return NaN;
  let nz = 0, neg = false;
  for (let i = 0; i < n; i++) { const v = img[i]; if (v !== 0) { nz++; if (v < 0) neg = true; } }
  const buf = scratch && scratch.length >= n ? scratch : new Float32Array(neg ? n : nz);
  let m: number, zeros: number;
  if (neg) { buf.set(img); m = n; zeros = 0; } else {
    m = 0;
    for (let i = 0; i < n; i++) if (img[i] !== 0) buf[m++] = img[i];
    zeros = n - m;
  }
  // rank r of all n values → among the m selected ones (ranks below `zeros` are 0 when nothing is negative)
  const at = (r: number): number => (r < zeros ? 0 : selectRank(buf, m, r - zeros));
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = at(lo);
  if (frac === 0 || lo + 1 >= n) return a;
  // the next order statistic: 0, or the smallest selected value right of rank lo (after selecting it)
  const b = lo + 1 < zeros ? 0 : lo < zeros ? (m > 0 ? minFrom(buf, 0, m) : 0) : minFrom(buf, lo - zeros + 1, m);
  return a + (b - a) * frac;
}

/** Steps 1–2: a copy of `img` clipped at its 99th percentile, with the values below its median set to 0. */
export function clipAndThreshold(img: Float32Array): Float32Array {
  const out = Float32Array.from(img);
  let max = -Infinity;
  for (let i = 0; i < out.length; i++) if (out[i] > max) max = out[i];
  const scratch = new Float32Array(out.length);
  const hot = quantile(out, 0.99, scratch) || max || 1;
  for (let i = 0; i < out.length; i++) if (out[i] > hot) out[i] = hot;
  const med = quantile(out, 0.5, scratch);
  for (let i = 0; i < out.length; i++) if (out[i] < med) out[i] = 0;
  return out;
}

/**
 * Step 3: 3×3 median filter with the edge pixel repeated (scipy's 'reflect' for a radius-1 window). Each window
 * column is sorted once (low ≤ mid ≤ high) and reused by the three windows it is in; the median of the nine values
 * is then the median of (largest low, median of the mids, smallest high) — exact for three sorted triples.
 */
export function medianFilter3x3(img: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  // sorted triples of the current row's columns: low, mid, high per x
  const lo = new Float32Array(width), mi = new Float32Array(width), hi = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const r0 = Math.max(0, y - 1) * width, r1 = y * width, r2 = Math.min(height - 1, y + 1) * width;
    for (let x = 0; x < width; x++) {
      let a = img[r0 + x], b = img[r1 + x], c = img[r2 + x];
      if (a > b) { const t = a; a = b; b = t; }
      if (b > c) { const t = b; b = c; c = t; }
      if (a > b) { const t = a; a = b; b = t; }
      lo[x] = a; mi[x] = b; hi[x] = c;
    }
    for (let x = 0; x < width; x++) {
      const xl = x > 0 ? x - 1 : 0, xr = x < width - 1 ? x + 1 : x;
      // all-zero columns around (the common case in thresholded images) → 0
      if (hi[xl] === 0 && hi[x] === 0 && hi[xr] === 0 && lo[xl] === 0 && lo[x] === 0 && lo[xr] === 0) continue;
      const maxLo = Math.max(lo[xl], lo[x], lo[xr]);
      const minHi = Math.min(hi[xl], hi[x], hi[xr]);
      let p = mi[xl], q = mi[x], r = mi[xr];
      if (p > q) { const t = p; p = q; q = t; }
      if (q > r) { q = r; if (p > q) q = p; }
      // q = median of the mids; the answer is the median of maxLo, q, minHi
      let u = maxLo, v = q, w = minHi;
      if (u > v) { const t = u; u = v; v = t; }
      if (v > w) { v = w; if (u > v) v = u; }
      out[r1 + x] = v;
    }
  }
  return out;
}

/** Steps 1–3 on one image: what the cosine of step 4 compares. */
export function colocPrepare(img: Float32Array, width: number, height: number): Float32Array {
  if (img.length !== width * height) throw new Error(`colocalization: image has ${img.length} pixels, the grid ${width}×${height} has ${width * height}`);
  return medianFilter3x3(clipAndThreshold(img), width, height);
}

/** Pixels per block of the cosine product: a block of all rows stays in cache while every pair is summed. */
const BLOCK = 2048;

/**
 * All dot products of equally long vectors: n × n, row-major, symmetric. Blocked over pixels; in each block only the
 * vectors with a non-zero value there take part, so spatially separate images cost little.
 */
export function gramMatrix(images: readonly Float32Array[]): Float64Array {
  const n = images.length;
  const npix = n ? images[0].length : 0;
  for (const img of images) if (img.length !== npix) throw new Error('colocalization: images of different sizes');
  const dots = new Float64Array(n * n);
  const active = new Int32Array(n);
  for (let p0 = 0; p0 < npix; p0 += BLOCK) {
    const p1 = Math.min(npix, p0 + BLOCK);
    let na = 0;
    for (let i = 0; i < n; i++) {
      const a = images[i];
      for (let p = p0; p < p1; p++) if (a[p] !== 0) { active[na++] = i; break; }
    }
    // four rows at a time against one: each loaded pixel of row j is used four times
    let s = 0;
    for (; s + 3 < na; s += 4) {
      const i0 = active[s], i1 = active[s + 1], i2 = active[s + 2], i3 = active[s + 3];
      const a0 = images[i0], a1 = images[i1], a2 = images[i2], a3 = images[i3];
      for (let t = 0; t <= s + 3; t++) {
        const j = active[t];
        const b = images[j];
        let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
        for (let p = p0; p < p1; p++) {
          const v = b[p];
          d0 += a0[p] * v; d1 += a1[p] * v; d2 += a2[p] * v; d3 += a3[p] * v;
        }
        // t may pass some of i0..i3 (t ≤ s+3): store only the lower triangle (row index ≥ column index)
        if (t <= s) dots[i0 * n + j] += d0;
        if (t <= s + 1) dots[i1 * n + j] += d1;
        if (t <= s + 2) dots[i2 * n + j] += d2;
        dots[i3 * n + j] += d3;
      }
    }
    for (; s < na; s++) {
      const i = active[s];
      const a = images[i];
      for (let t = 0; t <= s; t++) {
        const j = active[t];
        const b = images[j];
        let d = 0;
        for (let p = p0; p < p1; p++) d += a[p] * b[p];
        dots[i * n + j] += d;
      }
    }
  }
  // `active` is ascending, so every sum is at [larger index][smaller or equal index]: mirror it
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) dots[j * n + i] = dots[i * n + j];
  return dots;
}

/** Step 4: the symmetric n × n cosine matrix (row-major) of equally long images (all-zero image → 0). */
export function cosineMatrix(images: readonly Float32Array[]): Float32Array {
  const n = images.length;
  const dots = gramMatrix(images);
  const out = new Float32Array(n * n);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) norm[i] = Math.sqrt(dots[i * n + i]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const d = norm[i] > 0 && norm[j] > 0 ? dots[i * n + j] / (norm[i] * norm[j]) : 0;
      out[i * n + j] = d;
      out[j * n + i] = d;
    }
  }
  return out;
}

/** METASPACE's `median_thresholded_cosine` of principal-peak images over a width × height grid: n × n, row-major. */
export function colocalizationMatrix(images: readonly Float32Array[], width: number, height: number): Float32Array {
  return cosineMatrix(images.map((img) => colocPrepare(img, width, height)));
}

export interface ColocPartner {
  /** index into the images the matrix was computed from */
  index: number;
  score: number;
}

/**
 * Partners of annotation `i`, highest score first (ties: lower index first), itself excluded; by default
 * METASPACE's rule (score ≥ 0.3, at most 100).
 */
export function colocPartners(matrix: Float32Array, n: number, i: number, minScore = COLOC_MIN_SCORE, max = COLOC_MAX_PARTNERS): ColocPartner[] {
  const out: ColocPartner[] = [];
  for (let j = 0; j < n; j++) {
    const score = matrix[i * n + j];
    if (j !== i && score >= minScore) out.push({ index: j, score });
  }
  out.sort((a, b) => b.score - a.score || a.index - b.index);
  return out.slice(0, max);
}

/** The colocalization matrix of the principal-peak images of `mzs` ± ppm, read from the stored segments. */
export async function colocalizeAnnotations(
  infos: readonly SegmentInfo[],
  readSegment: (index: number) => Promise<Segment>,
  geometry: DatasetGeometry,
  mzs: readonly number[],
  ppm: number,
): Promise<Float32Array> {
  checkAnalysisSize('Colocalization', mzs.length, geometry.width * geometry.height);
  const prepared: Float32Array[] = new Array(mzs.length);
  await eachPrincipalImage(infos, readSegment, geometry, mzs, ppm, (k, img) => {
    prepared[k] = colocPrepare(img, geometry.width, geometry.height);
  });
  return cosineMatrix(prepared);
}
