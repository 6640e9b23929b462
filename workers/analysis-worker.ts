// Web Worker for work over many ion images (the viewer's isotope images today; colocalization, ROI statistics and
// segmentation next): keeps that computation off the page's main thread. Local datasets' segments are read here
// from the same IndexedDB store the page uses, with a segment cache (the viewer asks for the same segments again and
// again). Cloud datasets' segments are read by the page (S3, with its in-memory cloud settings, which a worker does
// not have) and arrive with the request. Images go back as transferables.
import * as Comlink from 'comlink';
import { ionImagesOf, segmentsForWindows } from '../src/core/analysis/ion-images.ts';
import { CachedSegmentStore } from '../src/core/cached-store.ts';
import { SpectrumIndex } from '../src/platform/browser/spectrum-index.ts';
import type { Spectrum } from '../src/core/analysis/spectrum.ts';
import type { DatasetMeta, Segment } from '../src/core/types.ts';
import type { IndexProgress, PixelSpectrumReply } from '../src/platform/browser/spectrum-index.ts';
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
const idb = new IdbSegmentStore();
const store = new CachedSegmentStore(idb, 128 * 1024 * 1024);
// the spectrum browser's pixel-major copy and mean spectrum (built once per dataset, kept in IndexedDB)
const spectra = new SpectrumIndex(idb);

async function readSegments(meta: DatasetMeta, ids: number[]): Promise<Segment[]> {
  const out: Segment[] = [];
  for (const i of ids) out.push(await store.getSegment(meta.id, i));
  return out;
}

const api = {
  async ionImages(req: IonImagesRequest): Promise<Float32Array[]> {
    const segments = req.segments ?? (await readSegments(req.meta, segmentsForWindows(req.meta.segments, req.mzs, req.ppm)));
    const images = ionImagesOf(segments, { width: req.meta.width, height: req.meta.height, mask: req.mask }, req.mzs, req.ppm);
    return Comlink.transfer(images, images.map((img) => img.buffer));
  },
  /** One pixel's peaks (row-major pixel index of the bounding box); builds the spectrum index first if needed. */
  async pixelSpectrum(meta: DatasetMeta, pixel: number, onProgress?: (p: IndexProgress) => void): Promise<PixelSpectrumReply> {
    const r = await spectra.pixelSpectrum(meta, pixel, onProgress);
    return Comlink.transfer(r, [r.mz.buffer, r.intensity.buffer]);
  },
  /** The dataset's mean spectrum (see core/analysis/spectrum.ts MeanSpectrumBuilder); built with the index. */
  async meanSpectrum(meta: DatasetMeta, onProgress?: (p: IndexProgress) => void): Promise<Spectrum> {
    const r = await spectra.meanSpectrum(meta, onProgress);
    return Comlink.transfer(r, [r.mz.buffer, r.intensity.buffer]);
  },
};

export type AnalysisWorkerApi = typeof api;
export type { IndexProgress, PixelSpectrumReply };
Comlink.expose(api);
