// SegmentStore in IndexedDB through idb-keyval. Keys are arrays: ['seg', id, index], ['blob', id, key],
// ['pending', id] (written with the first data, removed at commit), ['resume', id] (the ingest's resume record,
// core/imzml/resume.ts: buffered with the segments and written in the same transaction as the last of the segments it
// counts, so it is never ahead of the stored data; removed at commit) and ['meta', id] (written at commit, in the
// same transaction that removes the pending marker, so a dataset is listed only once it is complete).
// A segment record is { n, bytes }: one exact-size ArrayBuffer holding m/z (f64 × n), intensity (f32 × n) and pixel
// (u32 × n) one after the other (as the Node file store lays them out). Structured clone writes a typed array's
// whole buffer, and the ingest hands over views of bucket buffers with slack, so the copy into one exact buffer is
// smaller to write; it also lets the bucket's memory go before the write finishes. Records written before this
// layout ({ mz, intensity, pixel } typed arrays) are read as they are.
import { createStore, setMany, get, keys, delMany, promisifyRequest } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import type { SegmentStore } from '../../core/store.ts';
import type { IngestResumeRecord, ResumeRecordStore } from '../../core/imzml/resume.ts';

export interface IdbStoreOptions {
  dbName?: string;
  storeName?: string;
  /**
   * Segments are buffered and written in one `setMany` transaction per this many bytes (default 64 MiB): fewer,
   * larger transactions write faster. `commit` flushes first, so atomicity is unchanged. 0 = write at once.
   */
  batchBytes?: number;
}

/** The browser refused a write for lack of space (QuotaExceededError); `writtenBytes` of the dataset were stored. */
export class StorageQuotaError extends Error {
  constructor(message: string, readonly writtenBytes = 0) {
    super(message);
    this.name = 'StorageQuotaError';
  }
}

export class IdbSegmentStore implements SegmentStore, ResumeRecordStore {
  private readonly store: UseStore;
  private readonly begun = new Set<string>();
  private readonly written = new Map<string, number>();
  private readonly pending = new Map<string, { entries: [IDBValidKey, unknown][]; bytes: number; segs: Map<number, Segment>; resume?: IngestResumeRecord }>();

  constructor(private readonly options: IdbStoreOptions = {}) {
    this.store = createStore(options.dbName ?? 'imzlens', options.storeName ?? 'datasets');
  }

  /** First write of a dataset in this session: unlist any older committed version and mark it pending. */
  private async begin(id: string): Promise<void> {
    if (this.begun.has(id)) return;
    this.begun.add(id);
    this.written.set(id, 0);
    await this.store('readwrite', (s) => {
      s.delete(['meta', id]);
      s.put({ startedAt: new Date().toISOString() }, ['pending', id]);
      return promisifyRequest(s.transaction);
    });
  }

  private async flush(id: string): Promise<void> {
    const p = this.pending.get(id);
    if (!p || (!p.entries.length && !p.resume)) return;
    this.pending.delete(id);
    const entries = p.resume ? [...p.entries, [['resume', id], p.resume] as [IDBValidKey, unknown]] : p.entries;
    await this.write(id, entries, p.bytes);
  }

  private async write(id: string, entries: [IDBValidKey, unknown][], bytes: number): Promise<void> {
    await this.begin(id);
    const all = entries;
    const total = (this.written.get(id) ?? 0) + bytes;
    try {
      await setMany(all, this.store);
      this.written.set(id, total);
    } catch (e) {
      if (!isQuotaError(e)) throw e;
      const done = this.written.get(id) ?? 0;
      await this.delete(id).catch(() => {});
      throw new StorageQuotaError(
        `The browser's storage is full: it refused more data for dataset '${id}' after ${(done / 1e6).toFixed(1)} MB (QuotaExceededError). ` +
          'The partial dataset was removed. Free space by deleting other datasets (or site data), or use a smaller dataset.',
        done,
      );
    }
  }

  async putSegments(datasetId: string, segments: { index: number; segment: Segment }[]): Promise<void> {
    await this.begin(datasetId);
    let p = this.pending.get(datasetId);
    if (!p) { p = { entries: [], bytes: 0, segs: new Map() }; this.pending.set(datasetId, p); }
    for (const { index, segment } of segments) {
      const rec = packSegment(segment);
      p.bytes += rec.bytes.byteLength;
      p.entries.push([['seg', datasetId, index], rec]);
      p.segs.set(index, unpackSegment(rec));
    }
    if (p.bytes >= (this.options.batchBytes ?? 64 * 2 ** 20)) await this.flush(datasetId);
  }

  /**
   * The resume record goes with the buffered segments (the latest replaces an earlier one not yet written): it lands
   * in the same transaction as the last segments it counts, or, when none are buffered, in one of its own.
   */
  async putResume(datasetId: string, record: IngestResumeRecord): Promise<void> {
    const p = this.pending.get(datasetId);
    if (p) { p.resume = record; return; }
    await this.write(datasetId, [[['resume', datasetId], record]], 0);
  }

  async getResume(datasetId: string): Promise<IngestResumeRecord | null> {
    return (await get<IngestResumeRecord>(['resume', datasetId], this.store)) ?? null;
  }

  async getSegment(datasetId: string, index: number): Promise<Segment> {
    const buffered = this.pending.get(datasetId)?.segs.get(index);
    if (buffered) return buffered;
    const s = await get<SegmentRecord | Segment>(['seg', datasetId, index], this.store);
    if (!s) throw new Error(`dataset '${datasetId}' has no segment ${index} in this browser's storage; open the files again to re-ingest it`);
    return 'bytes' in s ? unpackSegment(s) : s;
  }

  async putBlob(datasetId: string, key: string, data: Uint8Array): Promise<void> {
    await this.write(datasetId, [[['blob', datasetId, key], data]], data.byteLength);
  }

  /**
   * Blobs derived from a committed dataset (caches such as the spectrum index), in one transaction and without
   * `putBlob`'s unlisting of a dataset being written. Deleted with the dataset.
   */
  async putDerivedBlobs(datasetId: string, entries: [string, Uint8Array][]): Promise<void> {
    try {
      await setMany(entries.map(([k, d]): [IDBValidKey, unknown] => [['blob', datasetId, k], d]), this.store);
    } catch (e) {
      // the transaction wrote nothing; the dataset itself is untouched (callers treat these blobs as a cache)
      if (!isQuotaError(e)) throw e;
      const bytes = entries.reduce((n, [, d]) => n + d.byteLength, 0);
      throw new StorageQuotaError(`Not enough browser storage: ${(bytes / 1e6).toFixed(1)} MB more needed. Delete datasets in the library or free disk space.`);
    }
  }

  /** Removes derived blobs (a cache build that failed half-way); the dataset is untouched. */
  async deleteDerivedBlobs(datasetId: string, blobKeys: string[]): Promise<void> {
    if (blobKeys.length) await delMany(blobKeys.map((k) => ['blob', datasetId, k]), this.store);
  }

  async getBlob(datasetId: string, key: string): Promise<Uint8Array | null> {
    return (await get<Uint8Array>(['blob', datasetId, key], this.store)) ?? null;
  }

  async commit(meta: DatasetMeta): Promise<void> {
    const id = meta.id;
    await this.flush(id);
    const present = new Set((await this.keysOf(id)).filter((k) => k[0] === 'seg').map((k) => k[2] as number));
    for (const s of meta.segments) {
      if (!present.has(s.index)) throw new Error(`cannot commit dataset '${id}': segment ${s.index} was never written`);
    }
    await this.store('readwrite', (s) => {
      s.put(meta, ['meta', id]);
      s.delete(['pending', id]);
      s.delete(['resume', id]);
      return promisifyRequest(s.transaction);
    });
    this.begun.delete(id);
  }

  async getMeta(datasetId: string): Promise<DatasetMeta | null> {
    return (await get<DatasetMeta>(['meta', datasetId], this.store)) ?? null;
  }

  async list(): Promise<DatasetMeta[]> {
    const ks = (await keys<IDBValidKey[]>(this.store)).filter((k) => Array.isArray(k) && k[0] === 'meta');
    const out: DatasetMeta[] = [];
    for (const k of ks) {
      const m = await get<DatasetMeta>(k, this.store);
      if (m) out.push(m);
    }
    return out;
  }

  async listIncomplete(): Promise<string[]> {
    const ks = await keys<IDBValidKey[]>(this.store);
    return ks.filter((k) => Array.isArray(k) && k[0] === 'pending').map((k) => k[1] as string);
  }

  async delete(datasetId: string): Promise<void> {
    this.pending.delete(datasetId);
    const ks = await this.keysOf(datasetId);
    if (ks.length) await delMany(ks, this.store);
    this.begun.delete(datasetId);
    this.written.delete(datasetId);
  }

  private async keysOf(id: string): Promise<IDBValidKey[][]> {
    const ks = await keys<IDBValidKey[]>(this.store);
    return ks.filter((k) => Array.isArray(k) && k[1] === id);
  }
}

/** A segment as stored: n peaks, m/z then intensity then pixel in one buffer of 16 n bytes. */
export interface SegmentRecord {
  n: number;
  bytes: ArrayBuffer;
}

export function packSegment(s: Segment): SegmentRecord {
  const n = s.mz.length;
  const bytes = new ArrayBuffer(16 * n);
  new Float64Array(bytes, 0, n).set(s.mz);
  new Float32Array(bytes, 8 * n, n).set(s.intensity);
  new Uint32Array(bytes, 12 * n, n).set(s.pixel);
  return { n, bytes };
}

export function unpackSegment(r: SegmentRecord): Segment {
  const n = r.n;
  if (r.bytes.byteLength !== 16 * n) throw new Error(`a stored segment record has ${r.bytes.byteLength} bytes for ${n} peaks (want ${16 * n}); delete the dataset and open its files again`);
  return { mz: new Float64Array(r.bytes, 0, n), intensity: new Float32Array(r.bytes, 8 * n, n), pixel: new Uint32Array(r.bytes, 12 * n, n) };
}

function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; message?: string } | null;
  return !!err && (err.name === 'QuotaExceededError' || /quota/i.test(err.message ?? ''));
}
