// Page cloud settings, one object for share uploads and for annotation jobs in AWS Lambda: where things go (S3
// bucket + prefix, optional endpoints for a local or S3-compatible stack), the Lambda function (base name or
// explicit tiers) and the credentials (keys, or a Cognito identity pool id). This module validates them and turns
// them into the CloudConfig everything else uses; keeping them (memory, localStorage) is the page's business
// (app/services/cloud-settings.ts). No static AWS SDK import: the page loads the SDK only when it is used.
import type { CloudConfig, CloudCredentials } from './config.ts';
import { normalisePrefix } from './location.ts';
// Not config.ts / s3-store.ts: those import the SDK.
import { CloudConfigError, parseTiers } from './tiers.ts';

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

/** Settings with nothing filled in (the form's starting point). */
export const EMPTY_CLOUD_SETTINGS: CloudSettings = {
  region: 'us-east-1', endpoint: '', bucket: '', prefix: 'imzlens/', accessKeyId: '', secretAccessKey: '', remember: false,
  sessionToken: '', credentialMode: 'keys', identityPoolId: '', lambdaEndpoint: '', functionName: '', concurrency: 64, functionTimeoutS: 900,
};

const STRING_FIELDS = ['region', 'endpoint', 'bucket', 'prefix', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'identityPoolId', 'lambdaEndpoint', 'functionName'] as const;

/** Fills the fields a stored (possibly older, share-only) settings object lacks with the defaults. */
export function completeSettings(o: Partial<Record<keyof CloudSettings, unknown>>): CloudSettings {
  const s = { ...EMPTY_CLOUD_SETTINGS };
  for (const k of STRING_FIELDS) if (typeof o[k] === 'string') s[k] = o[k];
  if (o.credentialMode === 'cognito' || o.credentialMode === 'keys') s.credentialMode = o.credentialMode;
  if (typeof o.concurrency === 'number' && o.concurrency > 0) s.concurrency = o.concurrency;
  if (typeof o.functionTimeoutS === 'number' && o.functionTimeoutS > 0) s.functionTimeoutS = o.functionTimeoutS;
  s.remember = o.remember === true;
  return s;
}

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
 * The CloudConfig (config.ts) the settings describe, for createCloud in the job worker. Keys go into
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

/**
 * A Cognito identity pool's guest identity as an SDK credential provider (the SDK part loaded on first use).
 * Main thread or worker; a function, so it cannot be posted between them (post the pool id instead).
 */
export function cognitoCredentialProvider(identityPoolId: string, endpoint?: string): () => Promise<CloudCredentials> {
  const id = identityPoolId.trim();
  // The one provider package, not the umbrella @aws-sdk/credential-providers: that one drags Node-only providers
  // (ini files, processes, IMDS) into the page bundle and makes the build warn about node:fs.
  // `endpoint`: a Cognito-compatible server instead of AWS's (the tests' local one).
  const clientConfig = { region: id.split(':')[0], ...(endpoint ? { endpoint } : {}) };
  const lazy = import('@aws-sdk/credential-provider-cognito-identity').then((m) => m.fromCognitoIdentityPool({ identityPoolId: id, clientConfig }));
  return async () => (await lazy)();
}

/** SDK credentials for the settings: static keys, or the Cognito identity pool's guest identity. */
export async function settingsCredentials(s: ShareSettings) {
  if (s.credentialMode === 'cognito') return cognitoCredentialProvider(s.identityPoolId ?? '');
  const token = s.sessionToken?.trim();
  return { accessKeyId: s.accessKeyId.trim(), secretAccessKey: s.secretAccessKey.trim(), ...(token ? { sessionToken: token } : {}) };
}
