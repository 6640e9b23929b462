// Ion images for the viewer, computed on demand from the stored segments (no images are stored): the 4 isotope
// images of an annotation, each over the window m/z ± ppm (spec §5). The computation runs in the analysis worker
// (workers/analysis-worker.ts); this module only asks for it. Mask and TIC image are small stored blobs, read here.
import * as Comlink from 'comlink';
import { segmentsForWindows } from '../../core/analysis/ion-images.ts';
import { BLOB_MASK, BLOB_TIC } from '../../core/store.ts';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import type { AnalysisWorkerApi } from '../../../workers/analysis-worker.ts';
import { getStore, isCloudDataset, storeFor } from './store.ts';

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

/** The page's one analysis worker, started on first use; a crash fails the calls in flight and the next call starts a new one. */
let analysis: { remote: Comlink.Remote<AnalysisWorkerApi>; crashed: Promise<never> } | null = null;
export function analysisWorker() {
  if (!analysis) {
    const worker = new Worker(new URL('../../../workers/analysis-worker.ts', import.meta.url), { type: 'module', name: 'imzlens-analysis' });
    let fail: (e: Error) => void = () => {};
    const crashed = new Promise<never>((_, rej) => { fail = rej; });
    crashed.catch(() => {}); // observed by the calls in flight, if any
    const self = { remote: Comlink.wrap<AnalysisWorkerApi>(worker), crashed };
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      worker.terminate();
      if (analysis === self) analysis = null;
      fail(new Error(`the analysis worker crashed: ${e.message || 'failed to load'}`));
    });
    analysis = self;
  }
  return analysis;
}

/** Images of the given m/z values (0 = no peak → empty image). */
export async function ionImages(meta: DatasetMeta, mzs: readonly number[], ppm: number): Promise<Float32Array[]> {
  const mask = await datasetMask(meta);
  let segments: Segment[] | undefined;
  if (await isCloudDataset(meta)) {
    // S3 reads need the page's cloud settings (memory only): read here, compute in the worker
    const store = await storeFor(meta);
    segments = [];
    for (const i of segmentsForWindows(meta.segments, mzs, ppm)) segments.push(await store.getSegment(meta.id, i));
  }
  const w = analysisWorker();
  return Promise.race([w.remote.ionImages({ meta, mask, mzs: [...mzs], ppm, segments }), w.crashed]);
}
