// Cloud settings for share links: where bundles are uploaded (S3 bucket + prefix, optional endpoint for a
// local or S3-compatible server) and the keys to do it. The keys stay in this module's memory unless the
// user ticks "remember" (then localStorage). Nothing here is read while a bundle from a link is shown.
// The AWS SDK (~70 kB gzipped) is loaded only when the user uploads, not with the page.
import type { S3Client } from '@aws-sdk/client-s3';

const sdk = () => Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);

export interface ShareSettings {
  region: string;
  /** S3 endpoint override (local stack, S3-compatible servers; path-style addressing); '' = AWS. */
  endpoint: string;
  bucket: string;
  /** Key prefix, e.g. 'imzlens/'; bundles go under `<prefix>shared/`. */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Keep the settings, keys included, in this browser's localStorage. */
  remember: boolean;
}

export const SHARE_SETTINGS_KEY = 'imzlens-share-settings';

const EMPTY: ShareSettings = { region: 'us-east-1', endpoint: '', bucket: '', prefix: 'imzlens/', accessKeyId: '', secretAccessKey: '', remember: false };

let inMemory: ShareSettings | null = null;

export function loadShareSettings(): ShareSettings {
  if (inMemory) return { ...inMemory };
  try {
    const raw = localStorage.getItem(SHARE_SETTINGS_KEY);
    if (raw) {
      const o = JSON.parse(raw) as Partial<Record<keyof ShareSettings, unknown>>;
      const s = { ...EMPTY };
      for (const k of ['region', 'endpoint', 'bucket', 'prefix', 'accessKeyId', 'secretAccessKey'] as const) if (typeof o[k] === 'string') s[k] = o[k];
      s.remember = true;
      return s;
    }
  } catch {
    // unreadable settings: start empty
  }
  return { ...EMPTY };
}

export function saveShareSettings(s: ShareSettings): void {
  inMemory = { ...s };
  if (s.remember) localStorage.setItem(SHARE_SETTINGS_KEY, JSON.stringify(s));
  else localStorage.removeItem(SHARE_SETTINGS_KEY);
}

/** What is missing or malformed, as sentences (empty = usable). */
export function checkShareSettings(s: ShareSettings): string[] {
  const p: string[] = [];
  if (!s.bucket.trim()) p.push('Bucket is required.');
  if (!s.region.trim()) p.push('Region is required (e.g. eu-west-1).');
  if (s.endpoint.trim()) {
    try {
      const u = new URL(s.endpoint.trim());
      if (u.protocol !== 'https:' && u.protocol !== 'http:') p.push('The S3 endpoint must be an http(s) URL.');
    } catch {
      p.push(`The S3 endpoint '${s.endpoint}' is not a URL.`);
    }
  }
  if (!s.accessKeyId.trim() || !s.secretAccessKey.trim()) p.push('Access key id and secret are needed to upload.');
  return p;
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

async function client(s: ShareSettings): Promise<{ s3: S3Client; mod: Awaited<ReturnType<typeof sdk>> }> {
  const mod = await sdk();
  const ep = s.endpoint.trim();
  const s3 = new mod[0].S3Client({
    region: s.region.trim(),
    credentials: { accessKeyId: s.accessKeyId.trim(), secretAccessKey: s.secretAccessKey.trim() },
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
