// The Cognito guest credentials come from @aws-sdk/credential-provider-cognito-identity alone (the umbrella
// credential-providers package pulled Node-only providers into the page bundle). The provider runs against a small
// Cognito-compatible server on 127.0.0.1 (the JSON 1.1 GetId / GetCredentialsForIdentity calls it makes), so the
// test checks the real package end to end without leaving this machine.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoCredentialProvider } from '../../src/platform/cloud/settings.ts';

const POOL = 'eu-west-1:12345678-1234-1234-1234-123456789012';
const calls: { target: string; body: Record<string, unknown> }[] = [];
let server: Server;
let endpoint = '';

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => resolve(b));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    calls.push({ target, body });
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (body.IdentityPoolId !== POOL && target.endsWith('.GetId')) {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'IdentityPool not found' }));
    } else if (target.endsWith('.GetId')) {
      res.end(JSON.stringify({ IdentityId: 'eu-west-1:guest-1' }));
    } else if (target.endsWith('.GetCredentialsForIdentity')) {
      res.end(JSON.stringify({
        IdentityId: body.IdentityId,
        Credentials: { AccessKeyId: 'ASIAGUEST', SecretKey: 'guest-secret', SessionToken: 'guest-token', Expiration: Math.floor(Date.now() / 1000) + 3600 },
      }));
    } else {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('cognitoCredentialProvider', () => {
  it('gets the guest identity of the pool and its temporary keys', async () => {
    calls.length = 0;
    const creds = await cognitoCredentialProvider(` ${POOL} `, endpoint)();
    expect(creds).toMatchObject({ accessKeyId: 'ASIAGUEST', secretAccessKey: 'guest-secret', sessionToken: 'guest-token' });
    expect(calls.map((c) => c.target.split('.').pop())).toEqual(['GetId', 'GetCredentialsForIdentity']);
    expect(calls[0].body.IdentityPoolId).toBe(POOL);
    expect(calls[1].body.IdentityId).toBe('eu-west-1:guest-1');
  });

  it('an unknown pool fails with Cognito\'s answer, not a missing module', async () => {
    const err = await cognitoCredentialProvider('eu-west-1:00000000-0000-0000-0000-000000000000', endpoint)().then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(`${err!.name} ${err!.message}`).toMatch(/ResourceNotFound|IdentityPool not found/);
  });
});
