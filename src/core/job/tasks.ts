// The registry of task functions that every executor (Node worker_threads, Web Workers, AWS Lambda) runs.
// A task is a pure async function of (input, context); inputs and outputs are plain objects of numbers,
// strings and typed arrays, so they cross worker boundaries and S3 unchanged.
import type { SegmentStore } from '../store.ts';
import { scoreTask } from './score-task.ts';
import { computeCentroidTable } from '../chem/centroids.ts';

export interface TaskContext {
  /** Where the task reads dataset segments from (memory, files, IndexedDB, S3). */
  store: SegmentStore;
  signal?: AbortSignal;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskFn = (input: any, ctx: TaskContext) => Promise<any>;

/** Sums the intensities of some segments: a tiny real task used by executor tests. */
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
  'segment-stats': segmentStats,
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
