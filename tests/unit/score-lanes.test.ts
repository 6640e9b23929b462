// Issue 13: the pools' scheduling (contiguous shares per lane, then stealing the upper half of the largest share)
// and the score task's reuse of its thread's previous segments.
import { afterEach, describe, expect, it } from 'vitest';
import { runInLanes } from '../../src/core/job/lanes.ts';
import { releaseHeldSegments, scoreTask, type ScoreTaskInput } from '../../src/core/job/score-task.ts';
import { scoreIons } from '../../src/core/score/score-ions.ts';
import type { SegmentStore } from '../../src/core/store.ts';
import type { CentroidTable, Segment } from '../../src/core/types.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runInLanes', () => {
  it('each lane starts on its own contiguous share, in order, then steals the upper half of the largest share left', async () => {
    const seen: number[][] = [[], [], []];
    const inputs = Array.from({ length: 30 }, (_, i) => i);
    // lanes 1 and 2 stall after their first input until lane 0 has done 12: lane 0 must steal
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { results, failed } = await runInLanes([0, 1, 2], inputs, async (lane, x) => {
      seen[lane].push(x);
      if (lane === 0) {
        await tick(0);
        if (seen[0].length === 12) open();
      } else {
        await gate;
      }
      return x * 10;
    }, { onAbort() {} });
    expect(failed).toBeNull();
    expect(results).toEqual(inputs.map((x) => x * 10));
    expect(seen.flat().sort((a, b) => a - b)).toEqual(inputs);
    expect(seen.map((s) => s[0])).toEqual([0, 10, 20]);
    // lane 0: its share 0..9, then the upper half of lane 1's rest [11, 20) = [16, 20)
    expect(seen[0].slice(0, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17]);
    expect(seen[1].slice(0, 2)).toEqual([10, 11]);
  });

  it('fewer inputs than lanes, and a failure stops the others', async () => {
    const one = await runInLanes([0, 1, 2], [7], async (_l, x) => x, { onAbort() {} });
    expect(one.results).toEqual([7]);
    let ran = 0;
    const { failed } = await runInLanes([0, 1], Array.from({ length: 20 }, (_, i) => i), async (_l, x) => {
      ran++;
      await tick(1);
      if (x === 3) throw new Error('boom');
      return x;
    }, { onAbort() {} });
    expect(failed?.message).toBe('boom');
    expect(ran).toBeLessThan(20);
  });
});

describe('scoreTask keeps its thread’s previous segments', () => {
  afterEach(() => releaseHeldSegments());
  const seg = (base: number): Segment => ({
    mz: Float64Array.from({ length: 50 }, (_, i) => base + i * 0.02),
    intensity: Float32Array.from({ length: 50 }, (_, i) => 1 + (i % 7)),
    pixel: Uint32Array.from({ length: 50 }, (_, i) => (i * 7) % 16),
  });
  const segs = [seg(100), seg(101), seg(102), seg(103)];
  const loads: number[] = [];
  const store = {
    getSegment: async (_id: string, i: number) => {
      loads.push(i);
      return segs[i];
    },
  } as unknown as SegmentStore;
  const centroids = (mzs: number[]): CentroidTable => ({
    n: mzs.length,
    mzs: Float64Array.from(mzs.flatMap((m) => [m, m + 0.02, 0, 0])),
    ints: Float64Array.from(mzs.flatMap(() => [100, 50, 0, 0])),
    nPeaks: Uint8Array.from(mzs.map(() => 2)),
  });
  const task = (segments: number[], mzs: number[]): ScoreTaskInput => ({
    datasetId: 'ds', segments, width: 4, height: 4, mask: new Uint8Array(16).fill(1),
    centroids: centroids(mzs), isTarget: Uint8Array.from(mzs.map(() => 1)), ppm: 200,
  });

  it('a neighbouring task reuses the shared segment; results equal a fresh scoreIons', async () => {
    loads.length = 0;
    const a = task([0, 1], [100.5, 101.2]);
    const b = task([1, 2], [101.5, 102.3]);
    const c = task([0, 1], [100.3]);
    const ra = await scoreTask(a, { store });
    const rb = await scoreTask(b, { store });
    expect(loads).toEqual([0, 1, 2]); // segment 1 was held from task a
    const rc = await scoreTask(c, { store });
    expect(loads).toEqual([0, 1, 2, 0]); // 0 was dropped when b did not need it; 1 still held
    for (const [r, t] of [[ra, a], [rb, b], [rc, c]] as const) {
      const want = scoreIons({ segments: t.segments.map((i) => segs[i]), geometry: { width: 4, height: 4, mask: t.mask }, centroids: t.centroids, isTarget: t.isTarget, ppm: t.ppm });
      expect(Array.from(r.msm64!)).toEqual(Array.from(want.msm64!));
      expect(Array.from(r.totalInt)).toEqual(Array.from(want.totalInt));
      expect(r.scored.some((v) => v === 1)).toBe(true);
    }
  });

  it('another dataset id never reuses a held segment; release drops them', async () => {
    loads.length = 0;
    await scoreTask(task([0, 1], [100.5]), { store });
    await scoreTask({ ...task([0, 1], [100.5]), datasetId: 'other' }, { store });
    expect(loads).toEqual([0, 1, 0, 1]);
    releaseHeldSegments();
    await scoreTask({ ...task([0, 1], [100.5]), datasetId: 'other' }, { store });
    expect(loads).toEqual([0, 1, 0, 1, 0, 1]);
  });
});
