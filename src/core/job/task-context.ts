// What every task function receives and is. Its own module so task modules (score-task…) can name the
// context without importing the registry that imports them (that was the `tasks ↔ score-task` cycle).
import type { SegmentStore } from '../store.ts';

export interface TaskContext {
  /** Where the task reads dataset segments from (memory, files, IndexedDB, S3). */
  store: SegmentStore;
  signal?: AbortSignal;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskFn = (input: any, ctx: TaskContext) => Promise<any>;
