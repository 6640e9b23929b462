// Harness for the ingest + IndexedDB store in Chromium: generates datasets with the imzML writer in the page,
// ingests them from Blobs or HTTP range requests into IdbSegmentStore, and reports checks and timings.
import { writeImzmlToMemory } from '../../../src/core/imzml/writer.ts';
import { ingestDataset } from '../../../src/core/imzml/ingest.ts';
import { BLOB_MASK, BLOB_TIC } from '../../../src/core/store.ts';
import type { ByteSource, DatasetMeta } from '../../../src/core/types.ts';
import { BlobSource } from '../../../src/platform/browser/blob-source.ts';
import { IdbSegmentStore } from '../../../src/platform/browser/idb-store.ts';
import { HttpSource } from '../../../src/platform/shared/http-source.ts';
import { createStore, setMany } from 'idb-keyval';

const DB = 'imzlens-harness';

/** Deterministic spectra: `nSpectra` × `peaks` peaks over m/z 100–1000, every 10th intensity zero. */
function* spectra(nSpectra: number, peaks: number, width: number) {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < nSpectra; i++) {
    const mz = new Float64Array(peaks);
    const it = new Float32Array(peaks);
    let m = 100;
    for (let j = 0; j < peaks; j++) {
      m += (900 / peaks) * (0.5 + rnd());
      mz[j] = Math.min(m, 1000);
      it[j] = j % 10 === 3 ? 0 : 1 + Math.floor(rnd() * 1000);
    }
    yield { x: 1 + (i % width), y: 1 + Math.floor(i / width), mz, intensity: it };
  }
}

async function generated(nSpectra: number, peaks: number, width: number) {
  const w = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f32', polarity: 'positive' }, spectra(nSpectra, peaks, width));
  return {
    imzml: new BlobSource(new Blob([w.imzml as BlobPart]), 'gen.imzML'),
    ibd: new BlobSource(new Blob([w.ibd as BlobPart]), 'gen.ibd'),
    expectedPeaks: nSpectra * (peaks - Math.floor((peaks + 6) / 10)),
  };
}

/** Reads every segment back and checks sort order, bounds and counts. */
async function verify(store: IdbSegmentStore, meta: DatasetMeta) {
  let peaks = 0;
  let sorted = true;
  let boundsOk = true;
  let prev = -Infinity;
  let intensitySum = 0;
  for (const info of meta.segments) {
    const s = await store.getSegment(meta.id, info.index);
    if (s.mz.length !== info.nPeaks || s.mz[0] !== info.mzMin || s.mz[s.mz.length - 1] !== info.mzMax) boundsOk = false;
    for (let j = 0; j < s.mz.length; j++) {
      if (s.mz[j] < prev) sorted = false;
      prev = s.mz[j];
      intensitySum += s.intensity[j];
    }
    peaks += s.mz.length;
  }
  const mask = await store.getBlob(meta.id, BLOB_MASK);
  const tic = await store.getBlob(meta.id, BLOB_TIC);
  return { peaks, sorted, boundsOk, intensitySum, maskLength: mask?.length ?? -1, ticBytes: tic?.length ?? -1 };
}

async function ingestInto(store: IdbSegmentStore, imzml: ByteSource, ibd: ByteSource, id: string, extra: { signal?: AbortSignal; abortAtSort?: AbortController; targetSegmentBytes?: number } = {}) {
  const t0 = performance.now();
  const meta = await ingestDataset({
    imzml, ibd, store, id, name: id, signal: extra.signal, targetSegmentBytes: extra.targetSegmentBytes,
    onProgress: (p) => { if (extra.abortAtSort && p.stage === 'sort' && p.done >= 2) extra.abortAtSort.abort(new Error('test abort')); },
  });
  return { meta, seconds: (performance.now() - t0) / 1000 };
}

export const api = {
  async storeReset(): Promise<void> {
    const store = new IdbSegmentStore({ dbName: DB });
    for (const m of await store.list()) await store.delete(m.id);
    for (const id of await store.listIncomplete()) await store.delete(id);
  },

  /** Generates a dataset in the page, ingests it from Blobs into IndexedDB, reads it back. */
  async storeIngestGenerated(o: { id: string; nSpectra: number; peaks: number; width: number; targetSegmentBytes?: number }) {
    const g = await generated(o.nSpectra, o.peaks, o.width);
    const store = new IdbSegmentStore({ dbName: DB });
    const { meta, seconds } = await ingestInto(store, g.imzml, g.ibd, o.id, { targetSegmentBytes: o.targetSegmentBytes });
    const fresh = new IdbSegmentStore({ dbName: DB }); // a new instance reads what was persisted
    return { meta, seconds, ibdBytes: g.ibd.size, expectedPeaks: g.expectedPeaks, check: await verify(fresh, meta), listed: (await fresh.list()).map((m) => m.id) };
  },

  /** Ingests an imzML/ibd pair fetched with HTTP Range requests. */
  async storeIngestUrl(o: { id: string; imzmlUrl: string; ibdUrl: string }) {
    const imzml = await HttpSource.open(o.imzmlUrl);
    const ibd = await HttpSource.open(o.ibdUrl);
    const store = new IdbSegmentStore({ dbName: DB });
    const { meta } = await ingestInto(store, imzml, ibd, o.id);
    return { meta, check: await verify(new IdbSegmentStore({ dbName: DB }), meta) };
  },

  /** Aborts an ingest after two segments were written: nothing is listed, the id is incomplete; then removes it. */
  async storeInterrupted(o: { id: string }) {
    const g = await generated(300, 500, 20); // > 65,536 peaks: several fine buckets, so the abort lands mid-way
    const store = new IdbSegmentStore({ dbName: DB, batchBytes: 0 }); // write through, so segments exist when aborted
    const ctrl = new AbortController();
    let error = '';
    try {
      await ingestInto(store, g.imzml, g.ibd, o.id, { signal: ctrl.signal, abortAtSort: ctrl, targetSegmentBytes: 64 * 1024 });
    } catch (e) {
      error = (e as Error).message;
    }
    const fresh = new IdbSegmentStore({ dbName: DB });
    const listedAfterAbort = (await fresh.list()).map((m) => m.id);
    const incompleteAfterAbort = await fresh.listIncomplete();
    const segment0Readable = await fresh.getSegment(o.id, 0).then(() => true, () => false);
    await fresh.delete(o.id);
    return { error, listedAfterAbort, incompleteAfterAbort, segment0Readable, incompleteAfterDelete: await fresh.listIncomplete() };
  },

  /**
   * A real QuotaExceededError mid-way (the spec lowers Chromium's quota through the DevTools protocol first) removes
   * the partial dataset and reports a clear error.
   */
  async storeQuota(o: { id: string }) {
    const g = await generated(300, 200, 20);
    const store = new IdbSegmentStore({ dbName: DB, batchBytes: 100_000 });
    let error = '';
    let name = '';
    try {
      await ingestInto(store, g.imzml, g.ibd, o.id, { targetSegmentBytes: 64 * 1024 });
    } catch (e) {
      error = (e as Error).message;
      name = (e as Error).name;
    }
    const fresh = new IdbSegmentStore({ dbName: DB });
    return { error, name, listed: (await fresh.list()).map((m) => m.id), incomplete: await fresh.listIncomplete() };
  },

  /**
   * A dataset written in the layout before the packed segment records ({ mz, intensity, pixel } typed-array views
   * with slack in their buffers, as the ingest handed them over) is listed and read back unchanged.
   */
  async storeLegacyRead(o: { id: string }) {
    const store = createStore(DB, 'datasets');
    const segs = [0, 1].map((k) => {
      const n = 1000 + k;
      const mz = new Float64Array(n + 77), intensity = new Float32Array(n + 77), pixel = new Uint32Array(n + 77);
      for (let j = 0; j < n; j++) { mz[j] = 100 + k * 100 + j * 0.01; intensity[j] = j + 0.5; pixel[j] = (j * 7) % 400; }
      return { mz: mz.subarray(0, n), intensity: intensity.subarray(0, n), pixel: pixel.subarray(0, n) };
    });
    const meta = {
      id: o.id, name: o.id, width: 20, height: 20, minX: 1, minY: 1, nSpectra: 400, nSamplePixels: 400, totalPeaks: 2001,
      mzMin: segs[0].mz[0], mzMax: segs[1].mz[1000], polarity: 'positive', spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null,
      instrument: null, segments: segs.map((sg, index) => ({ index, mzMin: sg.mz[0], mzMax: sg.mz[sg.mz.length - 1], nPeaks: sg.mz.length })),
      warnings: [], source: { imzml: 'old.imzML', ibd: 'old.ibd', ibdSize: 1, uuid: null }, createdAt: new Date().toISOString(),
    };
    await setMany([
      [['seg', o.id, 0], segs[0]], [['seg', o.id, 1], segs[1]],
      [['blob', o.id, BLOB_MASK], new Uint8Array(400).fill(1)], [['meta', o.id], meta],
    ], store);
    const fresh = new IdbSegmentStore({ dbName: DB });
    const same: boolean[] = [];
    for (const k of [0, 1]) {
      const r = await fresh.getSegment(o.id, k);
      const w = segs[k];
      same.push(r.mz.length === w.mz.length && r.mz.every((v, j) => v === w.mz[j]) && r.intensity.every((v, j) => v === w.intensity[j]) && r.pixel.every((v, j) => v === w.pixel[j]));
    }
    return { listed: (await fresh.list()).map((m) => m.id), same, mask: (await fresh.getBlob(o.id, BLOB_MASK))?.length ?? -1 };
  },

  /** IndexedDB write throughput: `totalMB` of synthetic segments of `segmentMB` each, batched `setMany`. */
  async storeWriteBench(o: { totalMB: number; segmentMB: number; perBatch: number }) {
    const store = new IdbSegmentStore({ dbName: `${DB}-bench`, batchBytes: 0 });
    await store.delete('bench');
    const n = Math.floor((o.segmentMB * 2 ** 20) / 16);
    const count = Math.max(1, Math.round(o.totalMB / o.segmentMB));
    const segs = Array.from({ length: count }, (_, k) => ({
      index: k,
      segment: { mz: new Float64Array(n).fill(100 + k), intensity: new Float32Array(n).fill(1), pixel: new Uint32Array(n).fill(k) },
    }));
    const t0 = performance.now();
    for (let k = 0; k < count; k += o.perBatch) await store.putSegments('bench', segs.slice(k, k + o.perBatch));
    const seconds = (performance.now() - t0) / 1000;
    await store.delete('bench');
    const bytes = count * n * 16;
    return { bytes, seconds, mbPerS: bytes / 2 ** 20 / seconds };
  },
};
