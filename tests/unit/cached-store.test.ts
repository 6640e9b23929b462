import { describe, expect, it } from 'vitest';
import { CachedSegmentStore } from '../../src/core/cached-store.ts';
import { MemoryStore } from '../../src/core/memory-store.ts';
import type { Segment } from '../../src/core/types.ts';

function seg(n: number, v: number): Segment {
  return { mz: new Float64Array(n).fill(v), intensity: new Float32Array(n).fill(1), pixel: new Uint32Array(n) };
}

class CountingStore extends MemoryStore {
  reads = 0;
  override async getSegment(id: string, i: number): Promise<Segment> {
    this.reads++;
    return super.getSegment(id, i);
  }
}

describe('CachedSegmentStore', () => {
  it('reads each segment once while it fits, evicting the least recently used', async () => {
    const inner = new CountingStore();
    await inner.putSegments('d', [0, 1, 2].map((index) => ({ index, segment: seg(1000, index) })));
    const one = 1000 * 16; // bytes of one segment
    const c = new CachedSegmentStore(inner, 2 * one);
    expect((await c.getSegment('d', 0)).mz[0]).toBe(0);
    await c.getSegment('d', 1);
    await c.getSegment('d', 0);
    await c.getSegment('d', 1);
    expect(inner.reads).toBe(2);
    await c.getSegment('d', 2); // evicts 0 (least recently used)
    await c.getSegment('d', 1);
    expect(inner.reads).toBe(3);
    await c.getSegment('d', 0);
    expect(inner.reads).toBe(4);
  });

  it('forgets a dataset that is rewritten or deleted', async () => {
    const inner = new CountingStore();
    await inner.putSegments('d', [{ index: 0, segment: seg(10, 1) }]);
    const c = new CachedSegmentStore(inner);
    expect((await c.getSegment('d', 0)).mz[0]).toBe(1);
    await c.putSegments('d', [{ index: 0, segment: seg(10, 2) }]);
    expect((await c.getSegment('d', 0)).mz[0]).toBe(2);
    await c.delete('d');
    await expect(c.getSegment('d', 0)).rejects.toThrow();
  });
});
