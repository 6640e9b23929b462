// Executor over AWS Lambda, Lithops-style: storage is the bus. For each input the pool uploads a codec blob to
// S3, invokes the function asynchronously (InvocationType 'Event'; the payload carries keys only), and learns
// of completion by listing status objects the handler writes (cloud/handler.ts). Works in Node and in the
// browser: only @aws-sdk clients, timers and fetch underneath.
//
// Failure handling (each input is retried independently; the map fails on the first input that runs out of
// attempts, cancelling the rest):
// - Invoke rejected with 429 (throttling), 5xx or a network error: re-invoke with jittered exponential backoff
//   (does not use up a function attempt).
// - Function error (status ok:false): retry at the same memory, up to maxAttempts (none when the handler marks
//   the error permanent: unknown task, undecodable input).
// - Out of memory (status errorType 'OutOfMemory') or no status within the function timeout + grace (a Lambda
//   killed for memory writes nothing, so it looks like a timeout): retry one memory tier up, as METASPACE's
//   executor doubles memory on MemoryError/TimeoutError.
// Memory tiers are separate function names (e.g. imzlens-task-2048, imzlens-task-4096; see docs/cloud.md):
// Lambda memory is per function version, so one name per size is the simplest thing that works everywhere.
// Every attempt gets its own output/status keys, so a late finisher of an abandoned attempt cannot be confused
// with the retry.
//
// Re-attaching (a page reloaded during a job): a map given a mapKey and inputKeys (the score stage's content keys)
// keeps its objects under <jobPrefix><mapKey>/ named by input key instead of a random folder and index. It first
// lists that folder: an input whose output an earlier run already wrote is read, not invoked again; one whose run
// has started but not finished is waited for; the others are invoked (their input is uploaded only if missing).
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { decodeValue, encodeValue } from '../../core/job/codec.ts';
import { CancelledError, type Executor, type MapOptions } from '../../core/job/executor.ts';
import { normalisePrefix } from './location.ts';

export interface MemoryTier {
  memoryMB: number;
  functionName: string;
}

/** AWS Lambda x86 on-demand prices (us-east-1, first pricing tier; 2025). */
export const LAMBDA_X86_PRICES = { perGBSecond: 0.0000166667, perMillionRequests: 0.2 };

export interface LambdaPoolOptions {
  lambda: LambdaClient;
  s3: S3Client;
  bucket: string;
  /** Where the pool keeps job inputs, outputs and status objects, e.g. 'imzlens/jobs/'. */
  jobPrefix: string;
  /** Prefix of the dataset store the tasks read (S3SegmentStore prefix in the handler), e.g. 'imzlens/datasets/'. */
  storePrefix: string;
  /** Function per memory size, smallest first; the first is used unless a retry needs more memory. */
  tiers: MemoryTier[];
  /** Invocations in flight at once (keep ≤ the function's reserved/account concurrency). Default 64. */
  concurrency?: number;
  /** The deployed function timeout (ms). Default 900 000 (Lambda's maximum). */
  functionTimeoutMs?: number;
  /** Extra wait after the timeout before an attempt counts as lost (ms). Default 10 000. */
  graceMs?: number;
  /**
   * How long an accepted Event invocation may wait in Lambda's queue before it starts (ms). The function timeout
   * only counts from the start, which the handler marks with a small object. Default 300 000.
   */
  queueTimeoutMs?: number;
  /** Function attempts per input (runs that fail, time out or run out of memory). Default 4. */
  maxAttempts?: number;
  /** Re-invokes of one attempt after 429/5xx/network errors. Default 10. */
  maxInvokeRetries?: number;
  /** First backoff delay (ms), doubled per retry with jitter, capped at 10 s. Default 200. */
  backoffMs?: number;
  /** Status polling interval (ms). Default 500. */
  pollMs?: number;
  /** Delete a job's S3 objects when its map finishes (default true). */
  cleanup?: boolean;
  prices?: { perGBSecond: number; perMillionRequests: number };
  log?: (line: string) => void;
}

export interface LambdaMapOptions extends MapOptions {
  /** Stage name for the report (default: the task name). */
  stage?: string;
}

export interface LambdaStageReport {
  stage: string;
  task: string;
  inputs: number;
  /** Invoke calls accepted by Lambda (202), including retries. */
  invocations: number;
  /** Re-invokes and re-runs, by cause. */
  retries: { throttle: number; serverError: number; network: number; functionError: number; timeout: number; outOfMemory: number };
  /** Inputs of an interrupted earlier run of the same map (mapKey): outputs read, not invoked again … */
  reused: number;
  /** … and runs still going when this map began, waited for instead of invoked again. */
  attached: number;
  /** Accepted invocations per memory size (MB). */
  invocationsByMemoryMB: Record<string, number>;
  /** Largest max RSS any run reported (MB). */
  maxRssMB: number;
  meanDurationMs: number;
  maxDurationMs: number;
  wallMs: number;
  /** Billed GB-seconds; runs that never reported (timeouts, memory kills) are counted at the full timeout. */
  gbSeconds: number;
  estimatedCostUSD: number;
  /** The first few retried errors, for diagnosis. */
  sampleErrors: string[];
}

export class LambdaPoolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LambdaPoolError';
  }
}

/** The status object a task invocation writes to S3 last (cloud/handler.ts writes it, the pool polls for it). */
export interface TaskStatus {
  ok: boolean;
  error?: string;
  /** 'OutOfMemory' when the task ran out of memory (the caller retries with more), else the error's name. */
  errorType?: string;
  /** True when a retry cannot help (unknown task, undecodable input): the caller fails at once. */
  permanent?: boolean;
  durationMs: number;
  maxRssMB: number;
  memoryLimitMB: number;
  outputBytes?: number;
  requestId?: string;
}

type Waited = { kind: 'status'; status: TaskStatus } | { kind: 'timeout' };

/**
 * One abort listener per map, fanned out to the many waits (sleeps, semaphore, status) — so a 1000-input map
 * does not hang 1000 listeners on one AbortSignal (Node warns beyond 10).
 */
class AbortHub {
  private readonly cbs = new Set<() => void>();
  constructor(readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => [...this.cbs].forEach((cb) => cb()), { once: true });
  }
  /** Calls `cb` on abort; returns the unsubscribe function. */
  on(cb: () => void): () => void {
    this.cbs.add(cb);
    return () => this.cbs.delete(cb);
  }
}

function sleep(ms: number, hub: AbortHub): Promise<void> {
  return new Promise((resolve, reject) => {
    if (hub.signal.aborted) return reject(new CancelledError());
    const off = hub.on(() => {
      clearTimeout(t);
      reject(new CancelledError());
    });
    const t = setTimeout(() => {
      off();
      resolve();
    }, ms);
  });
}

/** Classifies an Invoke rejection: retryable kinds, or null for errors a retry cannot fix. */
function invokeErrorKind(e: unknown): 'throttle' | 'serverError' | 'network' | null {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = err?.$metadata?.httpStatusCode;
  if (status === 429 || err?.name === 'TooManyRequestsException' || err?.name === 'EC2ThrottledException') return 'throttle';
  if (status !== undefined && status >= 500) return 'serverError';
  if (status === undefined) return 'network'; // no HTTP answer at all (connection reset, DNS, offline)
  return null;
}

/** A counting semaphore for the in-flight limit. */
class Semaphore {
  private waiters: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(hub: AbortHub): Promise<void> {
    if (hub.signal.aborted) throw new CancelledError();
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const w = () => {
        off();
        resolve();
      };
      const off = hub.on(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new CancelledError());
      });
      this.waiters.push(w);
    });
  }
  release(): void {
    const w = this.waiters.shift();
    if (w) w();
    else this.free++;
  }
}

/** The options a pool runs with: every default filled in. */
type PoolSettings = Required<Omit<LambdaPoolOptions, 'log'>> & { log?: (line: string) => void };

interface StatusWaiter {
  deadline: number;
  startedKey: string;
  started: boolean;
  resolve: (w: Waited) => void;
  reject: (e: unknown) => void;
}

/**
 * Learns of finished attempts for one map: one ListObjectsV2 of the job's status folder per tick for all
 * outstanding attempts, then the status object of each finished one. An attempt's deadline starts counting the
 * function timeout once its "started" marker shows (before that it may wait in Lambda's queue).
 */
class StatusPoller {
  private readonly waiters = new Map<string, StatusWaiter>();
  private running = false;

  constructor(
    private readonly o: PoolSettings,
    private readonly statusPrefix: string,
    private readonly hub: AbortHub,
  ) {}

  /** Resolves with the status written to `key`, or 'timeout' when none came by the deadline. */
  wait(key: string, startedKey: string, deadline: number): Promise<Waited> {
    // aborted while this attempt's invoke was under way: the hub has fired already and would never reject this wait
    if (this.hub.signal.aborted) return Promise.reject(new CancelledError());
    return new Promise<Waited>((resolve, reject) => {
      const off = this.hub.on(() => {
        this.waiters.delete(key);
        reject(new CancelledError());
      });
      this.waiters.set(key, {
        deadline,
        startedKey,
        started: false,
        resolve: (w) => {
          off();
          resolve(w);
        },
        reject: (e) => {
          off();
          reject(e);
        },
      });
      if (!this.running) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.running = true;
    let failures = 0;
    try {
      while (this.waiters.size && !this.hub.signal.aborted) {
        try {
          await this.pollOnce();
          failures = 0;
        } catch (e) {
          // S3 hiccups: keep polling a while before giving up on everyone.
          if (++failures >= 10) {
            for (const w of this.waiters.values()) w.reject(e);
            this.waiters.clear();
            break;
          }
        }
        if (this.waiters.size) await sleep(this.o.pollMs, this.hub).catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
  }

  private async listStatusKeys(): Promise<Set<string>> {
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const res = await this.o.s3.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.statusPrefix, ContinuationToken: token }));
      for (const c of res.Contents ?? []) if (c.Key) seen.add(c.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return seen;
  }

  private async pollOnce(): Promise<void> {
    const seen = await this.listStatusKeys();
    const now = Date.now();
    for (const [key, w] of [...this.waiters]) {
      if (seen.has(key)) {
        // A failed read leaves the waiter in place: it is retried on the next tick.
        const r = await this.o.s3.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }));
        const status = parseStatus(await r.Body!.transformToString());
        // not complete JSON yet (an S3-compatible server may serve an object while writing it): read it next tick,
        // until the task's deadline
        if (!status) {
          if (now > w.deadline) {
            this.waiters.delete(key);
            w.reject(new Error(`the Lambda task's status ${key} is not valid JSON: the task's function may have been cut off; run the job again`));
          }
          continue;
        }
        this.waiters.delete(key);
        w.resolve({ kind: 'status', status });
      } else if (!w.started && seen.has(w.startedKey)) {
        // Out of the queue: from now on the function timeout applies.
        w.started = true;
        w.deadline = now + this.o.functionTimeoutMs + this.o.graceMs;
      } else if (now > w.deadline) {
        this.waiters.delete(key);
        w.resolve({ kind: 'timeout' });
      }
    }
  }
}

/** Everything one map call shares between its steps. */
interface MapRun<I, O> {
  task: string;
  inputs: I[];
  options: LambdaMapOptions;
  /** `<jobPrefix><jobId>/`: inputs, outputs and status objects of this map. */
  jobDir: string;
  report: LambdaStageReport;
  durationSum: number;
  durationCount: number;
  /** Aborted by the user or by the first input that fails for good. */
  signal: AbortSignal;
  hub: AbortHub;
  poller: StatusPoller;
  sem: Semaphore;
  results: O[];
  done: number;
  /** Each input's name in its S3 keys: its input key, else its index. */
  names: string[];
  /** What an earlier run of the same map left in S3, by input name (empty for a fresh map). */
  earlier: Map<string, EarlierRun>;
}

/** An input's objects left by an earlier run of the same keyed map. */
interface EarlierRun {
  uploaded: boolean;
  /** Highest attempt with a status object, and its status key. */
  finished: { attempt: number; statusKey: string } | null;
  /** Highest attempt with only a "started" marker (still running, or lost). */
  started: number;
}

/** The S3 keys of one attempt of one input (every attempt has its own, so a late finisher cannot be mistaken). */
function attemptKeys(jobDir: string, name: string, attempt: number) {
  return {
    outputKey: `${jobDir}out/${name}-${attempt}.bin`,
    statusKey: `${jobDir}status/${name}-${attempt}.json`,
    startedKey: `${jobDir}status/${name}-${attempt}.started`,
  };
}

/** Reads the status and input listings of a keyed map's folder into per-input facts (see the file comment). */
function earlierRuns(keys: Iterable<string>, jobDir: string): Map<string, EarlierRun> {
  const out = new Map<string, EarlierRun>();
  const of = (name: string) => {
    let e = out.get(name);
    if (!e) out.set(name, (e = { uploaded: false, finished: null, started: -1 }));
    return e;
  };
  for (const key of keys) {
    const rel = key.slice(jobDir.length);
    const inp = /^in\/(.+)\.bin$/.exec(rel);
    if (inp) { of(inp[1]).uploaded = true; continue; }
    const st = /^status\/(.+)-(\d+)\.(json|started)$/.exec(rel);
    if (!st) continue;
    const e = of(st[1]);
    const attempt = Number(st[2]);
    if (st[3] === 'json') { if (!e.finished || attempt > e.finished.attempt) e.finished = { attempt, statusKey: key }; }
    else e.started = Math.max(e.started, attempt);
  }
  return out;
}

function newJobId(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${Math.random().toString(36).slice(2, 10)}`;
}

function emptyReport(stage: string, task: string, inputs: number): LambdaStageReport {
  return {
    stage,
    task,
    inputs,
    invocations: 0,
    reused: 0,
    attached: 0,
    retries: { throttle: 0, serverError: 0, network: 0, functionError: 0, timeout: 0, outOfMemory: 0 },
    invocationsByMemoryMB: {},
    maxRssMB: 0,
    meanDurationMs: 0,
    maxDurationMs: 0,
    wallMs: 0,
    gbSeconds: 0,
    estimatedCostUSD: 0,
    sampleErrors: [],
  };
}

/** Keeps the first few retried errors for the report. */
function sampleError(report: LambdaStageReport, msg: string): void {
  if (report.sampleErrors.length < 5) report.sampleErrors.push(msg);
}

export class LambdaPool implements Executor {
  readonly name = 'lambda';
  readonly concurrency: number;
  /** One report per finished map call, in order. */
  readonly reports: LambdaStageReport[] = [];
  private readonly o: PoolSettings;
  private closed = false;

  /** Memory (MB) of the first tier, which every task starts on. */
  get smallestMemoryMB(): number {
    return this.o.tiers[0].memoryMB;
  }

  constructor(opts: LambdaPoolOptions) {
    if (!opts.tiers.length) throw new LambdaPoolError('LambdaPool needs at least one memory tier (function name + memory size)');
    const tiers = [...opts.tiers].sort((a, b) => a.memoryMB - b.memoryMB);
    this.o = {
      concurrency: 64,
      functionTimeoutMs: 900_000,
      graceMs: 10_000,
      queueTimeoutMs: 300_000,
      maxAttempts: 4,
      maxInvokeRetries: 10,
      backoffMs: 200,
      pollMs: 500,
      cleanup: true,
      prices: LAMBDA_X86_PRICES,
      ...opts,
      tiers,
      jobPrefix: normalisePrefix(opts.jobPrefix),
      storePrefix: normalisePrefix(opts.storePrefix),
    };
    this.concurrency = this.o.concurrency;
  }

  async map<I, O>(task: string, inputs: I[], options: LambdaMapOptions = {}): Promise<O[]> {
    if (this.closed) throw new LambdaPoolError('this LambdaPool is closed; create a new one');
    const t0 = Date.now();
    const keyed = options.mapKey !== undefined && options.inputKeys?.length === inputs.length;
    const jobDir = `${this.o.jobPrefix}${keyed ? options.mapKey : newJobId()}/`;
    const report = emptyReport(options.stage ?? task, task, inputs.length);

    // One controller for the whole map: user abort or the first permanent failure stops everything.
    const ctl = new AbortController();
    const onUserAbort = () => ctl.abort(new CancelledError());
    if (options.signal?.aborted) throw new CancelledError();
    options.signal?.addEventListener('abort', onUserAbort, { once: true });
    const hub = new AbortHub(ctl.signal);
    const run: MapRun<I, O> = {
      task, inputs, options, jobDir, report, durationSum: 0, durationCount: 0,
      signal: ctl.signal, hub, poller: new StatusPoller(this.o, `${jobDir}status/`, hub), sem: new Semaphore(this.o.concurrency),
      results: new Array<O>(inputs.length), done: 0,
      names: keyed ? options.inputKeys! : inputs.map((_, i) => String(i)), earlier: new Map(),
    };
    try {
      if (keyed) run.earlier = earlierRuns(await this.listKeys(jobDir), jobDir);
      await this.runAll(run, ctl);
    } finally {
      options.signal?.removeEventListener('abort', onUserAbort);
      this.finishReport(run, t0);
      if (this.o.cleanup) await this.deletePrefix(jobDir).catch(() => undefined);
    }
    return run.results;
  }

  /** Runs every input; the first that fails for good aborts the others. */
  private async runAll<I, O>(run: MapRun<I, O>, ctl: AbortController): Promise<void> {
    // allSettled, not all: after the first failure aborts the map, wait for every runner to wind down
    // before cleaning up the job's objects.
    await Promise.allSettled(
      run.inputs.map((_, i) =>
        this.runInput(run, i).catch((e) => {
          if (!run.signal.aborted) ctl.abort(e);
          throw e;
        }),
      ),
    );
    if (run.signal.aborted) {
      const cause = run.signal.reason;
      throw cause instanceof CancelledError || run.options.signal?.aborted ? new CancelledError() : cause;
    }
  }

  /** One input's attempts: retries at the same memory after a function error, one tier up after OOM or timeout. */
  private async runInput<I, O>(run: MapRun<I, O>, i: number): Promise<void> {
    const o = this.o;
    const { report } = run;
    const name = run.names[i];
    const inputKey = `${run.jobDir}in/${name}.bin`;
    const earlier = run.earlier.get(name);
    // An earlier run's attempts keep their keys: this run's attempts are numbered after them.
    const first = earlier ? Math.max(earlier.started, earlier.finished?.attempt ?? -1) + 1 : 0;
    let uploaded = earlier?.uploaded ?? false;
    let tier = 0;
    const failures: string[] = [];
    for (let n = 0; n < o.maxAttempts; n++) {
      const fn = o.tiers[tier];
      const attempt = first + n;
      let keys = attemptKeys(run.jobDir, name, attempt);
      let waited: Waited;
      const resumed = n === 0 ? await this.earlierAttempt(run, name, earlier) : null;
      if (resumed) {
        keys = resumed.keys;
        waited = resumed.waited;
      } else {
        waited = await this.startAttempt(run, i, fn, inputKey, keys, !uploaded);
        uploaded = true;
      }
      if (waited.kind === 'status') {
        const s = waited.status;
        this.recordRun(run, fn, s);
        if (s.ok) {
          run.results[i] = await this.readOutput<O>(keys.outputKey);
          run.done++;
          run.options.onResult?.(i, run.results[i]);
          run.options.onProgress?.(run.done, run.inputs.length);
          return;
        }
        failures.push(`attempt ${n + 1} at ${fn.memoryMB} MB: ${s.error}`);
        sampleError(report, `input ${i} ${failures.at(-1)}`);
        const last = n + 1 >= o.maxAttempts;
        if (s.permanent || last) break; // permanent: e.g. a task this deployment does not know — redeploy
        if (s.errorType === 'OutOfMemory') {
          if (tier + 1 >= o.tiers.length) break; // more of the same memory will not help
          tier++;
          report.retries.outOfMemory++;
        } else {
          report.retries.functionError++;
          await sleep(this.backoff(n), run.hub);
        }
      } else {
        report.gbSeconds += (o.functionTimeoutMs / 1000) * (fn.memoryMB / 1024);
        failures.push(`attempt ${n + 1} at ${fn.memoryMB} MB: no status within ${Math.round((o.functionTimeoutMs + o.graceMs) / 1000)} s of its start (timed out or killed for running out of memory)`);
        sampleError(report, `input ${i} ${failures.at(-1)}`);
        if (n + 1 >= o.maxAttempts) break;
        report.retries.timeout++;
        if (tier + 1 < o.tiers.length) tier++;
      }
    }
    throw new LambdaPoolError(
      `task '${run.task}' failed for input ${i} of ${run.inputs.length} after ${failures.length} attempts (job s3://${o.bucket}/${run.jobDir}):\n  ${failures.join('\n  ')}`,
    );
  }

  /**
   * The earlier run's last attempt of input `name`, when it can still be used: its status if it finished well, or
   * the wait for it if it has started and not finished (the deadline counts from now: when it started is not
   * known). Null when there is none, or it failed (this run then starts a new attempt).
   */
  private async earlierAttempt<I, O>(run: MapRun<I, O>, name: string, earlier: EarlierRun | undefined): Promise<{ keys: ReturnType<typeof attemptKeys>; waited: Waited } | null> {
    if (!earlier) return null;
    if (earlier.finished && earlier.finished.attempt >= earlier.started) {
      const keys = attemptKeys(run.jobDir, name, earlier.finished.attempt);
      const r = await this.o.s3.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: keys.statusKey }));
      const status = parseStatus(await r.Body!.transformToString());
      // a status that cannot be read (an S3-compatible server may serve an object while writing it) is as good as none
      if (!status?.ok) return null;
      run.report.reused++;
      return { keys, waited: { kind: 'status', status } };
    }
    if (earlier.started < 0) return null;
    const keys = attemptKeys(run.jobDir, name, earlier.started);
    run.report.attached++;
    await run.sem.acquire(run.hub);
    try {
      return { keys, waited: await run.poller.wait(keys.statusKey, keys.startedKey, Date.now() + this.o.functionTimeoutMs + this.o.graceMs) };
    } finally {
      run.sem.release();
    }
  }

  /** Uploads the input (unless it is there), invokes `fn` and waits for its status, all under the in-flight limit. */
  private async startAttempt<I, O>(run: MapRun<I, O>, i: number, fn: MemoryTier, inputKey: string,
    keys: ReturnType<typeof attemptKeys>, upload: boolean): Promise<Waited> {
    const o = this.o;
    const { outputKey, statusKey, startedKey } = keys;
    const event = { op: 'task', task: run.task, inputKey, outputKey, statusKey, startedKey, store: { bucket: o.bucket, prefix: o.storePrefix } };
    await run.sem.acquire(run.hub);
    try {
      // Upload under the in-flight limit, so a big map does not start thousands of PUTs at once.
      if (upload) await o.s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: inputKey, Body: encodeValue(run.inputs[i]) }));
      await this.invoke(run, fn, event, i);
      run.report.invocations++;
      run.report.invocationsByMemoryMB[fn.memoryMB] = (run.report.invocationsByMemoryMB[fn.memoryMB] ?? 0) + 1;
      return await run.poller.wait(statusKey, startedKey, Date.now() + o.queueTimeoutMs + o.functionTimeoutMs + o.graceMs);
    } finally {
      run.sem.release();
    }
  }

  /** An Event invoke, re-tried with backoff on throttling, 5xx and network errors (not counted as attempts). */
  private async invoke<I, O>(run: MapRun<I, O>, fn: MemoryTier, event: object, i: number): Promise<void> {
    for (let r = 0; ; r++) {
      if (run.signal.aborted) throw new CancelledError();
      try {
        const res = await this.o.lambda.send(
          new InvokeCommand({ FunctionName: fn.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(event)) }),
        );
        if (res.StatusCode !== 202) throw new LambdaPoolError(`Invoke of ${fn.functionName} answered ${res.StatusCode} instead of 202 for an Event invocation`);
        return;
      } catch (e) {
        if (run.signal.aborted) throw new CancelledError();
        const kind = invokeErrorKind(e);
        if (!kind) {
          throw new LambdaPoolError(`invoking Lambda function '${fn.functionName}' failed: ${(e as Error).name}: ${(e as Error).message}; check the function name, region and that your credentials may call lambda:InvokeFunction`);
        }
        if (r >= this.o.maxInvokeRetries) {
          throw new LambdaPoolError(`invoking '${fn.functionName}' for input ${i} kept failing (${kind}) after ${r + 1} tries: ${(e as Error).message}`);
        }
        run.report.retries[kind]++;
        sampleError(run.report, `invoke ${kind}: ${(e as Error).name}: ${(e as Error).message}`);
        await sleep(this.backoff(r), run.hub);
      }
    }
  }

  /** Counts a run that reported: duration, memory, billed GB-seconds. */
  private recordRun<I, O>(run: MapRun<I, O>, fn: MemoryTier, s: TaskStatus): void {
    run.durationSum += s.durationMs;
    run.durationCount++;
    run.report.maxDurationMs = Math.max(run.report.maxDurationMs, s.durationMs);
    run.report.maxRssMB = Math.max(run.report.maxRssMB, s.maxRssMB);
    run.report.gbSeconds += (Math.ceil(s.durationMs) / 1000) * (fn.memoryMB / 1024);
  }

  private async readOutput<O>(key: string): Promise<O> {
    const r = await this.o.s3.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }));
    return decodeValue(await r.Body!.transformToByteArray()) as O;
  }

  /** Jittered exponential backoff, capped at 10 s. */
  private backoff(n: number): number {
    return Math.min(10_000, this.o.backoffMs * 2 ** n) * (0.5 + Math.random() / 2);
  }

  /** Fills in the totals, keeps the report and logs its line. */
  private finishReport<I, O>(run: MapRun<I, O>, t0: number): void {
    const { report } = run;
    report.meanDurationMs = run.durationCount ? run.durationSum / run.durationCount : 0;
    report.wallMs = Date.now() - t0;
    report.estimatedCostUSD = report.gbSeconds * this.o.prices.perGBSecond + (report.invocations * this.o.prices.perMillionRequests) / 1e6;
    this.reports.push(report);
    this.o.log?.(formatStageReport(report));
  }

  /** Every key under `prefix`. */
  private async listKeys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.o.s3.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const c of res.Contents ?? []) if (c.Key) out.push(c.Key);
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  private async deletePrefix(prefix: string): Promise<void> {
    for (;;) {
      const res = await this.o.s3.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: prefix }));
      const keys = (res.Contents ?? []).map((c) => ({ Key: c.Key! }));
      if (!keys.length) return;
      await this.o.s3.send(new DeleteObjectsCommand({ Bucket: this.o.bucket, Delete: { Objects: keys, Quiet: true } }));
      if (!res.IsTruncated) return;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** One log line per stage, like the seed's per-stage Lithops logs. */
export function formatStageReport(r: LambdaStageReport): string {
  const retries = Object.entries(r.retries)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const mem = Object.entries(r.invocationsByMemoryMB)
    .map(([m, n]) => `${n}×${m} MB`)
    .join(' + ');
  return (
    `[lambda] ${r.stage}: ${r.inputs} inputs, ${r.invocations} invocations (${mem || 'none'})${r.reused || r.attached ? `, from an earlier run: ${r.reused} done, ${r.attached} attached` : ''}, retries: ${retries || 'none'}; ` +
    `duration mean ${(r.meanDurationMs / 1000).toFixed(2)} s, max ${(r.maxDurationMs / 1000).toFixed(2)} s; max RSS ${r.maxRssMB} MB; ` +
    `wall ${(r.wallMs / 1000).toFixed(2)} s; ${r.gbSeconds.toFixed(2)} GB-s ≈ $${r.estimatedCostUSD.toFixed(5)}`
  );
}

/** A task's status object, or null when it is not (yet) complete JSON. */
function parseStatus(text: string): TaskStatus | null {
  try {
    return JSON.parse(text) as TaskStatus;
  } catch {
    return null;
  }
}
