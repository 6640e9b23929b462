// Segmentation of the sample pixels on the job's annotations (issue 14 §7). Preprocessing as METASPACE's
// image_segmentation/preprocessing.py (../shared/spec/metaspace-2026.md): per pixel, each annotation's intensity ÷
// the pixel's sum over the annotations (pixels summing to 0 stay 0), log1p, z-score per annotation (population
// std; a constant annotation → 0). Then PCA (eigenvectors of the annotations' covariance, up to 20 components)
// and k-means from seeded k-means++ starts (best of 2 by within-segment sum of squares; converged when the centres
// move less than 1e-4 × the mean variance, as scikit-learn). METASPACE fits a Gaussian mixture on components chosen
// by Moran's I and picks k itself; here the user picks k (2–10) and k-means clusters, which is deterministic and
// fast; segments are numbered by size, largest first.
import { gramMatrix } from './colocalization.ts';

export const SEG_K_MIN = 2;
export const SEG_K_MAX = 10;
export const SEG_MAX_COMPONENTS = 20;
/** Label of pixels outside the sample in the segment map. */
export const SEG_OUTSIDE = 255;

/** null when k is usable, else the message to show. */
export function checkK(k: number): string | null {
  if (!Number.isInteger(k) || k < SEG_K_MIN || k > SEG_K_MAX) return `Number of segments must be a whole number from ${SEG_K_MIN} to ${SEG_K_MAX} (got ${Number.isFinite(k) ? k : 'nothing'}).`;
  return null;
}

/** Deterministic uniform [0, 1) numbers (xorshift32) for the k-means++ starts. */
export function seededRandom(seed: number): () => number {
  let s = (seed >>> 0) || 0x9e3779b9;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * METASPACE's preprocessing of the pixel × annotation matrix, given as one column per annotation (values of the
 * sample pixels, same order in every column). Returns new columns.
 */
export function preprocessColumns(cols: readonly Float32Array[]): Float32Array[] {
  const n = cols.length;
  const npix = n ? cols[0].length : 0;
  const total = new Float64Array(npix);
  for (const c of cols) for (let p = 0; p < npix; p++) total[p] += c[p];
  const tmp = new Float64Array(npix); // float64 so that a constant column has std exactly 0
  return cols.map((c) => {
    const out = new Float32Array(npix);
    const l64 = tmp;
    let sum = 0;
    for (let p = 0; p < npix; p++) {
      const v = total[p] > 0 ? c[p] / total[p] : c[p];
      if (v < 0) throw new Error('segmentation: negative intensity; the log transform needs values ≥ 0');
      const l = Math.log1p(v);
      l64[p] = l;
      sum += l;
    }
    const mean = sum / npix;
    let ss = 0;
    for (let p = 0; p < npix; p++) ss += (l64[p] - mean) ** 2;
    const std = Math.sqrt(ss / npix);
    // a spread below rounding noise is a constant annotation
    const usable = std > 1e-12 * (Math.abs(mean) + 1);
    for (let p = 0; p < npix; p++) out[p] = usable ? (l64[p] - mean) / std : 0;
    return out;
  });
}

/** X^T X / npix of centred columns (their covariance), n × n row-major. */
export function covariance(cols: readonly Float32Array[]): Float64Array {
  const npix = cols.length ? cols[0].length : 0;
  const out = gramMatrix(cols);
  for (let i = 0; i < out.length; i++) out[i] /= npix || 1;
  return out;
}

/**
 * Eigen-decomposition of a symmetric n × n matrix by cyclic Jacobi rotations. Values descending; vectors as rows
 * of `vectors` (n × n row-major), each of unit length.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J on rows/columns p and q
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        // eigenvectors as columns of V ← V J
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, r) => {
    values[r] = a[col * n + col];
    for (let k = 0; k < n; k++) vectors[r * n + k] = v[k * n + col];
  });
  return { values, vectors };
}

/** Scores of the pixels on the first `d` principal components: npix × d, row-major. */
export function pcaScores(cols: readonly Float32Array[], d: number): { scores: Float32Array; dims: number; explained: number } {
  const n = cols.length;
  const npix = n ? cols[0].length : 0;
  const { values, vectors } = symmetricEigen(covariance(cols), n);
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.max(0, values[i]);
  const dims = Math.max(1, Math.min(d, n));
  const scores = new Float32Array(npix * dims);
  const comp = new Float64Array(npix);
  let kept = 0;
  for (let c = 0; c < dims; c++) {
    kept += Math.max(0, values[c]);
    // one component over contiguous columns, then interleaved into the pixel-major scores
    comp.fill(0);
    for (let i = 0; i < n; i++) {
      const w = vectors[c * n + i];
      if (w === 0) continue;
      const col = cols[i];
      for (let p = 0; p < npix; p++) comp[p] += w * col[p];
    }
    for (let p = 0; p < npix; p++) scores[p * dims + c] = comp[p];
  }
  return { scores, dims, explained: total > 0 ? kept / total : 0 };
}

export interface KMeansResult {
  /** segment per point, 0..k-1, numbered by size (largest first) */
  labels: Uint8Array;
  /** k × dim centres, in the same numbering */
  centres: Float32Array;
  /** points per segment */
  counts: Uint32Array;
  /** within-segment sum of squared distances */
  inertia: number;
  iterations: number;
}

function kmeansOnce(points: Float32Array, npts: number, dim: number, k: number, rnd: () => number, maxIter: number, tol: number) {
  const centres = new Float64Array(k * dim);
  const d2 = new Float64Array(npts).fill(Infinity);
  const pick = (c: number, p: number) => { for (let j = 0; j < dim; j++) centres[c * dim + j] = points[p * dim + j]; };
  const dist = (p: number, c: number) => {
    let s = 0;
    for (let j = 0, pj = p * dim, cj = c * dim; j < dim; j++) { const x = points[pj + j] - centres[cj + j]; s += x * x; }
    return s;
  };
  // k-means++: first centre uniform, each next one with probability ∝ squared distance to the nearest centre
  pick(0, Math.min(npts - 1, Math.floor(rnd() * npts)));
  for (let c = 1; c < k; c++) {
    let sum = 0;
    for (let p = 0; p < npts; p++) { const x = dist(p, c - 1); if (x < d2[p]) d2[p] = x; sum += d2[p]; }
    let r = rnd() * sum;
    let chosen = npts - 1;
    for (let p = 0; p < npts; p++) { r -= d2[p]; if (r < 0) { chosen = p; break; } }
    pick(c, chosen);
  }
  const labels = new Uint8Array(npts);
  const counts = new Uint32Array(k);
  const prev = new Float64Array(k * dim);
  let iterations = 0;
  let inertia = 0;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    inertia = 0;
    for (let p = 0; p < npts; p++) {
      let best = 0, bd = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0, pj = p * dim, cj = c * dim; j < dim && s < bd; j++) { const x = points[pj + j] - centres[cj + j]; s += x * x; }
        if (s < bd) { bd = s; best = c; }
      }
      labels[p] = best;
      d2[p] = bd;
      inertia += bd;
    }
    prev.set(centres);
    centres.fill(0);
    counts.fill(0);
    for (let p = 0; p < npts; p++) {
      const c = labels[p];
      counts[c]++;
      for (let j = 0; j < dim; j++) centres[c * dim + j] += points[p * dim + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // an empty segment restarts at the point farthest from its centre
        let far = 0;
        for (let p = 1; p < npts; p++) if (d2[p] > d2[far]) far = p;
        pick(c, far);
        d2[far] = 0;
      } else for (let j = 0; j < dim; j++) centres[c * dim + j] /= counts[c];
    }
    // converged when the centres moved less than `tol` in total (squared)
    let shift = 0;
    for (let i = 0; i < centres.length; i++) shift += (centres[i] - prev[i]) ** 2;
    if (shift <= tol) break;
  }
  // final assignment to the final centres
  inertia = 0;
  counts.fill(0);
  for (let p = 0; p < npts; p++) {
    let best = 0, bd = Infinity;
    for (let c = 0; c < k; c++) { const x = dist(p, c); if (x < bd) { bd = x; best = c; } }
    labels[p] = best;
    counts[best]++;
    inertia += bd;
  }
  return { labels, centres, counts, inertia, iterations };
}

/** k-means (Lloyd) from seeded k-means++ starts, best of `restarts` by inertia. Points: npts × dim, row-major. */
export function kmeans(points: Float32Array, npts: number, dim: number, k: number, seed = 1, restarts = 2, maxIter = 100): KMeansResult {
  const msg = checkK(k);
  if (msg) throw new Error(msg);
  if (npts < k) throw new Error(`Cannot make ${k} segments of ${npts} sample pixels.`);
  const rnd = seededRandom(seed);
  // tolerance as scikit-learn's default: 1e-4 × the mean variance of the dimensions
  let varSum = 0;
  for (let j = 0; j < dim; j++) {
    let m = 0, m2 = 0;
    for (let p = 0; p < npts; p++) { const x = points[p * dim + j]; m += x; m2 += x * x; }
    m /= npts;
    varSum += m2 / npts - m * m;
  }
  const tol = 1e-4 * (varSum / dim);
  let best: ReturnType<typeof kmeansOnce> | null = null;
  for (let r = 0; r < restarts; r++) {
    const run = kmeansOnce(points, npts, dim, k, rnd, maxIter, tol);
    if (!best || run.inertia < best.inertia) best = run;
  }
  const b = best!;
  // number segments by size, largest first (ties: lower old number first), so colours follow size
  const order = Array.from({ length: k }, (_, c) => c).sort((x, y) => b.counts[y] - b.counts[x] || x - y);
  const rename = new Uint8Array(k);
  order.forEach((old, nw) => (rename[old] = nw));
  const labels = new Uint8Array(npts);
  for (let p = 0; p < npts; p++) labels[p] = rename[b.labels[p]];
  const centres = new Float32Array(k * dim);
  const counts = new Uint32Array(k);
  order.forEach((old, nw) => {
    counts[nw] = b.counts[old];
    for (let j = 0; j < dim; j++) centres[nw * dim + j] = b.centres[old * dim + j];
  });
  return { labels, centres, counts, inertia: b.inertia, iterations: b.iterations };
}

export interface Segmentation {
  k: number;
  /** segment of every grid pixel (row-major), SEG_OUTSIDE off the sample */
  map: Uint8Array;
  counts: Uint32Array;
  /** k × n: mean raw intensity of each annotation in each segment */
  means: Float32Array;
  /** principal components used, and the share of variance they hold */
  components: number;
  explained: number;
}

/**
 * Segments the sample pixels (mask = 1) of a width × height grid on the annotations' columns (`cols[a][i]` = the
 * intensity of annotation a at the i-th sample pixel in row-major order).
 */
export interface SegmentationBasis {
  /** npix × dims principal-component scores of the preprocessed columns */
  scores: Float32Array;
  dims: number;
  explained: number;
}

/** The k-independent part of `segmentPixels` (preprocessing + PCA): compute once, segment with any k. */
export function segmentationBasis(cols: readonly Float32Array[]): SegmentationBasis {
  if (cols.length === 0) throw new Error('No annotations at FDR ≤ 20 % to segment on.');
  return pcaScores(preprocessColumns(cols), SEG_MAX_COMPONENTS);
}

export function segmentPixels(cols: readonly Float32Array[], mask: Uint8Array, k: number, seed = 1, basis?: SegmentationBasis): Segmentation {
  const msg = checkK(k);
  if (msg) throw new Error(msg);
  if (cols.length === 0) throw new Error('No annotations at FDR ≤ 20 % to segment on.');
  const npix = cols[0].length;
  let nMask = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) nMask++;
  if (nMask !== npix) throw new Error(`segmentation: ${npix} values per annotation, the mask has ${nMask} sample pixels`);
  const { scores, dims, explained } = basis ?? segmentationBasis(cols);
  if (scores.length !== npix * dims) throw new Error('segmentation: the basis was made from other columns');
  const km = kmeans(scores, npix, dims, k, seed);
  const map = new Uint8Array(mask.length).fill(SEG_OUTSIDE);
  for (let i = 0, p = 0; i < mask.length; i++) if (mask[i]) map[i] = km.labels[p++];
  const n = cols.length;
  const means = new Float32Array(k * n);
  for (let a = 0; a < n; a++) {
    const sums = new Float64Array(k);
    const col = cols[a];
    for (let p = 0; p < npix; p++) sums[km.labels[p]] += col[p];
    for (let s = 0; s < k; s++) means[s * n + a] = km.counts[s] ? sums[s] / km.counts[s] : 0;
  }
  return { k, map, counts: km.counts, means, components: dims, explained };
}

/** Grid indices (row-major) of each segment's pixels: what a segment exported as a 'pixels' ROI holds. */
export function segmentIndices(map: Uint8Array, k: number): Uint32Array[] {
  const counts = new Uint32Array(k);
  for (let i = 0; i < map.length; i++) if (map[i] < k) counts[map[i]]++;
  const out = Array.from({ length: k }, (_, s) => new Uint32Array(counts[s]));
  const fill = new Uint32Array(k);
  for (let i = 0; i < map.length; i++) { const s = map[i]; if (s < k) out[s][fill[s]++] = i; }
  return out;
}
