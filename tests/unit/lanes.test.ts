import { describe, expect, it } from 'vitest';
import { runInLanes } from '../../src/core/job/lanes.ts';
import { CancelledError } from '../../src/core/job/executor.ts';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('runInLanes (as the page\'s worker pool uses it)', () => {
  it('gives each lane a contiguous run, keeps input order and names the next input of the run', async () => {
    const seen: Record<string, number[]> = { a: [], b: [] };
    const hints: (number | undefined)[] = [];
    const inputs = Array.from({ length: 8 }, (_, i) => i);
    const { results, failed } = await runInLanes(['a', 'b'], inputs, async (lane, i, next) => {
      seen[lane].push(i);
      hints.push(next);
      await tick();
      return i * 10;
    }, { onAbort: () => {} });
    expect(failed).toBeNull();
    expect(results).toEqual(inputs.map((i) => i * 10));
    expect(seen.a).toEqual([0, 1, 2, 3]);
    expect(seen.b).toEqual([4, 5, 6, 7]);
    expect(hints.filter((h) => h === undefined)).toHaveLength(2); // the last of each run has no next
  });

  it('a lane that runs dry steals from the largest share left', async () => {
    const seen: Record<string, number[]> = { fast: [], slow: [] };
    const inputs = Array.from({ length: 8 }, (_, i) => i);
    const { results } = await runInLanes(['slow', 'fast'], inputs, async (lane, i) => {
      seen[lane].push(i);
      await new Promise((r) => setTimeout(r, lane === 'slow' ? 30 : 1));
      return i;
    }, { onAbort: () => {} });
    expect(results).toEqual(inputs);
    expect(seen.fast.slice(0, 4)).toEqual([4, 5, 6, 7]);
    expect(seen.fast.length).toBeGreaterThan(4);
    expect(seen.fast.slice(4).every((i) => i < 4)).toBe(true); // stolen from the slow lane's share
    expect([...seen.slow, ...seen.fast].sort((x, y) => x - y)).toEqual(inputs); // every input ran once
  });

  it('stops every lane at the first failure and reports it', async () => {
    let ran = 0;
    const { failed } = await runInLanes([1, 2], [0, 1, 2, 3, 4, 5], async (_l, i) => {
      ran++;
      await tick();
      if (i === 0) throw new Error('boom');
      return i;
    }, { onAbort: () => {} });
    expect(failed?.message).toBe('boom');
    expect(ran).toBeLessThan(6);
  });

  it('turns an abort into a CancelledError and calls onAbort', async () => {
    const ctrl = new AbortController();
    let aborted = false;
    const p = runInLanes([1, 2], [0, 1, 2, 3], async (_l, i) => {
      if (i === 0) ctrl.abort();
      await tick();
      return i;
    }, { signal: ctrl.signal, onAbort: () => { aborted = true; } });
    const { failed } = await p;
    expect(failed).toBeInstanceOf(CancelledError);
    expect(aborted).toBe(true);
  });

  it('reports progress once per finished input', async () => {
    const counts: number[] = [];
    await runInLanes([1, 2, 3], [0, 1, 2, 3, 4], async (_l, i) => i, { onAbort: () => {}, onProgress: (d, t) => { expect(t).toBe(5); counts.push(d); } });
    expect(counts).toEqual([1, 2, 3, 4, 5]);
  });
});
