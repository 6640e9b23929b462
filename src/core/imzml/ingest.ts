// imzML + ibd → dataset store: geometry (spec §1), TIC image, m/z-sorted segments, committed atomically.
import type { ByteSource, DatasetMeta, Segment, SegmentInfo } from '../types.ts';
import type { SegmentStore } from '../store.ts';
import { BLOB_MASK, BLOB_TIC } from '../store.ts';
import { MemoryStore } from '../memory-store.ts';
import { parseImzml } from './parse.ts';
import type { ImzmlIndex } from './parse.ts';
import { checkIbdUuid, forEachSpectrum, validateRanges } from './spectra.ts';
import type { NumArray } from './spectra.ts';
import { Segmenter, quantileBounds, splitSorted } from './segmenter.ts';
import { releaseSortScratch } from './sort.ts';
import { ImzmlError } from './format.ts';
import { identityMismatch, ResumeMismatchError } from './resume.ts';
import type { FileIdentity, IngestResumeRecord } from './resume.ts';

export const DEFAULT_TARGET_SEGMENT_BYTES = 16 << 20;
export const BYTES_PER_PEAK = 16; // f64 m/z + f32 intensity + u32 pixel
const SAMPLE_SPECTRA = 1000;
// Peaks are bucketed by m/z straight into one bucket per segment (about the target size each); the sort works in
// cache-sized pieces internally (sort.ts). More buckets than this make the streaming scatter thrash caches and
// TLB (measured: 1000 buckets cost 2.5x the bucketing time of 120); past it, buckets simply grow.
const MAX_BUCKETS = 256;
// Below this many peaks, one bucket (no sampling pass).
const MIN_SAMPLED_PEAKS = 65536;
export const MZ_MAX = 1e5;
export const INTENSITY_MAX = 1e12;
const MAX_PIXELS = 2 ** 31;

export interface IngestProgress {
  stage: string;
  done: number;
  total: number;
}

export interface IngestOptions {
  imzml: ByteSource;
  ibd: ByteSource;
  store: SegmentStore;
  id: string;
  name: string;
  onProgress?(p: IngestProgress): void;
  signal?: AbortSignal;
  targetSegmentBytes?: number;
  /** An index already parsed from `imzml` (skips the XML pass). */
  index?: ImzmlIndex;
  /** Bytes per ibd read; default 16 MiB. */
  batchBytes?: number;
  /**
   * About how many bytes of peaks to hold at once (16 per peak, plus bucket slack); above it the ingest reads the
   * ibd in several passes, one range of m/z segments each. Default: no limit (one pass).
   */
  memoryBudgetBytes?: number;
  /**
   * Resumable ingest (resume.ts): `save` is called, in order, with the record to resume from after each bucket's
   * segments (and the mask/TIC blobs) were handed to the store and its put settled; the store must make a record
   * durable no earlier than the data it counts. With `from`, the ingest continues where that record ends (same
   * files: checked by identity, UUID and plan; a ResumeMismatchError says what differs).
   */
  resume?: {
    files: { imzml: FileIdentity; ibd: FileIdentity };
    save(record: IngestResumeRecord): Promise<void>;
    from?: IngestResumeRecord | null;
  };
}

/** Segment writes allowed in flight while the next bucket is sorted. */
const MAX_INFLIGHT_PUTS = 2;

export interface Geometry {
  width: number;
  height: number;
  minX: number;
  minY: number;
  /** Row-major pixel index of each spectrum. */
  pixelOfSpectrum: Uint32Array;
  mask: Uint8Array;
  nSamplePixels: number;
}

/** Bounding box of the sampled coordinates and row-major pixel indices (spec §1). */
export function computeGeometry(index: ImzmlIndex): Geometry {
  const n = index.nSpectra;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = index.x[i], y = index.y[i];
    if (x < minX) minX = x; if (x > maxX) maxX = x;
    if (y < minY) minY = y; if (y > maxY) maxY = y;
  }
  const width = maxX - minX + 1, height = maxY - minY + 1;
  if (width * height > MAX_PIXELS) {
    throw new ImzmlError(`${index.name}: the coordinates span ${width} x ${height} pixels (x ${minX}..${maxX}, y ${minY}..${maxY}), too large for one image. Check the position x/y values.`);
  }
  const pixelOfSpectrum = new Uint32Array(n);
  const mask = new Uint8Array(width * height);
  let nSamplePixels = 0;
  for (let i = 0; i < n; i++) {
    const p = (index.y[i] - minY) * width + (index.x[i] - minX);
    pixelOfSpectrum[i] = p;
    if (!mask[p]) { mask[p] = 1; nSamplePixels++; }
  }
  return { width, height, minX, minY, pixelOfSpectrum, mask, nSamplePixels };
}

/** Spectra at the position of an earlier one are kept (their peaks add into that pixel), but the user hears of it. */
function duplicateWarning(index: ImzmlIndex, geo: Geometry): string {
  const seen = new Uint8Array(geo.width * geo.height);
  let first = -1;
  for (let i = 0; i < index.nSpectra && first < 0; i++) {
    const p = geo.pixelOfSpectrum[i];
    if (seen[p]) first = i;
    seen[p] = 1;
  }
  const k = index.nSpectra - geo.nSamplePixels;
  return `${k} spectr${k === 1 ? 'um shares' : 'a share'} a pixel with an earlier spectrum (duplicate position x/y; first: spectrum ${first} at x=${index.x[first]}, y=${index.y[first]}); their peaks are added into that pixel.`;
}

/**
 * Throws when a spectrum's values are outside the sanity ranges (m/z in [0, 1e5], intensity <= 1e12, no NaN).
 * `i`, `x`, `y` are the spectrum's global index and file coordinates (split ingest checks sub-ranges).
 */
export function checkSpectrumValues(name: string, i: number, x: number, y: number, mz: NumArray, intensity: NumArray, hint: string): void {
  const n = mz.length;
  for (let j = 0; j < n; j++) {
    const v = intensity[j];
    if (!(v <= INTENSITY_MAX)) {
      throw new ImzmlError(`${name}: spectrum ${i} (x=${x}, y=${y}) peak ${j} has intensity ${v}, outside [0, 1e12]. The ibd is corrupt or does not match this imzML.${hint}`);
    }
    if (v > 0) {
      const m = mz[j];
      if (!(m >= 0 && m <= MZ_MAX)) {
        throw new ImzmlError(`${name}: spectrum ${i} (x=${x}, y=${y}) peak ${j} has m/z ${m}, outside [0, 1e5]. The ibd is corrupt or does not match this imzML.${hint}`);
      }
    }
  }
}

function checkValues(index: ImzmlIndex, i: number, mz: NumArray, intensity: NumArray, hint: string): void {
  checkSpectrumValues(index.name, i, index.x[i], index.y[i], mz, intensity, hint);
}

/** What the ingest decides before reading all spectra: checks, geometry and the m/z bucket bounds. */
export interface IngestPlan {
  /** The index's warnings plus the ibd UUID warning, if any. */
  warnings: string[];
  /** Appended to value errors (explains them when the UUID does not match). */
  hint: string;
  geo: Geometry;
  /** Bucket bounds (bucket k holds bounds[k-1] <= m/z < bounds[k]); one bucket when empty. */
  bounds: number[];
  /** Estimated non-zero peaks of the whole dataset. */
  estPeaks: number;
}

/**
 * Checks the pair (UUID, array ranges), computes the geometry and samples evenly spaced spectra for the segment
 * bounds (deterministic: the same pair and target always give the same bounds; split ingest relies on that).
 */
export async function planIngest(
  index: ImzmlIndex,
  ibd: ByteSource,
  opts: { targetSegmentBytes?: number; signal?: AbortSignal; onProgress?(p: IngestProgress): void } = {},
): Promise<IngestPlan> {
  const { signal } = opts;
  const progress = opts.onProgress ?? (() => {});
  const target = opts.targetSegmentBytes ?? DEFAULT_TARGET_SEGMENT_BYTES;
  const warnings = [...index.warnings];
  const uuid = await checkIbdUuid(index, ibd);
  if (uuid.warning) warnings.push(uuid.warning);
  const hint = uuid.warning && !uuid.uuidMatches && index.uuid ? ` Note: ${uuid.warning}` : '';
  validateRanges(index, ibd, hint);
  const geo = computeGeometry(index);
  const n = index.nSpectra;
  if (geo.nSamplePixels < n) warnings.push(duplicateWarning(index, geo));

  // Segment bounds from a sample of spectra (evenly spaced, deterministic).
  let totalRaw = 0;
  for (let i = 0; i < n; i++) totalRaw += index.intensityLength[i];
  const nSample = Math.min(n, SAMPLE_SPECTRA);
  const sampleIdx = new Uint32Array(nSample);
  for (let s = 0; s < nSample; s++) sampleIdx[s] = Math.floor((s * n) / nSample);
  let sampleRaw = 0;
  for (let s = 0; s < nSample; s++) sampleRaw += index.intensityLength[sampleIdx[s]];
  let bounds: number[] = [];
  let estPeaks = totalRaw;
  const targetPeaksEst = Math.max(1, Math.floor(target / BYTES_PER_PEAK));
  if (totalRaw > MIN_SAMPLED_PEAKS && totalRaw > targetPeaksEst) {
    const parts: Float64Array[] = [];
    let kept = 0;
    let nonzero = 0;
    // Keep every stride-th non-zero m/z so that sorting the sample stays cheap (~256k values).
    const stride = Math.max(1, Math.ceil(sampleRaw / 262144));
    let phase = 0;
    await forEachSpectrum(index, ibd, (i, mz, inten) => {
      checkValues(index, i, mz, inten, hint);
      const out = new Float64Array(Math.ceil(mz.length / stride) + 1);
      let c = 0;
      for (let j = 0; j < mz.length; j++) {
        if (inten[j] > 0) {
          nonzero++;
          if (++phase === stride) { phase = 0; out[c++] = mz[j]; }
        }
      }
      parts.push(out.subarray(0, c));
      kept += c;
    }, { only: sampleIdx, signal, batchBytes: 1 << 20, readAhead: 16, onBytes: (d, t) => progress({ stage: 'sample', done: d, total: t }) });
    const sample = new Float64Array(kept);
    let o = 0;
    for (const p of parts) { sample.set(p, o); o += p.length; }
    sample.sort();
    estPeaks = sampleRaw > 0 ? (totalRaw * nonzero) / sampleRaw : totalRaw;
    bounds = quantileBounds(sample, Math.min(MAX_BUCKETS, Math.max(1, Math.ceil(estPeaks / targetPeaksEst))));
  }
  return { warnings, hint, geo, bounds, estPeaks };
}

/** Cuts a sorted bucket into its segment(s): one unless far over the target (skewed sample). */
export function bucketSegments(sorted: Segment, targetSegmentBytes = DEFAULT_TARGET_SEGMENT_BYTES): Segment[] {
  const targetPeaks = Math.max(1, Math.floor(targetSegmentBytes / BYTES_PER_PEAK));
  return splitSorted(sorted, 2 * targetPeaks);
}

/** Per-pixel TIC summed in f64 (in spectrum order), stored as f32. */
export function ticImage(tic64: Float64Array): Float32Array {
  const tic = new Float32Array(tic64.length);
  for (let p = 0; p < tic.length; p++) tic[p] = tic64[p];
  return tic;
}

/** The parts of a dataset's meta known before its segments are (what split ingest carries from plan to finish). */
export type MetaBase = Omit<DatasetMeta, 'totalPeaks' | 'mzMin' | 'mzMax' | 'segments' | 'warnings' | 'createdAt'>;

export function metaBase(o: { id: string; name: string; index: ImzmlIndex; geo: Geometry; imzmlName: string; ibdName: string; ibdSize: number }): MetaBase {
  const { index, geo } = o;
  return {
    id: o.id,
    name: o.name,
    width: geo.width,
    height: geo.height,
    minX: geo.minX,
    minY: geo.minY,
    nSpectra: index.nSpectra,
    nSamplePixels: geo.nSamplePixels,
    polarity: index.polarity,
    spectrumType: index.spectrumType,
    pixelSizeX: index.pixelSizeX,
    pixelSizeY: index.pixelSizeY,
    instrument: index.instrument,
    source: { imzml: o.imzmlName, ibd: o.ibdName, ibdSize: o.ibdSize, uuid: index.uuid },
  };
}

/** The dataset meta from its parts; `warnings` gets the "no peaks" note when there are none. */
export function completeMeta(base: MetaBase, infos: SegmentInfo[], warnings: string[]): DatasetMeta {
  let totalPeaks = 0;
  for (const s of infos) totalPeaks += s.nPeaks;
  const w = [...warnings];
  if (totalPeaks === 0) w.push('every intensity is zero: the dataset has no peaks.');
  return {
    id: base.id,
    name: base.name,
    width: base.width,
    height: base.height,
    minX: base.minX,
    minY: base.minY,
    nSpectra: base.nSpectra,
    nSamplePixels: base.nSamplePixels,
    totalPeaks,
    mzMin: infos.length ? infos[0].mzMin : 0,
    mzMax: infos.length ? infos[infos.length - 1].mzMax : 0,
    polarity: base.polarity,
    spectrumType: base.spectrumType,
    pixelSizeX: base.pixelSizeX,
    pixelSizeY: base.pixelSizeY,
    instrument: base.instrument,
    segments: infos,
    warnings: w,
    source: { ...base.source },
    createdAt: new Date().toISOString(),
  };
}

export async function ingestDataset(opts: IngestOptions): Promise<DatasetMeta> {
  const { imzml, ibd, store, signal, resume } = opts;
  const from = resume?.from ?? null;
  const progress = opts.onProgress ?? (() => {});
  const target = opts.targetSegmentBytes ?? DEFAULT_TARGET_SEGMENT_BYTES;
  if (from && resume) {
    const why = identityMismatch(from, resume.files.imzml, resume.files.ibd);
    if (why) throw new ResumeMismatchError(`cannot resume the ingest of ${from.name}: ${why}`);
    if (from.targetSegmentBytes !== target) throw new ResumeMismatchError(`cannot resume the ingest of ${from.name}: it was started with ${from.targetSegmentBytes / 2 ** 20} MB segments, now ${target / 2 ** 20} MB.`);
  }

  const index = opts.index ?? (await parseImzml(imzml, { signal, onProgress: (b) => progress({ stage: 'index', done: b, total: imzml.size }) }));
  if (from && (index.uuid ?? null) !== from.uuid) {
    throw new ResumeMismatchError(`cannot resume the ingest of ${from.name}: ${imzml.name} has UUID ${index.uuid ?? 'none'}, the interrupted ingest's had ${from.uuid ?? 'none'}.`);
  }
  const { warnings, hint, geo, bounds, estPeaks } = await planIngest(index, ibd, { targetSegmentBytes: target, signal, onProgress: progress });
  if (from && (from.bounds.length !== bounds.length || from.bounds.some((b, i) => b !== bounds[i]))) {
    throw new ResumeMismatchError(`cannot resume the ingest of ${from.name}: the files give other m/z bucket bounds than the interrupted ingest's.`);
  }

  // Stream all spectra into buckets; TIC per pixel (duplicates at one pixel add up). When all peaks at once would
  // exceed the memory budget, the buckets are taken in passes over the ibd (consecutive m/z ranges): each pass reads
  // every spectrum again but keeps only its buckets' peaks, so at most about one budget of peaks is held. A bucket
  // receives the same peaks in the same (spectrum) order in any pass, so its sorted segment is the same. Every pass
  // sums each spectrum's intensities the same way, so the TIC is that of whichever pass runs first (a resumed ingest
  // may not run pass 0).
  const nb = bounds.length + 1;
  const perBucket = estPeaks / nb;
  const budget = opts.memoryBudgetBytes ?? Infinity;
  const bucketsPerPass = from ? from.bucketsPerPass : Math.max(1, Math.min(nb, Math.floor(budget / Math.max(1, perBucket * 1.15 * BYTES_PER_PEAK))));
  const passes = Math.ceil(nb / bucketsPerPass);
  const startBucket = from ? from.nextBucket : 0;
  const startPass = Math.floor(startBucket / bucketsPerPass);
  const infos: SegmentInfo[] = from ? from.segments.map((s) => ({ ...s })) : [];
  let ticStored = from?.ticStored ?? false;
  if (from) progress({ stage: 'resume', done: startBucket, total: nb });
  const seg = new Segmenter(bounds, perBucket, { lo: Math.min(nb, startBucket), hi: Math.min(nb, (startPass + 1) * bucketsPerPass) });
  const tic64 = new Float64Array(geo.width * geo.height);
  const pix = geo.pixelOfSpectrum;
  // Resume records are saved one after another, each once the puts it counts have settled.
  const startedAt = from?.startedAt ?? new Date().toISOString();
  let saved: Promise<void> = Promise.resolve();
  const checkpoint = (after: Promise<void>, nextBucket: number): Promise<void> => {
    if (!resume) return after;
    const rec: IngestResumeRecord = {
      version: 1, id: opts.id, name: opts.name, imzml: resume.files.imzml, ibd: resume.files.ibd, uuid: index.uuid ?? null,
      targetSegmentBytes: target, bounds, bucketsPerPass, nBuckets: nb, nextBucket, segments: infos.map((s) => ({ ...s })), ticStored,
      startedAt, updatedAt: '',
    };
    saved = Promise.all([saved, after]).then(() => resume.save({ ...rec, updatedAt: new Date().toISOString() }));
    return saved;
  };
  if (resume && !from) await checkpoint(Promise.resolve(), 0);
  // Segment writes overlap the sorting of the next bucket (the store's I/O runs off this thread); at most
  // MAX_INFLIGHT_PUTS are pending, and every one is settled before this function returns or throws, so a caller
  // that deletes the dataset after a failure never races a write still in flight.
  const inflight: Promise<void>[] = [];
  try {
    for (let pass = startPass; pass < passes; pass++) {
      const kLo = Math.max(startBucket, pass * bucketsPerPass), kHi = Math.min(nb, (pass + 1) * bucketsPerPass);
      const wantTic = !ticStored;
      if (kLo >= kHi && !wantTic) continue; // resumed after the last bucket of this pass: nothing to read
      if (pass > startPass) seg.setActive(kLo, kHi);
      await forEachSpectrum(index, ibd, (i, mz, inten) => {
        const t = seg.addSpectrum(mz, inten, pix[i], MZ_MAX, INTENSITY_MAX);
        if (t < 0) checkValues(index, i, mz, inten, hint); // throws, naming the bad peak
        if (wantTic) tic64[pix[i]] += t;
      }, { signal, batchBytes: opts.batchBytes, onBytes: (d, t) => progress({ stage: 'read', done: pass * t + d, total: passes * t }) });
      if (wantTic) {
        // stored as soon as known, so that a resumed ingest need not read the ibd for it
        await store.putBlob(opts.id, BLOB_MASK, geo.mask);
        await store.putBlob(opts.id, BLOB_TIC, new Uint8Array(ticImage(tic64).buffer));
        ticStored = true;
        await checkpoint(Promise.resolve(), kLo);
      }

      // Each bucket is one segment: sorted in place and handed to the store as is (no second copy of the peaks, no
      // join); a bucket far over the target (skewed sample) is split without breaking a run of equal m/z.
      for (let k = kLo; k < kHi; k++) {
        if (signal?.aborted) throw signal.reason ?? new Error('aborted');
        if (seg.bucketSize(k) === 0) { progress({ stage: 'sort', done: k + 1, total: nb }); continue; }
        const pieces = bucketSegments(seg.takeSortedInPlace(k), target);
        const batch = pieces.map((sg) => {
          const index = infos.length;
          infos.push({ index, mzMin: sg.mz[0], mzMax: sg.mz[sg.mz.length - 1], nPeaks: sg.mz.length });
          return { index, segment: sg };
        });
        while (inflight.length >= MAX_INFLIGHT_PUTS) await inflight.shift();
        const put = checkpoint(store.putSegments(opts.id, batch), k + 1);
        put.catch(() => {}); // awaited in order below; this only keeps an early failure from being "unhandled"
        inflight.push(put);
        progress({ stage: 'sort', done: k + 1, total: nb });
      }
    }
    while (inflight.length) await inflight.shift();
    await saved;
  } finally {
    await Promise.allSettled([...inflight, saved]);
    releaseSortScratch();
  }
  if (!ticStored) throw new Error(`cannot resume the ingest of ${opts.name}: its record says every bucket is stored but not the TIC image; discard it and ingest again.`);

  const base = metaBase({ id: opts.id, name: opts.name, index, geo, imzmlName: imzml.name, ibdName: ibd.name, ibdSize: ibd.size });
  const meta = completeMeta(base, infos, warnings);
  await store.commit(meta);
  progress({ stage: 'done', done: 1, total: 1 });
  return meta;
}

export interface LoadOptions {
  id?: string;
  name?: string;
  signal?: AbortSignal;
  targetSegmentBytes?: number;
  onProgress?(p: IngestProgress): void;
}

/** Ingests into a MemoryStore and returns everything the scorer needs (tests, CLI). */
export async function loadDataset(
  imzml: ByteSource,
  ibd: ByteSource,
  options: LoadOptions = {},
): Promise<{ meta: DatasetMeta; mask: Uint8Array; tic: Float32Array; store: MemoryStore }> {
  const store = new MemoryStore();
  const name = options.name ?? imzml.name.replace(/^.*[\\/]/, '').replace(/\.imzml$/i, '');
  const meta = await ingestDataset({ imzml, ibd, store, id: options.id ?? name, name, signal: options.signal, targetSegmentBytes: options.targetSegmentBytes, onProgress: options.onProgress });
  const mask = (await store.getBlob(meta.id, BLOB_MASK))!;
  const ticBytes = (await store.getBlob(meta.id, BLOB_TIC))!;
  const tic = new Float32Array(ticBytes.buffer, ticBytes.byteOffset, ticBytes.byteLength / 4);
  return { meta, mask, tic, store };
}
