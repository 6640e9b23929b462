// The SegmentStore contract, run against the memory store and the Node file store.
import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SegmentStore } from '../../src/core/store.ts';
import type { DatasetMeta, Segment } from '../../src/core/types.ts';
import { MemoryStore } from '../../src/core/memory-store.ts';
import { FileSegmentStore } from '../../src/platform/node/file-store.ts';
import { ingestDataset } from '../../src/core/imzml/ingest.ts';
import { writeImzmlToMemory } from '../../src/core/imzml/writer.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'imzlens-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function seg(n: number, base: number): Segment {
  return {
    mz: Float64Array.from({ length: n }, (_, i) => base + i * 0.5),
    intensity: Float32Array.from({ length: n }, (_, i) => i + 0.25),
    pixel: Uint32Array.from({ length: n }, (_, i) => i * 3),
  };
}

function meta(id: string, segs: Segment[]): DatasetMeta {
  return {
    id, name: id, width: 2, height: 2, minX: 1, minY: 1, nSpectra: 4, nSamplePixels: 4,
    totalPeaks: segs.reduce((a, s) => a + s.mz.length, 0), mzMin: segs[0].mz[0], mzMax: 0,
    polarity: null, spectrumType: null, pixelSizeX: null, pixelSizeY: null, instrument: null,
    segments: segs.map((s, index) => ({ index, mzMin: s.mz[0], mzMax: s.mz[s.mz.length - 1], nPeaks: s.mz.length })),
    warnings: [], source: { imzml: 'a.imzML', ibd: 'a.ibd', ibdSize: 0, uuid: null }, createdAt: new Date(0).toISOString(),
  };
}

const stores: [string, () => SegmentStore][] = [
  ['MemoryStore', () => new MemoryStore()],
  ['FileSegmentStore', () => new FileSegmentStore(mkdtempSync(path.join(tmp, 'fs-')))],
];

for (const [label, make] of stores) {
  describe(label, () => {
    it('round-trips segments and blobs; a dataset is listed only after commit', async () => {
      const store = make();
      const segs = [seg(5, 100), seg(3, 200), seg(0, 300)];
      await store.putSegments('d/1', segs.slice(0, 2).map((segment, index) => ({ index, segment })));
      await store.putSegments('d/1', [{ index: 2, segment: segs[2] }]);
      await store.putBlob('d/1', 'mask', new Uint8Array([1, 0, 1, 1]));
      expect(await store.list()).toEqual([]);
      expect(await store.getMeta('d/1')).toBeNull();
      expect(await store.listIncomplete()).toEqual(['d/1']);
      await store.commit(meta('d/1', segs));
      expect((await store.list()).map((m) => m.id)).toEqual(['d/1']);
      expect(await store.listIncomplete()).toEqual([]);
      expect((await store.getMeta('d/1'))!.segments.length).toBe(3);
      for (let i = 0; i < 3; i++) {
        const got = await store.getSegment('d/1', i);
        expect(Array.from(got.mz)).toEqual(Array.from(segs[i].mz));
        expect(Array.from(got.intensity)).toEqual(Array.from(segs[i].intensity));
        expect(Array.from(got.pixel)).toEqual(Array.from(segs[i].pixel));
      }
      expect(Array.from((await store.getBlob('d/1', 'mask'))!)).toEqual([1, 0, 1, 1]);
      expect(await store.getBlob('d/1', 'nope')).toBeNull();
      await expect(store.getSegment('d/1', 9)).rejects.toThrow(/segment 9/);
    });

    it('refuses to commit a dataset whose segments are missing, and deletes incomplete ones', async () => {
      const store = make();
      await store.putSegments('half', [{ index: 0, segment: seg(2, 1) }]);
      await expect(store.commit(meta('half', [seg(2, 1), seg(2, 5)]))).rejects.toThrow(/segment 1/);
      expect(await store.list()).toEqual([]);
      expect(await store.listIncomplete()).toEqual(['half']);
      await store.delete('half');
      expect(await store.listIncomplete()).toEqual([]);
    });

    it('an interrupted ingest leaves no listed dataset; a re-ingest commits it', async () => {
      const store = make();
      const sp = Array.from({ length: 60 }, (_, i) => ({ x: 1 + (i % 10), y: 1 + Math.floor(i / 10), mz: Array.from({ length: 2000 }, (_, j) => 100 + j * 0.1 + i * 1e-3), intensity: Array.from({ length: 2000 }, (_, j) => j % 7) }));
      const w = await writeImzmlToMemory({ mode: 'processed' }, sp);
      // A store that fails on the second batch of segments, as a crash or a full disk would.
      let calls = 0;
      const failing: SegmentStore = Object.create(store);
      failing.putSegments = async (id, segs) => { if (++calls === 2) throw new Error('disk gone'); return store.putSegments(id, segs); };
      const args = { imzml: new BytesSource('a.imzML', w.imzml), ibd: new BytesSource('a.ibd', w.ibd), id: 'ds', name: 'ds', targetSegmentBytes: 64 * 1024 };
      await expect(ingestDataset({ ...args, store: failing })).rejects.toThrow('disk gone');
      expect(await store.list()).toEqual([]);
      expect(await store.getMeta('ds')).toBeNull();
      expect(await store.listIncomplete()).toEqual(['ds']);
      const m = await ingestDataset({ ...args, store });
      expect((await store.list()).map((d) => d.id)).toEqual(['ds']);
      expect(await store.listIncomplete()).toEqual([]);
      expect(m.totalPeaks).toBe(60 * (2000 - Math.ceil(2000 / 7)));
      expect(m.segments.length).toBeGreaterThan(3);
      let total = 0;
      for (const s of m.segments) total += (await store.getSegment('ds', s.index)).mz.length;
      expect(total).toBe(m.totalPeaks);
    });
  });
}

describe('FileSegmentStore layout', () => {
  it('keeps writes in <id>.partial until commit renames it', async () => {
    const root = mkdtempSync(path.join(tmp, 'layout-'));
    const store = new FileSegmentStore(root);
    await store.putSegments('x', [{ index: 0, segment: seg(4, 10) }]);
    expect(readdirSync(root)).toEqual(['x.partial']);
    await store.commit(meta('x', [seg(4, 10)]));
    expect(readdirSync(root)).toEqual(['x']);
    expect(readdirSync(path.join(root, 'x')).sort()).toEqual(['meta.json', 'seg-0.bin']);
    // re-ingest replaces the committed version atomically
    await store.putSegments('x', [{ index: 0, segment: seg(2, 50) }]);
    expect((await store.list()).length).toBe(1);
    await store.commit(meta('x', [seg(2, 50)]));
    expect(readdirSync(root)).toEqual(['x']);
    expect(Array.from((await store.getSegment('x', 0)).mz)).toEqual([50, 50.5]);
  });
});
