// A read-through LRU cache of segments in front of any SegmentStore. Score tasks are planned in m/z order,
// so consecutive tasks on one worker mostly need the same segments: keeping a few hundred MB of them
// avoids reading and decoding each segment once per task.
import type { DatasetMeta, Segment } from './types.ts';
import type { SegmentStore } from './store.ts';

const segmentBytes = (s: Segment) => s.mz.byteLength + s.intensity.byteLength + s.pixel.byteLength;

export class CachedSegmentStore implements SegmentStore {
  private readonly cache = new Map<string, Segment>();
  private bytes = 0;

  constructor(private readonly inner: SegmentStore, private readonly maxBytes = 384 * 1024 * 1024) {}

  async getSegment(datasetId: string, index: number): Promise<Segment> {
    const key = `${datasetId}\u0000${index}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key); // re-insert: Map order is the LRU order
      this.cache.set(key, hit);
      return hit;
    }
    const seg = await this.inner.getSegment(datasetId, index);
    const size = segmentBytes(seg);
    if (size <= this.maxBytes) {
      this.cache.set(key, seg);
      this.bytes += size;
      for (const [k, v] of this.cache) {
        if (this.bytes <= this.maxBytes) break;
        this.cache.delete(k);
        this.bytes -= segmentBytes(v);
      }
    }
    return seg;
  }

  private forget(datasetId: string): void {
    for (const [k, v] of this.cache) {
      if (k.startsWith(`${datasetId}\u0000`)) {
        this.cache.delete(k);
        this.bytes -= segmentBytes(v);
      }
    }
  }

  putSegments(datasetId: string, segments: { index: number; segment: Segment }[]): Promise<void> {
    this.forget(datasetId);
    return this.inner.putSegments(datasetId, segments);
  }
  putBlob(datasetId: string, key: string, data: Uint8Array): Promise<void> {
    return this.inner.putBlob(datasetId, key, data);
  }
  getBlob(datasetId: string, key: string): Promise<Uint8Array | null> {
    return this.inner.getBlob(datasetId, key);
  }
  commit(meta: DatasetMeta): Promise<void> {
    return this.inner.commit(meta);
  }
  getMeta(datasetId: string): Promise<DatasetMeta | null> {
    return this.inner.getMeta(datasetId);
  }
  list(): Promise<DatasetMeta[]> {
    return this.inner.list();
  }
  listIncomplete(): Promise<string[]> {
    return this.inner.listIncomplete();
  }
  delete(datasetId: string): Promise<void> {
    this.forget(datasetId);
    return this.inner.delete(datasetId);
  }
}
