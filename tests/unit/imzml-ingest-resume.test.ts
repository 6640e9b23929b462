// An interrupted ingest resumed from its last saved record (core/imzml/resume.ts) stores exactly what an
// uninterrupted ingest stores: every segment's bytes, the mask and TIC blobs and the meta (but createdAt). The
// interruption is tried at every store write (each segment put and each blob put), with several passes over the ibd
// under a small memory budget and with one pass, and a resumed ingest interrupted again resumes again. Files that
// differ from the interrupted ingest's are refused with a message naming what differs.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ingestDataset } from '../../src/core/imzml/ingest.ts';
import { writeImzmlToMemory } from '../../src/core/imzml/writer.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import { fileIdentity, ResumeMismatchError, type IngestResumeRecord } from '../../src/core/imzml/resume.ts';
import { MemoryStore } from '../../src/core/memory-store.ts';
import { BLOB_MASK, BLOB_TIC } from '../../src/core/store.ts';
import type { ByteSource, DatasetMeta, Segment } from '../../src/core/types.ts';

const TARGET = 32 * 1024; // small segments: many buckets
const BUDGET = 200 * 1024; // a few buckets per pass

async function pair(seed = 7, uuid = '0123456789abcdef0123456789abcdef'): Promise<{ imzml: ByteSource; ibd: ByteSource }> {
  function* spectra() {
    let s = seed;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 240; i++) {
      const mz = new Float64Array(400), it = new Float32Array(400);
      for (let j = 0; j < 400; j++) {
        mz[j] = j % 5 === 0 ? 500 + rnd() * 1e-6 : 100 + 900 * rnd();
        it[j] = j % 7 === 3 ? 0 : 1 + Math.floor(rnd() * 1000);
      }
      const order = Array.from(mz.keys()).sort((a, b) => mz[a] - mz[b]);
      yield { x: 1 + (i % 16), y: 1 + Math.floor(i / 16), mz: Float64Array.from(order, (k) => mz[k]), intensity: Float32Array.from(order, (k) => it[k]) };
    }
  }
  const w = await writeImzmlToMemory({ mode: 'processed', mzType: 'f64', intensityType: 'f32', polarity: 'positive', uuid }, spectra());
  return { imzml: new BytesSource('g.imzML', w.imzml), ibd: new BytesSource('g.ibd', w.ibd) };
}

/** A store that dies (throws, as a killed tab would stop) at its n-th write; writes before it land. */
class DyingStore extends MemoryStore {
  writes = 0;
  constructor(private readonly dieAt: number) { super(); }
  private tick(): void {
    if (this.writes++ === this.dieAt) throw new Error('killed');
  }
  override async putSegments(id: string, s: { index: number; segment: Segment }[]): Promise<void> {
    this.tick();
    return super.putSegments(id, s);
  }
  override async putBlob(id: string, key: string, data: Uint8Array): Promise<void> {
    this.tick();
    return super.putBlob(id, key, data);
  }
}

interface Run { meta: DatasetMeta | null; record: IngestResumeRecord | null; writes: number }

async function run(store: MemoryStore, files: { imzml: ByteSource; ibd: ByteSource }, budget: number | undefined, from: IngestResumeRecord | null): Promise<Run> {
  let record: IngestResumeRecord | null = from;
  const resume = {
    files: { imzml: await fileIdentity(files.imzml), ibd: await fileIdentity(files.ibd) },
    // kept as JSON, as the CLI's file store keeps it
    save: async (r: IngestResumeRecord) => { record = JSON.parse(JSON.stringify(r)) as IngestResumeRecord; },
    from,
  };
  try {
    const meta = await ingestDataset({ ...files, store, id: 'd', name: 'd', targetSegmentBytes: TARGET, memoryBudgetBytes: budget, resume });
    return { meta, record, writes: (store as DyingStore).writes ?? 0 };
  } catch (e) {
    if ((e as Error).message !== 'killed') throw e;
    return { meta: null, record, writes: (store as DyingStore).writes ?? 0 };
  }
}

/** The stored dataset as digests: each segment's bytes, the blobs, the meta without createdAt. */
async function dump(store: MemoryStore, meta: DatasetMeta): Promise<{ meta: unknown; segs: string[]; mask: string; tic: string }> {
  const segs: string[] = [];
  for (const s of meta.segments) {
    const g = await store.getSegment('d', s.index);
    const h = createHash('sha256');
    for (const a of [g.mz, g.intensity, g.pixel]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    segs.push(h.digest('hex'));
  }
  const { createdAt: _c, ...rest } = meta;
  const digest = (b: Uint8Array | null) => createHash('sha256').update(b!).digest('hex');
  return { meta: rest, segs, mask: digest(await store.getBlob('d', BLOB_MASK)), tic: digest(await store.getBlob('d', BLOB_TIC)) };
}

describe('resumed ingest = uninterrupted ingest', () => {
  for (const [label, budget] of [['several passes', BUDGET], ['one pass', undefined]] as const) {
    it(`${label}: interrupted at every write, then resumed`, { timeout: 240_000 }, async () => {
      const files = await pair();
      const ref = new DyingStore(-1);
      const full = await run(ref, files, budget, null);
      const want = await dump(ref, full.meta!);
      const passes = Math.ceil(full.record!.nBuckets / full.record!.bucketsPerPass);
      if (budget) expect(passes).toBeGreaterThanOrEqual(3);
      else expect(passes).toBe(1);
      expect(full.record!.nBuckets).toBeGreaterThanOrEqual(8);
      let resumedFromMiddle = 0;
      for (let k = 0; k < full.writes; k++) {
        const store = new DyingStore(k);
        const cut = await run(store, files, budget, null);
        expect(cut.meta).toBeNull();
        // the tab is gone: a new session resumes from the saved record (or starts over when none was saved)
        const again = Object.assign(store, { writes: 0 });
        (again as unknown as { dieAt: number }).dieAt = -1;
        if (cut.record && cut.record.nextBucket > 0 && cut.record.nextBucket < cut.record.nBuckets) resumedFromMiddle++;
        const done = await run(again, files, budget, cut.record);
        expect(done.meta, `cut at write ${k}`).not.toBeNull();
        expect(await dump(again, done.meta!), `cut at write ${k}`).toEqual(want);
      }
      expect(resumedFromMiddle).toBeGreaterThanOrEqual(full.record!.nBuckets / 2);
    });
  }

  it('a resumed ingest interrupted again resumes again', async () => {
    const files = await pair();
    const ref = new DyingStore(-1);
    const want = await dump(ref, (await run(ref, files, BUDGET, null)).meta!);
    const store = new DyingStore(4);
    const a = await run(store, files, BUDGET, null);
    (store as unknown as { dieAt: number; writes: number }).dieAt = 3;
    store.writes = 0;
    const b = await run(store, files, BUDGET, a.record);
    expect(b.meta).toBeNull();
    expect(b.record!.nextBucket).toBeGreaterThan(a.record!.nextBucket);
    (store as unknown as { dieAt: number }).dieAt = -1;
    const c = await run(store, files, BUDGET, b.record);
    expect(await dump(store, c.meta!)).toEqual(want);
  });

  it('other files are refused, naming what differs', async () => {
    const files = await pair();
    const store = new DyingStore(5);
    const { record } = await run(store, files, BUDGET, null);
    expect(record!.nextBucket).toBeGreaterThan(0);
    // same sizes, other content: the first-MB hash tells them apart
    const other = await pair(8);
    expect(other.ibd.size).toBe(files.ibd.size);
    await expect(run(new MemoryStore(), { imzml: files.imzml, ibd: other.ibd }, BUDGET, record)).rejects.toThrow(/the first MB of g\.ibd differs from the interrupted ingest's ibd g\.ibd/);
    // a truncated ibd: the sizes
    const cut = new BytesSource('h.ibd', (await files.ibd.read(0, files.ibd.size - 8)));
    await expect(run(new MemoryStore(), { imzml: files.imzml, ibd: cut }, BUDGET, record)).rejects.toThrow(new RegExp(`h\\.ibd has ${files.ibd.size - 8} bytes, the interrupted ingest's ibd g\\.ibd had ${files.ibd.size} bytes`));
    // another UUID (the imzML's first MB differs too, so check the UUID on its own with a doctored record)
    const uuidOther = await pair(7, 'ffffffffffffffffffffffffffffffff');
    const ids = { imzml: await fileIdentity(uuidOther.imzml), ibd: await fileIdentity(uuidOther.ibd) };
    const forged = { ...record!, imzml: ids.imzml, ibd: ids.ibd };
    const err = await run(new MemoryStore(), uuidOther, BUDGET, forged).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ResumeMismatchError);
    expect((err as Error).message).toMatch(/has UUID .*ffffffff.*interrupted ingest's had .*0123456789abcdef/i);
  });
});
