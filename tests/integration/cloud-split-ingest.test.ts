// Split cloud ingest on the local stack (bundled handler in child processes + s3rver): plan → many chunk tasks →
// one merge per m/z bucket → finish must give the very dataset the single-pass ingestDataset gives for the same
// S3 objects (same segments byte for byte, same mask/TIC, same meta except createdAt), also when chunk tasks fail
// and are retried; the scratch is gone afterwards; a truncated ibd fails with the single-pass message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { buildHandler } from '../../cloud/build.mjs';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import type { FaultRates } from '../../cloud/local-lambda.ts';
import { ingestDataset } from '../../src/core/imzml/ingest.ts';
import { MemoryStore } from '../../src/core/memory-store.ts';
import { BLOB_MASK, BLOB_TIC, type SegmentStore } from '../../src/core/store.ts';
import type { DatasetMeta } from '../../src/core/types.ts';
import { createCloud, datasetPrefix } from '../../src/platform/cloud/config.ts';
import { runCloudIngest } from '../../src/platform/cloud/ingest.ts';
import { formatStageReport } from '../../src/platform/cloud/lambda-pool.ts';
import { S3Source } from '../../src/platform/cloud/s3-source.ts';
import { ingestInCloud } from '../../src/platform/node/cloud-run.ts';
import { REPO_ROOT, sharedPath } from '../helpers/shared.ts';

const run = promisify(execFile);
// Mutated between stages: the local Lambda reads the rates on every invocation.
const faults: FaultRates = { fail: 0, seed: 11 };
let stack: LocalStack;
let cloud: ReturnType<typeof createCloud>;
let tmp: string;
let simPrefix: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'imzlens-split-'));
  simPrefix = join(tmp, 'sim');
  // ~50 MB of ibd: 100 × 100 px, ~4,500 spectra, ~900 peaks each.
  const sim = run('node', [join(REPO_ROOT, 'bin/imzlens.mjs'), 'simulate', '--width', '100', '--height', '100',
    '--db', join(REPO_ROOT, 'public/example/example-db.csv'), '--n-true', '20', '--noise-peaks', '900', '--sigma', '0.000619',
    '--seed', '5', '--out', simPrefix], { timeout: 120_000 });
  await buildHandler();
  stack = await startLocalStack({ bucket: 'split-ingest', memoryTiers: [1024, 2048], timeoutMs: 60_000, concurrency: 8, faults });
  cloud = createCloud(stack.config, { pollMs: 50, graceMs: 2_000, backoffMs: 20, log: (l) => console.log(l) });
  await sim;
}, 180_000);

afterAll(async () => {
  await stack?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function put(key: string, body: Uint8Array): Promise<void> {
  await cloud.s3.send(new PutObjectCommand({ Bucket: stack.config.bucket, Key: key, Body: body }));
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The single-pass ingest of the same S3 objects (so the source names in the meta match too). */
async function reference(imzmlKey: string, ibdKey: string, id: string, target?: number): Promise<{ meta: DatasetMeta; store: MemoryStore }> {
  const store = new MemoryStore();
  const [imzml, ibd] = await Promise.all([S3Source.open(cloud.s3, stack.config.bucket, imzmlKey), S3Source.open(cloud.s3, stack.config.bucket, ibdKey)]);
  const meta = await ingestDataset({ imzml, ibd, store, id, name: id, targetSegmentBytes: target });
  return { meta, store };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await cloud.s3.send(new ListObjectsV2Command({ Bucket: stack.config.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of res.Contents ?? []) keys.push(o.Key!.slice(prefix.length));
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

async function expectSame(ref: { meta: DatasetMeta; store: SegmentStore }, got: DatasetMeta): Promise<void> {
  expect({ ...got, createdAt: '' }).toEqual({ ...ref.meta, createdAt: '' });
  expect(await cloud.store.getMeta(got.id)).toEqual(got);
  for (const s of ref.meta.segments) {
    const x = await ref.store.getSegment(ref.meta.id, s.index);
    const y = await cloud.store.getSegment(got.id, s.index);
    expect(bytesOf(y.mz).equals(bytesOf(x.mz)) && bytesOf(y.intensity).equals(bytesOf(x.intensity)) && bytesOf(y.pixel).equals(bytesOf(x.pixel)), `segment ${s.index}`).toBe(true);
  }
  for (const key of [BLOB_MASK, BLOB_TIC]) {
    expect(bytesOf((await cloud.store.getBlob(got.id, key))!).equals(bytesOf((await ref.store.getBlob(ref.meta.id, key))!)), key).toBe(true);
  }
  // Nothing but the dataset itself is left: segments of the meta, mask, TIC, meta.json (no scratch, no stale segment).
  const want = [...ref.meta.segments.map((s) => `segment-${s.index}.bin`), 'blob-mask', 'blob-tic', 'meta.json'].sort();
  expect(await keysUnder(`${datasetPrefix(stack.config)}${got.id}/`)).toEqual(want);
}

function stagesOf(from: number): Record<string, { inputs: number; invocations: number }> {
  return Object.fromEntries(cloud.pool.reports.slice(from).map((r) => [r.stage, { inputs: r.inputs, invocations: r.invocations }]));
}

describe('split cloud ingest on the local stack', () => {
  it('real processed data (the reference fixture), with 30 % of the chunk invocations failing: identical to ingestDataset', { timeout: 120_000 }, async () => {
    await put('raw/fixture.imzML', await readFile(sharedPath('fixtures/annotate/fixture.imzML')));
    await put('raw/fixture.ibd', await readFile(sharedPath('fixtures/annotate/fixture.ibd')));
    const target = 1 << 20;
    const ref = await reference('raw/fixture.imzML', 'raw/fixture.ibd', 'fixture-split', target);
    const from = cloud.pool.reports.length;
    const injectedBefore = stack.lambda.stats.injected.fail;
    const seen: string[] = [];
    const meta = await runCloudIngest(cloud, { imzmlKey: 'raw/fixture.imzML', ibdKey: 'raw/fixture.ibd', datasetId: 'fixture-split', name: 'fixture-split', targetSegmentBytes: target, chunkBytes: 1_000_000 }, {
      splitAboveBytes: 1,
      // faults only while the chunk tasks run
      onProgress: (stage, done) => {
        if (!seen.includes(stage)) seen.push(stage);
        if (stage === 'chunks' && done === 0) faults.fail = 0.3;
        if (stage === 'merge' && done === 0) faults.fail = 0;
      },
    });
    faults.fail = 0;
    expect(seen).toEqual(['plan', 'chunks', 'merge', 'finish']);
    const st = stagesOf(from);
    expect(st['ingest-chunk'].inputs).toBe(7); // 6.5 MB in ~1 MB chunks
    expect(st['ingest-merge'].inputs).toBe(ref.meta.segments.length);
    const injected = stack.lambda.stats.injected.fail - injectedBefore;
    expect(injected).toBeGreaterThan(0);
    const chunkReport = cloud.pool.reports.slice(from).find((r) => r.stage === 'ingest-chunk')!;
    expect(chunkReport.retries.functionError).toBe(injected);
    expect(chunkReport.invocations).toBe(7 + injected);
    console.log(`[split] fixture: ${injected} chunk faults injected; ${formatStageReport(chunkReport)}`);
    expect(ref.meta.segments.length).toBeGreaterThan(5);
    await expectSame(ref, meta);
  });

  it('real continuous data (pym2aia, f64 m/z): identical to ingestDataset', { timeout: 60_000 }, async () => {
    await put('raw/m2aia.imzML', await readFile(sharedPath('data/pym2aia/test.imzML')));
    await put('raw/m2aia.ibd', await readFile(sharedPath('data/pym2aia/test.ibd')));
    const ref = await reference('raw/m2aia.imzML', 'raw/m2aia.ibd', 'm2aia-split', 128 << 10);
    const from = cloud.pool.reports.length;
    const meta = await runCloudIngest(cloud, { imzmlKey: 'raw/m2aia.imzML', ibdKey: 'raw/m2aia.ibd', datasetId: 'm2aia-split', name: 'm2aia-split', targetSegmentBytes: 128 << 10, chunkBytes: 150_000 }, { splitAboveBytes: 0 });
    expect(stagesOf(from)['ingest-chunk'].inputs).toBe(5); // 20 spectra × 41,852 B of intensities, 4 per chunk
    expect(ref.meta.segments.length).toBeGreaterThan(5);
    await expectSame(ref, meta);
  });

  it('a simulated ~50 MB dataset through the CLI\'s ingestInCloud with the split forced by IMZLENS_SPLIT_INGEST_ABOVE', { timeout: 180_000 }, async () => {
    const ibdSize = (await readFile(`${simPrefix}.ibd`)).byteLength;
    expect(ibdSize).toBeGreaterThan(40e6);
    process.env.IMZLENS_SPLIT_INGEST_ABOVE = String(ibdSize - 1);
    process.env.IMZLENS_SPLIT_INGEST_CHUNK = String(4 << 20);
    const from = cloud.pool.reports.length;
    const stages = new Set<string>();
    let out: { meta: DatasetMeta; mask: Uint8Array };
    try {
      out = await ingestInCloud(cloud, stack.config, `${simPrefix}.imzML`, null, 'sim', (stage) => stages.add(stage));
    } finally {
      delete process.env.IMZLENS_SPLIT_INGEST_ABOVE;
      delete process.env.IMZLENS_SPLIT_INGEST_CHUNK;
    }
    expect([...stages]).toEqual(expect.arrayContaining(['upload ibd', 'ingest plan (Lambda)', 'ingest chunks (Lambda)', 'ingest merge (Lambda)', 'ingest finish (Lambda)']));
    const st = stagesOf(from);
    expect(st['ingest-chunk'].inputs).toBe(Math.ceil(ibdSize / (4 << 20)));
    const { meta } = out;
    const up = `${stack.config.prefix}uploads/${meta.id}/`;
    const ref = await reference(`${up}sim.imzML`, `${up}sim.ibd`, meta.id);
    expect(ref.meta.segments.length).toBeGreaterThan(2);
    await expectSame({ ...ref, meta: { ...ref.meta, name: 'sim' } }, meta);
    for (const r of cloud.pool.reports.slice(from)) console.log(`[split] sim ${(ibdSize / 1e6).toFixed(1)} MB: ${formatStageReport(r)}`);
  });

  it('a truncated ibd fails with the single-pass message and leaves nothing behind', { timeout: 60_000 }, async () => {
    const ibd = await readFile(sharedPath('fixtures/annotate/fixture.ibd'));
    await put('raw/cut.imzML', await readFile(sharedPath('fixtures/annotate/fixture.imzML')));
    await put('raw/cut.ibd', ibd.subarray(0, ibd.byteLength - 5000));
    const msg = await reference('raw/cut.imzML', 'raw/cut.ibd', 'cut').then(() => 'no error', (e: Error) => e.message);
    expect(msg).toMatch(/s3:\/\/split-ingest\/raw\/cut\.ibd: spectrum \d+ .* but the ibd has only \d+ bytes\. The ibd is truncated/);
    const quick = createCloud(stack.config, { pollMs: 50, graceMs: 2_000, backoffMs: 20, maxAttempts: 2 });
    await expect(runCloudIngest(quick, { imzmlKey: 'raw/cut.imzML', ibdKey: 'raw/cut.ibd', datasetId: 'cut-split', name: 'cut', chunkBytes: 1 << 20 }, { splitAboveBytes: 0 }))
      .rejects.toThrow(msg);
    expect(await keysUnder(`${datasetPrefix(stack.config)}cut-split/`)).toEqual([]);
  });
});
