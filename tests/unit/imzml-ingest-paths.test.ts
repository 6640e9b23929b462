// The ingest's fast paths (reads ahead, writes overlapping the next sort, several passes over the ibd under a memory
// budget) store exactly what the one-pass ingest stores, and exactly what a plain re-implementation of its rule
// gives: the plan's m/z buckets, each bucket's positive peaks in spectrum order, stable-sorted by m/z, cut by
// bucketSegments. Checked on every real pair in ../shared/data and on a generated dataset with clustered m/z.
// Also: a failing or aborted ingest leaves no store write running after it has returned.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import { forEachSpectrum } from '../../src/core/imzml/spectra.ts';
import { bucketSegments, ingestDataset, planIngest } from '../../src/core/imzml/ingest.ts';
import { writeImzmlToMemory } from '../../src/core/imzml/writer.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import { MemoryStore } from '../../src/core/memory-store.ts';
import { BLOB_MASK, BLOB_TIC } from '../../src/core/store.ts';
import type { ByteSource, DatasetMeta, Segment } from '../../src/core/types.ts';
import { NodeFileSource } from '../../src/platform/node/file-source.ts';
import { REPO_ROOT, sharedPath } from '../fixtures/imzml/shared.ts';

const TARGET = 64 * 1024; // small segments, so the real datasets have several buckets

interface Stored { meta: DatasetMeta; segments: Segment[]; mask: Uint8Array; tic: Uint8Array }

async function ingest(imzml: ByteSource, ibd: ByteSource, extra: { memoryBudgetBytes?: number; batchBytes?: number }): Promise<Stored> {
  const store = new MemoryStore();
  const meta = await ingestDataset({ imzml, ibd, store, id: 'd', name: 'd', targetSegmentBytes: TARGET, ...extra });
  const segments: Segment[] = [];
  for (const s of meta.segments) segments.push(await store.getSegment('d', s.index));
  return { meta, segments, mask: (await store.getBlob('d', BLOB_MASK))!, tic: (await store.getBlob('d', BLOB_TIC))! };
}

/** The segments by the rule itself: no Segmenter, no sort.ts, one pass. */
async function reference(imzml: ByteSource, ibd: ByteSource): Promise<Segment[]> {
  const index = await parseImzml(imzml);
  const plan = await planIngest(index, ibd, { targetSegmentBytes: TARGET });
  const { bounds } = plan;
  const buckets: { mz: number[]; it: number[]; px: number[] }[] = Array.from({ length: bounds.length + 1 }, () => ({ mz: [], it: [], px: [] }));
  await forEachSpectrum(index, ibd, (i, mz, it) => {
    for (let j = 0; j < mz.length; j++) {
      if (!(it[j] > 0)) continue;
      const m = mz[j] + 0;
      let k = 0;
      while (k < bounds.length && bounds[k] <= m) k++;
      buckets[k].mz.push(m); buckets[k].it.push(it[j]); buckets[k].px.push(plan.geo.pixelOfSpectrum[i]);
    }
  });
  const out: Segment[] = [];
  for (const b of buckets) {
    if (!b.mz.length) continue;
    const order = b.mz.map((_, j) => j).sort((x, y) => b.mz[x] - b.mz[y]); // Array.prototype.sort is stable
    const sorted: Segment = {
      mz: Float64Array.from(order, (j) => b.mz[j]),
      intensity: Float32Array.from(order, (j) => b.it[j]),
      pixel: Uint32Array.from(order, (j) => b.px[j]),
    };
    out.push(...bucketSegments(sorted, TARGET));
  }
  return out;
}

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Byte-identical segments (m/z compared bit for bit, so -0/+0 or NaN payloads would show). */
function expectSegments(actual: Segment[], want: Segment[]): void {
  expect(actual.length).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    expect(actual[k].mz.length, `segment ${k} length`).toBe(want[k].mz.length);
    for (const c of ['mz', 'intensity', 'pixel'] as const) {
      expect(bytes(actual[k][c]).equals(bytes(want[k][c])), `segment ${k} ${c}`).toBe(true);
    }
  }
}

function expectSame(a: Stored, b: Stored): void {
  expect(b.meta.segments).toEqual(a.meta.segments);
  expectSegments(b.segments, a.segments);
  expect(bytes(b.mask).equals(bytes(a.mask))).toBe(true);
  expect(bytes(b.tic).equals(bytes(a.tic))).toBe(true);
}

const reference_ = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests/fixtures/imzml/reference.json'), 'utf8')) as Record<string, { firstLengthMismatch: number | null }>;
const dataDir = sharedPath('data');
function ibdFor(rel: string): string {
  const dir = path.join(dataDir, path.dirname(rel));
  const stem = path.basename(rel).replace(/\.imzml$/i, '').toLowerCase();
  return path.join(dir, readdirSync(dir).find((n) => n.toLowerCase() === `${stem}.ibd`)!);
}

describe('ingest paths give the same segments (real datasets in ../shared/data)', () => {
  const pairs = Object.entries(reference_).filter(([, r]) => r.firstLengthMismatch == null).map(([rel]) => rel);
  it('covers the real pairs, several of them with more than one bucket', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(20);
  });
  for (const rel of pairs) {
    it(rel, async () => {
      const open = async () => [await NodeFileSource.open(path.join(dataDir, rel)), await NodeFileSource.open(ibdFor(rel))] as const;
      const [i1, b1] = await open();
      const onePass = await ingest(i1, b1, {});
      const [i2, b2] = await open();
      // one bucket per pass and 4 kB reads: the most passes and reads in flight this dataset allows
      const multi = await ingest(i2, b2, { memoryBudgetBytes: 1, batchBytes: 4096 });
      const [i3, b3] = await open();
      const ref = await reference(i3, b3);
      for (const s of [i1, b1, i2, b2, i3, b3]) await s.close();
      expectSame(onePass, multi);
      expectSegments(onePass.segments, ref);
    });
  }
});

/** Clustered m/z (one ion in every spectrum, plus noise) and 150k peaks: many buckets, crowded bins in the sort. */
async function generatedPair(): Promise<{ imzml: ByteSource; ibd: ByteSource }> {
  function* spectra() {
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 300; i++) {
      const mz = new Float64Array(500), it = new Float32Array(500);
      for (let j = 0; j < 500; j++) {
        mz[j] = j % 5 === 0 ? 500 + rnd() * 1e-6 : 100 + 900 * rnd();
        it[j] = j % 7 === 3 ? 0 : 1 + Math.floor(rnd() * 1000);
      }
      const order = Array.from(mz.keys()).sort((a, b) => mz[a] - mz[b]);
      yield { x: 1 + (i % 20), y: 1 + Math.floor(i / 20), mz: Float64Array.from(order, (k) => mz[k]), intensity: Float32Array.from(order, (k) => it[k]) };
    }
  }
  const w = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f32', polarity: 'positive' }, spectra());
  return { imzml: new BytesSource('g.imzML', w.imzml), ibd: new BytesSource('g.ibd', w.ibd) };
}

describe('ingest paths on a generated dataset', () => {
  it('one pass, several passes and the plain rule agree', async () => {
    const g = await generatedPair();
    const onePass = await ingest(g.imzml, g.ibd, {});
    expect(onePass.meta.segments.length).toBeGreaterThan(10);
    for (const budget of [1, 200_000, 1_000_000]) expectSame(onePass, await ingest(g.imzml, g.ibd, { memoryBudgetBytes: budget, batchBytes: 8192 }));
    expectSegments(onePass.segments, await reference(g.imzml, g.ibd));
  });

  it('a failing write or an abort leaves no write running after the ingest has thrown', async () => {
    const g = await generatedPair();
    for (const mode of ['fail', 'abort'] as const) {
      let running = 0, afterThrow = 0, thrown = false, puts = 0;
      const ctrl = new AbortController();
      const store = new MemoryStore();
      const slow: MemoryStore = Object.assign(Object.create(store), {
        async putSegments(id: string, segs: { index: number; segment: Segment }[]) {
          running++;
          const n = ++puts;
          if (mode === 'abort' && n === 3) ctrl.abort(new Error('test abort'));
          await new Promise((r) => setTimeout(r, 30));
          running--;
          if (thrown) afterThrow++;
          if (mode === 'fail' && n === 3) throw new Error('disk full');
          return store.putSegments(id, segs);
        },
      });
      await expect(ingestDataset({ imzml: g.imzml, ibd: g.ibd, store: slow, id: 'd', name: 'd', targetSegmentBytes: TARGET, signal: ctrl.signal }))
        .rejects.toThrow(mode === 'fail' ? 'disk full' : 'test abort');
      thrown = true;
      expect(running).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
      expect(afterThrow).toBe(0);
      expect(puts).toBeGreaterThanOrEqual(3);
      expect(await store.list()).toEqual([]);
    }
  });
});
