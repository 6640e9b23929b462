// The registry of task functions that every executor (Node worker_threads, Web Workers, AWS Lambda) runs.
// A task is a pure async function of (input, context); inputs and outputs are plain objects of numbers,
// strings and typed arrays, so they cross worker boundaries and S3 unchanged.
import type { TaskContext, TaskFn } from './task-context.ts';
import { scoreTask } from './score-task.ts';
import { computeCentroidTableFor, type Instrument } from '../chem/centroid-model.ts';

export type { TaskContext, TaskFn };

export interface CentroidsTaskInput {
  ions: string[];
  charge: 1 | -1;
  sigma: number;
  /** Absent = 1 (v1 patterns); see chem/centroid-model.ts. */
  analysisVersion?: number;
  instrument?: Instrument;
}

/** Isotope centroids of a chunk of ion formulas (the centroids stage fans out over these). */
async function centroidsTask(input: CentroidsTaskInput) {
  return computeCentroidTableFor(input.ions, input.charge, input.sigma, { analysisVersion: input.analysisVersion, instrument: input.instrument });
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
