// "Test connection" for the page's cloud settings: can these keys list the bucket prefix and invoke the function?
// Answers in sentences a user can act on.
import { checkJobSettings, settingsCredentials, toCloudConfig, type CloudSettings } from './settings.ts';

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
