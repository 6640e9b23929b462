// Web Worker for work over many ion images (the viewer's isotope images today; colocalization, ROI statistics and
// segmentation next): keeps that computation off the page's main thread. Local datasets' segments are read here
// from the same IndexedDB store the page uses, with a segment cache (the viewer asks for the same segments again and
// again). Cloud datasets' segments are read by the page (S3, with its in-memory cloud settings, which a worker does
// not have) and arrive with the request. Images go back as transferables.
import * as Comlink from 'comlink';
import { ionImagesOf, segmentsForWindows } from '../src/core/analysis/ion-images.ts';
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

const api = {
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
};

export type AnalysisWorkerApi = typeof api;
Comlink.expose(api);
