// The cloud path end to end on the local stack: real esbuild bundle of cloud/handler.ts in child processes
// behind our Lambda Invoke server, real HTTP, real s3rver. Results must equal the in-process task exactly.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler } from '../../cloud/build.mjs';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import { loadDataset } from '../../src/core/imzml/ingest.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import { CancelledError } from '../../src/core/job/executor.ts';
import { getTask } from '../../src/core/job/tasks.ts';
import type { MemoryStore } from '../../src/core/memory-store.ts';
import { BLOB_MASK, BLOB_TIC } from '../../src/core/store.ts';
import type { DatasetMeta } from '../../src/core/types.ts';
import { createCloud } from '../../src/platform/cloud/config.ts';
import { formatStageReport } from '../../src/platform/cloud/lambda-pool.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(repo, '../shared');
const DATA = path.join(shared, 'data/pyimzml');
if (!existsSync(path.join(DATA, 'Example_Processed.imzML'))) {
  throw new Error(`test data missing: expected ${DATA}/Example_Processed.imzML (the shared/ folder next to the repo)`);
}
const imzmlBytes = readFileSync(path.join(DATA, 'Example_Processed.imzML'));
const ibdBytes = readFileSync(path.join(DATA, 'Example_Processed.ibd'));

let stack: LocalStack;
let local: { meta: DatasetMeta; store: MemoryStore };
let cloud: ReturnType<typeof createCloud>;

beforeAll(async () => {
  await buildHandler(); // always test the current sources' bundle
  stack = await startLocalStack({ bucket: 'lambda-test', memoryTiers: [512, 1024], timeoutMs: 120_000, concurrency: 64 });
  cloud = createCloud(stack.config, { pollMs: 100, graceMs: 2000 });
  // Small segments (16 KB of peaks) so the tiny dataset has dozens of them.
  local = await loadDataset(new BytesSource('Example_Processed.imzML', imzmlBytes), new BytesSource('Example_Processed.ibd', ibdBytes), {
    id: 'ex-processed',
    targetSegmentBytes: 16 << 10,
  });
  // Hybrid mode's upload: local segments → S3 store.
  for (const s of local.meta.segments) {
    await cloud.store.putSegments(local.meta.id, [{ index: s.index, segment: await local.store.getSegment(local.meta.id, s.index) }]);
  }
  await cloud.store.putBlob(local.meta.id, BLOB_MASK, (await local.store.getBlob(local.meta.id, BLOB_MASK))!);
  await cloud.store.commit(local.meta);
});

afterAll(async () => {
  await stack?.close();
});

async function localStats(inputs: { datasetId: string; segments: number[] }[]) {
  const fn = getTask('segment-stats');
  return Promise.all(inputs.map((i) => fn(i, { store: local.store })));
}

describe('LambdaPool on the local Lambda/S3 stack', () => {
  it('has a dataset with enough segments to fan out', () => {
    expect(local.meta.segments.length).toBeGreaterThanOrEqual(8);
  });

  it("map('segment-stats') equals the in-process task exactly", async () => {
    const n = local.meta.segments.length;
    const inputs = Array.from({ length: n }, (_, i) => ({ datasetId: local.meta.id, segments: [i, (i + 1) % n] }));
    const progress: number[] = [];
    const got = await cloud.pool.map('segment-stats', inputs, { onProgress: (d) => progress.push(d) });
    expect(got).toEqual(await localStats(inputs));
    expect(progress.at(-1)).toBe(n);
    const r = cloud.pool.reports.at(-1)!;
    expect(r.invocations).toBe(n);
    expect(r.invocationsByMemoryMB).toEqual({ 512: n });
    expect(r.meanDurationMs).toBeGreaterThan(0);
    expect(r.maxRssMB).toBeGreaterThan(20);
    expect(r.gbSeconds).toBeGreaterThan(0);
    expect(r.estimatedCostUSD).toBeCloseTo(r.gbSeconds * 0.0000166667 + (n * 0.2) / 1e6, 12);
    // Job objects are cleaned up.
    const left = await cloud.s3.send(new ListObjectsV2Command({ Bucket: 'lambda-test', Prefix: 'imzlens/jobs/' }));
    expect(left.Contents ?? []).toEqual([]);
  });

  it('runs 64 invocations concurrently and reports throughput', { timeout: 240_000 }, async () => {
    const n = local.meta.segments.length;
    const inputs = Array.from({ length: 64 }, (_, i) => ({ datasetId: local.meta.id, segments: [i % n, (i * 7) % n, (i * 13) % n] }));
    const before = stack.lambda.stats.maxRunning;
    const t0 = performance.now();
    const got = await cloud.pool.map('segment-stats', inputs, { stage: 'fan-out-64' });
    const sec = (performance.now() - t0) / 1000;
    expect(got).toEqual(await localStats(inputs));
    const r = cloud.pool.reports.at(-1)!;
    // Warm sandboxes from the previous test mean not all 64 need to overlap, but many do.
    expect(Math.max(before, stack.lambda.stats.maxRunning)).toBeGreaterThanOrEqual(16);
    console.log(`[cloud] 64 invocations in ${sec.toFixed(2)} s = ${(64 / sec).toFixed(1)} invocations/s; ` +
      `max concurrent ${stack.lambda.stats.maxRunning}, cold starts ${stack.lambda.stats.coldStarts}\n${formatStageReport(r)}`);
  });

  it("ingests an imzML/ibd pair already in S3 inside Lambda ('cloud-ingest') with the same result as locally", async () => {
    await cloud.s3.send(new PutObjectCommand({ Bucket: 'lambda-test', Key: 'uploads/ex.imzML', Body: imzmlBytes }));
    await cloud.s3.send(new PutObjectCommand({ Bucket: 'lambda-test', Key: 'uploads/ex.ibd', Body: ibdBytes }));
    const [out] = await cloud.pool.map<object, { meta: DatasetMeta }>('cloud-ingest', [
      { imzmlKey: 'uploads/ex.imzML', ibdKey: 'uploads/ex.ibd', datasetId: 'ex-cloud', name: 'Example_Processed', targetSegmentBytes: 16 << 10 },
    ]);
    const strip = (m: DatasetMeta) => ({ ...m, id: '', name: '', createdAt: '', source: { ...m.source, imzml: '', ibd: '' } });
    expect(strip(out.meta)).toEqual(strip(local.meta));
    const stored = await cloud.store.getMeta('ex-cloud');
    expect(stored?.segments).toEqual(local.meta.segments);
    for (const s of local.meta.segments) {
      const a = await cloud.store.getSegment('ex-cloud', s.index);
      const b = await local.store.getSegment(local.meta.id, s.index);
      expect(a.mz).toEqual(b.mz);
      expect(a.intensity).toEqual(b.intensity);
      expect(a.pixel).toEqual(b.pixel);
    }
    expect(await cloud.store.getBlob('ex-cloud', BLOB_TIC)).toEqual(await local.store.getBlob(local.meta.id, BLOB_TIC));
  });

  it('cancels a running map via AbortSignal', async () => {
    const ctl = new AbortController();
    const t0 = performance.now();
    const p = cloud.pool.map('cloud-sleep', [{ ms: 8000 }, { ms: 8000 }, { ms: 8000 }], { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 400);
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('fails clearly for an unknown task and an unknown function', async () => {
    await expect(cloud.pool.map('no-such-task', [{}])).rejects.toThrow(/after 1 attempts[^]*unknown task 'no-such-task'/);
    const bad = createCloud({ ...stack.config, tiers: [{ functionName: 'missing-fn', memoryMB: 512 }] });
    await expect(bad.pool.map('segment-stats', [{ datasetId: 'x', segments: [] }])).rejects.toThrow(/invoking Lambda function 'missing-fn' failed: ResourceNotFoundException/);
  });

  it('serves RequestResponse invocations with X-Amz-Function-Error and CORS headers for browsers', async () => {
    const res = await cloud.lambda.send(new InvokeCommand({ FunctionName: 'imzlens-task-512', Payload: new TextEncoder().encode('{"op":"nope"}') }));
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe('Unhandled');
    expect(JSON.parse(new TextDecoder().decode(res.Payload))).toMatchObject({ errorMessage: expect.stringMatching(/bad event/) });
    const pre = await fetch(`${stack.lambda.url}/2015-03-31/functions/imzlens-task-512/invocations`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:4186', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,x-amz-date,x-amz-invocation-type,amz-sdk-request' },
    });
    expect(pre.status).toBe(204);
    const allow = pre.headers.get('access-control-allow-headers')!.split(/,\s*/);
    for (const h of ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'x-amz-user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-invocation-type']) {
      expect(allow).toContain(h);
    }
    expect(pre.headers.get('access-control-expose-headers')).toMatch(/x-amz-function-error/);
  });
});
