// The scheduling loop shared by the worker pools: each lane (a worker) works through its own contiguous share
// of the inputs in order and, when that is done, takes the upper half of the largest share left (work
// stealing), so all lanes stay busy to the end. Contiguous shares matter for the score tasks: the plan lists
// them in m/z order, neighbouring tasks read the same dataset segments, and a worker keeps the segments of its
// previous task (score-task.ts). The first failure stops every lane, an abort becomes a CancelledError.
// Results keep input order.
import { CancelledError, type MapOptions } from './executor.ts';

export async function runInLanes<L, I, O>(
  lanes: L[],
  inputs: I[],
  /** `next`: the input this lane will most likely run after this one (its share's next), so a worker can read its
   * data ahead (the page's task workers prefetch segments); undefined at the end of a share. */
  run: (lane: L, input: I, next: I | undefined) => Promise<O>,
  options: MapOptions & { onAbort(): void },
): Promise<{ results: O[]; failed: Error | null }> {
  const { signal, onProgress, onResult } = options;
  const results = new Array<O>(inputs.length);
  const n = inputs.length;
  const L = lanes.length;
  // lane l's share is [from[l], to[l])
  const from = lanes.map((_, l) => Math.floor((l * n) / L));
  const to = lanes.map((_, l) => Math.floor(((l + 1) * n) / L));
  const take = (l: number): number => {
    if (from[l] < to[l]) return from[l]++;
    let victim = -1;
    let most = 0;
    for (let m = 0; m < L; m++) {
      const left = to[m] - from[m];
      if (left > most) {
        most = left;
        victim = m;
      }
    }
    if (victim < 0) return -1;
    const mid = from[victim] + Math.ceil(most / 2);
    if (mid >= to[victim]) return from[victim]++; // one input left: take it
    from[l] = mid;
    to[l] = to[victim];
    to[victim] = mid;
    return from[l]++;
  };
  let done = 0;
  let failed: Error | null = null;
  const onAbort = () => {
    failed ??= new CancelledError();
    options.onAbort();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const lane = async (l: L, li: number) => {
    for (;;) {
      if (failed) return;
      const i = take(li);
      if (i < 0) return;
      const next = from[li] < to[li] ? inputs[from[li]] : undefined;
      try {
        results[i] = await run(l, inputs[i], next);
      } catch (e) {
        failed ??= signal?.aborted ? new CancelledError() : (e as Error);
        return;
      }
      done++;
      onResult?.(i, results[i]);
      onProgress?.(done, inputs.length);
    }
  };
  try {
    await Promise.all(lanes.map((l, li) => lane(l, li)));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { results, failed };
}
