// Ion images of several m/z windows of one dataset (spec §5): which stored segments the windows touch, and the
// dense images over those segments. The viewer's isotope images and every analysis over many ion images
// (colocalization, ROI statistics, segmentation) start here; the page runs it in workers/analysis-worker.ts.
import { SegmentIndex, ionImageFromIndex } from '../score/images.ts';
import { windowBounds } from '../score/windows.ts';
import type { DatasetGeometry, Segment, SegmentInfo } from '../types.ts';

/**
 * Indices (ascending) of the non-empty segments that any window mz ± ppm overlaps; an m/z ≤ 0 (no peak) asks
 * for nothing. Read these segments, in this order, for `ionImagesOf`.
 */
export function segmentsForWindows(segments: readonly SegmentInfo[], mzs: readonly number[], ppm: number): number[] {
  const wanted = new Set<number>();
  for (const mz of mzs) {
    if (!(mz > 0)) continue;
    const [lo, hi] = windowBounds(mz, ppm);
    for (const s of segments) if (s.nPeaks > 0 && s.mzMax >= lo && s.mzMin <= hi) wanted.add(s.index);
  }
  return [...wanted].sort((a, b) => a - b);
}

/** One image per m/z (0 = no peak → an all-zero image), over `segments` sorted by m/z (see segmentsForWindows). */
export function ionImagesOf(segments: Segment[], geometry: DatasetGeometry, mzs: readonly number[], ppm: number): Float32Array[] {
  const index = new SegmentIndex(segments);
  return mzs.map((mz) => ionImageFromIndex(index, geometry, mz, ppm));
}
