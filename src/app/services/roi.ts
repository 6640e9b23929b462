// Regions of interest in the page: kept in IndexedDB with the dataset (platform/browser/roi-store.ts), and their
// statistics and differential table computed in the analysis worker over the annotations' principal-peak images
// (read from the stored segments there; a cloud dataset's segments are read here; a shared bundle's images are
// passed in).
import * as Comlink from 'comlink';
import { segmentsForWindows } from '../../core/analysis/ion-images.ts';
import type { Roi } from '../../core/analysis/roi-types.ts';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import { deleteRois, getRois, putRois } from '../../platform/browser/roi-store.ts';
import { analysisWorker } from './images.ts';
import { isCloudDataset, storeFor } from './store.ts';

export { getRois as loadRois, putRois as saveRois, deleteRois };

/** Where the images come from: the dataset's segments (m/z ± ppm), or images the page already has. */
export interface RoiImageSource {
  meta: DatasetMeta;
  mask: Uint8Array;
  /** Principal-peak m/z per annotation. */
  mzs: number[];
  ppm: number;
  /** One image per annotation (a shared bundle's); then no segment is read. */
  images?: Float32Array[];
}

async function request(src: RoiImageSource) {
  let segments: Segment[] | undefined;
  if (!src.images && (await isCloudDataset(src.meta))) {
    // S3 reads need the page's cloud settings (memory only): read here, compute in the worker
    const store = await storeFor(src.meta);
    segments = [];
    for (const i of segmentsForWindows(src.meta.segments, src.mzs, src.ppm)) segments.push(await store.getSegment(src.meta.id, i));
  }
  return { meta: src.meta, mask: src.mask, mzs: src.mzs, ppm: src.ppm, segments, images: src.images };
}

/** [annotation][roi][mean, median, sum, % signal] over each group of sample pixels. */
export async function roiStatsTable(src: RoiImageSource, groups: Uint32Array[]): Promise<Float64Array> {
  const req = await request(src);
  const w = analysisWorker();
  return Promise.race([w.remote.roiStats(Comlink.transfer({ ...req, groups }, (req.images ?? []).map((i) => i.buffer))), w.crashed]);
}

/** [annotation][mean A, mean B, log2 FC, AUC] of group A vs group B (null = the rest of the sample). */
export async function roiDifferentialTable(src: RoiImageSource, a: Uint32Array, b: Uint32Array | null): Promise<Float64Array> {
  const req = await request(src);
  const w = analysisWorker();
  return Promise.race([w.remote.roiDifferential(Comlink.transfer({ ...req, a, b }, (req.images ?? []).map((i) => i.buffer))), w.crashed]);
}

export type { Roi };
