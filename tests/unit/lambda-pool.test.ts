// LambdaPool's control logic against in-memory fakes of S3 and Lambda (the real-HTTP path is covered by
// tests/integration/cloud-*.test.ts): ordering, each retry cause, memory escalation, permanent errors,
// cancel, the report's arithmetic and cleanup.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../src/core/job/codec.ts';
import { CancelledError } from '../../src/core/job/executor.ts';
import { getTask, registerTask } from '../../src/core/job/tasks.ts';
import { MemoryStore } from '../../src/core/memory-store.ts';
import { LambdaPool, type LambdaPoolOptions } from '../../src/platform/cloud/lambda-pool.ts';
import { parseTiers, cloudConfigFromEnv } from '../../src/platform/cloud/config.ts';

registerTask('test-square', async (input: { x: number }) => ({ y: input.x * input.x, v: new Float32Array([input.x]) }));

type Fate = 'ok' | 'throttle' | '5xx' | 'fail' | 'oom' | 'lost' | 'permanent';

function fakes(fate: (call: number, fn: string, event: { task: string; inputKey: string }) => Fate) {
  const objects = new Map<string, Uint8Array>();
  const calls: { fn: string; fate: Fate }[] = [];
  const running = { now: 0, max: 0 };
  const store = new MemoryStore();
  const s3 = {
    async send(cmd: { constructor: { name: string }; input: Record<string, unknown> }) {
      const i = cmd.input;
      switch (cmd.constructor.name) {
        case 'PutObjectCommand':
          objects.set(i.Key as string, typeof i.Body === 'string' ? new TextEncoder().encode(i.Body) : (i.Body as Uint8Array));
          return {};
        case 'GetObjectCommand': {
          const b = objects.get(i.Key as string);
          if (!b) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
          return { Body: { transformToByteArray: async () => b, transformToString: async () => new TextDecoder().decode(b) } };
        }
        case 'ListObjectsV2Command':
          return { Contents: [...objects.keys()].filter((k) => k.startsWith(i.Prefix as string)).map((Key) => ({ Key })) };
        case 'DeleteObjectsCommand':
          for (const o of (i.Delete as { Objects: { Key: string }[] }).Objects) objects.delete(o.Key);
          return {};
      }
      throw new Error(`fake S3: ${cmd.constructor.name} not faked`);
    },
  } as unknown as S3Client;
  const lambda = {
    async send(cmd: { input: { FunctionName: string; Payload: Uint8Array } }) {
      const event = JSON.parse(new TextDecoder().decode(cmd.input.Payload));
      const f = fate(calls.length, cmd.input.FunctionName, event);
      calls.push({ fn: cmd.input.FunctionName, fate: f });
      if (f === 'throttle') throw Object.assign(new Error('Rate Exceeded.'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
      if (f === '5xx') throw Object.assign(new Error('boom'), { name: 'ServiceException', $metadata: { httpStatusCode: 503 } });
      running.now++;
      running.max = Math.max(running.max, running.now);
      setTimeout(async () => {
        running.now--;
        objects.set(event.startedKey, new Uint8Array(0));
        if (f === 'lost') return; // killed: never writes a status
        const memoryLimitMB = Number(cmd.input.FunctionName.split('-').pop());
        const status = (extra: object) => objects.set(event.statusKey, new TextEncoder().encode(JSON.stringify({ durationMs: 1500, maxRssMB: 100, memoryLimitMB, ...extra })));
        if (f === 'fail') return status({ ok: false, error: 'Error: flaky', errorType: 'Error' });
        if (f === 'oom') return status({ ok: false, error: 'RangeError: Array buffer allocation failed', errorType: 'OutOfMemory' });
        if (f === 'permanent') return status({ ok: false, error: "Error: unknown task", errorType: 'Error', permanent: true });
        const out = await getTask(event.task)(decodeValue(objects.get(event.inputKey)!), { store });
        objects.set(event.outputKey, encodeValue(out));
        status({ ok: true });
      }, 5);
      return { StatusCode: 202 };
    },
  } as unknown as LambdaClient;
  const opts: LambdaPoolOptions = {
    lambda, s3, bucket: 'b', jobPrefix: 'j', storePrefix: 'd/',
    tiers: [{ functionName: 'fn-4096', memoryMB: 4096 }, { functionName: 'fn-2048', memoryMB: 2048 }],
    concurrency: 4, functionTimeoutMs: 60, graceMs: 20, pollMs: 5, backoffMs: 1,
  };
  return { objects, calls, opts, running };
}

const inputs = Array.from({ length: 10 }, (_, x) => ({ x }));
const expected = inputs.map(({ x }) => ({ y: x * x, v: new Float32Array([x]) }));

describe('LambdaPool (fake S3 + Lambda)', () => {
  it('returns results in input order, respects the concurrency limit, reports and cleans up', async () => {
    const f = fakes(() => 'ok');
    const pool = new LambdaPool(f.opts);
    const got = await pool.map('test-square', inputs);
    expect(got).toEqual(expected);
    expect(f.calls.every((c) => c.fn === 'fn-2048')).toBe(true); // tiers sorted: smallest first
    expect(f.running.max).toBe(4);
    const r = pool.reports[0];
    expect(r.invocations).toBe(10);
    expect(r.invocationsByMemoryMB).toEqual({ 2048: 10 });
    expect(r.meanDurationMs).toBe(1500);
    expect(r.gbSeconds).toBeCloseTo(10 * 1.5 * 2, 10); // 10 runs × 1.5 s × 2 GB
    expect(r.estimatedCostUSD).toBeCloseTo(30 * 0.0000166667 + 10 * 0.2e-6, 12);
    expect([...f.objects.keys()]).toEqual([]);
  });

  it('a status object served half-written (a local S3 server under load) is read again on the next poll', async () => {
    const f = fakes(() => 'ok');
    const s3 = f.opts.s3 as unknown as { send(cmd: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> };
    const send = s3.send.bind(s3);
    const halfServed = new Set<string>();
    s3.send = async (cmd) => {
      const key = cmd.input.Key as string | undefined;
      if (cmd.constructor.name === 'GetObjectCommand' && key?.includes('status') && !halfServed.has(key) && f.objects.has(key)) {
        halfServed.add(key);
        const half = new TextDecoder().decode(f.objects.get(key)!).slice(0, 9);
        return { Body: { transformToString: async () => half } };
      }
      return send(cmd);
    };
    const got = await new LambdaPool(f.opts).map('test-square', inputs);
    expect(got).toEqual(expected);
    expect(halfServed.size).toBe(inputs.length);
    expect(f.calls.length).toBe(inputs.length); // read again, not run again
  });

  it('retries throttling, 5xx and function errors without changing memory', async () => {
    const plan: Fate[] = ['throttle', '5xx', 'fail', 'throttle'];
    const f = fakes((n) => plan[n] ?? 'ok');
    const pool = new LambdaPool(f.opts);
    expect(await pool.map('test-square', inputs)).toEqual(expected);
    const r = pool.reports[0];
    expect(r.retries).toMatchObject({ throttle: 2, serverError: 1, functionError: 1, timeout: 0, outOfMemory: 0 });
    expect(r.invocations).toBe(11); // 10 + the re-run after the function error
    expect(r.invocationsByMemoryMB).toEqual({ 2048: 11 });
    expect(r.sampleErrors.length).toBeGreaterThan(0);
  });

  it('moves to the bigger function after an out-of-memory status or a lost run', async () => {
    const f = fakes((n, fn, ev) => (fn === 'fn-2048' && ev.inputKey.endsWith('/3.bin') ? 'oom' : fn === 'fn-2048' && ev.inputKey.endsWith('/5.bin') ? 'lost' : 'ok'));
    const pool = new LambdaPool(f.opts);
    expect(await pool.map('test-square', inputs)).toEqual(expected);
    const r = pool.reports[0];
    expect(r.retries.outOfMemory).toBe(1);
    expect(r.retries.timeout).toBe(1);
    expect(r.invocationsByMemoryMB).toEqual({ 2048: 10, 4096: 2 });
  });

  it('fails with every attempt listed when retries run out, and does not retry permanent errors', async () => {
    const f = fakes(() => 'fail');
    const pool = new LambdaPool({ ...f.opts, maxAttempts: 3 });
    await expect(pool.map('test-square', [{ x: 1 }])).rejects.toThrow(/failed for input 0 of 1 after 3 attempts[^]*attempt 1 at 2048 MB: Error: flaky[^]*attempt 3/);
    expect(pool.reports[0].retries.functionError).toBe(2);
    const g = fakes(() => 'permanent');
    const pool2 = new LambdaPool(g.opts);
    await expect(pool2.map('test-square', [{ x: 1 }])).rejects.toThrow(/after 1 attempts/);
    expect(g.calls.length).toBe(1);
  });

  it('out of memory at the largest function fails instead of retrying the same size', async () => {
    const f = fakes(() => 'oom');
    const pool = new LambdaPool(f.opts);
    await expect(pool.map('test-square', [{ x: 2 }])).rejects.toThrow(/after 2 attempts[^]*2048 MB[^]*4096 MB/);
    expect(f.calls.map((c) => c.fn)).toEqual(['fn-2048', 'fn-4096']);
  });

  it('rejects invoke errors a retry cannot fix at once', async () => {
    const f = fakes(() => 'ok');
    (f.opts.lambda as unknown as { send: () => Promise<never> }).send = async () => {
      throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    };
    await expect(new LambdaPool(f.opts).map('test-square', [{ x: 1 }])).rejects.toThrow(/AccessDeniedException[^]*lambda:InvokeFunction/);
  });

  it('cancels: rejects with CancelledError soon after abort', async () => {
    const f = fakes(() => 'lost');
    const pool = new LambdaPool({ ...f.opts, functionTimeoutMs: 60_000 });
    const ctl = new AbortController();
    const t0 = Date.now();
    const p = pool.map('test-square', inputs, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 30);
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('cloud config', () => {
  it('derives memory tiers from a base name or an explicit list', () => {
    expect(parseTiers('imz', '1024,3008')).toEqual([{ functionName: 'imz-1024', memoryMB: 1024 }, { functionName: 'imz-3008', memoryMB: 3008 }]);
    expect(parseTiers('a:2048,b:4096')).toEqual([{ functionName: 'a', memoryMB: 2048 }, { functionName: 'b', memoryMB: 4096 }]);
    expect(() => parseTiers('a:99999')).toThrow(/128 ≤ MB ≤ 10240/);
  });

  it('reads the environment, with a config file as the base', () => {
    expect(cloudConfigFromEnv({})).toBeNull();
    const cfg = cloudConfigFromEnv({ IMZLENS_BUCKET: 'bk', IMZLENS_FUNCTION: 'fn', IMZLENS_LAMBDA_ENDPOINT: 'http://127.0.0.1:1', AWS_REGION: 'eu-west-1', IMZLENS_PREFIX: 'x' })!;
    expect(cfg).toMatchObject({ bucket: 'bk', region: 'eu-west-1', prefix: 'x/', lambdaEndpoint: 'http://127.0.0.1:1', concurrency: 64, functionTimeoutMs: 900_000 });
    expect(cfg.tiers.map((t) => t.functionName)).toEqual(['fn-2048', 'fn-4096']);
    const fromFile = cloudConfigFromEnv({ IMZLENS_CONCURRENCY: '200' }, { bucket: 'fb', function: 'ff', memoryTiers: [3008] })!;
    expect(fromFile).toMatchObject({ bucket: 'fb', concurrency: 200, tiers: [{ functionName: 'ff-3008', memoryMB: 3008 }] });
    expect(() => cloudConfigFromEnv({ IMZLENS_BUCKET: 'b' })).toThrow(/no function/);
    expect(() => cloudConfigFromEnv({ IMZLENS_BUCKET: 'b', IMZLENS_FUNCTION: 'f', IMZLENS_CONCURRENCY: '-1' })).toThrow(/IMZLENS_CONCURRENCY=-1/);
  });
});
