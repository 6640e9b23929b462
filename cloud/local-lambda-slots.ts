// The local Lambda's concurrency: at most `concurrency` executions at once; a RequestResponse invocation beyond that
// is refused (429), an Event invocation waits in a FIFO queue like Lambda's internal async queue.
import type { LocalLambdaStats } from './local-lambda-types.ts';

export class ConcurrencySlots {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly concurrency: number, private readonly stats: LocalLambdaStats) {}

  /** Takes a slot, waiting in the async queue when `wait`. Returns false when none is free. */
  async take(wait: boolean): Promise<boolean> {
    if (this.running < this.concurrency) {
      this.running++;
      this.stats.maxRunning = Math.max(this.stats.maxRunning, this.running);
      return true;
    }
    if (!wait) return false;
    await new Promise<void>((resolve) => {
      this.queue.push(resolve);
      this.stats.maxQueued = Math.max(this.stats.maxQueued, this.queue.length);
    });
    this.running++;
    this.stats.maxRunning = Math.max(this.stats.maxRunning, this.running);
    return true;
  }

  free(): void {
    this.running--;
    const next = this.queue.shift();
    if (next) next();
    this.notifyIdle();
  }

  /** Resolves when no invocation is running or queued. */
  idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.notifyIdle();
    });
  }

  private notifyIdle(): void {
    if (this.running === 0 && this.queue.length === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      w.forEach((f) => f());
    }
  }
}
