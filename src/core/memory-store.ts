// SegmentStore in memory: tests, the CLI, and small datasets in a worker.
import type { DatasetMeta, Segment } from './types.ts';
import type { SegmentStore } from './store.ts';

interface Entry {
  segments: Map<number, Segment>;
  blobs: Map<string, Uint8Array>;
  meta: DatasetMeta | null;
}

export class MemoryStore implements SegmentStore {
  private readonly data = new Map<string, Entry>();

  private entry(id: string): Entry {
    let e = this.data.get(id);
    if (!e) { e = { segments: new Map(), blobs: new Map(), meta: null }; this.data.set(id, e); }
    return e;
  }

  async putSegments(datasetId: string, segments: { index: number; segment: Segment }[]): Promise<void> {
    const e = this.entry(datasetId);
    for (const s of segments) e.segments.set(s.index, s.segment);
  }

  async getSegment(datasetId: string, index: number): Promise<Segment> {
    const s = this.data.get(datasetId)?.segments.get(index);
    if (!s) throw new Error(`dataset '${datasetId}' has no segment ${index} in this memory store; ingest the dataset first`);
    return s;
  }

  async putBlob(datasetId: string, key: string, data: Uint8Array): Promise<void> {
    this.entry(datasetId).blobs.set(key, data);
  }

  async getBlob(datasetId: string, key: string): Promise<Uint8Array | null> {
    return this.data.get(datasetId)?.blobs.get(key) ?? null;
  }

  async commit(meta: DatasetMeta): Promise<void> {
    const e = this.entry(meta.id);
    for (const s of meta.segments) {
      if (!e.segments.has(s.index)) throw new Error(`cannot commit dataset '${meta.id}': segment ${s.index} was never written`);
    }
    e.meta = meta;
  }

  async getMeta(datasetId: string): Promise<DatasetMeta | null> {
    return this.data.get(datasetId)?.meta ?? null;
  }

  async list(): Promise<DatasetMeta[]> {
    return [...this.data.values()].filter((e) => e.meta).map((e) => e.meta!);
  }

  async listIncomplete(): Promise<string[]> {
    return [...this.data.entries()].filter(([, e]) => !e.meta).map(([id]) => id);
  }

  async delete(datasetId: string): Promise<void> {
    this.data.delete(datasetId);
  }
}
