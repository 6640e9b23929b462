// Web Worker entry of the task pool: runs a registered task (same code as Node workers and Lambda)
// against the IndexedDB dataset store; output buffers are transferred back, not copied.
import * as Comlink from 'comlink';
import { getTask, registerTask } from '../src/core/job/tasks.ts';
import { scoreTask } from '../src/core/job/score-task.ts';
import { registerTestTasks } from '../src/core/job/test-tasks.ts';
import { collectTransferables } from '../src/core/job/transfer.ts';
import { IdbSegmentStore } from '../src/platform/browser/idb-store.ts';
import { CachedSegmentStore } from '../src/core/cached-store.ts';
import type { TaskWorkerApi } from '../src/platform/browser/worker-pool.ts';

registerTask('score', scoreTask);
// test-only tasks (pool fault probes, segment-stats): only in the e2e harness build; dead code in production
if (__IMZLENS_TEST_TASKS__) registerTestTasks();

const store = new CachedSegmentStore(new IdbSegmentStore(), 256 * 1024 * 1024);

const api: TaskWorkerApi = {
  async run(task: string, input: unknown) {
    const output = await getTask(task)(input, { store });
    // comlink keys transfer lists by object (WeakMap): primitives go back as they are
    return output !== null && typeof output === 'object' ? Comlink.transfer(output, collectTransferables(output)) : output;
  },
};
Comlink.expose(api);
