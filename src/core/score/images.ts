// Ion images over m/z-sorted dataset segments (spec §5). A window may straddle segment borders, so
// every lookup goes through SegmentIndex, which turns [lo, hi] into per-segment peak index ranges.
import type { DatasetGeometry, Segment } from '../types.ts';
import { lowerBound, lowerBoundNear, upperBound, upperBoundNear, windowBounds } from './windows.ts';

export class SegmentOrderError extends Error {
  override name = 'SegmentOrderError';
}

/**
 * Finds the peaks of an m/z window in a list of segments that are sorted by m/z among themselves
 * (segment i's last m/z <= segment i+1's first m/z) and internally. Empty segments are skipped.
 */
export class SegmentIndex {
  readonly segments: Segment[];
  /** Indices into `segments` of the non-empty segments, and their first/last m/z. */
  private readonly ids: Int32Array;
  private readonly first: Float64Array;
  private readonly last: Float64Array;

  constructor(segments: Segment[]) {
    this.segments = segments;
    const ids: number[] = [];
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      if (s.mz.length !== s.intensity.length || s.mz.length !== s.pixel.length) {
        throw new SegmentOrderError(
          `segment ${i}: mz/intensity/pixel lengths differ (${s.mz.length}/${s.intensity.length}/${s.pixel.length}); the segment is corrupt — re-ingest the dataset`,
        );
      }
      if (s.mz.length > 0) ids.push(i);
    }
    this.ids = Int32Array.from(ids);
    this.first = new Float64Array(ids.length);
    this.last = new Float64Array(ids.length);
    for (let k = 0; k < ids.length; k++) {
      const mz = segments[ids[k]].mz;
      this.first[k] = mz[0];
      this.last[k] = mz[mz.length - 1];
      if (k > 0 && this.first[k] < this.last[k - 1]) {
        throw new SegmentOrderError(
          `segments ${ids[k - 1]} and ${ids[k]} overlap in m/z (${this.last[k - 1]} > ${this.first[k]}); pass the segments in m/z order`,
        );
      }
    }
  }

  /**
   * Writes the peak ranges of the window [lo, hi] (inclusive) as (segment index, start, end) triples,
   * end exclusive, into `out` from offset 0; returns the number of triples. `out` needs room for
   * 3 × (number of segments) entries in the worst case.
   */
  ranges(lo: number, hi: number, out: Int32Array): number {
    const n = this.ids.length;
    // first non-empty segment whose last m/z >= lo
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.last[mid] < lo) a = mid + 1;
      else b = mid;
    }
    let count = 0;
    for (let k = a; k < n && this.first[k] <= hi; k++) {
      const seg = this.segments[this.ids[k]];
      const mz = seg.mz;
      const start = this.first[k] >= lo ? 0 : lowerBound(mz, lo);
      const end = this.last[k] <= hi ? mz.length : upperBound(mz, hi, start);
      if (end > start) {
        out[count * 3] = this.ids[k];
        out[count * 3 + 1] = start;
        out[count * 3 + 2] = end;
        count++;
      }
    }
    return count;
  }

  /**
   * `ranges` for a caller that visits windows in roughly increasing m/z (the score kernel, ions sorted by
   * m/z): the searches start from where the previous window of the same slot began — `hint[at]` (a
   * non-empty segment's ordinal) and `hint[at + 1]` (a peak index in it) — and gallop from there, then
   * the hint moves to this window's start. The triples are exactly those of `ranges(lo, hi, out)`.
   */
  rangesNear(lo: number, hi: number, out: Int32Array, hint: Int32Array, at: number): number {
    const n = this.ids.length;
    const first = this.first;
    const last = this.last;
    // first non-empty segment whose last m/z >= lo, walking from the hinted one (segments are few)
    let a = hint[at];
    if (a > n) a = n;
    while (a > 0 && last[a - 1] >= lo) a--;
    while (a < n && last[a] < lo) a++;
    let count = 0;
    for (let k = a; k < n && first[k] <= hi; k++) {
      const mz = this.segments[this.ids[k]].mz;
      let start: number;
      if (first[k] >= lo) start = 0;
      else if (k === hint[at]) start = lowerBoundNear(mz, lo, hint[at + 1]);
      else start = lowerBound(mz, lo);
      if (k === a) {
        hint[at] = a;
        hint[at + 1] = start;
      }
      const end = last[k] <= hi ? mz.length : upperBoundNear(mz, hi, start, start);
      if (end > start) {
        out[count * 3] = this.ids[k];
        out[count * 3 + 1] = start;
        out[count * 3 + 2] = end;
        count++;
      }
    }
    return count;
  }

  /** Worst-case size of the `out` array of `ranges`. */
  get maxRangeEntries(): number {
    return Math.max(3, this.ids.length * 3);
  }
}

/**
 * Dense ion image (h*w, row-major) of the window mz ± ppm: intensities of all peaks in the window
 * summed per pixel, in float32 as METASPACE's sparse→dense conversion does. For display.
 */
export function ionImage(segments: Segment[], geometry: DatasetGeometry, mz: number, ppm: number): Float32Array {
  return ionImageFromIndex(new SegmentIndex(segments), geometry, mz, ppm);
}

/** `ionImage` with a prebuilt SegmentIndex (several images of the same dataset). */
export function ionImageFromIndex(
  index: SegmentIndex,
  geometry: DatasetGeometry,
  mz: number,
  ppm: number,
): Float32Array {
  const { width, height } = geometry;
  const img = new Float32Array(width * height);
  if (!(mz > 0)) return img;
  const [lo, hi] = windowBounds(mz, ppm);
  const out = new Int32Array(index.maxRangeEntries);
  const nr = index.ranges(lo, hi, out);
  const size = img.length;
  for (let r = 0; r < nr; r++) {
    const seg = index.segments[out[r * 3]];
    const pix = seg.pixel;
    const val = seg.intensity;
    for (let j = out[r * 3 + 1], e = out[r * 3 + 2]; j < e; j++) {
      const p = pix[j];
      if (p >= size) {
        throw new RangeError(
          `segment ${out[r * 3]} peak ${j}: pixel index ${p} is outside the ${width}×${height} image; the segments do not belong to this geometry`,
        );
      }
      img[p] += val[j];
    }
  }
  return img;
}
