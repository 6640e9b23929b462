// Ion images for the viewer, computed on demand from the stored segments (no images are stored):
// the 4 isotope images of an annotation, each over the window m/z ± ppm (spec §5).
import { SegmentIndex, ionImageFromIndex } from '../../core/score/images.ts';
import { windowBounds } from '../../core/score/windows.ts';
import { BLOB_MASK, BLOB_TIC } from '../../core/store.ts';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import { getStore, storeFor } from './store.ts';

const maskCache = new Map<string, Uint8Array>();

export async function datasetMask(meta: DatasetMeta): Promise<Uint8Array> {
  let m = maskCache.get(meta.id);
  if (!m) {
    const b = await getStore().getBlob(meta.id, BLOB_MASK);
    if (!b) throw new Error(`dataset ${meta.name}: sample mask missing from browser storage; delete and re-open the dataset.`);
    m = b;
    maskCache.set(meta.id, m);
  }
  return m;
}

export async function ticImage(meta: DatasetMeta): Promise<Float32Array | null> {
  const b = await getStore().getBlob(meta.id, BLOB_TIC);
  if (!b) return null;
  const copy = b.slice();
  return new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
}

/** Images of the given m/z values (0 = no peak → empty image). */
export async function ionImages(meta: DatasetMeta, mzs: readonly number[], ppm: number): Promise<Float32Array[]> {
  const mask = await datasetMask(meta);
  const wanted = new Set<number>();
  for (const mz of mzs) {
    if (!(mz > 0)) continue;
    const [lo, hi] = windowBounds(mz, ppm);
    for (const s of meta.segments) if (s.nPeaks > 0 && s.mzMax >= lo && s.mzMin <= hi) wanted.add(s.index);
  }
  const ids = [...wanted].sort((a, b) => a - b);
  const segs: Segment[] = [];
  const store = await storeFor(meta); // S3 for cloud datasets (mask and TIC are copied into this browser)
  for (const i of ids) segs.push(await store.getSegment(meta.id, i));
  const index = new SegmentIndex(segs);
  const geometry = { width: meta.width, height: meta.height, mask };
  return mzs.map((mz) => ionImageFromIndex(index, geometry, mz, ppm));
}
