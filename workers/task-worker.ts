// Web Worker entry of the task pool: runs a registered task (same code as Node workers and Lambda)
// against the IndexedDB dataset store; output buffers are transferred back, not copied.
// Segments: a small LRU cache (the pool hands this worker a contiguous run of m/z-ordered tasks, so neighbours
// share segments) and a prefetch of the next task's segments while this one computes, so IndexedDB's read
// overlaps the scoring. Concurrent reads of one segment share one IndexedDB request.
import * as Comlink from 'comlink';
import { getTask, registerTask } from '../src/core/job/tasks.ts';
import { scoreTask } from '../src/core/job/score-task.ts';
import { registerTestTasks } from '../src/core/job/test-tasks.ts';
import { collectTransferables } from '../src/core/job/transfer.ts';
import { IdbSegmentStore } from '../src/platform/browser/idb-store.ts';
import { CachedSegmentStore } from '../src/core/cached-store.ts';
import { prefetchHint, type PrefetchHint, type TaskWorkerApi } from '../src/platform/browser/worker-pool.ts';
import type { Segment } from '../src/core/types.ts';
import type { SegmentStore } from '../src/core/store.ts';

registerTask('score', scoreTask);
// test-only tasks (pool fault probes, segment-stats): only in the e2e harness build; dead code in production
if (__IMZLENS_TEST_TASKS__) registerTestTasks();

/** Segment reads from IndexedDB, timed for the 'imzlens-perf' channel (bench/page.ts listens to it). */
const perf = { reads: 0, readMs: 0, readBytes: 0 };
const idb = new IdbSegmentStore();
const timedIdb = {
  async getSegment(id: string, i: number): Promise<Segment> {
    const t0 = performance.now();
    const s = await idb.getSegment(id, i);
    perf.reads++;
    perf.readMs += performance.now() - t0;
    perf.readBytes += s.mz.byteLength + s.intensity.byteLength + s.pixel.byteLength;
    return s;
  },
} as SegmentStore; // only reads go through here
// A task needs ≤ 3 segments (plan.ts) and the prefetch ≤ 3 more: the cache holds 7 of the largest segment seen
// (112 MB at the 16 MB segment target). A larger cache did not pay: a job walks its run of segments once, which an
// LRU smaller than the dataset cannot keep from one job to the next, and every cached MB counts against the page's
// peak memory. It grows (and starts empty) when a dataset has larger segments, so a prefetch is never evicted
// before its task runs.
const SEGMENTS_KEPT = 7;
let capacity = 112 * 2 ** 20;
let cached = new CachedSegmentStore(timedIdb, capacity);
function fitCache(seg: Segment): void {
  const need = SEGMENTS_KEPT * (seg.mz.byteLength + seg.intensity.byteLength + seg.pixel.byteLength);
  if (need > capacity) {
    capacity = need;
    cached = new CachedSegmentStore(timedIdb, capacity);
  }
}
const inflight = new Map<string, Promise<Segment>>();
const store = {
  getSegment(id: string, i: number): Promise<Segment> {
    const key = `${id}\u0000${i}`;
    let p = inflight.get(key);
    if (!p) {
      p = cached.getSegment(id, i);
      p.then(fitCache, () => {});
      inflight.set(key, p);
      const clear = () => { if (inflight.get(key) === p) inflight.delete(key); };
      p.then(clear, clear);
    }
    return p;
  },
} as SegmentStore;

function prefetch(hint: PrefetchHint | undefined): void {
  // errors surface when the task itself reads the segment
  for (const i of hint?.segments ?? []) store.getSegment(hint!.datasetId, i).catch(() => {});
}

const workerId = Math.random().toString(36).slice(2, 6);
const channel = typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel('imzlens-perf') : null;

const api: TaskWorkerApi = {
  async run(task: string, input: unknown, next?: PrefetchHint) {
    const t0 = performance.now();
    const r0 = { ...perf };
    // this task's segments first, in order, then the next one's: the task's own sequential reads join these
    prefetch(prefetchHint(input));
    prefetch(next);
    const output = await getTask(task)(input, { store });
    channel?.postMessage({ worker: workerId, task, ms: performance.now() - t0, reads: perf.reads - r0.reads, readMs: perf.readMs - r0.readMs, readBytes: perf.readBytes - r0.readBytes });
    // comlink keys transfer lists by object (WeakMap): primitives go back as they are
    return output !== null && typeof output === 'object' ? Comlink.transfer(output, collectTransferables(output)) : output;
  },
};
Comlink.expose(api);
