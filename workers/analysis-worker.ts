// Web Worker for work over many ion images (the viewer's isotope images today; colocalization, ROI statistics and
// segmentation next): keeps that computation off the page's main thread. Local datasets' segments are read here
// from the same IndexedDB store the page uses, with a segment cache (the viewer asks for the same segments again and
// again). Cloud datasets' segments are read by the page (S3, with its in-memory cloud settings, which a worker does
// not have) and arrive with the request. Images go back as transferables.
import * as Comlink from 'comlink';
import { principalColumns } from '../src/core/analysis/annotation-images.ts';
import { colocalizeAnnotations } from '../src/core/analysis/colocalization.ts';
import { ionImagesOf, segmentsForWindows } from '../src/core/analysis/ion-images.ts';
import { segmentationBasis, segmentPixels, type Segmentation, type SegmentationBasis } from '../src/core/analysis/segmentation.ts';
import { differential, restPixels, roiStats, ROI_STAT_FIELDS } from '../src/core/analysis/roi.ts';
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

/** One IndexedDB request per segment in flight: a warm-up and a click may ask for the same segment at once. */
const inflight = new Map<string, Promise<Segment>>();
function getSegment(id: string, i: number): Promise<Segment> {
  const key = `${id}\u0000${i}`;
  let p = inflight.get(key);
  if (!p) {
    p = store.getSegment(id, i);
    inflight.set(key, p);
    const clear = () => { if (inflight.get(key) === p) inflight.delete(key); };
    p.then(clear, clear);
  }
  return p;
}

async function readSegments(meta: DatasetMeta, ids: number[]): Promise<Segment[]> {
  return Promise.all(ids.map((i) => getSegment(meta.id, i)));
}

/** Timings for the 'imzlens-perf' channel (bench/page.ts listens to it). */
const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('imzlens-perf') : null;

/** Colocalization / segmentation over the principal-peak images of a job's annotations (issue 14 §4, §7). */
export interface AnnotationSetRequest {
  meta: DatasetMeta;
  mask: Uint8Array;
  /** principal-peak m/z of each annotation, in the order results come back */
  mzs: number[];
  ppm: number;
  /** names the job and annotation set: results are kept per key while the worker lives */
  cacheKey: string;
  /** segments `segmentsForWindows(meta.segments, mzs, ppm)` names, read by the page (cloud datasets); else read here */
  segments?: { index: number; segment: Segment }[];
}

function segmentReader(req: AnnotationSetRequest): (i: number) => Promise<Segment> {
  if (!req.segments) return (i) => getSegment(req.meta.id, i);
  const byIndex = new Map(req.segments.map((s) => [s.index, s.segment]));
  return async (i) => byIndex.get(i) ?? Promise.reject(new Error(`segment ${i} was not sent with the request`));
}

// one job's results at a time: the coloc matrix is small, the segmentation columns (annotations × sample pixels) not
const colocCache = new Map<string, Float32Array>();
let columnsCache: { key: string; cols: Float32Array[]; basis: SegmentationBasis } | null = null;

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
  async colocalization(req: AnnotationSetRequest): Promise<Float32Array> {
    let m = colocCache.get(req.cacheKey);
    if (!m) {
      const geometry = { width: req.meta.width, height: req.meta.height, mask: req.mask };
      m = await colocalizeAnnotations(req.meta.segments, segmentReader(req), geometry, req.mzs, req.ppm);
      if (colocCache.size >= 4) colocCache.delete(colocCache.keys().next().value!);
      colocCache.set(req.cacheKey, m);
    }
    const copy = m.slice();
    return Comlink.transfer(copy, [copy.buffer]);
  },

  async segmentation(req: AnnotationSetRequest & { k: number; seed?: number }): Promise<Segmentation> {
    if (columnsCache?.key !== req.cacheKey) {
      columnsCache = null; // free the old columns before reading new ones
      const geometry = { width: req.meta.width, height: req.meta.height, mask: req.mask };
      const cols = await principalColumns(req.meta.segments, segmentReader(req), geometry, req.mzs, req.ppm);
      columnsCache = { key: req.cacheKey, cols, basis: segmentationBasis(cols) };
    }
    const s = segmentPixels(columnsCache.cols, req.mask, req.k, req.seed ?? 1, columnsCache.basis);
    return Comlink.transfer(s, [s.map.buffer, s.counts.buffer, s.means.buffer]);
  },

  /** Whether the worker holds this set's data already (then the page need not read a cloud dataset's segments). */
  hasAnnotationSet(kind: 'colocalization' | 'segmentation', cacheKey: string): boolean {
    return kind === 'colocalization' ? colocCache.has(cacheKey) : columnsCache?.key === cacheKey;
  },

  async ionImages(req: IonImagesRequest): Promise<Float32Array[]> {
    const t0 = performance.now();
    const segments = req.segments ?? (await readSegments(req.meta, segmentsForWindows(req.meta.segments, req.mzs, req.ppm)));
    const t1 = performance.now();
    const images = ionImagesOf(segments, { width: req.meta.width, height: req.meta.height, mask: req.mask }, req.mzs, req.ppm);
    channel?.postMessage({ worker: 'analysis', task: 'ionImages', readMs: t1 - t0, ms: performance.now() - t0, segments: segments.length });
    return Comlink.transfer(images, images.map((img) => img.buffer));
  },
  /**
   * Reads the segments these windows need into the cache, computing nothing: the viewer asks for the rows next to
   * the selected one, so the next click (arrow keys, the next row) finds its segments in memory (issue 13).
   */
  async warm(meta: DatasetMeta, mzs: number[], ppm: number): Promise<void> {
    await readSegments(meta, segmentsForWindows(meta.segments, mzs, ppm));
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
export type { IndexProgress, PixelSpectrumReply };
Comlink.expose(api);
