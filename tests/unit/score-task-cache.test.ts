// The score stage's per-task cache (issue 16, point 2): each finished task is written as it completes; a run
// that finds some of them maps only the others, reports progress from done/total, and merges to the same result.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureJob } from '../helpers/fixture-job.ts';
import { runAnnotation } from '../../src/core/job/pipeline.ts';
import { InlineExecutor } from '../../src/core/job/inline-executor.ts';
import type { Executor, MapOptions } from '../../src/core/job/executor.ts';
import type { StageCache } from '../../src/core/job/stages/run-stage.ts';
import type { JobResult } from '../../src/core/job/result.ts';

class MapCache implements StageCache {
  readonly m = new Map<string, unknown>();
  readonly writes: string[] = [];
  async get(k: string) { return this.m.get(k); }
  async set(k: string, v: unknown) { this.writes.push(k); this.m.set(k, v); }
  async delete(k: string) { this.m.delete(k); }
}

/** Counts the inputs each map gets, over an inline executor. */
class Counting implements Executor {
  readonly name = 'counting';
  readonly concurrency = 4; // plans several tasks
  readonly inputs: Record<string, number> = {};
  constructor(private readonly inner: Executor) {}
  map<I, O>(task: string, inputs: I[], o?: MapOptions): Promise<O[]> {
    this.inputs[task] = (this.inputs[task] ?? 0) + inputs.length;
    return this.inner.map(task, inputs, o);
  }
  close() { return this.inner.close(); }
}

let job: Awaited<ReturnType<typeof loadFixtureJob>>;
beforeAll(async () => { job = await loadFixtureJob(); }, 120_000);

function run(executor: Executor, taskCache?: StageCache, progress?: [number, number][]): Promise<JobResult> {
  const { ds, db, params } = job;
  return runAnnotation({ store: ds.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor, taskCache,
    onProgress: (p) => { if (p.stage === 'score' && progress) progress.push([p.done, p.total]); } });
}

describe('score stage task cache', () => {
  it('writes every task as it finishes; a resumed run maps only the missing ones and gives identical rows', async () => {
    const full = new MapCache();
    const a = new Counting(new InlineExecutor(job.ds.store));
    const ref = await run(a, full);
    const total = a.inputs.score;
    expect(total).toBeGreaterThanOrEqual(4);
    expect(full.writes).toHaveLength(total);

    // keep every other task, as if the job had been interrupted
    const partial = new MapCache();
    const keys = [...full.m.keys()];
    keys.forEach((k, i) => { if (i % 2 === 0) partial.m.set(k, full.m.get(k)); });
    const kept = partial.m.size;
    const b = new Counting(new InlineExecutor(job.ds.store));
    const progress: [number, number][] = [];
    const resumed = await run(b, partial, progress);
    expect(b.inputs.score).toBe(total - kept);
    expect(progress.find(([, t]) => t === total)).toEqual([kept, total]);
    expect(progress.at(-1)).toEqual([total, total]);
    expect(resumed.rows).toEqual(ref.rows);
    expect(resumed.rows.length).toBeGreaterThan(20);
  }, 120_000);

  it('ignores an entry that does not fit its task (another task size)', async () => {
    const bad = new MapCache();
    const a = new Counting(new InlineExecutor(job.ds.store));
    const ref = await run(a, bad);
    for (const k of bad.m.keys()) bad.m.set(k, { n: -1 });
    const b = new Counting(new InlineExecutor(job.ds.store));
    expect((await run(b, bad)).rows).toEqual(ref.rows);
    expect(b.inputs.score).toBe(a.inputs.score);
  }, 120_000);
});
