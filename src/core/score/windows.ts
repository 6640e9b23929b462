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

/**
 * `lowerBound` started from a guess `hint` in [from, to]: gallops (1, 2, 4, … steps) from the hint towards
 * the answer, then bisects the last step. Same result as `lowerBound(arr, x, from, to)` for any hint; costs
 * O(log distance), and touches memory near the hint, so windows visited in m/z order stay in cache.
 */
export function lowerBoundNear(arr: Float64Array, x: number, hint: number, from = 0, to = arr.length): number {
  let h = hint < from ? from : hint > to ? to : hint;
  let lo: number;
  let hi: number;
  if (h < to && arr[h] < x) {
    // answer in (h, to]
    lo = h + 1;
    let step = 1;
    hi = lo;
    while (hi < to && arr[hi] < x) {
      lo = hi + 1;
      hi += step;
      step *= 2;
    }
    if (hi > to) hi = to;
  } else {
    // answer in [from, h]
    hi = h;
    let step = 1;
    lo = h;
    while (lo > from && !(arr[lo - 1] < x)) {
      hi = lo - 1;
      lo -= step;
      step *= 2;
      if (lo < from) lo = from;
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `upperBound` started from a guess `hint` in [from, to] (see lowerBoundNear); same result for any hint. */
export function upperBoundNear(arr: Float64Array, x: number, hint: number, from = 0, to = arr.length): number {
  let h = hint < from ? from : hint > to ? to : hint;
  let lo: number;
  let hi: number;
  if (h < to && arr[h] <= x) {
    lo = h + 1;
    let step = 1;
    hi = lo;
    while (hi < to && arr[hi] <= x) {
      lo = hi + 1;
      hi += step;
      step *= 2;
    }
    if (hi > to) hi = to;
  } else {
    hi = h;
    let step = 1;
    lo = h;
    while (lo > from && arr[lo - 1] > x) {
      hi = lo - 1;
      lo -= step;
      step *= 2;
      if (lo < from) lo = from;
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
