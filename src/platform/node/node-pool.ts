// Executor over Node worker_threads (default: one worker per core). Workers read dataset segments from a
// FileSegmentStore directory, so only task descriptions and results cross thread boundaries.
import { runInLanes } from '../../core/job/lanes.ts';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { workerEntry } from './worker-bundle.ts';
import { CancelledError, type Executor, type MapOptions } from '../../core/job/executor.ts';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
  busyId: number;
}

export class NodePool implements Executor {
  readonly name = 'node-workers';
  readonly concurrency: number;
  private slots: Slot[] = [];
  private nextId = 1;

  constructor(private readonly opts: { storeRoot: string; workers?: number }) {
    this.concurrency = Math.max(1, opts.workers ?? availableParallelism());
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry(), { workerData: { storeRoot: this.opts.storeRoot } });
    const slot: Slot = { worker, busy: null, busyId: 0 };
    worker.on('message', (msg: { id: number; ok: boolean; output?: unknown; error?: { message: string } }) => {
      const p = slot.busy;
      if (!p || msg.id !== slot.busyId) return;
      slot.busy = null;
      if (msg.ok) p.resolve(msg.output);
      else p.reject(new Error(msg.error?.message ?? 'task failed'));
    });
    const die = (err: Error) => {
      const p = slot.busy;
      slot.busy = null;
      this.slots = this.slots.filter((s) => s !== slot);
      p?.reject(err);
    };
    worker.on('error', (e) => die(new Error(`a worker thread crashed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (slot.busy) die(new Error(`a worker thread exited with code ${code} while running a task`));
      else this.slots = this.slots.filter((s) => s !== slot);
    });
    this.slots.push(slot);
    return slot;
  }

  private runOn(slot: Slot, task: string, input: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      slot.busyId = this.nextId++;
      slot.busy = { resolve, reject };
      slot.worker.postMessage({ id: slot.busyId, task, input });
    });
  }

  async map<I, O>(task: string, inputs: I[], options: MapOptions = {}): Promise<O[]> {
    const { signal, onProgress, onResult } = options;
    if (signal?.aborted) throw new CancelledError();
    if (inputs.length === 0) return [];
    const n = Math.min(this.concurrency, inputs.length);
    while (this.slots.length < n) this.spawn();
    const { results, failed } = await runInLanes(this.slots.slice(0, n), inputs, (slot, input) => this.runOn(slot, task, input) as Promise<O>, {
      signal,
      onProgress,
      onResult,
      onAbort: () => void this.close(),
    });
    if (failed) {
      await this.close(); // a crashed or cancelled job leaves no half-busy workers behind
      throw failed;
    }
    return results;
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) {
      s.busy?.reject(new CancelledError());
      s.busy = null;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
