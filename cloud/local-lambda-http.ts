// HTTP side of the local Lambda server: CORS headers (the explicit list the browser SDK sends; '*' does not cover
// Authorization), AWS-style error answers, and reading an Invoke request (route, function, invocation type, payload
// size limits, JSON body) in the order Lambda checks them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { FaultRates, LocalFunctionConfig } from './local-lambda-types.ts';

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

export function corsHeaders(allowOrigin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': allowOrigin,
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS,
    'Access-Control-Max-Age': '600',
    ...(allowOrigin !== '*' ? { Vary: 'Origin' } : {}),
  };
}

/** An error answer as the Lambda API gives it (x-amzn-ErrorType header, JSON body). */
export function sendError(res: ServerResponse, cors: Record<string, string>, status: number, type: string, message: string, extra: object = {}): void {
  res.writeHead(status, {
    ...cors,
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': type,
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message, ...extra }));
}

export type InvokeRequest =
  | { kind: 'error'; status: number; type: string; message: string }
  | { kind: 'dry-run' }
  | { kind: 'invoke'; name: string; cfg: LocalFunctionConfig; type: string; event: unknown };

/** Reads an Invoke request (POST /2015-03-31/functions/{name}/invocations): the function, its type and payload. */
export async function readInvokeRequest(req: IncomingMessage, functions: Record<string, LocalFunctionConfig>): Promise<InvokeRequest> {
  const m = req.url?.match(/^\/2015-03-31\/functions\/([^/?]+)\/invocations(\?.*)?$/);
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (req.method !== 'POST' || !m) return { kind: 'error', status: 404, type: 'UnknownOperationException', message: `unknown operation ${req.method} ${req.url}` };
  const name = decodeURIComponent(m[1]).replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '').replace(/:.*$/, '');
  const cfg = functions[name];
  if (!cfg) return { kind: 'error', status: 404, type: 'ResourceNotFoundException', message: `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}` };
  const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (type === 'DryRun') return { kind: 'dry-run' };
  const body = Buffer.concat(chunks);
  if (body.byteLength > (type === 'Event' ? 1024 * 1024 : 6 * 1024 * 1024)) {
    return { kind: 'error', status: 413, type: 'RequestTooLargeException', message: `Request must be smaller than ${type === 'Event' ? '1 MB' : '6 MB'} for ${type} invocations` };
  }
  try {
    return { kind: 'invoke', name, cfg, type, event: body.byteLength ? JSON.parse(body.toString('utf8')) : {} };
  } catch {
    return { kind: 'error', status: 400, type: 'InvalidRequestContentException', message: 'Could not parse request body into json' };
  }
}

export type Fault = 'throttle' | 'error5xx' | 'fail' | 'timeout';

/** Fault injection: one draw `r` in [0, 1) per invocation decides its fate (the rates stack in this order). */
export function drawFault(r: number, faults: FaultRates): Fault | null {
  let acc = 0;
  const hit = (p: number | undefined) => p !== undefined && r < (acc += p);
  if (hit(faults.throttle)) return 'throttle';
  if (hit(faults.error5xx)) return 'error5xx';
  if (hit(faults.fail)) return 'fail';
  if (hit(faults.timeout)) return 'timeout';
  return null;
}

/** Replaces the task of an event to inject an in-function failure or a timeout (diagnostic tasks of the test bundle). */
export function sabotage(event: unknown, kind: 'fail' | 'timeout'): unknown {
  if (event && typeof event === 'object' && (event as { op?: string }).op === 'task') {
    return { ...(event as object), task: kind === 'fail' ? 'cloud-fail' : 'cloud-sleep' };
  }
  return event;
}
