// A local server of the AWS Lambda Invoke HTTP API (POST /2015-03-31/functions/{name}/invocations) that runs the
// BUNDLED handler (cloud/dist/handler.mjs) in warm child processes with Lambda's limits:
// - memory: each child runs with --max-old-space-size and a watchdog kills it when its RSS exceeds the
//   function's memory (typed arrays live outside the JS heap, so the heap flag alone would not catch them);
// - time: a child still busy at the function timeout is killed ("Task timed out");
// - concurrency: at most `concurrency` executions at once; RequestResponse beyond that gets 429, Event
//   invocations are queued (202) like Lambda's internal async queue;
// - fault injection: a fraction of invocations are throttled (429), fail with a 5xx, fail inside the
//   function (task replaced by 'cloud-fail') or time out (task replaced by 'cloud-sleep').
// CORS answers carry the explicit header list the browser SDK sends and expose x-amz-function-error.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Rng } from '../src/core/sim/rng.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_HANDLER = join(here, 'dist', 'handler.mjs');
const RUNNER = join(here, 'local-runner.mjs');

/** Request headers the browser SDK v3 sends (ecosystem.md §4.1); '*' does not cover Authorization. */
export const CORS_ALLOW_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'x-amz-invocation-type',
  'x-amz-log-type',
  'x-amz-client-context',
].join(', ');
export const CORS_EXPOSE_HEADERS = 'x-amz-function-error, x-amz-executed-version, x-amzn-requestid, x-amz-log-result, x-amzn-errortype';

export interface LocalFunctionConfig {
  memoryMB: number;
  timeoutMs: number;
}

export interface FaultRates {
  /** Fractions of invocations (0–1) answered 429 / 500, failing inside the function, or timing out. */
  throttle?: number;
  error5xx?: number;
  fail?: number;
  timeout?: number;
  /** Seed of the fault RNG, for reproducible runs (default 1). */
  seed?: number;
}

export interface LocalLambdaOptions {
  functions: Record<string, LocalFunctionConfig>;
  handlerPath?: string;
  /** Concurrent executions over all functions (Lambda's account/reserved concurrency). Default 64. */
  concurrency?: number;
  /** Environment of the function (S3 endpoint, credentials, region…). Nothing else leaks from the parent. */
  env?: Record<string, string>;
  faults?: FaultRates;
  host?: string;
  port?: number;
  /** Access-Control-Allow-Origin (default '*'). */
  allowOrigin?: string;
  /** Idle children kept warm per function (default = concurrency). */
  maxIdle?: number;
}

export interface LocalLambdaStats {
  invocations: number;
  sync: number;
  async: number;
  completed: number;
  functionErrors: number;
  throttled: number;
  injected: { throttle: number; error5xx: number; fail: number; timeout: number };
  timeouts: number;
  oomKills: number;
  coldStarts: number;
  maxRunning: number;
  maxQueued: number;
}

export interface LocalLambda {
  url: string;
  port: number;
  stats: LocalLambdaStats;
  /** Resolves when no invocation is running or queued. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Sandbox {
  child: ChildProcess;
  fn: string;
  ready: Promise<void>;
  busy: boolean;
  dead: boolean;
}

interface Outcome {
  ok: boolean;
  payload: unknown;
}


function rssBytes(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return pages * 4096;
  } catch {
    return null;
  }
}

export async function startLocalLambda(opts: LocalLambdaOptions): Promise<LocalLambda> {
  const handlerPath = opts.handlerPath ?? DEFAULT_HANDLER;
  const concurrency = opts.concurrency ?? 64;
  const maxIdle = opts.maxIdle ?? concurrency;
  const faults = opts.faults ?? {};
  // seeded, so fault patterns are reproducible
  const rng = new Rng(faults.seed ?? 1);
  const random = () => rng.next();
  const allowOrigin = opts.allowOrigin ?? '*';
  const stats: LocalLambdaStats = {
    invocations: 0, sync: 0, async: 0, completed: 0, functionErrors: 0, throttled: 0,
    injected: { throttle: 0, error5xx: 0, fail: 0, timeout: 0 },
    timeouts: 0, oomKills: 0, coldStarts: 0, maxRunning: 0, maxQueued: 0,
  };
  const idleSandboxes = new Map<string, Sandbox[]>();
  const all = new Set<Sandbox>();
  let running = 0;
  const queue: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];
  let closing = false;

  const childEnv = (fn: string, cfg: LocalFunctionConfig): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    ...opts.env,
    AWS_LAMBDA_FUNCTION_NAME: fn,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(cfg.memoryMB),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x (imzlens local)',
  });

  function spawnSandbox(fn: string, cfg: LocalFunctionConfig): Sandbox {
    stats.coldStarts++;
    const child = fork(RUNNER, [handlerPath], {
      env: childEnv(fn, cfg),
      execArgv: [`--max-old-space-size=${Math.max(64, Math.floor(cfg.memoryMB * 0.9))}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const sb: Sandbox = { child, fn, busy: false, dead: false, ready: Promise.resolve() };
    sb.ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: { type: string; error?: string }) => {
        if (m.type === 'ready') {
          child.off('message', onMsg);
          resolve();
        } else if (m.type === 'init-error') reject(new Error(m.error));
      };
      child.on('message', onMsg);
      child.once('exit', (code, sig) => reject(new Error(`sandbox exited during init (code ${code}, signal ${sig})`)));
    });
    sb.ready.catch(() => undefined);
    child.once('exit', () => {
      sb.dead = true;
      all.delete(sb);
      const list = idleSandboxes.get(fn);
      if (list) idleSandboxes.set(fn, list.filter((s) => s !== sb));
    });
    all.add(sb);
    return sb;
  }

  function acquire(fn: string, cfg: LocalFunctionConfig): Sandbox {
    const list = idleSandboxes.get(fn) ?? [];
    let sb: Sandbox | undefined;
    while ((sb = list.pop()) && sb.dead);
    idleSandboxes.set(fn, list);
    return sb && !sb.dead ? sb : spawnSandbox(fn, cfg);
  }

  function release(sb: Sandbox): void {
    sb.busy = false;
    const list = idleSandboxes.get(sb.fn) ?? [];
    if (sb.dead || closing) return;
    if (list.length >= maxIdle) {
      sb.child.kill('SIGKILL');
      return;
    }
    list.push(sb);
    idleSandboxes.set(sb.fn, list);
  }

  /** Runs one invocation in a sandbox with the function's time and memory limits. */
  async function execute(fn: string, cfg: LocalFunctionConfig, event: unknown, requestId: string): Promise<Outcome> {
    const sb = acquire(fn, cfg);
    sb.busy = true;
    try {
      await sb.ready;
    } catch (e) {
      return { ok: false, payload: { errorType: 'Runtime.ImportModuleError', errorMessage: (e as Error).message } };
    }
    return new Promise<Outcome>((resolve) => {
      const id = randomUUID();
      let settled = false;
      const finish = (o: Outcome, kill: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watch);
        sb.child.off('message', onMsg);
        sb.child.off('exit', onExit);
        if (kill) sb.child.kill('SIGKILL');
        else release(sb);
        resolve(o);
      };
      const onMsg = (m: { type: string; id: string; ok: boolean; payload: unknown }) => {
        if (m.type === 'result' && m.id === id) finish({ ok: m.ok, payload: m.payload }, false);
      };
      const onExit = (code: number | null, sig: string | null) =>
        finish({ ok: false, payload: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${sig ? `signal: ${sig}` : `exit status ${code}`}` } }, false);
      const timer = setTimeout(() => {
        stats.timeouts++;
        finish({ ok: false, payload: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(cfg.timeoutMs / 1000).toFixed(2)} seconds` } }, true);
      }, cfg.timeoutMs);
      const limit = cfg.memoryMB * 1024 * 1024;
      const watch = setInterval(() => {
        const rss = sb.child.pid ? rssBytes(sb.child.pid) : null;
        if (rss !== null && rss > limit) {
          stats.oomKills++;
          finish({ ok: false, payload: { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed (memory ${Math.round(rss / 1048576)} MB > ${cfg.memoryMB} MB)` } }, true);
        }
      }, 25);
      sb.child.on('message', onMsg);
      sb.child.once('exit', onExit);
      sb.child.send({ type: 'invoke', id, requestId, functionName: fn, memoryMB: cfg.memoryMB, timeoutMs: cfg.timeoutMs, event });
    });
  }

  function notifyIdle(): void {
    if (running === 0 && queue.length === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      w.forEach((f) => f());
    }
  }

  /** Takes a concurrency slot, waiting in the async queue when `wait`. Returns false when none is free. */
  async function slot(wait: boolean): Promise<boolean> {
    if (running < concurrency) {
      running++;
      stats.maxRunning = Math.max(stats.maxRunning, running);
      return true;
    }
    if (!wait) return false;
    await new Promise<void>((resolve) => {
      queue.push(resolve);
      stats.maxQueued = Math.max(stats.maxQueued, queue.length);
    });
    running++;
    stats.maxRunning = Math.max(stats.maxRunning, running);
    return true;
  }

  function freeSlot(): void {
    running--;
    const next = queue.shift();
    if (next) next();
    notifyIdle();
  }

  /** Replaces the task of an event to inject an in-function failure or a timeout. */
  function sabotage(event: unknown, kind: 'fail' | 'timeout'): unknown {
    if (event && typeof event === 'object' && (event as { op?: string }).op === 'task') {
      return { ...(event as object), task: kind === 'fail' ? 'cloud-fail' : 'cloud-sleep' };
    }
    return event;
  }

  const cors = (req: IncomingMessage): Record<string, string> => ({
    'Access-Control-Allow-Origin': allowOrigin,
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS,
    'Access-Control-Max-Age': '600',
    ...(allowOrigin !== '*' ? { Vary: 'Origin' } : {}),
  });

  function sendError(req: IncomingMessage, res: ServerResponse, status: number, type: string, message: string, extra: object = {}) {
    res.writeHead(status, {
      ...cors(req),
      'Content-Type': 'application/json',
      'x-amzn-ErrorType': type,
      'x-amzn-RequestId': randomUUID(),
    });
    res.end(JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message, ...extra }));
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors(req));
      res.end();
      return;
    }
    const m = req.url?.match(/^\/2015-03-31\/functions\/([^/?]+)\/invocations(\?.*)?$/);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || !m) {
      sendError(req, res, 404, 'UnknownOperationException', `unknown operation ${req.method} ${req.url}`);
      return;
    }
    const name = decodeURIComponent(m[1]).replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '').replace(/:.*$/, '');
    const cfg = opts.functions[name];
    if (!cfg) {
      sendError(req, res, 404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`);
      return;
    }
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') {
      res.writeHead(204, cors(req));
      res.end();
      return;
    }
    const body = Buffer.concat(chunks);
    if (body.byteLength > (type === 'Event' ? 1024 * 1024 : 6 * 1024 * 1024)) {
      sendError(req, res, 413, 'RequestTooLargeException', `Request must be smaller than ${type === 'Event' ? '1 MB' : '6 MB'} for ${type} invocations`);
      return;
    }
    let event: unknown;
    try {
      event = body.byteLength ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      sendError(req, res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
      return;
    }
    stats.invocations++;
    // Fault injection: one draw per invocation decides its fate.
    const r = random();
    let acc = 0;
    const hit = (p: number | undefined) => p !== undefined && r < (acc += p);
    if (hit(faults.throttle)) {
      stats.injected.throttle++;
      stats.throttled++;
      sendError(req, res, 429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'CallerRateLimitExceeded' });
      return;
    }
    if (hit(faults.error5xx)) {
      stats.injected.error5xx++;
      sendError(req, res, 500, 'ServiceException', 'injected service error');
      return;
    }
    if (hit(faults.fail)) {
      stats.injected.fail++;
      event = sabotage(event, 'fail');
    } else if (hit(faults.timeout)) {
      stats.injected.timeout++;
      event = sabotage(event, 'timeout');
    }
    const requestId = randomUUID();
    if (type === 'Event') {
      stats.async++;
      res.writeHead(202, { ...cors(req), 'x-amzn-RequestId': requestId, 'Content-Length': '0' });
      res.end();
      await slot(true);
      try {
        const o = await execute(name, cfg, event, requestId);
        stats.completed++;
        if (!o.ok) stats.functionErrors++;
      } finally {
        freeSlot();
      }
      return;
    }
    stats.sync++;
    if (!(await slot(false))) {
      stats.throttled++;
      sendError(req, res, 429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
      return;
    }
    try {
      const o = await execute(name, cfg, event, requestId);
      stats.completed++;
      if (!o.ok) stats.functionErrors++;
      const headers: Record<string, string> = {
        ...cors(req),
        'Content-Type': 'application/json',
        'x-amzn-RequestId': requestId,
        'X-Amz-Executed-Version': '$LATEST',
      };
      if (!o.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
      res.writeHead(200, headers);
      res.end(JSON.stringify(o.payload));
    } finally {
      freeSlot();
    }
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((e) => {
      if (!res.headersSent) sendError(req, res, 500, 'ServiceException', (e as Error).message);
      else res.end();
    });
  });
  // Longer than the SDK's idle sockets live: Node's default (5 s) races with reuse and gives ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    stats,
    idle: () => new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      notifyIdle();
    }),
    close: async () => {
      closing = true;
      for (const sb of all) sb.child.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
