// Regions of interest (issue 14 §6): which sample pixels a drawn shape holds, per-ROI statistics of an ion image,
// and the ROI-vs-rest (or ROI A vs ROI B) differential of one annotation. Pure: typed arrays in, numbers out.
// Coordinates and the membership rule are those of roi-types.ts: a pixel (x, y) is inside a polygon or rectangle
// when its centre (x + 0.5, y + 0.5) is; polygons use the even-odd rule; only sample pixels (mask = 1) count.
import Papa from 'papaparse';
import type { RoiShape } from './roi-types.ts';

/** A shape that cannot be used as a region, with the message for the user. */
export class RoiError extends Error {}

export const SELF_INTERSECTION_MESSAGE = 'the outline crosses itself; draw it again so that no two edges cross (a figure of eight is two regions)';

/** Sign of the turn a→b→c (cross product), 0 when collinear. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** c lies on segment a–b, given that the three are collinear. */
function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

function segmentsIntersect(p: number[], i: number, j: number, n: number): boolean {
  const [ax, ay, bx, by] = [p[2 * i], p[2 * i + 1], p[2 * ((i + 1) % n)], p[2 * ((i + 1) % n) + 1]];
  const [cx, cy, dx, dy] = [p[2 * j], p[2 * j + 1], p[2 * ((j + 1) % n)], p[2 * ((j + 1) % n) + 1]];
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) return true;
  // touching or overlapping counts as crossing: the outline would not be a simple polygon
  return (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) || (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy))
    || (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) || (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by));
}

/**
 * True when two edges of the closed polygon (x0,y0,x1,y1,…) that do not share a vertex meet (cross, touch or
 * overlap), or when two adjacent edges fold back onto each other. O(n²) — drawn outlines have few vertices.
 */
export function polygonSelfIntersects(points: readonly number[]): boolean {
  const n = points.length >> 1;
  const p = points as number[];
  if (n < 3) return false;
  for (let i = 0; i < n; i++) {
    // adjacent edges i and i+1 share vertex i+1: they only "cross" when they fold back (collinear, overlapping)
    const a = i, b = (i + 1) % n, c = (i + 2) % n;
    if (orient(p[2 * a], p[2 * a + 1], p[2 * b], p[2 * b + 1], p[2 * c], p[2 * c + 1]) === 0) {
      const dot = (p[2 * a] - p[2 * b]) * (p[2 * c] - p[2 * b]) + (p[2 * a + 1] - p[2 * b + 1]) * (p[2 * c + 1] - p[2 * b + 1]);
      if (dot > 0) return true;
    }
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // edges n-1 and 0 share vertex 0
      if (segmentsIntersect(p, i, j, n)) return true;
    }
  }
  return false;
}

/** Even-odd test of the point (px, py) against the closed polygon. */
export function insidePolygon(points: readonly number[], px: number, py: number): boolean {
  const n = points.length >> 1;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = points[2 * i], yi = points[2 * i + 1], xj = points[2 * j], yj = points[2 * j + 1];
    if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Checks a drawn shape before it is kept: a polygon needs 3+ distinct vertices and must not cross itself. */
export function checkShape(shape: RoiShape): void {
  if (shape.kind === 'polygon') {
    const p = shape.points;
    if (p.length % 2 !== 0 || p.some((v) => !Number.isFinite(v))) throw new RoiError('the outline has a malformed vertex list');
    if (p.length < 6) throw new RoiError('a polygon needs at least 3 points');
    if (polygonSelfIntersects(p)) throw new RoiError(SELF_INTERSECTION_MESSAGE);
  } else if (shape.kind === 'rect') {
    if (![shape.x, shape.y, shape.w, shape.h].every(Number.isFinite) || shape.w <= 0 || shape.h <= 0) throw new RoiError('the rectangle has no area');
  }
}

/**
 * Row-major indices (ascending) of the sample pixels of a `width`×`height` grid that the shape holds.
 * Throws RoiError for a shape that cannot be a region (see checkShape) and for one that holds no sample pixel.
 */
export function roiPixels(shape: RoiShape, width: number, height: number, mask: Uint8Array | null): Uint32Array {
  checkShape(shape);
  const out: number[] = [];
  const sample = (i: number) => !mask || mask[i] === 1;
  if (shape.kind === 'pixels') {
    const seen = new Uint8Array(width * height);
    for (const i of shape.indices) if (i < width * height && !seen[i] && sample(i)) { seen[i] = 1; out.push(i); }
    out.sort((a, b) => a - b);
  } else {
    let x0: number, x1: number, y0: number, y1: number;
    if (shape.kind === 'rect') {
      [x0, x1, y0, y1] = [shape.x, shape.x + shape.w, shape.y, shape.y + shape.h];
    } else {
      const xs = shape.points.filter((_, k) => k % 2 === 0);
      const ys = shape.points.filter((_, k) => k % 2 === 1);
      [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    }
    // pixels whose centre c + 0.5 can lie in [lo, hi]
    const c0 = Math.max(0, Math.ceil(x0 - 0.5)), c1 = Math.min(width - 1, Math.floor(x1 - 0.5));
    const r0 = Math.max(0, Math.ceil(y0 - 0.5)), r1 = Math.min(height - 1, Math.floor(y1 - 0.5));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const i = r * width + c;
        if (!sample(i)) continue;
        if (shape.kind === 'rect') {
          // half-open [x, x + w): a pixel centre on the right or bottom edge belongs to the neighbour
          if (c + 0.5 >= x0 && c + 0.5 < x1 && r + 0.5 >= y0 && r + 0.5 < y1) out.push(i);
        } else if (insidePolygon(shape.points, c + 0.5, r + 0.5)) {
          out.push(i);
        }
      }
    }
  }
  if (out.length === 0) throw new RoiError('the region holds no sample pixels (it lies outside the measured area or between pixel centres); draw it over the tissue');
  return Uint32Array.from(out);
}

/** The sample pixels not in `inside` (ascending): the "rest" of ROI-vs-rest. */
export function restPixels(inside: Uint32Array, mask: Uint8Array): Uint32Array {
  const taken = new Uint8Array(mask.length);
  for (const i of inside) taken[i] = 1;
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1 && !taken[i]) n++;
  const out = new Uint32Array(n);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i] === 1 && !taken[i]) out[k++] = i;
  return out;
}

/** Numbers per (annotation, ROI) in the analysis worker's stats table: mean, median, sum, pctSignal. */
export const ROI_STAT_FIELDS = 4;

export interface RoiStats {
  /** Sample pixels in the region. */
  n: number;
  mean: number;
  median: number;
  sum: number;
  /** Percent (0–100) of the region's pixels with an intensity > 0. */
  pctSignal: number;
}

/** Statistics of `image` over the pixels `indices` (the region's sample pixels; never empty, see roiPixels). */
export function roiStats(image: Float32Array, indices: Uint32Array): RoiStats {
  const n = indices.length;
  const v = new Float64Array(n);
  let sum = 0;
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const x = image[indices[k]];
    v[k] = x;
    sum += x;
    if (x > 0) pos++;
  }
  v.sort();
  const median = n === 0 ? NaN : n % 2 ? v[(n - 1) >> 1] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return { n, mean: n ? sum / n : NaN, median, sum, pctSignal: n ? (100 * pos) / n : NaN };
}

/**
 * The pseudo-count added to both means of a fold change, as a fraction of the average of the two means: scale-free
 * (the intensity unit does not matter), and an ion absent from one group gets a finite, bounded value:
 * |log2 FC| ≤ log2((1 + ε/2)/(ε/2)) = log2 201 ≈ 7.65.
 */
export const FOLD_CHANGE_PSEUDO = 0.01;

export interface Differential {
  meanA: number;
  meanB: number;
  /** log2((meanA + p) / (meanB + p)), p = FOLD_CHANGE_PSEUDO × (meanA + meanB) / 2; 0 when both means are 0. */
  log2fc: number;
  /** Mann–Whitney U of group A / (nA·nB): P(a > b) + ½ P(a = b) over all pairs of an A and a B pixel. */
  auc: number;
}

/** Log2 fold change of the means and AUC of `image` over pixel groups A and B (both non-empty). */
export function differential(image: Float32Array, a: Uint32Array, b: Uint32Array): Differential {
  const nA = a.length, nB = b.length;
  const va = new Float64Array(nA), vb = new Float64Array(nB);
  let sa = 0, sb = 0;
  for (let k = 0; k < nA; k++) sa += va[k] = image[a[k]];
  for (let k = 0; k < nB; k++) sb += vb[k] = image[b[k]];
  const meanA = sa / nA, meanB = sb / nB;
  const p = (FOLD_CHANGE_PSEUDO * (meanA + meanB)) / 2;
  const log2fc = meanA + meanB === 0 ? 0 : Math.log2((meanA + p) / (meanB + p));
  return { meanA, meanB, log2fc, auc: aucOf(va, vb) };
}

/**
 * AUC = U_A / (nA·nB), counting a tie as ½ — by merging the two sorted samples: for each run of equal values,
 * A's members beat every B value below the run and tie with the B values in it. O((nA + nB) log) for the sorts.
 */
export function aucOf(a: Float64Array, b: Float64Array): number {
  const nA = a.length, nB = b.length;
  if (nA === 0 || nB === 0) return NaN;
  a.sort();
  b.sort();
  let u = 0;
  let i = 0, j = 0;
  while (i < nA) {
    const v = a[i];
    let ia = i;
    while (ia < nA && a[ia] === v) ia++;
    while (j < nB && b[j] < v) j++;
    let jb = j;
    while (jb < nB && b[jb] === v) jb++;
    // (ia - i) A values equal to v: each beats j B values and ties with (jb - j)
    u += (ia - i) * (j + 0.5 * (jb - j));
    i = ia;
  }
  return u / (nA * nB);
}

/** What the CSV exports say about an annotation (a subset of AnnotationRow; `mz` = the principal peak's m/z). */
export interface RoiCsvAnnotation {
  ion: string;
  formula: string;
  adduct: string;
  database: string;
  mz: number;
  fdr: number;
  msm: number;
}

/** Columns of the ROI statistics CSV (docs/roi.md). */
export const ROI_STATS_CSV_COLUMNS = ['dataset', 'roi', 'roi_pixels', 'ion', 'formula', 'adduct', 'database', 'mz', 'fdr', 'msm', 'mean', 'median', 'sum', 'pct_pixels_with_signal'] as const;

const annCells = (a: RoiCsvAnnotation) => [a.ion, a.formula, a.adduct, a.database, a.mz, a.fdr, a.msm];

/**
 * One line per (ROI, annotation) from the worker's table `[annotation][roi][mean, median, sum, pctSignal]`;
 * full double precision (what the page shows is rounded).
 */
export function roiStatsCsv(dataset: string, annotations: readonly RoiCsvAnnotation[], rois: readonly { name: string; n: number }[], table: Float64Array): string {
  const data: unknown[][] = [];
  rois.forEach((r, j) => {
    annotations.forEach((a, k) => {
      const o = (k * rois.length + j) * ROI_STAT_FIELDS;
      data.push([dataset, r.name, r.n, ...annCells(a), table[o], table[o + 1], table[o + 2], table[o + 3]]);
    });
  });
  return Papa.unparse({ fields: [...ROI_STATS_CSV_COLUMNS], data }, { newline: '\n' });
}

/** Columns of the differential CSV (docs/roi.md). */
export const ROI_DIFF_CSV_COLUMNS = ['dataset', 'group_a', 'group_b', 'ion', 'formula', 'adduct', 'database', 'mz', 'fdr', 'msm', 'mean_a', 'mean_b', 'log2_fold_change', 'auc'] as const;

/** One line per annotation from the worker's table `[annotation][meanA, meanB, log2fc, auc]`. */
export function roiDiffCsv(dataset: string, groupA: string, groupB: string, annotations: readonly RoiCsvAnnotation[], table: Float64Array): string {
  const data = annotations.map((a, k) => [dataset, groupA, groupB, ...annCells(a), table[4 * k], table[4 * k + 1], table[4 * k + 2], table[4 * k + 3]]);
  return Papa.unparse({ fields: [...ROI_DIFF_CSV_COLUMNS], data }, { newline: '\n' });
}
