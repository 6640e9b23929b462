// What a cloud failure means for the user, in words they can act on: missing settings, a missing bucket or
// function, refused keys, and the browser's CORS failures (which look like a network error from a page).
import type { CloudConfig } from './config.ts';

/** What stops a cloud ingest with these settings, as one sentence ('' = usable). */
export function cloudProblem(cfg: CloudConfig | null): string {
  if (!cfg) return 'No cloud settings: enter your bucket, function and keys in the cloud settings to ingest in AWS Lambda.';
  if (!cfg.bucket?.trim()) return 'The cloud settings name no S3 bucket.';
  if (!cfg.tiers?.length) return 'The cloud settings name no Lambda function.';
  return '';
}

/** Turns an S3/Lambda/network failure into what is wrong and what to do. */
export function explainCloudError(e: unknown, cfg: CloudConfig): string {
  const err = e as Error & { cause?: unknown };
  const text = [err?.name, err?.message, (err?.cause as Error | undefined)?.name, (err?.cause as Error | undefined)?.message].filter(Boolean).join(' ');
  const s3 = cfg.s3Endpoint ?? `S3 (${cfg.region ?? 'us-east-1'})`;
  const origin = globalThis.location?.origin ?? 'this page';
  let what: string;
  if (/ExposeHeaders|ETag header/.test(text)) what = err.message;
  else if (/NoSuchBucket/.test(text)) what = `The bucket '${cfg.bucket}' does not exist at ${s3}. Check the bucket name and region in the cloud settings, or create it (npm run cloud:deploy).`;
  else if (/AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|HTTP 403|\b403\b|Forbidden/.test(text)) {
    what = `S3 refused the request (403 access denied). The access keys are wrong or expired, or their policy does not allow reading and writing objects under s3://${cfg.bucket}/${cfg.prefix}* — check the keys in the cloud settings and the role's policy.`;
  } else if (/ResourceNotFoundException|Function not found/.test(text)) {
    what = `The Lambda function ${cfg.tiers.map((t) => t.functionName).join(' / ')} was not found${cfg.lambdaEndpoint ? ` at ${cfg.lambdaEndpoint}` : ` in ${cfg.region ?? 'us-east-1'}`}. Check the function name and region in the cloud settings, or deploy it (npm run cloud:deploy).`;
  } else if (/Failed to fetch|NetworkError|Load failed|TypeError/.test(text)) {
    what = `The browser could not reach bucket '${cfg.bucket}' at ${s3}. Usually the bucket's CORS rule does not allow this page's origin (${origin}): it needs AllowedOrigin ${origin}, AllowedHeaders *, and ExposeHeaders ETag (see docs/cloud.md). A bucket that does not exist, a wrong region or endpoint, or no network look the same from a browser.`;
  } else what = err?.message ?? String(e);
  return what;
}
