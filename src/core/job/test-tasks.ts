// Tasks that exist for executor tests only: they touch no science. An entry registers them only when it is built
// or started for tests (browser worker / Lambda bundle: the `__IMZLENS_TEST_TASKS__` build flag; Node workers:
// IMZLENS_TEST_TASKS=1), so production bundles do not contain them (tests/unit/dist-no-test-code.test.ts).
import { registerTask } from './tasks.ts';
import type { TaskContext } from './task-context.ts';

/** Sums the intensities of some segments: a tiny real task that reads the store. */
async function segmentStats(input: { datasetId: string; segments: number[] }, ctx: TaskContext) {
  let peaks = 0;
  let intensity = 0;
  for (const i of input.segments) {
    const seg = await ctx.store.getSegment(input.datasetId, i);
    peaks += seg.mz.length;
    for (let k = 0; k < seg.intensity.length; k++) intensity += seg.intensity[k];
  }
  return { peaks, intensity };
}

/** Registers `segment-stats` and the pool fault probes `test-echo`, `test-crash`, `test-hang`. */
export function registerTestTasks(): void {
  registerTask('segment-stats', segmentStats);
  registerTask('test-echo', async (input: unknown) => input);
  // throws outside the task's promise (an uncaught error in the worker): the pool must fail the job with it
  registerTask('test-crash', async () => {
    setTimeout(() => {
      throw new Error('simulated worker crash');
    });
    return new Promise(() => {});
  });
  registerTask('test-hang', () => new Promise(() => {}));
}
