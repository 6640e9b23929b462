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
import { eachPrincipalImage } from './annotation-images.ts';

/** The partner list rule of METASPACE's web app. */
export const COLOC_MIN_SCORE = 0.3;
export const COLOC_MAX_PARTNERS = 100;

/**
 * numpy's default quantile (method 'linear') of all values of `img`, without sorting every value: zeros (usually
 * most of an ion image) are counted, only the other values are sorted.
 */
export function quantile(img: Float32Array, q: number): number {
  const n = img.length;
  if (n === 0) return NaN;
  let nz = 0;
  for (let i = 0; i < n; i++) if (img[i] !== 0) nz++;
  const vals = new Float32Array(nz);
  let k = 0;
  for (let i = 0; i < n; i++) if (img[i] !== 0) vals[k++] = img[i];
  vals.sort();
  let nNeg = 0;
  while (nNeg < nz && vals[nNeg] < 0) nNeg++;
  const zeros = n - nz;
  const at = (r: number): number => (r < nNeg ? vals[r] : r < nNeg + zeros ? 0 : vals[r - zeros]);
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = at(lo);
  if (frac === 0 || lo + 1 >= n) return a;
  const b = at(lo + 1);
  return a + (b - a) * frac;
}

/** Steps 1–2: a copy of `img` clipped at its 99th percentile, with the values below its median set to 0. */
export function clipAndThreshold(img: Float32Array): Float32Array {
  const out = Float32Array.from(img);
  let max = -Infinity;
  for (let i = 0; i < out.length; i++) if (out[i] > max) max = out[i];
  const hot = quantile(out, 0.99) || max || 1;
  for (let i = 0; i < out.length; i++) if (out[i] > hot) out[i] = hot;
  const med = quantile(out, 0.5);
  for (let i = 0; i < out.length; i++) if (out[i] < med) out[i] = 0;
  return out;
}

/**
 * Step 3: 3×3 median filter with the edge pixel repeated (scipy's 'reflect' for a radius-1 window). Images of
 * non-negative values take a short cut: fewer than 5 non-zero neighbours → median 0.
 */
export function medianFilter3x3(img: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  let nonNegative = true;
  for (let i = 0; i < img.length; i++) if (img[i] < 0) { nonNegative = false; break; }
  const win = new Float64Array(9);
  for (let y = 0; y < height; y++) {
    const rows = [Math.max(0, y - 1) * width, y * width, Math.min(height - 1, y + 1) * width];
    for (let x = 0; x < width; x++) {
      const cols = [Math.max(0, x - 1), x, Math.min(width - 1, x + 1)];
      let k = 0;
      let nonZero = 0;
      for (const r of rows) for (const c of cols) { const v = img[r + c]; win[k++] = v; if (v !== 0) nonZero++; }
      if (nonZero === 0 || (nonNegative && nonZero < 5)) continue; // out is already 0
      // insertion sort of 9 values, then the middle one
      for (let i = 1; i < 9; i++) {
        const v = win[i];
        let j = i - 1;
        while (j >= 0 && win[j] > v) { win[j + 1] = win[j]; j--; }
        win[j + 1] = v;
      }
      out[y * width + x] = win[4];
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
 * Step 4: the symmetric n × n cosine matrix (row-major) of equally long images. Blocked over pixels; in each block
 * only the images with a non-zero pixel there take part, so spatially separate images cost little.
 */
export function cosineMatrix(images: readonly Float32Array[]): Float32Array {
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
  const prepared: Float32Array[] = new Array(mzs.length);
  await eachPrincipalImage(infos, readSegment, geometry, mzs, ppm, (k, img) => {
    prepared[k] = colocPrepare(img, geometry.width, geometry.height);
  });
  return cosineMatrix(prepared);
}
