// Vitest setup: the test-only tasks (segment-stats, test-echo…) in the test process's registry, so tests can run
// them in-process (getTask) next to the executors that run them on workers or the local Lambda.
import { registerTestTasks } from '../../src/core/job/test-tasks.ts';

registerTestTasks();
