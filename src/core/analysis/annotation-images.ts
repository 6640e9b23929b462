// Principal-peak (isotope 0) images of many annotations, one at a time, over the stored segments: what
// colocalization and segmentation read. Images are handed to `each` as they are made so the caller can reduce them
// (threshold, filter, keep only sample pixels) instead of holding every full image at once; segments are read in
// m/z order, each once, and dropped when no later window can touch them.
import { SegmentIndex, ionImageFromIndex } from '../score/images.ts';
import type { DatasetGeometry, Segment, SegmentInfo } from '../types.ts';
import { segmentsForWindows } from './ion-images.ts';

/** Which annotations analyses over the job use: METASPACE's default set, FDR ≤ 20 % (+0.001 slack, as its engine). */
export const ANALYSIS_MAX_FDR = 0.2;
export const inAnalysisSet = (fdr: number): boolean => fdr <= ANALYSIS_MAX_FDR + 0.001;

/** Most values (annotations × pixels) an analysis keeps at once: 100 M float32 values = 400 MB in one worker. */
export const MAX_ANALYSIS_VALUES = 100_000_000;

/** A clear error when `n` images of `npix` values would not fit (METASPACE downsamples instead; we do not yet). */
export function checkAnalysisSize(what: string, n: number, npix: number): void {
  if (n * npix > MAX_ANALYSIS_VALUES) {
    throw new Error(`${what} of ${n} annotations over ${npix.toLocaleString('en-US')} pixels needs ${Math.round((n * npix * 4) / 1e6)} MB, more than this page keeps at once (${MAX_ANALYSIS_VALUES * 4 / 1e6} MB); narrow the set (fewer annotations) to run it.`);
  }
}

/**
 * Calls `each(k, image)` for every m/z of `mzs` (k = its position in `mzs`), in ascending m/z order, with the dense
 * width × height image of the window mz ± ppm (m/z ≤ 0 → an all-zero image).
 */
export async function eachPrincipalImage(
  infos: readonly SegmentInfo[],
  readSegment: (index: number) => Promise<Segment>,
  geometry: DatasetGeometry,
  mzs: readonly number[],
  ppm: number,
  each: (k: number, image: Float32Array) => void,
): Promise<void> {
  const order = mzs.map((_, k) => k).sort((a, b) => mzs[a] - mzs[b]);
  const loaded = new Map<number, Segment>();
  for (const k of order) {
    const need = segmentsForWindows(infos, [mzs[k]], ppm);
    // windows come in ascending m/z: segments below the lowest one needed now are not needed again
    if (need.length) for (const i of [...loaded.keys()]) if (i < need[0]) loaded.delete(i);
    const segs: Segment[] = [];
    for (const i of need) {
      let s = loaded.get(i);
      if (!s) { s = await readSegment(i); loaded.set(i, s); }
      segs.push(s);
    }
    each(k, ionImageFromIndex(new SegmentIndex(segs), geometry, mzs[k], ppm));
  }
}

/**
 * The sample pixels' values (mask = 1, row-major order) of each m/z's principal-peak image: one column per m/z,
 * as segmentation reads them.
 */
export async function principalColumns(
  infos: readonly SegmentInfo[],
  readSegment: (index: number) => Promise<Segment>,
  geometry: DatasetGeometry,
  mzs: readonly number[],
  ppm: number,
): Promise<Float32Array[]> {
  const { mask } = geometry;
  let nMask = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) nMask++;
  checkAnalysisSize('Segmentation', mzs.length, nMask);
  const cols: Float32Array[] = new Array(mzs.length);
  await eachPrincipalImage(infos, readSegment, geometry, mzs, ppm, (k, img) => {
    const col = new Float32Array(nMask);
    for (let i = 0, p = 0; i < mask.length; i++) if (mask[i]) col[p++] = img[i];
    cols[k] = col;
  });
  return cols;
}
