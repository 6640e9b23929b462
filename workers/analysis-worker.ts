// Web Worker for work over many ion images (the viewer's isotope images today; colocalization, ROI statistics and
// segmentation next): keeps that computation off the page's main thread. Local datasets' segments are read here
// from the same IndexedDB store the page uses, with a segment cache (the viewer asks for the same segments again and
// again). Cloud datasets' segments are read by the page (S3, with its in-memory cloud settings, which a worker does
// not have) and arrive with the request. Images go back as transferables.
import * as Comlink from 'comlink';
import { ionImagesOf, segmentsForWindows } from '../src/core/analysis/ion-images.ts';
import { differential, restPixels, roiStats, ROI_STAT_FIELDS } from '../src/core/analysis/roi.ts';
import { CachedSegmentStore } from '../src/core/cached-store.ts';
import type { DatasetMeta, Segment } from '../src/core/types.ts';
import { IdbSegmentStore } from '../src/platform/browser/idb-store.ts';

export interface IonImagesRequest {
  meta: DatasetMeta;
  mask: Uint8Array;
  /** One image per m/z; 0 = no peak (an all-zero image). */
  mzs: number[];
  ppm: number;
  /** The segments `segmentsForWindows` names, in its order, when the page read them (cloud datasets); else read here. */
  segments?: Segment[];
}

// Dataset ids are random per ingest and never reused, so cached segments cannot go stale.
const store = new CachedSegmentStore(new IdbSegmentStore(), 128 * 1024 * 1024);

async function readSegments(meta: DatasetMeta, ids: number[]): Promise<Segment[]> {
  const out: Segment[] = [];
  for (const i of ids) out.push(await store.getSegment(meta.id, i));
  return out;
}

/** The principal-peak images of ROI requests: given (an opened bundle's), or computed here 16 at a time. */
export interface RoiImagesRequest extends IonImagesRequest {
  /** One image per m/z, when the page has them (a shared bundle's); then nothing is read or computed. */
  images?: Float32Array[];
}

async function forEachImage(req: RoiImagesRequest, f: (image: Float32Array, k: number) => void): Promise<void> {
  if (req.images) { req.images.forEach(f); return; }
  const segments = req.segments ?? (await readSegments(req.meta, segmentsForWindows(req.meta.segments, req.mzs, req.ppm)));
  const geometry = { width: req.meta.width, height: req.meta.height, mask: req.mask };
  const CHUNK = 16; // bounds memory: 16 dense images at a time, not one per annotation
  for (let k0 = 0; k0 < req.mzs.length; k0 += CHUNK) {
    ionImagesOf(segments, geometry, req.mzs.slice(k0, k0 + CHUNK), req.ppm).forEach((img, k) => f(img, k0 + k));
  }
}

const api = {
  async ionImages(req: IonImagesRequest): Promise<Float32Array[]> {
    const segments = req.segments ?? (await readSegments(req.meta, segmentsForWindows(req.meta.segments, req.mzs, req.ppm)));
    const images = ionImagesOf(segments, { width: req.meta.width, height: req.meta.height, mask: req.mask }, req.mzs, req.ppm);
    return Comlink.transfer(images, images.map((img) => img.buffer));
  },

  /** Per annotation (m/z) and ROI (its sample pixels): mean, median, sum, % with signal — [ann][roi][field]. */
  async roiStats(req: RoiImagesRequest & { groups: Uint32Array[] }): Promise<Float64Array> {
    const nR = req.groups.length;
    const out = new Float64Array(req.mzs.length * nR * ROI_STAT_FIELDS);
    await forEachImage(req, (img, k) => {
      req.groups.forEach((g, r) => {
        const s = roiStats(img, g);
        out.set([s.mean, s.median, s.sum, s.pctSignal], (k * nR + r) * ROI_STAT_FIELDS);
      });
    });
    return Comlink.transfer(out, [out.buffer]);
  },

  /** Per annotation: mean A, mean B, log2 fold change, AUC of group A vs group B (null = the rest of the sample). */
  async roiDifferential(req: RoiImagesRequest & { a: Uint32Array; b: Uint32Array | null }): Promise<Float64Array> {
    const b = req.b ?? restPixels(req.a, req.mask);
    if (b.length === 0) throw new Error('the region covers the whole sample: there is no rest to compare it with');
    const out = new Float64Array(req.mzs.length * 4);
    await forEachImage(req, (img, k) => {
      const d = differential(img, req.a, b);
      out.set([d.meanA, d.meanB, d.log2fc, d.auc], k * 4);
    });
    return Comlink.transfer(out, [out.buffer]);
  },
};

export type AnalysisWorkerApi = typeof api;
Comlink.expose(api);
