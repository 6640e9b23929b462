// The `score` task: one group of ions whose isotope windows fall in a contiguous run of dataset segments.
// Loads those segments from the store and scores every ion (images → spectral, spatial, chaos → MSM).
import type { CentroidTable, Segment } from '../types.ts';
import type { TaskContext } from './task-context.ts';
import { ScoreScratch, scoreIons, type ScoreResult, type SpatialImpl } from '../score/score-ions.ts';

export interface ScoreTaskInput {
  datasetId: string;
  /** Contiguous segment indices covering every window of the task's ions. */
  segments: number[];
  width: number;
  height: number;
  mask: Uint8Array;
  centroids: CentroidTable;
  isTarget: Uint8Array;
  ppm: number;
  /** Spatial metric by analysis version (absent = 'v1'); travels with the task to workers and Lambda. */
  spatial?: SpatialImpl;
}

/**
 * The segments of this thread's previous score task. A worker works through m/z-neighbouring tasks
 * (core/job/lanes.ts), which share a segment at their border, so keeping the last task's segments saves a
 * load (file read / IndexedDB get / S3 GET and its decode) per task. Held no longer than a task plus
 * HOLD_MS: an idle worker does not keep dataset memory after the job.
 */
let held: { datasetId: string; index: number; segment: Segment }[] = [];
/** The kernel's scratch of the previous task (same lifetime as `held`). */
let heldScratch: ScoreScratch | null = null;
let release: ReturnType<typeof setTimeout> | null = null;
const HOLD_MS = 1500;

/** Starts the release timer; unref'd in Node so a finished CLI job does not wait for it. */
export function holdUntilIdle(): void {
  if (release !== null) clearTimeout(release);
  release = setTimeout(releaseHeldSegments, HOLD_MS);
  (release as { unref?: () => void }).unref?.();
}

/** Drops the held segments now (tests; a store whose data changed). */
export function releaseHeldSegments(): void {
  held = [];
  heldScratch = null;
  if (release !== null) clearTimeout(release);
  release = null;
}

/** The task's segments, reusing those the thread's previous task held. */
export async function loadTaskSegments(input: ScoreTaskInput, ctx: TaskContext): Promise<Segment[]> {
  if (release !== null) clearTimeout(release);
  release = null;
  const keep = held.filter((h) => h.datasetId === input.datasetId && input.segments.includes(h.index));
  held = keep; // what this task does not need is freed before its own loads
  // concurrent loads: the store's reads overlap (libuv threads, IndexedDB, parallel GETs)
  const segments = await Promise.all(
    input.segments.map((i) => {
      const h = keep.find((x) => x.index === i);
      if (h) return h.segment;
      if (ctx.signal?.aborted) throw new Error('cancelled');
      return ctx.store.getSegment(input.datasetId, i);
    }),
  );
  held = input.segments.map((index, k) => ({ datasetId: input.datasetId, index, segment: segments[k] }));
  return segments;
}

export async function scoreTask(input: ScoreTaskInput, ctx: TaskContext): Promise<ScoreResult> {
  const segments = await loadTaskSegments(input, ctx);
  const { width, height } = input;
  if (!heldScratch || heldScratch.width !== width || heldScratch.height !== height) heldScratch = null;
  const scratch = heldScratch ?? new ScoreScratch(width, height);
  heldScratch = null; // not shared while in use (a failing task leaves it to the collector)
  try {
    const result = scoreIons({
      segments,
      geometry: { width: input.width, height: input.height, mask: input.mask },
      centroids: input.centroids,
      isTarget: input.isTarget,
      ppm: input.ppm,
      spatial: input.spatial,
      scratch,
    });
    heldScratch = scratch;
    return result;
  } finally {
    holdUntilIdle();
  }
}
