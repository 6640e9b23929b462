// The local cloud: s3rver + our Lambda Invoke server running the bundled handler, wired together, on
// 127.0.0.1 with free ports. Used by the integration tests and by `npm run cloud:local`.
import { existsSync } from 'node:fs';
import type { CloudConfig } from '../src/platform/cloud/config.ts';
import { DEFAULT_HANDLER, startLocalLambda, type FaultRates, type LocalLambda } from './local-lambda.ts';
import { startLocalS3, type LocalS3 } from './local-s3.ts';

export const LOCAL_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalStackOptions {
  bucket?: string;
  /** Function base name; one function '<base>-<MB>' per memory size. */
  functionBase?: string;
  memoryTiers?: number[];
  timeoutMs?: number;
  concurrency?: number;
  faults?: FaultRates;
  allowOrigin?: string;
  /** Rebuild cloud/dist/handler.mjs first (default: only when missing). */
  rebuild?: boolean;
  s3Port?: number;
  lambdaPort?: number;
  host?: string;
}

export interface LocalStack {
  s3: LocalS3;
  lambda: LocalLambda;
  config: CloudConfig;
  /** The same settings as environment variables (what `npm run cloud:local` prints). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  if (opts.rebuild || !existsSync(DEFAULT_HANDLER)) {
    const { buildHandler } = await import('./build.mjs');
    await buildHandler();
  }
  const bucket = opts.bucket ?? 'imzlens-local';
  const base = opts.functionBase ?? 'imzlens-task';
  const tiers = opts.memoryTiers ?? [2048, 4096];
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const host = opts.host ?? '127.0.0.1';
  const s3 = await startLocalS3({ bucket, allowOrigin: opts.allowOrigin, port: opts.s3Port, host });
  const functions = Object.fromEntries(tiers.map((mb) => [`${base}-${mb}`, { memoryMB: mb, timeoutMs }]));
  let lambda: LocalLambda;
  try {
    lambda = await startLocalLambda({
      functions,
      concurrency: opts.concurrency ?? 64,
      faults: opts.faults,
      allowOrigin: opts.allowOrigin,
      port: opts.lambdaPort,
      host,
      env: {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: LOCAL_KEYS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_KEYS.secretAccessKey,
        IMZLENS_S3_ENDPOINT: s3.url,
        // The SDK's "Node 20 support ends" notice, once per sandbox, drowns test output.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
  } catch (e) {
    await s3.close();
    throw e;
  }
  const config: CloudConfig = {
    region: 'us-east-1',
    lambdaEndpoint: lambda.url,
    s3Endpoint: s3.url,
    bucket,
    prefix: 'imzlens/',
    tiers: tiers.map((mb) => ({ functionName: `${base}-${mb}`, memoryMB: mb })),
    concurrency: opts.concurrency ?? 64,
    functionTimeoutMs: timeoutMs,
    credentials: LOCAL_KEYS,
  };
  const env = {
    IMZLENS_LAMBDA_ENDPOINT: lambda.url,
    IMZLENS_S3_ENDPOINT: s3.url,
    IMZLENS_BUCKET: bucket,
    IMZLENS_FUNCTION: base,
    IMZLENS_MEMORY_TIERS: tiers.join(','),
    IMZLENS_PREFIX: 'imzlens/',
    IMZLENS_FUNCTION_TIMEOUT: String(timeoutMs / 1000),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_KEYS.secretAccessKey,
  };
  return {
    s3,
    lambda,
    config,
    env,
    close: async () => {
      await lambda.close();
      await s3.close();
    },
  };
}
