// Buckets peaks by m/z range while streaming (value checks and TIC fused into the same pass), then sorts each
// bucket in place (stable); its columns become the Segment.
import type { Segment } from '../types.ts';
import { sortPeaksInPlace } from './sort.ts';

/** Growable columns of one m/z bucket. */
class Bucket {
  n = 0;
  mz: Float64Array;
  intensity: Float32Array;
  pixel: Uint32Array;
  constructor(cap: number) {
    this.mz = new Float64Array(cap);
    this.intensity = new Float32Array(cap);
    this.pixel = new Uint32Array(cap);
  }
  grow(): void {
    const cap = Math.max(1024, Math.ceil(this.mz.length * 1.5));
    const mz = new Float64Array(cap); mz.set(this.mz.subarray(0, this.n)); this.mz = mz;
    const it = new Float32Array(cap); it.set(this.intensity.subarray(0, this.n)); this.intensity = it;
    const px = new Uint32Array(cap); px.set(this.pixel.subarray(0, this.n)); this.pixel = px;
  }
}

export class Segmenter {
  /** Lower bound of bucket k is bounds[k-1] (bucket 0 starts at -inf); bucket k holds bounds[k-1] <= mz < bounds[k]. */
  readonly bounds: Float64Array;
  private readonly buckets: Bucket[];
  /** Only buckets in [activeLo, activeHi) collect peaks (a pass of a multi-pass ingest); the others skip theirs. */
  private activeLo = 0;
  private activeHi: number;
  private readonly cap: number;

  /** `active`: the buckets that collect peaks first (default all; see setActive). */
  constructor(bounds: ArrayLike<number>, expectedPeaksPerBucket: number, active?: { lo: number; hi: number }) {
    this.bounds = Float64Array.from(bounds);
    this.cap = Math.max(1024, Math.ceil(expectedPeaksPerBucket * 1.15));
    this.activeHi = this.bounds.length + 1;
    this.buckets = Array.from({ length: this.bounds.length + 1 }, () => new Bucket(0));
    this.setActive(active?.lo ?? 0, active?.hi ?? this.buckets.length);
  }

  /**
   * Makes buckets [lo, hi) the ones that collect peaks (allocated now, at the expected size); peaks of other
   * buckets are checked and counted in the returned TIC but not kept (buckets leaving the range are dropped).
   * A new Segmenter has all buckets active.
   */
  setActive(lo: number, hi: number): void {
    for (let k = this.activeLo; k < this.activeHi; k++) if (k < lo || k >= hi) this.buckets[k] = new Bucket(0);
    this.activeLo = lo;
    this.activeHi = hi;
    for (let k = lo; k < hi; k++) if (this.buckets[k].mz.length === 0) this.buckets[k] = new Bucket(this.cap);
  }

  get bucketCount(): number {
    return this.buckets.length;
  }

  private find(m: number): number {
    const b = this.bounds;
    let l = 0, h = b.length;
    while (l < h) { const mid = (l + h) >>> 1; if (b[mid] <= m) l = mid + 1; else h = mid; }
    return l;
  }

  /**
   * One pass over a decoded spectrum: value checks, TIC and bucketing fused (no per-peak calls). Returns the sum of
   * the positive intensities, or -1 when a value is out of range (intensity not in [.., 1e12] or NaN; m/z of a
   * positive peak not in [0, mzMax]); the caller then names the bad peak. Peaks with intensity <= 0 are dropped.
   */
  addSpectrum(mz: ArrayLike<number>, intensity: ArrayLike<number>, pixel: number, mzMax: number, intensityMax: number): number {
    const n = mz.length;
    const bounds = this.bounds;
    const nb = bounds.length;
    let k = -1;
    let lo = Infinity, hi = -Infinity;
    let b: Bucket = this.buckets[0];
    let bm = b.mz, bi = b.intensity, bp = b.pixel, bn = b.n, cap = bm.length;
    const aLo = this.activeLo, aHi = this.activeHi;
    let active = false;
    let tic = 0;
    for (let j = 0; j < n; j++) {
      const v = intensity[j];
      if (!(v <= intensityMax)) { if (k >= 0) b.n = bn; return -1; }
      if (!(v > 0)) continue;
      const m = mz[j] + 0; // -0 → +0 so the sort sees one zero
      if (!(m >= 0 && m <= mzMax)) { if (k >= 0) b.n = bn; return -1; }
      tic += v;
      if (!(m >= lo && m < hi)) {
        if (k >= 0) b.n = bn;
        if (m >= hi) {
          // spectra are usually sorted by m/z: walk forward a few buckets before falling back to bisection
          let s = k + 1;
          const stop = Math.min(nb, k + 8);
          while (s < stop && bounds[s] <= m) s++;
          k = s < stop || s === nb ? s : this.find(m);
        } else k = this.find(m);
        lo = k === 0 ? -Infinity : bounds[k - 1];
        hi = k === nb ? Infinity : bounds[k];
        b = this.buckets[k];
        bm = b.mz; bi = b.intensity; bp = b.pixel; bn = b.n; cap = bm.length;
        active = k >= aLo && k < aHi;
      }
      if (!active) continue;
      if (bn === cap) {
        b.n = bn; b.grow();
        bm = b.mz; bi = b.intensity; bp = b.pixel; cap = bm.length;
      }
      bm[bn] = m; bi[bn] = v; bp[bn] = pixel; bn++;
    }
    if (k >= 0) b.n = bn;
    return tic;
  }

  /**
   * Sorts bucket k in place (stable) and hands its own columns out as the Segment (views of the first n entries;
   * copied to exact size only when the bucket over-grew by more than a quarter, so stores never keep much slack).
   */
  takeSortedInPlace(k: number): Segment {
    const b = this.buckets[k];
    const n = b.n;
    sortPeaksInPlace(b.mz, b.intensity, b.pixel, n);
    this.buckets[k] = new Bucket(0);
    if (b.mz.length > n * 1.25 + 1024) return { mz: b.mz.slice(0, n), intensity: b.intensity.slice(0, n), pixel: b.pixel.slice(0, n) };
    return { mz: b.mz.subarray(0, n), intensity: b.intensity.subarray(0, n), pixel: b.pixel.subarray(0, n) };
  }

  bucketSize(k: number): number {
    return this.buckets[k].n;
  }

}

/** Concatenates sorted segments whose m/z ranges follow each other. */
export function concatSegments(parts: Segment[]): Segment {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.mz.length;
  const mz = new Float64Array(n), intensity = new Float32Array(n), pixel = new Uint32Array(n);
  let o = 0;
  for (const p of parts) { mz.set(p.mz, o); intensity.set(p.intensity, o); pixel.set(p.pixel, o); o += p.mz.length; }
  return { mz, intensity, pixel };
}

/** Cuts a sorted segment larger than maxPeaks into pieces of about equal count, never splitting a run of equal m/z. */
export function splitSorted(seg: Segment, maxPeaks: number): Segment[] {
  const n = seg.mz.length;
  if (n <= maxPeaks) return [seg];
  const pieces = Math.ceil(n / maxPeaks);
  const out: Segment[] = [];
  let start = 0;
  for (let p = 1; p <= pieces && start < n; p++) {
    let end = p === pieces ? n : Math.max(start + 1, Math.round((n * p) / pieces));
    while (end < n && seg.mz[end] === seg.mz[end - 1]) end++;
    out.push({ mz: seg.mz.slice(start, end), intensity: seg.intensity.slice(start, end), pixel: seg.pixel.slice(start, end) });
    start = end;
  }
  return out;
}

/** Segment bounds at the quantiles of sorted sample m/z values; strictly increasing, possibly fewer than asked. */
export function quantileBounds(sortedSample: Float64Array, nSegments: number): number[] {
  const bounds: number[] = [];
  const len = sortedSample.length;
  if (len === 0) return bounds;
  for (let s = 1; s < nSegments; s++) {
    const v = sortedSample[Math.min(len - 1, Math.floor((s * len) / nSegments))];
    if (bounds.length === 0 || v > bounds[bounds.length - 1]) bounds.push(v);
  }
  return bounds;
}
