// The registry of task functions that every executor (Node worker_threads, Web Workers, AWS Lambda) runs.
// A task is a pure async function of (input, context); inputs and outputs are plain objects of numbers,
// strings and typed arrays, so they cross worker boundaries and S3 unchanged.
import type { TaskContext, TaskFn } from './task-context.ts';
import { scoreTask } from './score-task.ts';
import { computeCentroidTable } from '../chem/centroids.ts';

export type { TaskContext, TaskFn };

export interface CentroidsTaskInput {
  ions: string[];
  charge: 1 | -1;
  sigma: number;
}

/** Isotope centroids of a chunk of ion formulas (the centroids stage fans out over these). */
async function centroidsTask(input: CentroidsTaskInput) {
  return computeCentroidTable(input.ions, input.charge, input.sigma);
}

const registry: Record<string, TaskFn> = {
  score: scoreTask,
  centroids: centroidsTask,
};

export function registerTask(name: string, fn: TaskFn): void {
  registry[name] = fn;
}

export function getTask(name: string): TaskFn {
  const fn = registry[name];
  if (!fn) throw new Error(`unknown task '${name}' (known: ${Object.keys(registry).join(', ')})`);
  return fn;
}
