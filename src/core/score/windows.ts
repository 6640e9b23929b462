// m/z windows of the ion images (spec §5): [μ − δ, μ + δ] with δ = μ·ppm·1e-6, both ends inclusive.
// The arithmetic order (μ·ppm first, then ·1e-6; then μ ∓ δ) follows METASPACE's
// `mass_accuracy_half_width`/`mass_accuracy_bounds`, so a peak lying exactly on a bound falls on the
// same side as there.

/** Half width δ of the window around `mz` at `ppm`. */
export function windowHalfWidth(mz: number, ppm: number): number {
  return mz * ppm * 1e-6;
}

/** Lower bound μ − δ (inclusive). */
export function windowLo(mz: number, ppm: number): number {
  return mz - windowHalfWidth(mz, ppm);
}

/** Upper bound μ + δ (inclusive). */
export function windowHi(mz: number, ppm: number): number {
  return mz + windowHalfWidth(mz, ppm);
}

/** [lo, hi] of the window around `mz`. */
export function windowBounds(mz: number, ppm: number): [number, number] {
  const d = windowHalfWidth(mz, ppm);
  return [mz - d, mz + d];
}

/**
 * First index i in [from, to) with arr[i] >= x (numpy searchsorted side='left'); `to` when none.
 * `arr` must be sorted ascending.
 */
export function lowerBound(arr: Float64Array, x: number, from = 0, to = arr.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * First index i in [from, to) with arr[i] > x (numpy searchsorted side='right'); `to` when none.
 * Together with `lowerBound(lo)` this gives the half-open index range [lowerBound(lo), upperBound(hi))
 * of the peaks with lo <= m/z <= hi.
 */
export function upperBound(arr: Float64Array, x: number, from = 0, to = arr.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
