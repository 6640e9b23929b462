// The Cognito guest credentials come from @aws-sdk/credential-provider-cognito-identity alone (the umbrella
// credential-providers package pulled Node-only providers into the page bundle). The lazy import must resolve and
// the provider must go to the pool's region for an identity: without AWS here, that call fails on the network or
// with AWS's answer about the made-up pool, never on a missing module or export.
import { describe, expect, it } from 'vitest';
import { cognitoCredentialProvider } from '../../src/platform/cloud/settings.ts';

describe('cognitoCredentialProvider', () => {
  it('loads the one provider package and asks the pool region\'s Cognito endpoint', async () => {
    const provider = cognitoCredentialProvider(' eu-west-1:12345678-1234-1234-1234-123456789012 ');
    expect(typeof provider).toBe('function');
    const err = await Promise.race([
      provider().then(() => null, (e: Error) => e),
      new Promise<Error>((resolve) => setTimeout(() => resolve(new Error('no answer within 20 s')), 20_000)),
    ]);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TypeError);
    expect(String((err as { code?: string }).code ?? '')).not.toMatch(/MODULE_NOT_FOUND/);
    // offline: the DNS lookup names the endpoint; online: AWS answers about the pool
    expect(`${err!.name} ${err!.message}`).toMatch(/cognito-identity\.eu-west-1\.amazonaws\.com|IdentityPool|identity pool|ResourceNotFound|NotAuthorized|no answer/i);
  }, 30_000);
});
