// Intensity scaling of ion images, following the METASPACE web app's presets (ecosystem.md §1.1):
// 'linear' clips hot spots at the 99th percentile of the visible pixels, 'log' uses the 1st–99th
// percentiles then log, 'hist' equalises by rank; the '-full' variants skip clipping.
// Pure functions over Float32Array; no DOM.

export type ScaleMode = 'linear' | 'linear-full' | 'log' | 'log-full' | 'hist';
export const SCALE_MODES: readonly ScaleMode[] = ['linear', 'linear-full', 'log', 'log-full', 'hist'];
export const SCALE_LABELS: Record<ScaleMode, string> = {
  linear: 'Linear (99th pct hot-spot removal)',
  'linear-full': 'Linear (no hot-spot removal)',
  log: 'Logarithmic (1st–99th pct)',
  'log-full': 'Logarithmic (full range)',
  hist: 'Equalized histogram',
};

/** numpy-style quantile (linear interpolation between order statistics) of an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (q <= 0) return sorted[0];
  if (q >= 1) return sorted[n - 1];
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Finite, positive intensities of the sampled pixels (mask 1, or all when no mask), ascending. */
export function visibleValues(image: Float32Array, mask?: Uint8Array | null, minExclusive = 0): Float32Array {
  return collectValues(image, mask, minExclusive).sort();
}

/** The same values as visibleValues, in pixel order (unsorted). */
function collectValues(image: Float32Array, mask: Uint8Array | null | undefined, minExclusive: number): Float32Array {
  let n = 0;
  for (let i = 0; i < image.length; i++) {
    const v = image[i];
    if (v > minExclusive && (!mask || mask[i]) && Number.isFinite(v)) n++;
  }
  const out = new Float32Array(n);
  n = 0;
  for (let i = 0; i < image.length; i++) {
    const v = image[i];
    if (v > minExclusive && (!mask || mask[i]) && Number.isFinite(v)) out[n++] = v;
  }
  return out;
}

/**
 * Moves the k-th smallest value (0-based) of a[lo..hi] to index k, smaller-or-equal ones before it and
 * greater-or-equal ones after it (quickselect, median-of-three pivots); returns it. Reorders `a`.
 */
export function selectKth(a: Float32Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as pivot, swapped to hi
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[mid] < a[hi]) swap(a, mid, hi);
    const pivot = a[hi];
    let i = lo;
    for (let j = lo; j < hi; j++) if (a[j] < pivot) swap(a, i++, j);
    swap(a, i, hi);
    if (i === k) return a[k];
    if (k < i) hi = i - 1;
    else lo = i + 1;
  }
  return a[k];
}

function swap(a: Float32Array, i: number, j: number) {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * quantileSorted's value for unsorted values, by selection instead of a full sort (the same two order statistics,
 * so the same number; O(n) — the hot-spot rule runs on every image shown). Reorders `vals`.
 */
export function quantileUnsorted(vals: Float32Array, q: number): number {
  const n = vals.length;
  if (n === 0) return NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const a = selectKth(vals, lo);
  if (lo + 1 >= n || pos === lo) return a;
  // the next order statistic is the smallest value after index lo
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (vals[i] < b) b = vals[i];
  return a + (b - a) * (pos - lo);
}

export function imageMax(image: Float32Array, mask?: Uint8Array | null): number {
  let max = 0;
  for (let i = 0; i < image.length; i++) {
    const v = image[i];
    if ((!mask || mask[i]) && v > max) max = v;
  }
  return max;
}

/** The data range a scale mode shows by default: values outside [min, max] are clamped. */
export interface ScaleRange {
  /** Lowest shown intensity (maps to colour 0). */
  min: number;
  /** Highest shown intensity (maps to colour 255); below the image max when hot spots were clipped. */
  max: number;
  /** True maximum of the sampled pixels. */
  dataMax: number;
  /** True when max < dataMax (the "intensities above … have been reduced" notice). */
  clipped: boolean;
}

/**
 * METASPACE hot-spot rule: ignore pixels below max/256 (invisible anyway), take the 99th percentile of
 * the rest as the top of the scale. Computed over sampled pixels only, so sparse images keep contrast.
 */
export function defaultRange(image: Float32Array, mask: Uint8Array | null | undefined, mode: ScaleMode): ScaleRange {
  const dataMax = imageMax(image, mask);
  if (!(dataMax > 0)) return { min: 0, max: 0, dataMax: 0, clipped: false };
  if (mode === 'linear-full' || mode === 'hist') return { min: 0, max: dataMax, dataMax, clipped: false };
  if (mode === 'linear') {
    const vals = collectValues(image, mask, dataMax / 256);
    const top = vals.length ? quantileUnsorted(vals, 0.99) : dataMax;
    return { min: 0, max: top, dataMax, clipped: top < dataMax };
  }
  const vals = collectValues(image, mask, 0);
  if (mode === 'log-full') {
    let lo = vals.length ? Infinity : NaN;
    for (let i = 0; i < vals.length; i++) if (vals[i] < lo) lo = vals[i];
    return { min: lo, max: dataMax, dataMax, clipped: false };
  }
  const lo = quantileUnsorted(vals, 0.01);
  const hi = quantileUnsorted(vals, 0.99);
  return { min: lo, max: hi, dataMax, clipped: hi < dataMax };
}

/**
 * Maps intensities to display values in [0, 1] (NaN = not sampled → transparent). The renderer then
 * applies only a LUT, so WebGL and Canvas2D draw identical colours. `range` is in intensity units.
 */
export function toDisplay(
  image: Float32Array,
  mask: Uint8Array | null | undefined,
  mode: ScaleMode,
  range: { min: number; max: number },
  out: Float32Array = new Float32Array(image.length),
): Float32Array {
  const { min, max } = range;
  if (mode === 'hist') {
    const ranks = histEqualizer(image, mask);
    for (let i = 0; i < image.length; i++) {
      if (mask && !mask[i]) { out[i] = NaN; continue; }
      const v = Math.min(Math.max(image[i], min), max);
      out[i] = ranks(v);
    }
    return out;
  }
  const log = mode === 'log' || mode === 'log-full';
  const lmin = log ? Math.log(Math.max(min, Number.MIN_VALUE)) : min;
  const lmax = log ? Math.log(Math.max(max, Number.MIN_VALUE)) : max;
  const span = lmax - lmin;
  for (let i = 0; i < image.length; i++) {
    if (mask && !mask[i]) { out[i] = NaN; continue; }
    const v = image[i];
    if (!(span > 0)) { out[i] = v >= max && max > 0 ? 1 : 0; continue; }
    let t: number;
    if (log) t = v > 0 ? (Math.log(v) - lmin) / span : 0;
    else t = (v - lmin) / span;
    out[i] = t < 0 ? 0 : t > 1 ? 1 : t;
  }
  return out;
}

/**
 * Equalized histogram: 256 quantiles of the non-zero sampled values; a value maps to the fraction of
 * quantile thresholds it reaches (zero stays 0), so colours are spread evenly over the pixels.
 */
export function histEqualizer(image: Float32Array, mask?: Uint8Array | null): (v: number) => number {
  const vals = visibleValues(image, mask, 0);
  if (vals.length === 0) return () => 0;
  const q = new Float64Array(256);
  for (let k = 0; k < 256; k++) q[k] = quantileSorted(vals, k / 255);
  return (v: number) => {
    if (!(v > 0)) return 0;
    // number of thresholds ≤ v (binary search), scaled to [0, 1]
    let lo = 0;
    let hi = 256;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (q[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo / 256;
  };
}

/** Value of the image at world coordinate (wx, wy) (image pixels, y down), or null outside / off-sample. */
export function pixelAt(
  image: Float32Array,
  width: number,
  height: number,
  wx: number,
  wy: number,
  mask?: Uint8Array | null,
): { col: number; row: number; value: number } | null {
  const col = Math.floor(wx);
  const row = Math.floor(wy);
  if (!(col >= 0 && col < width && row >= 0 && row < height)) return null;
  const i = row * width + col;
  if (mask && !mask[i]) return null;
  return { col, row, value: image[i] };
}

/** Compact number formatting for intensities and colour-bar ticks. */
export function formatIntensity(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-2) return v.toExponential(2);
  if (a >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}
