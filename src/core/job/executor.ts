// One executor API over interchangeable compute backends (Lithops' idea): worker_threads in Node,
// Web Workers in the page, AWS Lambda in the cloud. Tasks are named, pure functions registered in
// tasks.ts, so every backend runs the very same code.

export interface MapOptions {
  /** Called after each finished input, with counts. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Called with each input's output as soon as it is done (any order), e.g. to persist it. */
  onResult?: (index: number, output: unknown) => void;
  /**
   * Stable names of the inputs (content keys) and of the whole map: an executor that keeps its work outside this
   * process (Lambda: S3) files it under them, so a later map of the same inputs — after the page was reloaded —
   * finds what the earlier one already computed or still runs instead of starting it again. Others ignore them.
   */
  inputKeys?: string[];
  mapKey?: string;
}

export interface Executor {
  readonly name: string;
  /** How many tasks run at once. */
  readonly concurrency: number;
  /** Runs task `task` on every input; results in input order. Rejects on the first failure or on abort. */
  map<I, O>(task: string, inputs: I[], options?: MapOptions): Promise<O[]>;
  close(): Promise<void>;
}

export class CancelledError extends Error {
  constructor(message = 'cancelled by the user') {
    super(message);
    this.name = 'CancelledError';
  }
}
