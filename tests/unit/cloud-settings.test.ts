// Page cloud settings → CloudConfig (what createCloud gets in the job worker), the validation messages the job
// form shows, older stored settings, and the cost line a finished Lambda job shows.
import { describe, expect, it } from 'vitest';
import {
  checkJobSettings, completeSettings, describeAwsError, describeRunOn, lambdaRunOn, toCloudConfig, type CloudSettings,
} from '../../src/app/services/cloud-settings.ts';
import { CloudConfigError } from '../../src/platform/cloud/config.ts'; // re-exported from cloud-tiers.ts
import { isLargeJob, jobWork } from '../../src/core/job/large-job.ts';

const base: CloudSettings = {
  region: 'eu-west-1', endpoint: '', bucket: 'my-bkt', prefix: 'team', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'SECRET',
  remember: false, sessionToken: '', credentialMode: 'keys', identityPoolId: '', lambdaEndpoint: '', functionName: 'imzlens-task',
  concurrency: 64, functionTimeoutS: 900,
};

describe('toCloudConfig', () => {
  it('base name → the two deployed tiers, prefix gets its slash, keys without an empty session token', () => {
    const c = toCloudConfig(base);
    expect(c.tiers).toEqual([{ functionName: 'imzlens-task-2048', memoryMB: 2048 }, { functionName: 'imzlens-task-4096', memoryMB: 4096 }]);
    expect(c.prefix).toBe('team/');
    expect(c.bucket).toBe('my-bkt');
    expect(c.region).toBe('eu-west-1');
    expect(c.concurrency).toBe(64);
    expect(c.functionTimeoutMs).toBe(900_000);
    expect(c.credentials).toEqual({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'SECRET' });
    expect(c.lambdaEndpoint).toBeUndefined();
    expect(c.s3Endpoint).toBeUndefined();
  });

  it('explicit tiers, endpoints (trailing slash dropped), session token, trimmed fields', () => {
    const c = toCloudConfig({
      ...base, functionName: ' small:1024,big:3008 ', endpoint: 'http://127.0.0.1:4569/', lambdaEndpoint: 'http://127.0.0.1:4570',
      sessionToken: ' TOKEN ', bucket: ' b ', concurrency: 4, functionTimeoutS: 60, prefix: '',
    });
    expect(c.tiers).toEqual([{ functionName: 'small', memoryMB: 1024 }, { functionName: 'big', memoryMB: 3008 }]);
    expect(c.s3Endpoint).toBe('http://127.0.0.1:4569');
    expect(c.lambdaEndpoint).toBe('http://127.0.0.1:4570');
    expect(c.credentials?.sessionToken).toBe('TOKEN');
    expect(c.bucket).toBe('b');
    expect(c.prefix).toBe('imzlens/');
    expect(c.functionTimeoutMs).toBe(60_000);
  });

  it('identity pool: no keys in the config (the worker adds the Cognito provider)', () => {
    const c = toCloudConfig({ ...base, credentialMode: 'cognito', identityPoolId: 'eu-west-1:12345678-1234-1234-1234-123456789012', accessKeyId: '', secretAccessKey: '' });
    expect(c.credentials).toBeUndefined();
  });

  it('unusable settings throw CloudConfigError naming every problem', () => {
    const bad = { ...base, bucket: '', functionName: '', accessKeyId: '' };
    expect(() => toCloudConfig(bad)).toThrow(CloudConfigError);
    try {
      toCloudConfig(bad);
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toMatch(/Bucket is required/);
      expect(m).toMatch(/Function is required/);
      expect(m).toMatch(/Access key id and secret/);
    }
  });
});

describe('checkJobSettings', () => {
  it('complete settings pass', () => expect(checkJobSettings(base)).toEqual([]));
  it('one message per problem', () => {
    expect(checkJobSettings({ ...base, region: ' ' })).toEqual(['Region is required (e.g. eu-west-1).']);
    expect(checkJobSettings({ ...base, lambdaEndpoint: 'localhost:4570' })[0]).toMatch(/Lambda endpoint/);
    expect(checkJobSettings({ ...base, endpoint: 'ftp://x' })[0]).toMatch(/S3 endpoint must be an http/);
    expect(checkJobSettings({ ...base, functionName: 'fn:64' })[0]).toMatch(/bad function tier 'fn:64' in Function/);
    expect(checkJobSettings({ ...base, concurrency: 0 })[0]).toMatch(/Concurrency/);
    expect(checkJobSettings({ ...base, concurrency: 2.5 })[0]).toMatch(/Concurrency/);
    expect(checkJobSettings({ ...base, functionTimeoutS: 901 })[0]).toMatch(/timeout/);
    expect(checkJobSettings({ ...base, credentialMode: 'cognito', identityPoolId: 'nope' })[0]).toMatch(/identity pool id/);
    expect(checkJobSettings({ ...base, credentialMode: 'cognito', identityPoolId: 'us-east-1:12345678-1234-1234-1234-123456789012', secretAccessKey: '' })).toEqual([]);
  });
});

describe('stored settings', () => {
  it('an older share-only record gets the job defaults; bad values fall back', () => {
    const s = completeSettings({ region: 'eu-west-1', endpoint: '', bucket: 'b', prefix: 'p/', accessKeyId: 'A', secretAccessKey: 'S', remember: true });
    expect(s.functionName).toBe('');
    expect(s.concurrency).toBe(64);
    expect(s.credentialMode).toBe('keys');
    expect(s.remember).toBe(true);
    expect(s.bucket).toBe('b');
    const t = completeSettings({ concurrency: -3, credentialMode: 'root', functionTimeoutS: 'x' as unknown as number, bucket: 7 as unknown as string });
    expect(t.concurrency).toBe(64);
    expect(t.credentialMode).toBe('keys');
    expect(t.functionTimeoutS).toBe(900);
    expect(t.bucket).toBe('');
  });
});

describe('cost of a Lambda job', () => {
  const stage = (invocations: number, gbSeconds: number, estimatedCostUSD: number, retries: Record<string, number> = {}) => ({ invocations, gbSeconds, estimatedCostUSD, retries });
  it('sums invocations, GB-s, cost and all retry causes over the stages', () => {
    const r = lambdaRunOn([stage(6, 20, 20 * 0.0000166667 + 6 * 0.2e-6, { throttle: 1, timeout: 0 }), stage(40, 103, 103 * 0.0000166667 + 40 * 0.2e-6, { functionError: 2 })], 'eu-west-1', 'imzlens-task');
    expect(r).toMatchObject({ kind: 'lambda', region: 'eu-west-1', functionName: 'imzlens-task', invocations: 46, retries: 3 });
    if (r.kind !== 'lambda') throw new Error('kind');
    expect(r.gbSeconds).toBeCloseTo(123, 9);
    // by hand: 123 GB-s × $0.0000166667 + 46 × $0.0000002 = $0.0020592
    expect(r.estimatedCostUSD).toBeCloseTo(0.0020592, 7);
    expect(describeRunOn(r)).toBe('AWS Lambda, eu-west-1, 46 invocations, 3 retries, 123 GB-s, ≈ $0.0021');
  });
  it('no stages = nothing; old records (no runOn) ran in the browser', () => {
    expect(lambdaRunOn([], 'us-east-1', 'f')).toMatchObject({ invocations: 0, gbSeconds: 0, estimatedCostUSD: 0, retries: 0 });
    expect(describeRunOn(undefined)).toBe('This browser');
    expect(describeRunOn({ kind: 'browser' })).toBe('This browser');
    expect(describeRunOn({ kind: 'lambda', region: 'us-east-1', functionName: 'f', invocations: 3, gbSeconds: 2.345, estimatedCostUSD: 0.00004, retries: 0 }))
      .toBe('AWS Lambda, us-east-1, 3 invocations, 2.3 GB-s, ≈ $0.000040');
    expect(describeRunOn({ kind: 'lambda', region: 'us-east-1', functionName: 'f', invocations: 3, gbSeconds: 1500, estimatedCostUSD: 0.025, retries: 0 }))
      .toBe('AWS Lambda, us-east-1, 3 invocations, 1,500 GB-s, ≈ $0.03');
  });
});

describe('connection errors', () => {
  it('no HTTP status = network/CORS; 403 = access denied with the hint', () => {
    expect(describeAwsError(new TypeError('Failed to fetch'), 'S3 bucket b', 'x')).toMatch(/no answer \(network or CORS\)/);
    const denied = Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(describeAwsError(denied, 'S3 bucket b', 'Needs s3:ListBucket.')).toBe('S3 bucket b: access denied (HTTP 403, AccessDenied). Needs s3:ListBucket.');
  });
});

describe('isLargeJob (Auto)', () => {
  it('peaks × ions (targets + decoys) above 2e12', () => {
    const p = { adducts: ['+H', '+Na', '+K'], neutralLosses: [], chemMods: [], decoys: 20 };
    // 1e6 peaks × 10 000 formulas × 3 adducts × 21 = 6.3e11
    expect(jobWork({ totalPeaks: 1e6 }, [{ formulas: { length: 10_000 } }], p)).toBe(6.3e11);
    expect(isLargeJob({ totalPeaks: 1e6 }, [{ formulas: { length: 10_000 } }], p)).toBe(false);
    expect(isLargeJob({ totalPeaks: 4e6 }, [{ formulas: { length: 10_000 } }], p)).toBe(true);
    expect(isLargeJob({ totalPeaks: 1e6 }, [{ formulas: { length: 10_000 } }], { ...p, neutralLosses: ['-H2O', '-CO2'] })).toBe(false); // 1.89e12
  });
});

describe('the settings feed the page\'s other cloud features (cloud-datasets.ts provider seam)', () => {
  it('currentCloudConfig() follows the saved settings: null while incomplete, then their CloudConfig', async () => {
    const { currentCloudConfig } = await import('../../src/app/services/cloud-datasets.ts');
    const { saveCloudSettings } = await import('../../src/app/services/cloud-settings.ts');
    const store = new Map<string, string>();
    const g = globalThis as unknown as { localStorage?: unknown };
    const before = g.localStorage;
    g.localStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    try {
      saveCloudSettings({ ...base, functionName: '' });
      expect(currentCloudConfig()).toBeNull();
      saveCloudSettings(base);
      expect(currentCloudConfig()).toEqual(toCloudConfig(base));
      expect(store.size).toBe(0); // not remembered: nothing in localStorage
    } finally {
      g.localStorage = before;
    }
  });
});
