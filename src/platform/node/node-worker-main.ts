// Task loop of one Node worker thread: receives {id, task, input}, runs the registered task function against
// the file store named in workerData, answers {id, ok, output|error}. Output buffers are transferred.
import { parentPort, workerData } from 'node:worker_threads';
import { getTask } from '../../core/job/tasks.ts';
import { registerTestTasks } from '../../core/job/test-tasks.ts';
import { FileSegmentStore } from './file-store.ts';
import { CachedSegmentStore } from '../../core/cached-store.ts';
import { collectTransferables } from '../../core/job/transfer.ts';

// test-only tasks (segment-stats…) only when the test runner asks (vitest sets IMZLENS_TEST_TASKS=1)
if (process.env.IMZLENS_TEST_TASKS === '1') registerTestTasks();

const store = new CachedSegmentStore(new FileSegmentStore((workerData as { storeRoot: string }).storeRoot));

parentPort!.on('message', async (msg: { id: number; task: string; input: unknown }) => {
  try {
    const output = await getTask(msg.task)(msg.input, { store });
    parentPort!.postMessage({ id: msg.id, ok: true, output }, collectTransferables(output));
  } catch (e) {
    const err = e as Error;
    parentPort!.postMessage({ id: msg.id, ok: false, error: { message: err.message ?? String(e), stack: err.stack } });
  }
});
