// Cloud settings for the CLI and the page: from environment variables, a JSON file's parsed content, or the
// page's settings form. Region and credentials follow the AWS SDK: when not given, the SDK's default chain
// (AWS_REGION, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE, SSO…) is used.
//
// Environment:
//   IMZLENS_LAMBDA_ENDPOINT  Lambda API endpoint override (local stack); unset on AWS
//   IMZLENS_S3_ENDPOINT      S3 endpoint override (local stack, S3-compatible servers); path-style addressing
//   IMZLENS_BUCKET           bucket (required)
//   IMZLENS_FUNCTION         function base name (required), or an explicit tier list "name:MB,name:MB"
//   IMZLENS_MEMORY_TIERS     memory sizes (MB) when IMZLENS_FUNCTION is a base name; functions are
//                            "<base>-<MB>" (default "2048,4096", as the deploy template creates)
//   IMZLENS_PREFIX           key prefix for everything imzlens writes (default "imzlens/")
//   IMZLENS_CONCURRENCY      in-flight invocations (default 64)
//   IMZLENS_FUNCTION_TIMEOUT function timeout in seconds, as deployed (default 900)
//   IMZLENS_CLOUD_CONFIG     path of a JSON file with the fields of CloudConfig (read by the Node caller)
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { LambdaPool, type LambdaPoolOptions, type MemoryTier } from './lambda-pool.ts';
import { CloudConfigError, parseTiers } from './tiers.ts';
import { S3SegmentStore } from './s3-store.ts';
import { datasetPrefix, normalisePrefix } from './location.ts';

export interface CloudCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface CloudConfig {
  region?: string;
  lambdaEndpoint?: string;
  s3Endpoint?: string;
  bucket: string;
  /** Root prefix; datasets live under `<prefix>datasets/`, job objects under `<prefix>jobs/`. */
  prefix: string;
  tiers: MemoryTier[];
  concurrency: number;
  functionTimeoutMs: number;
  /** Explicit keys (page: temporary keys held in memory); absent = the SDK's default provider chain. */
  credentials?: CloudCredentials;
  /** A provider of keys (page: a Cognito identity pool's guest identity); used instead of `credentials`. */
  credentialProvider?: () => Promise<CloudCredentials>;
}

// Tier parsing lives in tiers.ts (no SDK imports, so the page can validate settings without loading the SDK).
export { CloudConfigError, DEFAULT_MEMORY_TIERS, parseTiers } from './tiers.ts';

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new CloudConfigError(`${name}=${raw} is not a positive number`);
  return n;
}

/**
 * Settings from environment variables, with `file` (the parsed JSON config file, if any) as the base.
 * Returns null when neither names a bucket and a function (no cloud configured).
 */
export function cloudConfigFromEnv(env: Record<string, string | undefined>, file?: Partial<CloudConfig> & { function?: string; memoryTiers?: number[] }): CloudConfig | null {
  const bucket = env.IMZLENS_BUCKET || file?.bucket;
  const fnEnv = env.IMZLENS_FUNCTION;
  let tiers: MemoryTier[] | undefined;
  if (fnEnv) tiers = parseTiers(fnEnv, env.IMZLENS_MEMORY_TIERS);
  else if (file?.tiers?.length) tiers = file.tiers;
  else if (file?.function) tiers = parseTiers(file.function, (env.IMZLENS_MEMORY_TIERS ?? file.memoryTiers?.join(',')) || undefined);
  if (!bucket && !tiers) return null;
  if (!bucket) throw new CloudConfigError('cloud settings name a function but no bucket: set IMZLENS_BUCKET (or "bucket" in the config file)');
  if (!tiers) throw new CloudConfigError('cloud settings name a bucket but no function: set IMZLENS_FUNCTION (or "function" in the config file)');
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || file?.region,
    lambdaEndpoint: env.IMZLENS_LAMBDA_ENDPOINT || file?.lambdaEndpoint,
    s3Endpoint: env.IMZLENS_S3_ENDPOINT || file?.s3Endpoint,
    bucket,
    prefix: normalisePrefix(env.IMZLENS_PREFIX ?? file?.prefix ?? 'imzlens/'),
    tiers,
    concurrency: positive('IMZLENS_CONCURRENCY', env.IMZLENS_CONCURRENCY, file?.concurrency ?? 64),
    functionTimeoutMs: positive('IMZLENS_FUNCTION_TIMEOUT', env.IMZLENS_FUNCTION_TIMEOUT, (file?.functionTimeoutMs ?? 900_000) / 1000) * 1000,
    credentials: file?.credentials,
  };
}

/** SDK clients for a config. maxAttempts 1 on Lambda: LambdaPool does its own counted retries. */
export function createCloudClients(cfg: CloudConfig): { s3: S3Client; lambda: LambdaClient } {
  const credentials = cfg.credentialProvider ?? cfg.credentials;
  const common = { region: cfg.region ?? 'us-east-1', ...(credentials ? { credentials } : {}) };
  return {
    s3: new S3Client({ ...common, endpoint: cfg.s3Endpoint, forcePathStyle: !!cfg.s3Endpoint }),
    lambda: new LambdaClient({ ...common, endpoint: cfg.lambdaEndpoint, maxAttempts: 1 }),
  };
}

export { datasetPrefix } from './location.ts';

export function jobPrefix(cfg: CloudConfig): string {
  return `${cfg.prefix}jobs/`;
}

/** What createCloud builds: the S3/Lambda clients, the S3 dataset store and the Lambda pool (the one `Cloud` type). */
export type Cloud = ReturnType<typeof createCloud>;

/** The store and executor a cloud config describes. */
export function createCloud(cfg: CloudConfig, extra: Partial<LambdaPoolOptions> = {}) {
  const { s3, lambda } = createCloudClients(cfg);
  const store = new S3SegmentStore({ client: s3, bucket: cfg.bucket, prefix: datasetPrefix(cfg) });
  const pool = new LambdaPool({
    lambda,
    s3,
    bucket: cfg.bucket,
    jobPrefix: jobPrefix(cfg),
    storePrefix: datasetPrefix(cfg),
    tiers: cfg.tiers,
    concurrency: cfg.concurrency,
    functionTimeoutMs: cfg.functionTimeoutMs,
    ...extra,
  });
  return { s3, lambda, store, pool };
}
