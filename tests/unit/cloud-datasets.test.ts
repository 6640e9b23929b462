// The page's cloud-ingest messages: what is wrong and what to do, for the failures a browser can meet
// (src/app/services/cloud-datasets.ts explainCloudError / cloudProblem).
import { describe, expect, it } from 'vitest';
import { cloudProblem, explainCloudError } from '../../src/app/services/cloud-datasets.ts';
import type { CloudConfig } from '../../src/platform/cloud/config.ts';

const cfg: CloudConfig = {
  region: 'eu-west-1', bucket: 'my-data', prefix: 'imzlens/', concurrency: 4, functionTimeoutMs: 900_000,
  tiers: [{ functionName: 'imzlens-task-2048', memoryMB: 2048 }],
};
const sdkError = (name: string, message: string, status?: number) => Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('explainCloudError', () => {
  it('names a missing bucket and where it was looked for', () => {
    const m = explainCloudError(sdkError('NoSuchBucket', 'The specified bucket does not exist', 404), cfg);
    expect(m).toContain("bucket 'my-data' does not exist");
    expect(m).toContain('eu-west-1');
  });
  it('says 403 means keys or policy, with the prefix the policy must allow', () => {
    for (const name of ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken']) {
      const m = explainCloudError(sdkError(name, 'denied', 403), cfg);
      expect(m).toContain('403 access denied');
      expect(m).toContain('s3://my-data/imzlens/*');
    }
  });
  it('finds the cause inside our wrapped errors (S3StoreError text, UploadError cause)', () => {
    expect(explainCloudError(new Error('reading s3://my-data/x failed: NoSuchBucket: gone; check the bucket'), cfg)).toContain('does not exist');
    const wrapped = new Error('uploading a.ibd failed', { cause: sdkError('AccessDenied', 'Access Denied', 403) });
    expect(explainCloudError(wrapped, cfg)).toContain('403 access denied');
  });
  it('a browser network error points at CORS (origin, AllowedHeaders, ExposeHeaders ETag) and the look-alikes', () => {
    const m = explainCloudError(new TypeError('Failed to fetch'), cfg);
    expect(m).toContain("could not reach bucket 'my-data'");
    expect(m).toContain('ExposeHeaders ETag');
    expect(m).toContain('does not exist');
  });
  it('an unknown Lambda function is named with the region', () => {
    const m = explainCloudError(sdkError('ResourceNotFoundException', 'Function not found: arn:…', 404), cfg);
    expect(m).toContain('imzlens-task-2048');
    expect(m).toContain('eu-west-1');
  });
  it('the missing-ETag message passes through unchanged', () => {
    const msg = "S3 accepted part 1 of s3://b/k but the browser could not see its ETag header: the bucket's CORS rule must list ETag under ExposeHeaders (see docs/cloud.md)";
    expect(explainCloudError(new Error(msg), cfg)).toBe(msg);
  });
});

describe('cloudProblem', () => {
  it('is empty for usable settings and says what is missing otherwise', () => {
    expect(cloudProblem(cfg)).toBe('');
    expect(cloudProblem(null)).toMatch(/No cloud settings/);
    expect(cloudProblem({ ...cfg, bucket: ' ' })).toMatch(/no S3 bucket/);
    expect(cloudProblem({ ...cfg, tiers: [] })).toMatch(/no Lambda function/);
  });
});
