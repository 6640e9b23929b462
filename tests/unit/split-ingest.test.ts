// Split ingest (plan → chunks → merges → finish) in one process must give exactly what the single-pass
// ingestDataset gives: same segments byte for byte, same mask and TIC, same meta except createdAt; the pure merge
// and numbering pieces are checked by hand.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import { ingestDataset } from '../../src/core/imzml/ingest.ts';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import {
  SPLIT_BLOB_PREFIX,
  chunkRanges,
  expectedSegments,
  mergeAll,
  mergeSortedRuns,
  planMerges,
  splitIngestDataset,
  type MergeWork,
  type SplitCleanup,
} from '../../src/core/imzml/split-ingest.ts';
import { MemoryStore } from '../../src/core/memory-store.ts';
import { BLOB_MASK, BLOB_TIC, type SegmentStore } from '../../src/core/store.ts';
import type { DatasetMeta, Segment, SegmentInfo } from '../../src/core/types.ts';
import { sharedPath } from '../helpers/shared.ts';

/** A store that can also delete blobs and segments (what the S3 cleanup does), and lists what it holds. */
class ScratchStore implements SegmentStore, SplitCleanup {
  segments = new Map<number, Segment>();
  blobs = new Map<string, Uint8Array>();
  meta: DatasetMeta | null = null;
  async putSegments(_id: string, segs: { index: number; segment: Segment }[]) { for (const s of segs) this.segments.set(s.index, s.segment); }
  async getSegment(_id: string, i: number) { const s = this.segments.get(i); if (!s) throw new Error(`no segment ${i}`); return s; }
  async putBlob(_id: string, key: string, data: Uint8Array) { this.blobs.set(key, data.slice()); }
  async getBlob(_id: string, key: string) { return this.blobs.get(key) ?? null; }
  async commit(meta: DatasetMeta) { this.meta = meta; }
  async getMeta() { return this.meta; }
  async list() { return this.meta ? [this.meta] : []; }
  async listIncomplete() { return []; }
  async delete() { this.segments.clear(); this.blobs.clear(); this.meta = null; }
  async deleteBlobsWithPrefix(_id: string, prefix: string) { for (const k of [...this.blobs.keys()]) if (k.startsWith(prefix)) this.blobs.delete(k); }
  async deleteSegments(_id: string, indices: number[]) { for (const i of indices) this.segments.delete(i); }
}

function seg(mz: number[], intensity?: number[], pixel?: number[]): Segment {
  return {
    mz: Float64Array.from(mz),
    intensity: Float32Array.from(intensity ?? mz.map((_, i) => i + 1)),
    pixel: Uint32Array.from(pixel ?? mz.map((_, i) => i)),
  };
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function expectSameDataset(a: { store: SegmentStore; meta: DatasetMeta }, b: { store: SegmentStore; meta: DatasetMeta }): Promise<void> {
  expect({ ...b.meta, createdAt: '' }).toEqual({ ...a.meta, createdAt: '' });
  for (const s of a.meta.segments) {
    const x = await a.store.getSegment(a.meta.id, s.index);
    const y = await b.store.getSegment(b.meta.id, s.index);
    expect(bytesOf(y.mz).equals(bytesOf(x.mz)), `segment ${s.index} m/z`).toBe(true);
    expect(bytesOf(y.intensity).equals(bytesOf(x.intensity)), `segment ${s.index} intensity`).toBe(true);
    expect(bytesOf(y.pixel).equals(bytesOf(x.pixel)), `segment ${s.index} pixel`).toBe(true);
  }
  for (const key of [BLOB_MASK, BLOB_TIC]) {
    const x = (await a.store.getBlob(a.meta.id, key))!;
    const y = (await b.store.getBlob(b.meta.id, key))!;
    expect(bytesOf(y).equals(bytesOf(x)), key).toBe(true);
  }
}

describe('mergeSortedRuns', () => {
  it('merges by m/z and keeps run order for equal m/z (hand-checked)', () => {
    const out = mergeSortedRuns([
      seg([1, 3, 3, 7], [10, 11, 12, 13], [0, 0, 0, 0]),
      seg([], [], []),
      seg([2, 3, 8], [20, 21, 22], [2, 2, 2]),
      seg([0.5, 3, 3], [30, 31, 32], [3, 3, 3]),
    ]);
    expect(Array.from(out.mz)).toEqual([0.5, 1, 2, 3, 3, 3, 3, 3, 7, 8]);
    expect(Array.from(out.intensity)).toEqual([30, 10, 20, 11, 12, 21, 31, 32, 13, 22]);
    expect(Array.from(out.pixel)).toEqual([3, 0, 2, 0, 0, 2, 3, 3, 0, 2]);
  });

  it('handles no runs, one run and all-empty runs', () => {
    expect(mergeSortedRuns([]).mz.length).toBe(0);
    expect(mergeSortedRuns([seg([]), seg([])]).mz.length).toBe(0);
    const one = seg([1, 2, 2]);
    const got = mergeSortedRuns([seg([]), one]);
    expect(Array.from(got.mz)).toEqual([1, 2, 2]);
    expect(got.mz).not.toBe(one.mz); // a copy: the caller may keep or drop the inputs
  });

  it('equals a stable sort of the runs concatenated in order (random runs with many ties)', () => {
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 20; trial++) {
      const runs: Segment[] = [];
      const all: { mz: number; it: number; px: number }[] = [];
      const k = 1 + Math.floor(rnd() * 40);
      for (let r = 0; r < k; r++) {
        const n = Math.floor(rnd() * 200);
        const rows = Array.from({ length: n }, (_, j) => ({ mz: Math.floor(rnd() * 50) / 4, it: r * 1000 + j, px: r }));
        rows.sort((a, b) => a.mz - b.mz); // Array.prototype.sort is stable
        all.push(...rows);
        runs.push(seg(rows.map((x) => x.mz), rows.map((x) => x.it), rows.map((x) => x.px)));
      }
      all.sort((a, b) => a.mz - b.mz);
      const got = mergeSortedRuns(runs);
      expect(Array.from(got.mz)).toEqual(all.map((x) => x.mz));
      expect(Array.from(got.intensity)).toEqual(all.map((x) => x.it));
      expect(Array.from(got.pixel)).toEqual(all.map((x) => x.px));
    }
  });
});

describe('split-ingest planning pieces', () => {
  it('chunkRanges cuts at about chunkBytes (processed: m/z + intensity bytes; continuous: intensities only)', async () => {
    const ex = await parseImzml(new BytesSource('p.imzML', readFileSync(sharedPath('data/pyimzml/Example_Processed.imzML'))));
    // 9 spectra × 8399 values × (4 + 4) bytes = 67,192 bytes each.
    expect(chunkRanges(ex, 67_192 * 2).map((c) => [c.first, c.end])).toEqual([[0, 2], [2, 4], [4, 6], [6, 8], [8, 9]]);
    expect(chunkRanges(ex, 1).length).toBe(9);
    expect(chunkRanges(ex, 1e12)).toEqual([{ first: 0, end: 9, bytes: 9 * 67_192 }]);
    const cont = await parseImzml(new BytesSource('c.imzML', readFileSync(sharedPath('data/pyimzml/Example_Continuous.imzML'))));
    expect(chunkRanges(cont, 33_596 * 3).map((c) => c.end - c.first)).toEqual([3, 3, 3]);
    expect(() => chunkRanges(ex, 0)).toThrow(/chunkBytes must be a positive number/);
  });

  it('numbers segments from the chunk counts: one per bucket, ceil(n / 2·target) when far over', () => {
    // target 160 B = 10 peaks ⇒ a bucket is cut above 20 peaks.
    expect([0, 1, 20, 21, 40, 41].map((n) => expectedSegments(n, 160))).toEqual([0, 1, 1, 2, 2, 3]);
    const counts = [Float64Array.from([5, 0, 30, 0]), Float64Array.from([6, 0, 20, 1])];
    expect(planMerges(counts, 4, 160)).toEqual([
      { bucket: 0, chunks: [0, 1], peaks: 11, firstIndex: 0 },
      { bucket: 2, chunks: [0, 1], peaks: 50, firstIndex: 1 },
      { bucket: 3, chunks: [1], peaks: 1, firstIndex: 4 },
    ]);
    expect(() => planMerges([Float64Array.from([1, 2])], 3)).toThrow(/reported 2 buckets, the plan has 3/);
  });

  it('mergeAll re-merges the buckets after one that gave fewer segments and reports the abandoned indices', async () => {
    const work: MergeWork[] = [
      { bucket: 0, chunks: [0], peaks: 1, firstIndex: 0 },
      { bucket: 1, chunks: [0], peaks: 50, firstIndex: 1 }, // expected 3, gives 2
      { bucket: 2, chunks: [0], peaks: 1, firstIndex: 4 },
      { bucket: 3, chunks: [0], peaks: 30, firstIndex: 5 }, // expected 2, gives 2
    ];
    const actual: Record<number, number> = { 0: 1, 1: 2, 2: 1, 3: 2 };
    const calls: number[][] = [];
    const run = async (ws: MergeWork[]): Promise<SegmentInfo[][]> => {
      calls.push(ws.map((w) => w.bucket));
      return ws.map((w) => Array.from({ length: actual[w.bucket] }, (_, j) => ({ index: w.firstIndex + j, mzMin: w.bucket, mzMax: w.bucket, nPeaks: 1 })));
    };
    const r = await mergeAll(work, run);
    expect(calls).toEqual([[0, 1, 2, 3], [2, 3]]);
    expect(r.segments.map((s) => [s.index, s.mzMin])).toEqual([[0, 0], [1, 1], [2, 1], [3, 2], [4, 3], [5, 3]]);
    // written first at 4 (bucket 2) and 5, 6 (bucket 3); the final dataset ends at 5
    expect(r.stale).toEqual([6]);
    expect(r.remerged).toBe(2);
  });
});

interface Case { label: string; path: string; target: number; chunkBytes: number }
const CASES: Case[] = [
  // processed f32/f32, 9 spectra: a chunk per spectrum
  { label: 'pyimzml Example_Processed', path: 'data/pyimzml/Example_Processed', target: 16 << 10, chunkBytes: 1 },
  // continuous f32/f32
  { label: 'pyimzml Example_Continuous', path: 'data/pyimzml/Example_Continuous', target: 16 << 10, chunkBytes: 50_000 },
  // continuous f64 m/z + f32 intensity, 20 spectra
  { label: 'pym2aia test (continuous)', path: 'data/pym2aia/test', target: 8 << 10, chunkBytes: 100_000 },
  // continuous profile, 441 spectra: every m/z column has ~441 equal values, more than a segment may hold, so runs
  // of equal m/z swallow cuts (fewer segments than expected ⇒ renumbering)
  { label: 'massPix cut (continuous, 441 spectra)', path: 'data/galaxy_masspix/cut_masspix', target: 16 * 200, chunkBytes: 40_000 },
  // processed f64/f32 centroid (real METASPACE data)
  { label: 'Untreated_3_434_tiny (processed)', path: 'data/metaspace/untreated_tiny/Untreated_3_434_tiny', target: 4 << 10, chunkBytes: 20_000 },
  // the reference fixture: 1,185 spectra, 545,218 peaks, ~60 chunks
  { label: 'annotate fixture (processed, 1,185 spectra)', path: 'fixtures/annotate/fixture', target: 256 << 10, chunkBytes: 110_000 },
];

function pair(path: string): { imzml: BytesSource; ibd: BytesSource } {
  return {
    imzml: new BytesSource(`${path.replace(/^.*\//, '')}.imzML`, readFileSync(sharedPath(`${path}.imzML`))),
    ibd: new BytesSource(`${path.replace(/^.*\//, '')}.ibd`, readFileSync(sharedPath(`${path}.ibd`))),
  };
}

describe('splitIngestDataset equals ingestDataset', () => {
  for (const c of CASES) {
    it(c.label, async () => {
      const { imzml, ibd } = pair(c.path);
      const one = new MemoryStore();
      const a = await ingestDataset({ imzml, ibd, store: one, id: 'ds', name: 'ds', targetSegmentBytes: c.target });
      const split = new ScratchStore();
      const stages = new Set<string>();
      const b = await splitIngestDataset({
        imzml, ibd, store: split, cleanup: split, id: 'ds', name: 'ds', targetSegmentBytes: c.target, chunkBytes: c.chunkBytes,
        onProgress: (p) => stages.add(`${p.stage}:${p.total}`),
      });
      expect(a.segments.length).toBeGreaterThan(1);
      await expectSameDataset({ store: one, meta: a }, { store: split, meta: b });
      // nothing left over: no scratch blobs, no segment beyond the meta's
      expect([...split.blobs.keys()].filter((k) => k.startsWith(SPLIT_BLOB_PREFIX))).toEqual([]);
      expect([...split.segments.keys()].sort((x, y) => x - y)).toEqual(a.segments.map((s) => s.index));
      const chunks = [...stages].find((s) => s.startsWith('chunks:'));
      expect(Number(chunks?.split(':')[1])).toBeGreaterThan(2);
    });
  }

  it('the continuous massPix cut exercises the renumbering (a bucket gives fewer segments than its count suggests)', async () => {
    const { imzml, ibd } = pair('data/galaxy_masspix/cut_masspix');
    const store = new ScratchStore();
    const stages: string[] = [];
    const meta = await splitIngestDataset({
      imzml, ibd, store, cleanup: store, id: 'ds', name: 'ds', targetSegmentBytes: 16 * 200, chunkBytes: 40_000,
      onProgress: (p) => { if (!stages.includes(p.stage)) stages.push(p.stage); },
    });
    expect(stages).toContain('remerge');
    expect(meta.segments.every((s, i) => s.index === i)).toBe(true);
    // (identity with ingestDataset for this pair and these settings: the table above)
  });

  it('a truncated ibd gives the same error as the single-pass ingest', async () => {
    const { imzml, ibd } = pair('fixtures/annotate/fixture');
    const bytes = await ibd.read(0, ibd.size - 1000);
    const cut = new BytesSource(ibd.name, bytes);
    const single = ingestDataset({ imzml, ibd: cut, store: new MemoryStore(), id: 'ds', name: 'ds' });
    await expect(single).rejects.toThrow(/needs intensity bytes .* but the ibd has only .* bytes\. The ibd is truncated/);
    const msg = await single.catch((e: Error) => e.message);
    const store = new ScratchStore();
    await expect(splitIngestDataset({ imzml, ibd: cut, store, cleanup: store, id: 'ds', name: 'ds', chunkBytes: 100_000 })).rejects.toThrow(msg);
  });

  it('a bad value in a spectrum the plan does not sample is reported by its chunk with the global spectrum index', async () => {
    const { imzml, ibd } = pair('fixtures/annotate/fixture');
    const index = await parseImzml(imzml);
    // 1,185 spectra, 1,000 sampled at floor(s · 1185 / 1000): spectrum 6 is not among them.
    const sampled = new Set(Array.from({ length: 1000 }, (_, s) => Math.floor((s * 1185) / 1000)));
    expect(sampled.has(6)).toBe(false);
    const bytes = (await ibd.read(0, ibd.size)).slice();
    new DataView(bytes.buffer).setFloat32(index.intensityOffset[6] + 4 * 3, NaN, true); // peak 3 of spectrum 6
    const bad = new BytesSource(ibd.name, bytes);
    const single = ingestDataset({ imzml, ibd: bad, store: new MemoryStore(), id: 'ds', name: 'ds', index });
    await expect(single).rejects.toThrow(/spectrum 6 \(x=\d+, y=\d+\) peak 3 has intensity NaN/);
    const msg = await single.catch((e: Error) => e.message);
    const store = new ScratchStore();
    await expect(splitIngestDataset({ imzml, ibd: bad, store, cleanup: store, id: 'ds', name: 'ds', index, chunkBytes: 50_000 })).rejects.toThrow(msg);
  });
});

describe('chunkBytesFor (default chunk size per function memory)', () => {
  it('fits a chunk task (≈ 2.65 × chunk + runtime) into the first memory tier, capped at 1 GiB', async () => {
    const { chunkBytesFor } = await import('../../src/platform/cloud/ingest.ts');
    const MiB = 2 ** 20;
    expect(chunkBytesFor(2048) / MiB).toBe(576); // (2048 − 256) / 3 = 597 → 576 in 64 MiB steps
    expect(chunkBytesFor(4096)).toBe(1024 * MiB);
    expect(chunkBytesFor(10240)).toBe(1024 * MiB);
    expect(chunkBytesFor(256)).toBe(64 * MiB);
    for (const mb of [1024, 2048, 3008, 4096]) expect(2.65 * chunkBytesFor(mb) / MiB + 150).toBeLessThan(mb);
  });
});
