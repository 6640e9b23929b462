// AWS Lambda handler (Node 20): runs one registered task on inputs/outputs kept in S3.
// The invoke payload carries keys only (async Event payloads are limited to 1 MB); storage is the bus.
//
// Event: { op: 'task', task, inputKey, outputKey, statusKey, startedKey?, store: { bucket, prefix } }
//   reads s3://bucket/inputKey (codec blob), runs getTask(task)(input, { store: S3SegmentStore(bucket, prefix) }),
//   writes the codec-encoded result to outputKey, then the status JSON (TaskStatus) to statusKey — status last,
//   so a reader that sees the status can read the output.
// The handler never throws for task errors: it records them in the status and returns it, so Lambda's own
// async retries never duplicate work (the caller, LambdaPool, owns retries and memory escalation).
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CodecError, decodeValue, encodeValue } from '../src/core/job/codec.ts';
import { getTask, type TaskFn } from '../src/core/job/tasks.ts';
import { S3SegmentStore } from '../src/platform/cloud/s3-store.ts';
import type { TaskStatus } from '../src/platform/cloud/lambda-pool.ts';
import { registerTestTasks } from '../src/core/job/test-tasks.ts';
import { registerDiagTasks } from './diag-tasks.ts';
import './ingest-task.ts';

// Diagnostics and test-only tasks: the local test bundle has them, the deployed one does not (dead code there).
if (__IMZLENS_TEST_TASKS__) {
  registerTestTasks();
  registerDiagTasks();
}

export interface TaskEvent {
  op: 'task';
  task: string;
  inputKey: string;
  outputKey: string;
  statusKey: string;
  /** Optional: an empty object written first thing, so the caller can tell "queued" from "running". */
  startedKey?: string;
  store: { bucket: string; prefix: string };
}

export type { TaskStatus };

/** The subset of the Lambda context we use (also what the local server passes). */
export interface LambdaContextLike {
  awsRequestId?: string;
  memoryLimitInMB?: string | number;
  getRemainingTimeInMillis?(): number;
}

let s3: S3Client | null = null;
function client(): S3Client {
  // Reused across warm invocations. IMZLENS_S3_ENDPOINT is for local/S3-compatible servers only.
  if (!s3) {
    const endpoint = process.env.IMZLENS_S3_ENDPOINT || undefined;
    s3 = new S3Client({ region: process.env.AWS_REGION || 'us-east-1', endpoint, forcePathStyle: !!endpoint });
  }
  return s3;
}

function isOutOfMemory(e: unknown): boolean {
  const msg = String((e as Error)?.message ?? e);
  return e instanceof RangeError && /allocation failed|Invalid (typed )?array length|out of memory/i.test(msg);
}

function maxRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in KiB
}

export async function handler(event: TaskEvent, context?: LambdaContextLike): Promise<TaskStatus> {
  const t0 = Date.now();
  const memoryLimitMB = Number(context?.memoryLimitInMB ?? process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 0);
  if (!event || event.op !== 'task' || !event.task || !event.inputKey || !event.outputKey || !event.statusKey || !event.store?.bucket) {
    // Nothing to write a status to: fail the invocation loudly.
    throw new Error(`imzlens handler: bad event ${JSON.stringify(event).slice(0, 300)}; expected { op: 'task', task, inputKey, outputKey, statusKey, store: { bucket, prefix } }`);
  }
  const bucket = event.store.bucket;
  const s3c = client();
  let status: TaskStatus;
  let fn: TaskFn | null = null;
  try {
    fn = getTask(event.task); // first: only an unknown task leaves fn null (→ permanent)
    if (event.startedKey) await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: event.startedKey, Body: new Uint8Array(0) }));
    const res = await s3c.send(new GetObjectCommand({ Bucket: bucket, Key: event.inputKey }));
    const input = decodeValue(await res.Body!.transformToByteArray());
    const store = new S3SegmentStore({ client: s3c, bucket, prefix: event.store.prefix ?? '' });
    const output = await fn(input, { store });
    const bytes = encodeValue(output);
    await s3c.send(new PutObjectCommand({ Bucket: bucket, Key: event.outputKey, Body: bytes }));
    status = { ok: true, durationMs: Date.now() - t0, maxRssMB: maxRssMB(), memoryLimitMB, outputBytes: bytes.byteLength };
  } catch (e) {
    const err = e as Error;
    status = {
      ok: false,
      error: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`,
      errorType: isOutOfMemory(e) ? 'OutOfMemory' : (err?.name ?? 'Error'),
      durationMs: Date.now() - t0,
      maxRssMB: maxRssMB(),
      memoryLimitMB,
      permanent: fn === null || e instanceof CodecError,
    };
  }
  status.requestId = context?.awsRequestId;
  await s3c.send(
    new PutObjectCommand({ Bucket: bucket, Key: event.statusKey, Body: JSON.stringify(status), ContentType: 'application/json' }),
  );
  return status;
}
