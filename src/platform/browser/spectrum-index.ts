// The spectrum browser's per-dataset cache in IndexedDB, built once in the analysis worker: a pixel-major copy of the
// peaks (so one pixel's spectrum reads ~1/100 of the data instead of every segment) and the mean spectrum.
//
// Build: one pass over the segments in m/z order. Segments are buffered up to FLUSH_PEAKS peaks, then regrouped by
// pixel (core/analysis/spectrum.ts transposeSegments) into one piece per block of PIXEL_BLOCK pixels and written in one
// transaction; the mean spectrum is accumulated in the same pass. Memory is bounded by the flush (≈ 28 bytes a peak:
// the buffered segments + the pieces), not by the dataset. The manifest is written last: a dataset has a usable index
// exactly when it has a manifest. Stored next to the dataset's blobs, so deleting the dataset deletes it.
import {
  MeanSpectrumBuilder, PIXEL_BLOCK, decodePiece, decodeSpectrum, encodeSpectrum, spectrumFromPieces, transposeSegments,
  type PixelPiece, type Spectrum,
} from '../../core/analysis/spectrum.ts';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import type { IdbSegmentStore } from './idb-store.ts';

export const MANIFEST_KEY = 'pixel-spectra-v1';
export const MEAN_KEY = 'mean-spectrum-v1';
/** Peaks regrouped per flush: 4 M peaks ≈ 64 MB of buffered segments + 48 MB of pieces (one transaction). */
const FLUSH_PEAKS = 4_000_000;

interface Manifest {
  v: 1;
  blockPixels: number;
  nPixels: number;
  /** Per flush, the blocks that have a piece. */
  flushes: number[][];
}

export interface IndexProgress {
  /** Segments read so far, of `total`. */
  done: number;
  total: number;
}

/** What building the index cost: wall time, of which reading every segment and writing the pieces; bytes written. */
export interface BuildStats { ms: number; readMs: number; writeMs: number; bytes: number; flushes: number }

export interface PixelSpectrumReply extends Spectrum {
  /** Time to read and assemble the spectrum from the index (ms). */
  readMs: number;
  /** The build, when this call waited for it (else null). */
  build: BuildStats | null;
}

const pieceKey = (flush: number, block: number) => `${MANIFEST_KEY}/${flush}/${block}`;
const enc = new TextEncoder();
const dec = new TextDecoder();

export class SpectrumIndex {
  private readonly building = new Map<string, Promise<{ manifest: Manifest; build: BuildStats | null }>>();
  /** The last block read (neighbouring clicks mostly land in it): a few MB at most. */
  private lastBlock: { key: string; pieces: PixelPiece[] } | null = null;
  private mean: { id: string; s: Spectrum } | null = null;
  /** Datasets whose build time was already reported (a build is reported once, by the call that waited for it). */
  private readonly reported = new Set<string>();

  constructor(private readonly store: IdbSegmentStore) {}

  private async manifestOf(meta: DatasetMeta): Promise<Manifest | null> {
    const b = await this.store.getBlob(meta.id, MANIFEST_KEY);
    if (!b) return null;
    try {
      const m = JSON.parse(dec.decode(b)) as Manifest;
      return m.v === 1 && m.nPixels === meta.width * meta.height ? m : null;
    } catch {
      return null;
    }
  }

  /** The index of the dataset, built now if it has none (concurrent callers share one build). */
  ensure(meta: DatasetMeta, onProgress?: (p: IndexProgress) => void): Promise<{ manifest: Manifest; build: BuildStats | null }> {
    let p = this.building.get(meta.id);
    if (!p) {
      p = (async () => {
        const m = await this.manifestOf(meta);
        if (m && (await this.store.getBlob(meta.id, MEAN_KEY))) return { manifest: m, build: null };
        return this.build(meta, onProgress);
      })();
      this.building.set(meta.id, p);
      p.catch(() => this.building.delete(meta.id));
    }
    return p;
  }

  private async build(meta: DatasetMeta, onProgress?: (p: IndexProgress) => void): Promise<{ manifest: Manifest; build: BuildStats }> {
    const t0 = performance.now();
    const stats: BuildStats = { ms: 0, readMs: 0, writeMs: 0, bytes: 0, flushes: 0 };
    const nPixels = meta.width * meta.height;
    const manifest: Manifest = { v: 1, blockPixels: PIXEL_BLOCK, nPixels, flushes: [] };
    const positive = meta.segments.find((s) => s.nPeaks > 0 && s.mzMin > 0)?.mzMin ?? 1;
    const mean = new MeanSpectrumBuilder(meta.mzMin > 0 ? meta.mzMin : positive);
    let buffered: Segment[] = [];
    let bufferedPeaks = 0;
    const written: string[] = [];
    const flush = async () => {
      if (!buffered.length) return;
      const f = manifest.flushes.length;
      const pieces = transposeSegments(buffered, nPixels, PIXEL_BLOCK);
      buffered = [];
      bufferedPeaks = 0;
      // the dataset deleted meanwhile (another tab, or the library): remove what was written, leave no orphans
      if (!(await this.store.getMeta(meta.id))) {
        await this.store.delete(meta.id);
        throw new Error(`dataset ${meta.name} was deleted while its spectrum index was being built`);
      }
      const tw = performance.now();
      await this.store.putDerivedBlobs(meta.id, pieces.map(({ block, piece }) => [pieceKey(f, block), piece.bytes]));
      written.push(...pieces.map(({ block }) => pieceKey(f, block)));
      stats.writeMs += performance.now() - tw;
      for (const p of pieces) stats.bytes += p.piece.bytes.byteLength;
      manifest.flushes.push(pieces.map((p) => p.block));
    };
    try {
      const segs = meta.segments;
      for (let k = 0; k < segs.length; k++) {
        if (segs[k].nPeaks > 0) {
          const tr = performance.now();
          const s = await this.store.getSegment(meta.id, segs[k].index);
          stats.readMs += performance.now() - tr;
          mean.add(s);
          buffered.push(s);
          bufferedPeaks += s.mz.length;
          if (bufferedPeaks >= FLUSH_PEAKS) await flush();
        }
        onProgress?.({ done: k + 1, total: segs.length });
      }
      await flush();
      const m = mean.finish(meta.nSamplePixels);
      this.mean = { id: meta.id, s: m };
      // the manifest last: its presence means the pieces are all there
      await this.store.putDerivedBlobs(meta.id, [[MEAN_KEY, encodeSpectrum(m)], [MANIFEST_KEY, enc.encode(JSON.stringify(manifest))]]);
    } catch (e) {
      // e.g. the browser's storage is full: leave no orphan pieces (they would take space and never be read)
      await this.store.deleteDerivedBlobs(meta.id, written).catch(() => {});
      throw e;
    }
    stats.flushes = manifest.flushes.length;
    stats.ms = performance.now() - t0;
    return { manifest, build: stats };
  }

  async pixelSpectrum(meta: DatasetMeta, pixel: number, onProgress?: (p: IndexProgress) => void): Promise<PixelSpectrumReply> {
    if (!(Number.isInteger(pixel) && pixel >= 0 && pixel < meta.width * meta.height)) throw new Error(`pixel ${pixel} is outside the ${meta.width}×${meta.height} image`);
    const { manifest, build: built } = await this.ensure(meta, onProgress);
    const build = this.reported.has(meta.id) ? null : built;
    this.reported.add(meta.id);
    const t0 = performance.now();
    const block = Math.floor(pixel / manifest.blockPixels);
    const key = `${meta.id}|${block}`;
    let pieces = this.lastBlock?.key === key ? this.lastBlock.pieces : null;
    if (!pieces) {
      const wanted = manifest.flushes.flatMap((blocks, f) => (blocks.includes(block) ? [f] : []));
      const bytes = await Promise.all(wanted.map((f) => this.store.getBlob(meta.id, pieceKey(f, block))));
      if (bytes.some((b) => !b)) {
        // a piece went missing (storage cleared under us): forget the index so the next call rebuilds it
        this.building.delete(meta.id);
        this.reported.delete(meta.id);
        await this.store.putDerivedBlobs(meta.id, [[MANIFEST_KEY, new Uint8Array(0)]]);
        throw new Error('the spectrum index of this dataset is incomplete in browser storage; click again to rebuild it');
      }
      pieces = bytes.map((b) => decodePiece(b!));
      this.lastBlock = { key, pieces };
    }
    const s = spectrumFromPieces(pieces, pixel);
    return { mz: s.mz, intensity: s.intensity, readMs: performance.now() - t0, build };
  }

  async meanSpectrum(meta: DatasetMeta, onProgress?: (p: IndexProgress) => void): Promise<Spectrum> {
    await this.ensure(meta, onProgress);
    if (this.mean?.id !== meta.id) {
      const b = await this.store.getBlob(meta.id, MEAN_KEY);
      if (!b) throw new Error('the mean spectrum is missing from browser storage; reload the page to rebuild it');
      this.mean = { id: meta.id, s: decodeSpectrum(b) };
    }
    // copies: the reply is transferred, the cached one stays here
    return { mz: this.mean.s.mz.slice(), intensity: this.mean.s.intensity.slice() };
  }
}
