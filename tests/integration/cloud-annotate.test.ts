// The METASPACE v1 pipeline with its score (and centroid) tasks fanned out to Lambda on the local stack
// (hybrid mode: ingest here, dataset in S3, tasks in the bundled handler) gives exactly the in-process result.
import { loadFixtureJob } from '../helpers/fixture-job.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler } from '../../cloud/build.mjs';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import type { CachedCentroidTable, CentroidCache } from '../../src/core/chem/centroid-cache.ts';
import { InlineExecutor } from '../../src/core/job/inline-executor.ts';
import { runAnnotation } from '../../src/core/job/pipeline.ts';
import { BLOB_MASK } from '../../src/core/store.ts';
import { createCloud } from '../../src/platform/cloud/config.ts';
import { formatStageReport } from '../../src/platform/cloud/lambda-pool.ts';

let stack: LocalStack;
beforeAll(async () => {
  await buildHandler();
  stack = await startLocalStack({ bucket: 'annotate', memoryTiers: [1024, 2048], timeoutMs: 120_000, concurrency: 8 });
});
afterAll(async () => {
  await stack?.close();
});

describe('annotation with Lambda scoring (hybrid mode)', () => {
  it('equals the in-process annotation of the reference fixture exactly', { timeout: 600_000 }, async () => {
    const { ds, db, params } = await loadFixtureJob({ id: 'fixture' });

    const cloud = createCloud(stack.config, { pollMs: 100, log: (l) => console.log(l) });
    for (const s of ds.meta.segments) {
      await cloud.store.putSegments(ds.meta.id, [{ index: s.index, segment: await ds.store.getSegment(ds.meta.id, s.index) }]);
    }
    await cloud.store.putBlob(ds.meta.id, BLOB_MASK, ds.mask);
    await cloud.store.commit(ds.meta);

    // Centroids computed by the local run are reused, so the Lambda run fans out the score stage only
    // (the centroid task runs through the same handler; it is left out to keep the suite fast).
    const cache = new Map<string, CachedCentroidTable>();
    const centroidCache: CentroidCache = { get: async (k) => cache.get(k), set: async (k, v) => void cache.set(k, v) };
    const t0 = performance.now();
    const local = await runAnnotation({ store: ds.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor: new InlineExecutor(ds.store), centroidCache });
    const tLocal = performance.now() - t0;
    const t1 = performance.now();
    const remote = await runAnnotation({ store: cloud.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor: cloud.pool, centroidCache });
    const tRemote = performance.now() - t1;

    expect(local.rows.length).toBe(55); // the fixture's reference count (tests/integration/annotate-fixture.test.ts)
    expect(remote.rows).toEqual(local.rows);
    expect(remote.stats.scored).toBe(local.stats.scored);
    const score = cloud.pool.reports.find((r) => r.task === 'score');
    expect(score?.invocations).toBeGreaterThan(1);
    expect(cache.size).toBeGreaterThan(0);
    console.log(`[cloud] fixture annotation: in-process ${(tLocal / 1000).toFixed(1)} s, Lambda (local stack, concurrency 8) ${(tRemote / 1000).toFixed(1)} s; ` +
      `${local.stats.scored} ions scored\n${cloud.pool.reports.map(formatStageReport).join('\n')}`);
  });
});
