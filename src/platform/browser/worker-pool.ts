// Executor over Web Workers (comlink), one module worker per core by default. Each worker runs the same
// registered task functions as the Node pool and Lambda, reading segments from IndexedDB itself, so only
// task descriptions go in and results (buffers transferred) come out. Inputs are handed out with data affinity
// (core/job/lanes.ts: each worker a contiguous share of the m/z-ordered tasks, then work stealing) and each call names the worker's
// likely next input, so the worker can read its segments while it computes the current one.
// Cancel terminates the workers (a running task cannot be interrupted otherwise); the next map respawns them.
// A worker that crashes (uncaught error, failed load) fails the job with its message.
import { runInLanes } from '../../core/job/lanes.ts';
import * as Comlink from 'comlink';
import { CancelledError, type Executor, type MapOptions } from '../../core/job/executor.ts';

/** What workers/task-worker.ts exposes. */
export interface TaskWorkerApi {
  /** `next`: which segments this worker's probably next input reads (a prefetch hint; may be ignored). */
  run(task: string, input: unknown, next?: PrefetchHint): Promise<unknown>;
}

/** The part of a task input that names the dataset segments it reads (score tasks have it). */
export interface PrefetchHint {
  datasetId: string;
  segments: number[];
}

/** Only the segment list crosses to the worker, not the whole next input (its mask, centroids…). */
export function prefetchHint(input: unknown): PrefetchHint | undefined {
  const o = input as Partial<PrefetchHint> | null | undefined;
  return o && typeof o.datasetId === 'string' && Array.isArray(o.segments) ? { datasetId: o.datasetId, segments: [...o.segments] } : undefined;
}

interface Slot {
  worker: Worker;
  remote: Comlink.Remote<TaskWorkerApi>;
  /** Rejects the running call when the worker crashes. */
  fail: ((e: Error) => void) | null;
}

export class WorkerPoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerPoolError';
  }
}

export function defaultCreateWorker(): Worker {
  return new Worker(new URL('../../../workers/task-worker.ts', import.meta.url), { type: 'module', name: 'imzlens-task' });
}

export class WorkerPool implements Executor {
  readonly name = 'web-workers';
  readonly concurrency: number;
  private slots: Slot[] = [];
  private readonly create: () => Worker;

  constructor(opts: { workers?: number; createWorker?: () => Worker } = {}) {
    const hc = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 2;
    this.concurrency = Math.max(1, opts.workers ?? (hc || 2));
    this.create = opts.createWorker ?? defaultCreateWorker;
  }

  private spawn(): Slot {
    const worker = this.create();
    const slot: Slot = { worker, remote: Comlink.wrap<TaskWorkerApi>(worker), fail: null };
    const crash = (msg: string) => {
      const f = slot.fail;
      slot.fail = null;
      this.slots = this.slots.filter((s) => s !== slot);
      worker.terminate();
      f?.(new WorkerPoolError(msg));
    };
    worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      crash(`a Web Worker crashed: ${e.message || 'failed to load or uncaught error'}${e.filename ? ` (${e.filename}:${e.lineno})` : ''}`);
    });
    worker.addEventListener('messageerror', () => crash('a Web Worker sent a message that could not be decoded'));
    this.slots.push(slot);
    return slot;
  }

  private runOn(slot: Slot, task: string, input: unknown, next: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      slot.fail = reject;
      slot.remote.run(task, input, prefetchHint(next)).then(
        (v) => { slot.fail = null; resolve(v); },
        (e: unknown) => { slot.fail = null; reject(e instanceof Error ? e : new Error(String(e))); },
      );
    });
  }

  async map<I, O>(task: string, inputs: I[], options: MapOptions = {}): Promise<O[]> {
    const { signal, onProgress, onResult } = options;
    if (signal?.aborted) throw new CancelledError();
    if (inputs.length === 0) return [];
    const n = Math.min(this.concurrency, inputs.length);
    while (this.slots.length < n) this.spawn();
    const { results: out, failed } = await runInLanes(this.slots.slice(0, n), inputs, (slot, input, next) => this.runOn(slot, task, input, next) as Promise<O>, {
      signal,
      onProgress,
      onResult,
      onAbort: () => this.terminateAll(new CancelledError()),
    });
    if (failed) {
      this.terminateAll(failed); // no half-busy workers survive a failed or cancelled job
      throw failed;
    }
    return out;
  }

  private terminateAll(reason: Error) {
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) {
      const f = s.fail;
      s.fail = null;
      s.worker.terminate();
      f?.(reason);
    }
  }

  async close(): Promise<void> {
    this.terminateAll(new CancelledError('worker pool closed'));
  }
}
