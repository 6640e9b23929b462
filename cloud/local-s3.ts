// Local S3-compatible server (s3rver 3.7.1, pinned: unmaintained since 2021 and it does not verify SigV4
// signatures — fine for tests, never for real data). The bucket gets the same CORS rule the deploy template
// puts on the real bucket: page origin, all request headers, ETag (multipart upload) and Content-Range
// (ranged reads) exposed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { addMultipartExtensions } from './s3rver-multipart.ts';

export interface LocalS3Options {
  bucket: string;
  /** Page origin allowed by the bucket CORS rule (default '*'). */
  allowOrigin?: string;
  host?: string;
  port?: number;
  /** Storage folder (default: a fresh temp folder, removed on close). */
  directory?: string;
}

export interface LocalS3 {
  url: string;
  port: number;
  bucket: string;
  directory: string;
  close(): Promise<void>;
}

export function corsXml(origin: string): string {
  return `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>${origin}</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>Content-Range</ExposeHeader>
    <ExposeHeader>Content-Length</ExposeHeader>
    <ExposeHeader>x-amz-request-id</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
}

export async function startLocalS3(opts: LocalS3Options): Promise<LocalS3> {
  const own = !opts.directory;
  const directory = opts.directory ?? mkdtempSync(join(tmpdir(), 'imzlens-s3-'));
  const host = opts.host ?? '127.0.0.1';
  const server = new S3rver({
    address: host,
    port: opts.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: opts.bucket, configs: [corsXml(opts.allowOrigin ?? '*')] }],
  });
  // ListParts, AbortMultipartUpload and NoSuchUpload, which s3rver lacks (resumable uploads need them)
  addMultipartExtensions(server as unknown as Parameters<typeof addMultipartExtensions>[0]);
  const addr = (await server.run()) as { port: number };
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    bucket: opts.bucket,
    directory,
    close: async () => {
      await server.close();
      if (own) rmSync(directory, { recursive: true, force: true });
    },
  };
}
