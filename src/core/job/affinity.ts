// Scheduling with data affinity for pools whose workers cache what they read (the page's Web Workers keep the
// dataset segments of their last tasks). Score tasks are planned in m/z order, so neighbouring tasks need the same
// segments: each lane gets one contiguous run of the inputs and works through it front to back; a lane that runs
// dry steals from the back of the longest remaining run (so the thief also walks contiguous inputs). Handing out
// inputs round-robin instead made every worker read nearly every segment (2 workers: ~1.5× the dataset read per
// job). Failure, abort and progress behave as in lanes.ts; results keep input order.
import { CancelledError, type MapOptions } from './executor.ts';

/** Contiguous [start, end) runs of `n` inputs for `lanes` lanes, sizes differing by at most one. */
export function splitRuns(n: number, lanes: number): { next: number; end: number }[] {
  const runs: { next: number; end: number }[] = [];
  let start = 0;
  for (let l = 0; l < lanes; l++) {
    const size = Math.floor(n / lanes) + (l < n % lanes ? 1 : 0);
    runs.push({ next: start, end: start + size });
    start += size;
  }
  return runs;
}

export async function runWithAffinity<L, I, O>(
  lanes: L[],
  inputs: I[],
  /** `next`: the input this lane will most likely run after this one (to prefetch its data), if known. */
  run: (lane: L, input: I, next: I | undefined) => Promise<O>,
  options: MapOptions & { onAbort(): void },
): Promise<{ results: O[]; failed: Error | null }> {
  const { signal, onProgress } = options;
  const results = new Array<O>(inputs.length);
  const runs = splitRuns(inputs.length, lanes.length);
  let done = 0;
  let failed: Error | null = null;
  const onAbort = () => {
    failed ??= new CancelledError();
    options.onAbort();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const take = (own: { next: number; end: number }): number => {
    if (own.next < own.end) return own.next++;
    let victim: { next: number; end: number } | null = null;
    for (const r of runs) if (r.end - r.next > (victim ? victim.end - victim.next : 0)) victim = r;
    return victim ? --victim.end : -1;
  };
  const lane = async (l: L, own: { next: number; end: number }) => {
    for (;;) {
      if (failed) return;
      const i = take(own);
      if (i < 0) return;
      const next = own.next < own.end ? inputs[own.next] : undefined;
      try {
        results[i] = await run(l, inputs[i], next);
      } catch (e) {
        failed ??= signal?.aborted ? new CancelledError() : (e as Error);
        return;
      }
      done++;
      onProgress?.(done, inputs.length);
    }
  };
  try {
    await Promise.all(lanes.map((l, k) => lane(l, runs[k])));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { results, failed };
}
