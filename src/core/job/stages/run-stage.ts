// Timing, progress and cancellation around each pipeline stage, so the stages themselves stay plain functions.
import { CancelledError } from '../executor.ts';
import type { StageStat } from '../result.ts';

export interface Progress {
  stage: string;
  done: number;
  total: number;
}

/** Caches whole stage outputs by a key of their inputs (Node: files; page: IndexedDB). */
export interface StageCache {
  get(key: string): Promise<unknown | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /** Forgets an entry (the score stage drops its per-task entries once the whole stage is cached). */
  delete?(key: string): Promise<void>;
}

export class StageRunner {
  readonly stats: StageStat[] = [];

  constructor(
    private readonly onProgress: ((p: Progress) => void) | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  progress(stage: string, done: number, total: number): void {
    this.onProgress?.({ stage, done, total });
  }

  /** Runs `f` as stage `stage`: checks for cancellation before and after, records its wall time and item count. */
  async run<T>(stage: string, f: () => Promise<T> | T, items?: (out: T) => number, unit?: string): Promise<T> {
    this.check();
    this.progress(stage, 0, 1);
    const t0 = now();
    const out = await f();
    this.stats.push({ stage, wallMs: now() - t0, items: items?.(out), unit });
    this.check();
    return out;
  }

  private check(): void {
    if (this.signal?.aborted) throw new CancelledError();
  }
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
