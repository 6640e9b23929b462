// Split ingest: the single-pass ingestDataset (ingest.ts) cut into steps that can run in separate processes
// (Lambda invocations), Lithops-METASPACE's load_ds spread out so no single function holds the whole dataset:
//   plan   — parse the index once, check the pair, sample the m/z bounds (exactly as ingestDataset does), cut the
//            spectra into chunks of about `chunkBytes` of ibd and write one small spec blob per chunk;
//   chunk  — read one chunk's spectra, bucket their peaks by the bounds, write one m/z-sorted piece per non-empty
//            bucket plus the chunk's TIC per spectrum;
//   merge  — per bucket, k-way merge the chunks' pieces (ties in chunk order = spectrum order, so the result is the
//            stable sort ingestDataset makes), cut it like ingestDataset and write the segment(s);
//   finish — sum the TIC, write it, commit the meta, delete the scratch blobs.
// Segment indices: the driver numbers the buckets' segments before the merges from the peak counts the chunks
// report (one segment per bucket, or ceil(n / 2·target) when a bucket is far over the target). A cut can only
// give fewer pieces than that when a run of equal m/z reaches the bucket's end; then the later buckets are merged
// again at corrected indices and the abandoned indices are deleted, so the result always equals ingestDataset's.
// Scratch blobs live under the dataset (keys 'split-…') until finish.
import type { ByteSource, DatasetMeta, Segment, SegmentInfo } from '../types.ts';
import type { SegmentStore } from '../store.ts';
import { BLOB_MASK, BLOB_TIC } from '../store.ts';
import { decodeValue, encodeValue } from '../job/codec.ts';
import type { ImzmlIndex } from './parse.ts';
import { parseImzml } from './parse.ts';
import { forEachSpectrum } from './spectra.ts';
import { Segmenter } from './segmenter.ts';
import { releaseSortScratch } from './sort.ts';
import {
  BYTES_PER_PEAK,
  DEFAULT_TARGET_SEGMENT_BYTES,
  INTENSITY_MAX,
  MZ_MAX,
  bucketSegments,
  checkSpectrumValues,
  completeMeta,
  metaBase,
  planIngest,
  ticImage,
} from './ingest.ts';
import type { IngestPlan, IngestProgress, MetaBase } from './ingest.ts';

export const DEFAULT_CHUNK_BYTES = 1 << 30;
/** Every scratch blob key starts with this (finish deletes them by prefix). */
export const SPLIT_BLOB_PREFIX = 'split-';
export const SPLIT_STATE_BLOB = 'split-state';
export const chunkSpecKey = (c: number): string => `split-chunk-${c}`;
export const pieceKey = (bucket: number, c: number): string => `split-piece-${bucket}-${c}`;
export const ticPartKey = (c: number): string => `split-tic-${c}`;

export class SplitIngestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SplitIngestError';
  }
}

/** A range of spectra [first, end) and the ibd bytes its arrays take. */
export interface SplitChunk {
  first: number;
  end: number;
  bytes: number;
}

export interface SplitPlan extends IngestPlan {
  chunks: SplitChunk[];
  nBuckets: number;
  /** Sum of all spectra's array lengths (zeros included). */
  totalRaw: number;
}

/** Bytes of ibd a spectrum's arrays take (continuous mode: its intensities only; the m/z axis is shared). */
function spectrumBytes(index: ImzmlIndex, i: number): number {
  return index.intensityEncodedLength[i] + (index.storageMode === 'continuous' ? 0 : index.mzEncodedLength[i]);
}

/** Consecutive ranges of spectra of about `chunkBytes` of ibd each (at least one spectrum each). */
export function chunkRanges(index: ImzmlIndex, chunkBytes: number): SplitChunk[] {
  if (!(chunkBytes > 0)) throw new SplitIngestError(`chunkBytes must be a positive number of bytes, got ${chunkBytes}`);
  const chunks: SplitChunk[] = [];
  let first = 0;
  let bytes = 0;
  for (let i = 0; i < index.nSpectra; i++) {
    bytes += spectrumBytes(index, i);
    if (bytes >= chunkBytes) {
      chunks.push({ first, end: i + 1, bytes });
      first = i + 1;
      bytes = 0;
    }
  }
  if (first < index.nSpectra || chunks.length === 0) chunks.push({ first, end: index.nSpectra, bytes });
  return chunks;
}

/** Checks the pair and decides bounds (identical to ingestDataset's for the same pair and target) and chunks. */
export async function planSplitIngest(
  index: ImzmlIndex,
  ibd: ByteSource,
  opts: { targetSegmentBytes?: number; chunkBytes?: number; signal?: AbortSignal; onProgress?(p: IngestProgress): void } = {},
): Promise<SplitPlan> {
  const plan = await planIngest(index, ibd, opts);
  let totalRaw = 0;
  for (let i = 0; i < index.nSpectra; i++) totalRaw += index.intensityLength[i];
  return { ...plan, chunks: chunkRanges(index, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES), nBuckets: plan.bounds.length + 1, totalRaw };
}

/** What one chunk task needs: its spectra's slice of the index (offsets, lengths, pixels) and the bounds. */
export interface ChunkSpec extends Pick<ImzmlIndex,
  'storageMode' | 'mzDataType' | 'intensityDataType' | 'mzCompression' | 'intensityCompression' | 'x' | 'y' |
  'mzOffset' | 'mzLength' | 'mzEncodedLength' | 'intensityOffset' | 'intensityLength' | 'intensityEncodedLength'> {
  chunk: number;
  /** Global index of the chunk's first spectrum. */
  first: number;
  name: string;
  hint: string;
  bounds: Float64Array;
  /** Expected non-zero peaks of this chunk (sizes the buckets; no effect on the result). */
  estPeaks: number;
  pixel: Uint32Array;
}

export function chunkSpec(index: ImzmlIndex, plan: SplitPlan, c: number): ChunkSpec {
  const { first, end } = plan.chunks[c];
  let raw = 0;
  for (let i = first; i < end; i++) raw += index.intensityLength[i];
  return {
    chunk: c,
    first,
    name: index.name,
    hint: plan.hint,
    bounds: Float64Array.from(plan.bounds),
    estPeaks: plan.totalRaw > 0 ? (plan.estPeaks * raw) / plan.totalRaw : 0,
    storageMode: index.storageMode,
    mzDataType: index.mzDataType,
    intensityDataType: index.intensityDataType,
    mzCompression: index.mzCompression,
    intensityCompression: index.intensityCompression,
    x: index.x.slice(first, end),
    y: index.y.slice(first, end),
    pixel: plan.geo.pixelOfSpectrum.slice(first, end),
    mzOffset: index.mzOffset.slice(first, end),
    mzLength: index.mzLength.slice(first, end),
    mzEncodedLength: index.mzEncodedLength.slice(first, end),
    intensityOffset: index.intensityOffset.slice(first, end),
    intensityLength: index.intensityLength.slice(first, end),
    intensityEncodedLength: index.intensityEncodedLength.slice(first, end),
  };
}

/** The chunk's spectra as an index of their own (local indices 0..n-1), for forEachSpectrum. */
function subIndex(s: ChunkSpec): ImzmlIndex {
  const n = s.x.length;
  return {
    name: `${s.name} (chunk ${s.chunk}: spectra ${s.first}..${s.first + n - 1}, numbered from 0 here)`,
    nSpectra: n,
    storageMode: s.storageMode,
    storageModeLabel: null,
    mzDataType: s.mzDataType,
    intensityDataType: s.intensityDataType,
    mzCompression: s.mzCompression,
    intensityCompression: s.intensityCompression,
    polarity: null, spectrumType: null, pixelSizeX: null, pixelSizeY: null, maxCountX: null, maxCountY: null,
    instrument: null, uuidText: null, uuid: null, md5: null, sha1: null, warnings: [],
    x: s.x, y: s.y,
    mzOffset: s.mzOffset, mzLength: s.mzLength, mzEncodedLength: s.mzEncodedLength,
    intensityOffset: s.intensityOffset, intensityLength: s.intensityLength, intensityEncodedLength: s.intensityEncodedLength,
  };
}

/** Runs `fn` over items with at most `limit` in flight. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function encodeSegment(s: Segment): Uint8Array {
  return encodeValue({ mz: s.mz, intensity: s.intensity, pixel: s.pixel });
}

function decodeSegment(bytes: Uint8Array, what: string): Segment {
  const v = decodeValue(bytes) as Segment;
  if (!(v.mz instanceof Float64Array) || !(v.intensity instanceof Float32Array) || !(v.pixel instanceof Uint32Array)) {
    throw new SplitIngestError(`${what} is not a peak list (expected mz Float64Array, intensity Float32Array, pixel Uint32Array); delete the dataset's scratch and ingest again`);
  }
  return v;
}

export interface ChunkResult {
  chunk: number;
  /** Non-zero peaks per bucket (0 = no piece written). */
  counts: Float64Array;
}

/**
 * Chunk step: reads the chunk's spectra (ranged reads of the ibd), buckets their peaks like ingestDataset (same
 * value checks, same -0 → +0, intensity <= 0 dropped), sorts each bucket (stable) and writes one piece per non-empty
 * bucket plus the TIC of each spectrum.
 */
export async function runSplitChunk(
  spec: ChunkSpec,
  ibd: ByteSource,
  store: SegmentStore,
  datasetId: string,
  opts: { signal?: AbortSignal; batchBytes?: number; onBytes?(done: number, total: number): void } = {},
): Promise<ChunkResult> {
  const nb = spec.bounds.length + 1;
  const seg = new Segmenter(spec.bounds, spec.estPeaks / nb);
  const n = spec.x.length;
  const tic = new Float64Array(n);
  const pix = spec.pixel;
  await forEachSpectrum(subIndex(spec), ibd, (i, mz, inten) => {
    const t = seg.addSpectrum(mz, inten, pix[i], MZ_MAX, INTENSITY_MAX);
    if (t < 0) checkSpectrumValues(spec.name, spec.first + i, spec.x[i], spec.y[i], mz, inten, spec.hint); // throws
    tic[i] = t;
  }, { signal: opts.signal, batchBytes: opts.batchBytes, onBytes: opts.onBytes });
  const counts = new Float64Array(nb);
  const nonEmpty: number[] = [];
  for (let k = 0; k < nb; k++) {
    counts[k] = seg.bucketSize(k);
    if (counts[k] > 0) nonEmpty.push(k);
  }
  try {
    // Sorting is synchronous; up to 8 writes overlap with the next sorts.
    await eachLimited(nonEmpty, 8, async (k) => {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      const piece = seg.takeSortedInPlace(k);
      await store.putBlob(datasetId, pieceKey(k, spec.chunk), encodeSegment(piece));
    });
  } finally {
    releaseSortScratch();
  }
  await store.putBlob(datasetId, ticPartKey(spec.chunk), new Uint8Array(tic.buffer));
  return { chunk: spec.chunk, counts };
}

/**
 * Stable k-way merge of runs each sorted by m/z: equal m/z come out in run order, so merging a bucket's pieces in
 * chunk order equals the stable sort of all its peaks in spectrum order. A binary heap of run heads keyed by
 * (m/z, run), kept in typed arrays (head m/z beside the run id, no per-compare lookups); the top run is copied out
 * for as long as it stays ahead of the best other head.
 */
export function mergeSortedRuns(runs: Segment[]): Segment {
  let n = 0;
  for (const r of runs) n += r.mz.length;
  const mz = new Float64Array(n), intensity = new Float32Array(n), pixel = new Uint32Array(n);
  const live: number[] = [];
  for (let r = 0; r < runs.length; r++) if (runs[r].mz.length > 0) live.push(r);
  if (live.length === 1) {
    const r = runs[live[0]];
    mz.set(r.mz); intensity.set(r.intensity); pixel.set(r.pixel);
    return { mz, intensity, pixel };
  }
  const pos = new Int32Array(runs.length);
  let size = live.length;
  const hRun = Int32Array.from(live);
  const hMz = Float64Array.from(live, (r) => runs[r].mz[0]);
  // Moves the entry (m, r) down from slot `at` to its place.
  const siftDown = (at: number, m: number, r: number) => {
    for (;;) {
      let c = 2 * at + 1;
      if (c >= size) break;
      let cm = hMz[c], cr = hRun[c];
      if (c + 1 < size) {
        const dm = hMz[c + 1], dr = hRun[c + 1];
        if (dm < cm || (dm === cm && dr < cr)) { c++; cm = dm; cr = dr; }
      }
      if (!(cm < m || (cm === m && cr < r))) break;
      hMz[at] = cm; hRun[at] = cr;
      at = c;
    }
    hMz[at] = m; hRun[at] = r;
  };
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i, hMz[i], hRun[i]);
  let o = 0;
  while (size > 1) {
    const r = hRun[0];
    const run = runs[r];
    const rm = run.mz, ri = run.intensity, rp = run.pixel, len = rm.length;
    let p = pos[r];
    // the best other head: one of the root's children
    let lm = hMz[1], lr = hRun[1];
    if (size > 2 && (hMz[2] < lm || (hMz[2] === lm && hRun[2] < lr))) { lm = hMz[2]; lr = hRun[2]; }
    if (r < lr) {
      do { mz[o] = rm[p]; intensity[o] = ri[p]; pixel[o] = rp[p]; o++; p++; } while (p < len && rm[p] <= lm);
    } else {
      do { mz[o] = rm[p]; intensity[o] = ri[p]; pixel[o] = rp[p]; o++; p++; } while (p < len && rm[p] < lm);
    }
    pos[r] = p;
    if (p === len) {
      size--;
      siftDown(0, hMz[size], hRun[size]);
    } else siftDown(0, rm[p], r);
  }
  if (size === 1) {
    const r = hRun[0], run = runs[r], p = pos[r];
    mz.set(run.mz.subarray(p), o); intensity.set(run.intensity.subarray(p), o); pixel.set(run.pixel.subarray(p), o);
  }
  return { mz, intensity, pixel };
}

/** One bucket's merge: which chunks have a piece of it, and the index of its first segment. */
export interface MergeWork {
  bucket: number;
  chunks: number[];
  peaks: number;
  firstIndex: number;
}

/** Segments ingestDataset cuts a bucket of n peaks into, unless a run of equal m/z at its end swallows a cut. */
export function expectedSegments(peaks: number, targetSegmentBytes = DEFAULT_TARGET_SEGMENT_BYTES): number {
  const maxPeaks = 2 * Math.max(1, Math.floor(targetSegmentBytes / BYTES_PER_PEAK));
  return peaks === 0 ? 0 : peaks <= maxPeaks ? 1 : Math.ceil(peaks / maxPeaks);
}

/** The merges to run, from the chunks' per-bucket counts (in chunk order), numbered with expectedSegments. */
export function planMerges(chunkCounts: ArrayLike<number>[], nBuckets: number, targetSegmentBytes = DEFAULT_TARGET_SEGMENT_BYTES): MergeWork[] {
  const work: MergeWork[] = [];
  let next = 0;
  for (let k = 0; k < nBuckets; k++) {
    const chunks: number[] = [];
    let peaks = 0;
    chunkCounts.forEach((counts, c) => {
      if (counts.length !== nBuckets) throw new SplitIngestError(`chunk ${c} reported ${counts.length} buckets, the plan has ${nBuckets}; the chunks ran with another plan — ingest again`);
      if (counts[k] > 0) { chunks.push(c); peaks += counts[k]; }
    });
    if (peaks === 0) continue;
    work.push({ bucket: k, chunks, peaks, firstIndex: next });
    next += expectedSegments(peaks, targetSegmentBytes);
  }
  return work;
}

/**
 * Merges every bucket through `run` (which may fan out), then fixes the numbering if a bucket gave fewer segments
 * than expected: the buckets after it are merged again at their final indices. Returns the segments in order and
 * the indices written before and abandoned (to delete).
 */
export async function mergeAll(
  work: MergeWork[],
  run: (work: MergeWork[]) => Promise<SegmentInfo[][]>,
): Promise<{ segments: SegmentInfo[]; stale: number[]; remerged: number }> {
  const got = await run(work);
  let tentativeEnd = 0;
  let next = 0;
  const redo: number[] = [];
  const fixed = work.map((w, i) => {
    tentativeEnd = Math.max(tentativeEnd, w.firstIndex + got[i].length);
    const f = { ...w, firstIndex: next };
    if (f.firstIndex !== w.firstIndex) redo.push(i);
    next += got[i].length;
    return f;
  });
  if (redo.length) {
    const again = await run(redo.map((i) => fixed[i]));
    redo.forEach((i, j) => {
      if (again[j].length !== got[i].length) throw new SplitIngestError(`bucket ${work[i].bucket} gave ${got[i].length} segments, then ${again[j].length} when merged again; the pieces changed during the ingest`);
      got[i] = again[j];
    });
  }
  const segments = got.flat();
  segments.forEach((s, i) => {
    if (s.index !== i) throw new SplitIngestError(`segment numbering broke at ${i} (merge wrote ${s.index}); this is a bug in split ingest`);
  });
  const stale: number[] = [];
  for (let i = segments.length; i < tentativeEnd; i++) stale.push(i);
  return { segments, stale, remerged: redo.length };
}

/** Merge step: reads the bucket's pieces (chunk order), merges them, cuts like ingestDataset, writes the segments. */
export async function runSplitMerge(
  store: SegmentStore,
  datasetId: string,
  work: MergeWork,
  targetSegmentBytes = DEFAULT_TARGET_SEGMENT_BYTES,
): Promise<SegmentInfo[]> {
  const pieces: Segment[] = new Array(work.chunks.length);
  await eachLimited(work.chunks.map((c, j) => [c, j] as const), 8, async ([c, j]) => {
    const key = pieceKey(work.bucket, c);
    const bytes = await store.getBlob(datasetId, key);
    if (!bytes) throw new SplitIngestError(`dataset '${datasetId}': piece ${key} (bucket ${work.bucket} of chunk ${c}) is missing; a chunk task did not finish — ingest again`);
    pieces[j] = decodeSegment(bytes, `dataset '${datasetId}' blob ${key}`);
  });
  let n = 0;
  for (const p of pieces) n += p.mz.length;
  if (n !== work.peaks) throw new SplitIngestError(`dataset '${datasetId}' bucket ${work.bucket}: the pieces hold ${n} peaks, the chunks reported ${work.peaks}; ingest again`);
  const merged = mergeSortedRuns(pieces);
  const segs = bucketSegments(merged, targetSegmentBytes);
  const out = segs.map((segment, j) => ({ index: work.firstIndex + j, segment }));
  await store.putSegments(datasetId, out);
  return out.map(({ index, segment: s }) => ({ index, mzMin: s.mz[0], mzMax: s.mz[s.mz.length - 1], nPeaks: s.mz.length }));
}

/** What plan hands to finish through the store (blob SPLIT_STATE_BLOB). */
export interface SplitState {
  base: MetaBase;
  warnings: string[];
  /** First spectrum of each chunk, plus nSpectra at the end. */
  chunkStarts: Float64Array;
  pixelOfSpectrum: Uint32Array;
  nBuckets: number;
}

export function splitState(base: MetaBase, plan: SplitPlan): SplitState {
  const starts = new Float64Array(plan.chunks.length + 1);
  plan.chunks.forEach((c, i) => (starts[i] = c.first));
  starts[plan.chunks.length] = base.nSpectra;
  return { base, warnings: plan.warnings, chunkStarts: starts, pixelOfSpectrum: plan.geo.pixelOfSpectrum, nBuckets: plan.nBuckets };
}

/** Deletes what the SegmentStore interface cannot: scratch blobs and abandoned segment indices. */
export interface SplitCleanup {
  deleteBlobsWithPrefix(datasetId: string, keyPrefix: string): Promise<void>;
  deleteSegments(datasetId: string, indices: number[]): Promise<void>;
}

/**
 * Plan step on a parsed index: writes the mask, the state for finish and one spec blob per chunk (so a task's
 * event carries only numbers). Returns what the driver fans out over.
 */
export async function runSplitPlan(
  index: ImzmlIndex,
  ibd: ByteSource,
  store: SegmentStore,
  o: { id: string; name: string; imzmlName: string; targetSegmentBytes?: number; chunkBytes?: number; signal?: AbortSignal; onProgress?(p: IngestProgress): void },
): Promise<{ nChunks: number; nBuckets: number; chunkBytes: Float64Array }> {
  const plan = await planSplitIngest(index, ibd, o);
  const base = metaBase({ id: o.id, name: o.name, index, geo: plan.geo, imzmlName: o.imzmlName, ibdName: ibd.name, ibdSize: ibd.size });
  await store.putBlob(o.id, SPLIT_STATE_BLOB, encodeValue(splitState(base, plan)));
  await eachLimited(plan.chunks.map((_, c) => c), 8, async (c) => {
    await store.putBlob(o.id, chunkSpecKey(c), encodeValue(chunkSpec(index, plan, c)));
  });
  await store.putBlob(o.id, BLOB_MASK, plan.geo.mask);
  return { nChunks: plan.chunks.length, nBuckets: plan.nBuckets, chunkBytes: Float64Array.from(plan.chunks, (c) => c.bytes) };
}

export async function readChunkSpec(store: SegmentStore, datasetId: string, c: number): Promise<ChunkSpec> {
  const bytes = await store.getBlob(datasetId, chunkSpecKey(c));
  if (!bytes) throw new SplitIngestError(`dataset '${datasetId}': the spec of chunk ${c} (${chunkSpecKey(c)}) is missing; run the plan step first`);
  return decodeValue(bytes) as ChunkSpec;
}

/**
 * Finish step: TIC per pixel summed in spectrum order (the same additions ingestDataset makes), then the TIC blob,
 * the meta (committed), and the scratch removed. Safe to repeat: once committed, a repeat only cleans up.
 */
export async function runSplitFinish(
  store: SegmentStore,
  datasetId: string,
  input: { segments: SegmentInfo[]; stale: number[] },
  cleanup?: SplitCleanup,
): Promise<DatasetMeta> {
  const stateBytes = await store.getBlob(datasetId, SPLIT_STATE_BLOB);
  if (!stateBytes) {
    const done = await store.getMeta(datasetId);
    if (done) {
      await cleanup?.deleteBlobsWithPrefix(datasetId, SPLIT_BLOB_PREFIX);
      return done;
    }
    throw new SplitIngestError(`dataset '${datasetId}': the split-ingest state (${SPLIT_STATE_BLOB}) is missing; run the plan step first`);
  }
  const st = decodeValue(stateBytes) as SplitState;
  const tic64 = new Float64Array(st.base.width * st.base.height);
  const pix = st.pixelOfSpectrum;
  const nChunks = st.chunkStarts.length - 1;
  for (let c = 0; c < nChunks; c++) {
    const bytes = await store.getBlob(datasetId, ticPartKey(c));
    const first = st.chunkStarts[c], end = st.chunkStarts[c + 1];
    if (!bytes || bytes.byteLength !== (end - first) * 8) {
      throw new SplitIngestError(`dataset '${datasetId}': the TIC of chunk ${c} (${ticPartKey(c)}) is ${bytes ? `${bytes.byteLength} bytes, expected ${(end - first) * 8}` : 'missing'}; a chunk task did not finish — ingest again`);
    }
    const part = new Float64Array(bytes.slice().buffer);
    for (let i = first; i < end; i++) tic64[pix[i]] += part[i - first];
  }
  await store.putBlob(datasetId, BLOB_TIC, new Uint8Array(ticImage(tic64).buffer));
  if (input.stale.length) await cleanup?.deleteSegments(datasetId, input.stale);
  const meta = completeMeta(st.base, input.segments, st.warnings);
  await store.commit(meta);
  await cleanup?.deleteBlobsWithPrefix(datasetId, SPLIT_BLOB_PREFIX);
  return meta;
}

export interface SplitIngestOptions {
  imzml: ByteSource;
  ibd: ByteSource;
  store: SegmentStore;
  id: string;
  name: string;
  index?: ImzmlIndex;
  targetSegmentBytes?: number;
  chunkBytes?: number;
  cleanup?: SplitCleanup;
  signal?: AbortSignal;
  onProgress?(p: IngestProgress): void;
}

/** All steps in this process, one after the other (tests; the same steps the cloud driver fans out). */
export async function splitIngestDataset(o: SplitIngestOptions): Promise<DatasetMeta> {
  const progress = o.onProgress ?? (() => {});
  const index = o.index ?? (await parseImzml(o.imzml, { signal: o.signal, onProgress: (b) => progress({ stage: 'index', done: b, total: o.imzml.size }) }));
  const target = o.targetSegmentBytes ?? DEFAULT_TARGET_SEGMENT_BYTES;
  const planned = await runSplitPlan(index, o.ibd, o.store, { ...o, imzmlName: o.imzml.name, targetSegmentBytes: target });
  const counts: Float64Array[] = [];
  for (let c = 0; c < planned.nChunks; c++) {
    const spec = await readChunkSpec(o.store, o.id, c);
    counts.push((await runSplitChunk(spec, o.ibd, o.store, o.id, { signal: o.signal })).counts);
    progress({ stage: 'chunks', done: c + 1, total: planned.nChunks });
  }
  const work = planMerges(counts, planned.nBuckets, target);
  let round = 0;
  const { segments, stale } = await mergeAll(work, async (ws) => {
    const stage = round++ === 0 ? 'merge' : 'remerge';
    const out: SegmentInfo[][] = [];
    for (const w of ws) {
      out.push(await runSplitMerge(o.store, o.id, w, target));
      progress({ stage, done: out.length, total: ws.length });
    }
    return out;
  });
  const meta = await runSplitFinish(o.store, o.id, { segments, stale }, o.cleanup);
  progress({ stage: 'done', done: 1, total: 1 });
  return meta;
}
