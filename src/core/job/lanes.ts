// The scheduling loop shared by the worker pools: each lane (a worker) takes the next input until all are
// done, the first failure stops every lane, an abort becomes a CancelledError. Results keep input order.
import { CancelledError, type MapOptions } from './executor.ts';

export async function runInLanes<L, I, O>(
  lanes: L[],
  inputs: I[],
  run: (lane: L, input: I) => Promise<O>,
  options: MapOptions & { onAbort(): void },
): Promise<{ results: O[]; failed: Error | null }> {
  const { signal, onProgress } = options;
  const results = new Array<O>(inputs.length);
  let next = 0;
  let done = 0;
  let failed: Error | null = null;
  const onAbort = () => {
    failed ??= new CancelledError();
    options.onAbort();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const lane = async (l: L) => {
    while (!failed && next < inputs.length) {
      const i = next++;
      try {
        results[i] = await run(l, inputs[i]);
      } catch (e) {
        failed ??= signal?.aborted ? new CancelledError() : (e as Error);
        return;
      }
      done++;
      onProgress?.(done, inputs.length);
    }
  };
  try {
    await Promise.all(lanes.map(lane));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { results, failed };
}
