// Runs tasks in the calling thread, one at a time: for tests, tiny jobs and environments without workers.
import type { SegmentStore } from '../store.ts';
import { CancelledError, type Executor, type MapOptions } from './executor.ts';
import { getTask } from './tasks.ts';

export class InlineExecutor implements Executor {
  readonly name = 'inline';
  readonly concurrency = 1;
  constructor(private readonly store: SegmentStore) {}

  async map<I, O>(task: string, inputs: I[], options: MapOptions = {}): Promise<O[]> {
    const fn = getTask(task);
    const out: O[] = [];
    for (let i = 0; i < inputs.length; i++) {
      if (options.signal?.aborted) throw new CancelledError();
      out.push((await fn(inputs[i], { store: this.store, signal: options.signal })) as O);
      options.onResult?.(i, out[i]);
      options.onProgress?.(i + 1, inputs.length);
    }
    return out;
  }

  async close(): Promise<void> {}
}
