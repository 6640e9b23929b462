// Re-attaching to an interrupted Lambda job (issue 16, point 2), on the real local stack (the bundled handler behind
// the Lambda Invoke HTTP API, the S3-compatible server on 127.0.0.1). A page reload is what run 1 imitates: its map
// is abandoned after the first finished task with no cleanup (a closed page cleans nothing up) while the other
// tasks keep running in Lambda. Run 2 is a new pool and pipeline with the same job (as the page's Continue builds):
// the score tasks whose outputs Lambda already wrote are read from S3, not invoked again; runs still going are
// waited for; the rows equal the in-process annotation exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { loadFixtureJob } from '../helpers/fixture-job.ts';
import { buildHandler } from '../../cloud/build.mjs';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import type { CachedCentroidTable, CentroidCache } from '../../src/core/chem/centroid-cache.ts';
import { InlineExecutor } from '../../src/core/job/inline-executor.ts';
import { runAnnotation } from '../../src/core/job/pipeline.ts';
import type { StageCache } from '../../src/core/job/stages/run-stage.ts';
import type { JobResult } from '../../src/core/job/result.ts';
import { BLOB_MASK } from '../../src/core/store.ts';
import { createCloud, jobPrefix } from '../../src/platform/cloud/config.ts';
import { formatStageReport } from '../../src/platform/cloud/lambda-pool.ts';

let stack: LocalStack;
let job: Awaited<ReturnType<typeof loadFixtureJob>>;
let reference: JobResult;
const centroids = new Map<string, CachedCentroidTable>();
const centroidCache: CentroidCache = { get: async (k) => centroids.get(k), set: async (k, v) => void centroids.set(k, v) };

beforeAll(async () => {
  await buildHandler();
  stack = await startLocalStack({ bucket: 'reattach', memoryTiers: [1024], timeoutMs: 120_000, concurrency: 4 });
  job = await loadFixtureJob({ id: 'fixture' });
  const { ds, db, params } = job;
  const cloud = createCloud(stack.config);
  for (const s of ds.meta.segments) await cloud.store.putSegments(ds.meta.id, [{ index: s.index, segment: await ds.store.getSegment(ds.meta.id, s.index) }]);
  await cloud.store.putBlob(ds.meta.id, BLOB_MASK, ds.mask);
  await cloud.store.commit(ds.meta);
  // the in-process result (fills the centroid cache, so the Lambda runs fan out the score stage only)
  reference = await runAnnotation({ store: ds.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor: new InlineExecutor(ds.store), centroidCache });
}, 600_000);

afterAll(async () => {
  await stack?.close();
});

class MapCache implements StageCache {
  readonly m = new Map<string, unknown>();
  async get(k: string) { return this.m.get(k); }
  async set(k: string, v: unknown) { this.m.set(k, v); }
}

/** Run 1: the job until its first score task is back, then abandoned like a reloaded page (no cleanup). */
async function interruptedRun(taskCache: StageCache): Promise<number> {
  const { ds, db, params } = job;
  const cloud = createCloud(stack.config, { pollMs: 50, cleanup: false });
  const ctl = new AbortController();
  let total = 0;
  const run = runAnnotation({
    store: cloud.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor: cloud.pool, centroidCache, taskCache, signal: ctl.signal,
    onProgress: (p) => {
      if (p.stage !== 'score' || p.total <= 1) return;
      total = p.total;
      if (p.done >= 1) ctl.abort();
    },
  });
  await expect(run).rejects.toThrow(/cancel/i);
  return total;
}

/** Runs under the jobs prefix: started (marker) and finished (status object). */
async function runsInS3(): Promise<{ started: number; finished: number }> {
  const cloud = createCloud(stack.config);
  const r = await cloud.s3.send(new ListObjectsV2Command({ Bucket: stack.config.bucket, Prefix: jobPrefix(stack.config) }));
  const keys = (r.Contents ?? []).map((c) => c.Key ?? '');
  return { started: keys.filter((k) => k.endsWith('.started')).length, finished: keys.filter((k) => k.endsWith('.json')).length };
}

/** Run 2: the same job on a new pool (what Continue does after the reload). */
async function continuedRun(taskCache: StageCache) {
  const { ds, db, params } = job;
  const cloud = createCloud(stack.config, { pollMs: 50, log: (l) => console.log(l) });
  const result = await runAnnotation({ store: cloud.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor: cloud.pool, centroidCache, taskCache });
  return { result, report: cloud.pool.reports.find((r) => r.task === 'score')! };
}

describe('a reloaded page re-attaches to its Lambda job', () => {
  it('tasks Lambda finished after the reload are read from S3, not invoked again', { timeout: 300_000 }, async () => {
    const pageCache = new MapCache(); // what the page had stored in IndexedDB before the reload
    const total = await interruptedRun(pageCache);
    expect(total).toBeGreaterThanOrEqual(3);
    const stored = pageCache.m.size;
    expect(stored).toBeGreaterThanOrEqual(1);
    expect(stored).toBeLessThan(total);
    // the runs in flight at the "reload" keep going in Lambda: wait until each has written its status
    // (an invoke sent just before the abort may start a moment later: the counts must hold still for a second)
    let runs = await runsInS3();
    for (let end = Date.now() + 120_000, still = 0; Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 100));
      const now = await runsInS3();
      still = now.finished === now.started && now.started === runs.started && now.finished === runs.finished ? still + 1 : 0;
      runs = now;
      if (still >= 10) break;
    }
    expect(runs.finished).toBe(runs.started);
    expect(runs.finished).toBeGreaterThan(stored); // some finished after the page had gone

    console.log(`[test] runs in S3: ${JSON.stringify(runs)}, stored ${stored}`);
    const { result, report } = await continuedRun(pageCache);
    expect(report.inputs).toBe(total - stored); // the page's stored tasks do not even reach the pool
    expect(report.reused).toBe(runs.finished - stored); // those Lambda wrote after the reload: read, not invoked
    expect(report.attached).toBe(0);
    expect(report.invocations).toBe(total - runs.finished); // only the never-started ones
    expect(result.rows).toEqual(reference.rows);
    expect((await runsInS3()).started).toBe(0); // the finished map cleaned its folder up
  });

  it('runs still going are attached to; a task cache lost with the page costs no new invocation of finished tasks', { timeout: 300_000 }, async () => {
    const total = await interruptedRun(new MapCache());
    // continue at once, knowing nothing locally: everything comes from S3 (finished or still running)
    const { result, report } = await continuedRun(new MapCache());
    console.log(formatStageReport(report));
    expect(report.inputs).toBe(total);
    expect(report.reused).toBeGreaterThanOrEqual(1); // at least the task run 1 saw finish
    expect(report.reused + report.attached + report.invocations).toBe(total);
    expect(report.invocations).toBeLessThan(total);
    expect(result.rows).toEqual(reference.rows);
  });
});
