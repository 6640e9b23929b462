// Share links: a bundle uploaded to `<prefix>shared/` of the user's bucket, reached by its public URL or a presigned
// one. The AWS SDK is loaded when an upload or a presign happens, not with the page.
import type { S3Client } from '@aws-sdk/client-s3';
import { settingsCredentials, type ShareSettings } from './settings.ts';

const sdk = () => Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);

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
