// The usual `getImages` for writeBundle: a row's isotope images recomputed from the dataset's m/z-sorted
// segments (the job stores no images), one per centroid slot (m/z 0 → empty image), as the viewer does.
import type { AnnotationRow } from '../job/result.ts';
import type { SegmentStore } from '../store.ts';
import type { DatasetGeometry, DatasetMeta, Segment } from '../types.ts';
import { ionImageFromIndex, SegmentIndex } from '../score/images.ts';
import { windowBounds } from '../score/windows.ts';

/** From segments already in memory (all of them, in m/z order). */
export function imagesFromSegments(
  segments: Segment[],
  geometry: DatasetGeometry,
  ppm: number,
): (row: AnnotationRow) => Promise<Float32Array[]> {
  const index = new SegmentIndex(segments);
  return async (row) => row.centroidMzs.map((mz) => ionImageFromIndex(index, geometry, mz, ppm));
}

/**
 * From a SegmentStore: loads only the segments whose m/z range meets a row's windows, keeping the last
 * `cacheSize` segments (rows are usually m/z-scattered, so a small cache is enough to avoid re-reading
 * a segment for the isotopes of one ion).
 */
export function imagesFromStore(
  store: SegmentStore,
  meta: DatasetMeta,
  mask: Uint8Array,
  ppm: number,
  cacheSize = 4,
): (row: AnnotationRow) => Promise<Float32Array[]> {
  const cache = new Map<number, Segment>();
  const geometry: DatasetGeometry = { width: meta.width, height: meta.height, mask };
  const load = async (i: number): Promise<Segment> => {
    let s = cache.get(i);
    if (s) {
      cache.delete(i);
    } else {
      s = await store.getSegment(meta.id, i);
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as number);
    }
    cache.set(i, s);
    return s;
  };
  return async (row) => {
    const wanted = new Set<number>();
    for (const mz of row.centroidMzs) {
      if (!(mz > 0)) continue;
      const [lo, hi] = windowBounds(mz, ppm);
      for (const s of meta.segments) if (s.nPeaks > 0 && s.mzMax >= lo && s.mzMin <= hi) wanted.add(s.index);
    }
    const segs: Segment[] = [];
    for (const i of [...wanted].sort((a, b) => a - b)) segs.push(await load(i));
    const index = new SegmentIndex(segs);
    return row.centroidMzs.map((mz) => ionImageFromIndex(index, geometry, mz, ppm));
  };
}
