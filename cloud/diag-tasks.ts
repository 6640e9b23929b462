// Diagnostic tasks of the Lambda handler: smoke tests of a deployment (echo), memory sizing (alloc) and the fault
// paths of the executor (sleep past the timeout, fail). They touch no data. Registered only by the local test
// bundle (cloud/build.mjs sets __IMZLENS_TEST_TASKS__), never by the release bundle that cloud:deploy ships.
import { registerTask } from '../src/core/job/tasks.ts';

/** Registers `cloud-echo`, `cloud-alloc`, `cloud-sleep` and `cloud-fail`. */
export function registerDiagTasks(): void {
  registerTask('cloud-echo', async (input: unknown) => input);

  /**
   * Allocates and touches `mb` MB (outside the JS heap, as typed arrays are), then reports it.
   * `single`: one block (an impossible size fails at once with a RangeError, the catchable kind of OOM).
   */
  registerTask('cloud-alloc', async (input: { mb: number; single?: boolean }) => {
    if (input.single) {
      const b = new Uint8Array(input.mb * (1 << 20));
      b.fill(1);
      return { mb: input.mb, check: b[b.length - 1] };
    }
    const blocks: Uint8Array[] = [];
    for (let i = 0; i < input.mb; i++) {
      const b = new Uint8Array(1 << 20);
      b.fill(1 + (i % 200)); // touch every page so it counts in RSS
      blocks.push(b);
      // yield now and then so a memory watchdog / the event loop can run
      if (i % 16 === 15) await new Promise((r) => setTimeout(r, 0));
    }
    let sum = 0;
    for (const b of blocks) sum += b[b.length - 1];
    return { mb: input.mb, check: sum };
  });

  registerTask('cloud-sleep', async (input: { ms?: number }, ctx) => {
    const ms = typeof input?.ms === 'number' ? input.ms : 2 ** 31 - 1;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, ms);
      ctx.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      });
    });
    return { slept: ms };
  });

  registerTask('cloud-fail', async () => {
    throw new Error('injected fault (cloud-fail task)');
  });
}
