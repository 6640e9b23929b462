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
// Parts: local-lambda-sandboxes.ts (child processes, limits), local-lambda-slots.ts (concurrency, async queue),
// local-lambda-http.ts (CORS, errors, reading an Invoke request, fault draw); this module wires them to a server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Rng } from '../src/core/sim/rng.ts';
import type { LocalLambda, LocalLambdaOptions, LocalLambdaStats } from './local-lambda-types.ts';
import { Sandboxes } from './local-lambda-sandboxes.ts';
import { ConcurrencySlots } from './local-lambda-slots.ts';
import { corsHeaders, drawFault, readInvokeRequest, sabotage, sendError } from './local-lambda-http.ts';

export type { FaultRates, LocalFunctionConfig, LocalLambda, LocalLambdaOptions, LocalLambdaStats } from './local-lambda-types.ts';
export { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS } from './local-lambda-http.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_HANDLER = join(here, 'dist', 'handler.mjs');
const RUNNER = join(here, 'local-runner.mjs');

/** Starts the server: sandboxes and concurrency slots behind an HTTP server that answers the Invoke API. */
export async function startLocalLambda(opts: LocalLambdaOptions): Promise<LocalLambda> {
  const concurrency = opts.concurrency ?? 64;
  const faults = opts.faults ?? {};
  // seeded, so fault patterns are reproducible
  const rng = new Rng(faults.seed ?? 1);
  const stats: LocalLambdaStats = {
    invocations: 0, sync: 0, async: 0, completed: 0, functionErrors: 0, throttled: 0,
    injected: { throttle: 0, error5xx: 0, fail: 0, timeout: 0 },
    timeouts: 0, oomKills: 0, coldStarts: 0, maxRunning: 0, maxQueued: 0,
  };
  const sandboxes = new Sandboxes(RUNNER, opts.handlerPath ?? DEFAULT_HANDLER, opts.env, opts.maxIdle ?? concurrency, stats);
  const slots = new ConcurrencySlots(concurrency, stats);
  const cors = corsHeaders(opts.allowOrigin ?? '*');

  /** One invocation: runs it and counts its outcome; the caller holds a slot. */
  async function run(name: string, cfg: LocalLambdaOptions['functions'][string], event: unknown, requestId: string) {
    const o = await sandboxes.execute(name, cfg, event, requestId);
    stats.completed++;
    if (!o.ok) stats.functionErrors++;
    return o;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const inv = await readInvokeRequest(req, opts.functions);
    if (inv.kind === 'error') return sendError(res, cors, inv.status, inv.type, inv.message);
    if (inv.kind === 'dry-run') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const { name, cfg, type } = inv;
    let event = inv.event;
    stats.invocations++;
    const fault = drawFault(rng.next(), faults);
    if (fault === 'throttle') {
      stats.injected.throttle++;
      stats.throttled++;
      return sendError(res, cors, 429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'CallerRateLimitExceeded' });
    }
    if (fault === 'error5xx') {
      stats.injected.error5xx++;
      return sendError(res, cors, 500, 'ServiceException', 'injected service error');
    }
    if (fault === 'fail' || fault === 'timeout') {
      stats.injected[fault]++;
      event = sabotage(event, fault);
    }
    const requestId = randomUUID();
    if (type === 'Event') {
      // accepted at once (202), run when a slot is free
      stats.async++;
      res.writeHead(202, { ...cors, 'x-amzn-RequestId': requestId, 'Content-Length': '0' });
      res.end();
      await slots.take(true);
      try {
        await run(name, cfg, event, requestId);
      } finally {
        slots.free();
      }
      return;
    }
    stats.sync++;
    if (!(await slots.take(false))) {
      stats.throttled++;
      return sendError(res, cors, 429, 'TooManyRequestsException', 'Rate Exceeded.', { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    }
    try {
      const o = await run(name, cfg, event, requestId);
      const headers: Record<string, string> = {
        ...cors,
        'Content-Type': 'application/json',
        'x-amzn-RequestId': requestId,
        'X-Amz-Executed-Version': '$LATEST',
      };
      if (!o.ok) headers['X-Amz-Function-Error'] = 'Unhandled';
      res.writeHead(200, headers);
      res.end(JSON.stringify(o.payload));
    } finally {
      slots.free();
    }
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((e) => {
      if (!res.headersSent) sendError(res, cors, 500, 'ServiceException', (e as Error).message);
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
    idle: () => slots.idle(),
    close: async () => {
      sandboxes.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
