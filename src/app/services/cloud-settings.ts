// Cloud settings of the page, one object for share uploads and for annotation jobs in AWS Lambda: where
// things go (S3 bucket + prefix, optional endpoints for a local or S3-compatible stack), the Lambda function
// (base name or explicit tiers) and the credentials (keys, or a Cognito identity pool id). The keys stay in
// this module's memory unless the user ticks "remember" (then localStorage). Nothing here is read while a
// bundle from a link is shown. The AWS SDK (~70 kB gzipped) is loaded only when it is used, not with the page.
import type { S3Client } from '@aws-sdk/client-s3';
import type { CloudConfig } from '../../platform/cloud/config.ts';
// Not cloud-config.ts / s3-store.ts: those import the SDK, which the page loads only when it is used.
import { CloudConfigError, parseTiers } from '../../platform/cloud/tiers.ts';
import { setCloudConfigProvider } from './cloud-datasets.ts';

/** Same rule as normalisePrefix in s3-store.ts: no leading '/', a trailing '/' unless empty. */
function normalisePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

const sdk = () => Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);

/** The share-link part (what older versions stored; still a valid value of the saved settings). */
export interface ShareSettings {
  region: string;
  /** S3 endpoint override (local stack, S3-compatible servers; path-style addressing); '' = AWS. */
  endpoint: string;
  bucket: string;
  /** Key prefix, e.g. 'imzlens/'; bundles go under `<prefix>shared/`, datasets under `<prefix>datasets/`. */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Keep the settings, keys included, in this browser's localStorage. */
  remember: boolean;
  /** Temporary (STS) keys come with a session token; '' = none. */
  sessionToken?: string;
  /** 'keys' (default) or a Cognito identity pool's unauthenticated identity. */
  credentialMode?: 'keys' | 'cognito';
  /** e.g. 'eu-west-1:0000…' (the deploy stack's IdentityPoolId output). */
  identityPoolId?: string;
}

/** All page cloud settings: sharing plus annotation jobs in Lambda. */
export interface CloudSettings extends ShareSettings {
  sessionToken: string;
  credentialMode: 'keys' | 'cognito';
  identityPoolId: string;
  /** Lambda API endpoint override (local stack); '' = AWS. */
  lambdaEndpoint: string;
  /** Function base name ('<base>-2048', '<base>-4096' are used) or an explicit "name:MB,name:MB" list. */
  functionName: string;
  /** Invocations in flight at once. */
  concurrency: number;
  /** The deployed function timeout in seconds (template: 900). */
  functionTimeoutS: number;
}

export const SHARE_SETTINGS_KEY = 'imzlens-share-settings';

const EMPTY: CloudSettings = {
  region: 'us-east-1', endpoint: '', bucket: '', prefix: 'imzlens/', accessKeyId: '', secretAccessKey: '', remember: false,
  sessionToken: '', credentialMode: 'keys', identityPoolId: '', lambdaEndpoint: '', functionName: '', concurrency: 64, functionTimeoutS: 900,
};

let inMemory: CloudSettings | null = null;

const STRING_FIELDS = ['region', 'endpoint', 'bucket', 'prefix', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'identityPoolId', 'lambdaEndpoint', 'functionName'] as const;

/** Fills the fields a stored (possibly older, share-only) settings object lacks with the defaults. */
export function completeSettings(o: Partial<Record<keyof CloudSettings, unknown>>): CloudSettings {
  const s = { ...EMPTY };
  for (const k of STRING_FIELDS) if (typeof o[k] === 'string') s[k] = o[k];
  if (o.credentialMode === 'cognito' || o.credentialMode === 'keys') s.credentialMode = o.credentialMode;
  if (typeof o.concurrency === 'number' && o.concurrency > 0) s.concurrency = o.concurrency;
  if (typeof o.functionTimeoutS === 'number' && o.functionTimeoutS > 0) s.functionTimeoutS = o.functionTimeoutS;
  s.remember = o.remember === true;
  return s;
}

export function loadShareSettings(): CloudSettings {
  if (inMemory) return { ...inMemory };
  try {
    const raw = localStorage.getItem(SHARE_SETTINGS_KEY);
    if (raw) return completeSettings({ ...(JSON.parse(raw) as object), remember: true });
  } catch {
    // unreadable settings: start empty
  }
  return { ...EMPTY };
}

export const loadCloudSettings = loadShareSettings;

export function saveShareSettings(s: ShareSettings & Partial<CloudSettings>): void {
  inMemory = completeSettings(s as Partial<Record<keyof CloudSettings, unknown>>);
  if (s.remember) localStorage.setItem(SHARE_SETTINGS_KEY, JSON.stringify(inMemory));
  else localStorage.removeItem(SHARE_SETTINGS_KEY);
}

export const saveCloudSettings = saveShareSettings;

let cognito: { id: string; provider: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> } | null = null;

/**
 * The CloudConfig of the current settings for the page's other cloud features (serverless ingest, cloud datasets;
 * cloud-datasets.ts asks through setCloudConfigProvider), or null while they are not usable. With an identity
 * pool the config carries a credentialProvider (a function: main thread only, it cannot be posted to a worker).
 */
export function currentSettingsConfig(): CloudConfig | null {
  const s = loadShareSettings();
  if (checkJobSettings(s).length) return null;
  const cfg = toCloudConfig(s);
  if (s.credentialMode === 'cognito') {
    const id = s.identityPoolId.trim();
    if (cognito?.id !== id) {
      const lazy = import('@aws-sdk/credential-providers').then((m) => m.fromCognitoIdentityPool({ identityPoolId: id, clientConfig: { region: id.split(':')[0] } }));
      cognito = { id, provider: async () => (await lazy)() };
    }
    cfg.credentialProvider = cognito.provider;
  }
  return cfg;
}
setCloudConfigProvider(currentSettingsConfig);

function checkUrl(label: string, v: string, p: string[]): void {
  if (!v.trim()) return;
  try {
    const u = new URL(v.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') p.push(`The ${label} endpoint must be an http(s) URL.`);
  } catch {
    p.push(`The ${label} endpoint '${v}' is not a URL.`);
  }
}

function checkCredentials(s: ShareSettings, p: string[], what: string): void {
  if (s.credentialMode === 'cognito') {
    if (!/^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]{36}$/i.test((s.identityPoolId ?? '').trim())) {
      p.push(`The identity pool id must look like 'eu-west-1:12345678-abcd-…' (stack output IdentityPoolId).`);
    }
  } else if (!s.accessKeyId.trim() || !s.secretAccessKey.trim()) p.push(`Access key id and secret are needed ${what}.`);
}

/** What is missing or malformed for share uploads, as sentences (empty = usable). */
export function checkShareSettings(s: ShareSettings): string[] {
  const p: string[] = [];
  if (!s.bucket.trim()) p.push('Bucket is required.');
  if (!s.region.trim()) p.push('Region is required (e.g. eu-west-1).');
  checkUrl('S3', s.endpoint, p);
  checkCredentials(s, p, 'to upload');
  return p;
}

/** What is missing or malformed for running jobs in Lambda, as sentences (empty = usable). */
export function checkJobSettings(s: CloudSettings): string[] {
  const p: string[] = [];
  if (!s.bucket.trim()) p.push('Bucket is required.');
  if (!s.region.trim()) p.push('Region is required (e.g. eu-west-1).');
  checkUrl('S3', s.endpoint, p);
  checkUrl('Lambda', s.lambdaEndpoint, p);
  if (!s.functionName.trim()) p.push("Function is required: the stack's FunctionBaseName (e.g. imzlens-task) or \"name:MB,…\".");
  else {
    try {
      parseTiers(s.functionName.trim());
    } catch (e) {
      p.push((e as Error).message.replace('IMZLENS_FUNCTION', 'Function'));
    }
  }
  if (!(Number.isInteger(s.concurrency) && s.concurrency >= 1 && s.concurrency <= 1000)) p.push('Concurrency must be an integer from 1 to 1000.');
  if (!(s.functionTimeoutS >= 1 && s.functionTimeoutS <= 900)) p.push('Function timeout must be 1–900 s (as deployed).');
  checkCredentials(s, p, 'to run jobs');
  return p;
}

/**
 * The CloudConfig (cloud-config.ts) the settings describe, for createCloud in the job worker. Keys go into
 * `credentials`; with an identity pool the caller adds the Cognito provider. Throws CloudConfigError listing
 * every problem when the settings are not usable.
 */
export function toCloudConfig(s: CloudSettings): CloudConfig {
  const problems = checkJobSettings(s);
  if (problems.length) throw new CloudConfigError(`cloud settings: ${problems.join(' ')}`);
  const fn = s.functionName.trim();
  const cfg: CloudConfig = {
    region: s.region.trim(),
    bucket: s.bucket.trim(),
    prefix: normalisePrefix(s.prefix.trim() || 'imzlens/'),
    tiers: parseTiers(fn),
    concurrency: s.concurrency,
    functionTimeoutMs: s.functionTimeoutS * 1000,
  };
  if (s.lambdaEndpoint.trim()) cfg.lambdaEndpoint = s.lambdaEndpoint.trim().replace(/\/+$/, '');
  if (s.endpoint.trim()) cfg.s3Endpoint = s.endpoint.trim().replace(/\/+$/, '');
  if (s.credentialMode !== 'cognito') {
    cfg.credentials = { accessKeyId: s.accessKeyId.trim(), secretAccessKey: s.secretAccessKey.trim() };
    if (s.sessionToken.trim()) cfg.credentials.sessionToken = s.sessionToken.trim();
  }
  return cfg;
}

/** `<prefix>shared/<name>-<hash>.zip`, the prefix given a trailing '/' when it has none. */
export function sharedObjectKey(prefix: string, fileName: string, hash: string): string {
  const pre = prefix.trim() === '' ? '' : prefix.trim().replace(/\/?$/, '/');
  const base = fileName.replace(/\.zip$/i, '');
  return `${pre}shared/${base}-${hash}.zip`;
}

/** The object's URL without a signature (works when the bucket or prefix is publicly readable). */
export function publicObjectUrl(s: ShareSettings, key: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  const ep = s.endpoint.trim().replace(/\/+$/, '');
  if (ep) return `${ep}/${encodeURIComponent(s.bucket)}/${path}`;
  return `https://${s.bucket}.s3.${s.region.trim()}.amazonaws.com/${path}`;
}

/** SDK credentials for the settings: static keys, or the Cognito identity pool's guest identity. */
export async function settingsCredentials(s: ShareSettings) {
  if (s.credentialMode === 'cognito') {
    const { fromCognitoIdentityPool } = await import('@aws-sdk/credential-providers');
    const id = (s.identityPoolId ?? '').trim();
    return fromCognitoIdentityPool({ identityPoolId: id, clientConfig: { region: id.split(':')[0] } });
  }
  const token = s.sessionToken?.trim();
  return { accessKeyId: s.accessKeyId.trim(), secretAccessKey: s.secretAccessKey.trim(), ...(token ? { sessionToken: token } : {}) };
}

async function client(s: ShareSettings): Promise<{ s3: S3Client; mod: Awaited<ReturnType<typeof sdk>> }> {
  const mod = await sdk();
  const ep = s.endpoint.trim();
  const s3 = new mod[0].S3Client({
    region: s.region.trim(),
    credentials: await settingsCredentials(s),
    ...(ep ? { endpoint: ep, forcePathStyle: true } : {}),
  });
  return { s3, mod };
}

export async function uploadBundle(s: ShareSettings, key: string, bytes: Uint8Array): Promise<void> {
  const { s3, mod } = await client(s);
  try {
    await s3.send(new mod[0].PutObjectCommand({ Bucket: s.bucket.trim(), Key: key, Body: bytes, ContentType: 'application/zip' }));
  } catch (e) {
    const m = (e as Error).message || (e as Error).name;
    throw new Error(`upload of ${key} to bucket ${s.bucket} failed: ${m}. Check the keys, the bucket's CORS rule (this page's origin, PUT) and the endpoint.`);
  }
}

/** Expiries offered for presigned links (S3 allows at most 7 days with SigV4). */
export const EXPIRY_CHOICES: { label: string; seconds: number }[] = [
  { label: '1 hour', seconds: 3600 },
  { label: '6 hours', seconds: 6 * 3600 },
  { label: '1 day', seconds: 86400 },
  { label: '3 days', seconds: 3 * 86400 },
  { label: '7 days', seconds: 7 * 86400 },
];

export async function presignedBundleUrl(s: ShareSettings, key: string, expiresIn: number): Promise<string> {
  const { s3, mod } = await client(s);
  return mod[1].getSignedUrl(s3, new mod[0].GetObjectCommand({ Bucket: s.bucket.trim(), Key: key }), { expiresIn });
}

export interface ConnectionCheck {
  ok: boolean;
  /** One line per check, e.g. "S3 bucket my-bkt: reachable" or the problem and what to do. */
  lines: string[];
}

/** Why an SDK call failed, in words a user can act on. */
export function describeAwsError(e: unknown, what: string, hint403: string): string {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  if (status === undefined) {
    return `${what}: no answer (network or CORS). Check the name, the region/endpoint, and that its CORS rule allows this page's origin (${typeof location === 'undefined' ? 'the page origin' : location.origin}). (${err?.name ?? 'Error'}: ${err?.message ?? e})`;
  }
  if (status === 403) return `${what}: access denied (HTTP 403, ${err?.name}). ${hint403}`;
  if (status === 404) return `${what}: not found (HTTP 404, ${err?.name}).`;
  return `${what}: HTTP ${status} ${err?.name ?? ''}: ${err?.message ?? ''}`;
}

/** "Test connection": a one-key listing of the prefix and a DryRun Invoke of the first function tier. */
export async function testConnection(s: CloudSettings): Promise<ConnectionCheck> {
  const problems = checkJobSettings(s);
  if (problems.length) return { ok: false, lines: problems };
  const cfg = toCloudConfig(s);
  const [s3mod, lmod] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/client-lambda')]);
  const credentials = await settingsCredentials(s);
  const lines: string[] = [];
  let ok = true;
  const s3 = new s3mod.S3Client({ region: cfg.region, credentials, ...(cfg.s3Endpoint ? { endpoint: cfg.s3Endpoint, forcePathStyle: true } : {}), maxAttempts: 1 });
  try {
    await s3.send(new s3mod.ListObjectsV2Command({ Bucket: cfg.bucket, Prefix: cfg.prefix, MaxKeys: 1 }));
    lines.push(`S3 bucket ${cfg.bucket}: reachable, listing ${cfg.prefix} allowed.`);
  } catch (e) {
    ok = false;
    const name = (e as { name?: string }).name;
    lines.push(name === 'NoSuchBucket' ? `S3 bucket ${cfg.bucket}: does not exist (in ${cfg.s3Endpoint ?? cfg.region}).`
      : describeAwsError(e, `S3 bucket ${cfg.bucket}`, `The credentials need s3:ListBucket on ${cfg.bucket} for prefix ${cfg.prefix}.`));
  }
  const fn = cfg.tiers[0].functionName;
  const lambda = new lmod.LambdaClient({ region: cfg.region, credentials, ...(cfg.lambdaEndpoint ? { endpoint: cfg.lambdaEndpoint } : {}), maxAttempts: 1 });
  try {
    await lambda.send(new lmod.InvokeCommand({ FunctionName: fn, InvocationType: 'DryRun' }));
    lines.push(`Lambda function ${fn}: may be invoked.`);
  } catch (e) {
    ok = false;
    const name = (e as { name?: string }).name;
    lines.push(name === 'ResourceNotFoundException' ? `Lambda function ${fn}: not found in ${cfg.lambdaEndpoint ?? cfg.region}; check the function name and region (deploy creates <base>-2048 and <base>-4096).`
      : describeAwsError(e, `Lambda function ${fn}`, 'The credentials need lambda:InvokeFunction on it.'));
  }
  return { ok, lines };
}

/** Where a job ran (stored with the job; old records without it ran in the browser). Never holds credentials. */
export type RunOn =
  | { kind: 'browser' }
  | { kind: 'lambda'; region: string; functionName: string; invocations: number; gbSeconds: number; estimatedCostUSD: number; retries: number };

/** The part of a LambdaPool stage report (lambda-pool.ts) the job record sums up. */
export interface StageCost {
  invocations: number;
  gbSeconds: number;
  estimatedCostUSD: number;
  retries: Record<string, number>;
}

/** Sums a job's stage reports (centroids, score, …) into its RunOn record. */
export function lambdaRunOn(reports: readonly StageCost[], region: string, functionName: string): RunOn {
  let invocations = 0, gbSeconds = 0, estimatedCostUSD = 0, retries = 0;
  for (const r of reports) {
    invocations += r.invocations;
    gbSeconds += r.gbSeconds;
    estimatedCostUSD += r.estimatedCostUSD;
    for (const n of Object.values(r.retries)) retries += n;
  }
  return { kind: 'lambda', region, functionName, invocations, gbSeconds, estimatedCostUSD, retries };
}

function usd(x: number): string {
  if (x === 0) return '$0';
  if (x < 1e-6) return '< $0.000001';
  return x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`;
}

/** "AWS Lambda, eu-west-1, 46 invocations, 123 GB-s, ≈ $0.0021" or "This browser". */
export function describeRunOn(r: RunOn | undefined): string {
  if (!r || r.kind === 'browser') return 'This browser';
  const gb = r.gbSeconds < 10 ? r.gbSeconds.toFixed(1) : Math.round(r.gbSeconds).toLocaleString('en-US');
  const retries = r.retries ? `, ${r.retries} retries` : '';
  return `AWS Lambda, ${r.region}, ${r.invocations.toLocaleString('en-US')} invocations${retries}, ${gb} GB-s, ≈ ${usd(r.estimatedCostUSD)}`;
}
