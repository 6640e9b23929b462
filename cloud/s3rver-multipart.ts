// What s3rver 3.7.1 lacks of S3's multipart API, added as one Koa middleware in front of its router, so the
// resumable upload (src/platform/cloud/multipart-upload.ts) can be tested on the local stack:
//   GET    /<bucket>/<key>?uploadId=…             ListParts (PartNumber, ETag, Size; max-parts/part-number-marker paging)
//   DELETE /<bucket>/<key>?uploadId=…             AbortMultipartUpload
//   PUT    …?partNumber=…&uploadId=<unknown>      404 NoSuchUpload (s3rver would store the part anyway)
//   POST   …?uploadId=<unknown>                   404 NoSuchUpload (s3rver answers 500)
// It reads s3rver's own on-disk layout: <bucket>/.s3rver_uploads (via store.getResourcePath) /<uploadId>/{key, <n>, <n>.md5}.
// Test-only: like s3rver itself it checks no signatures; responses carry CORS headers for the requesting origin.
import { promises as fs } from 'node:fs';
import path from 'node:path';

interface KoaCtx {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
  set(name: string, value: string): void;
}
type Next = () => Promise<unknown>;
interface S3rverLike {
  middleware: ((ctx: KoaCtx, next: Next) => Promise<unknown>)[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function reply(ctx: KoaCtx, status: number, xml: string) {
  const origin = ctx.headers.origin;
  if (typeof origin === 'string') {
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Expose-Headers', 'ETag, x-amz-request-id');
  }
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = xml ? `<?xml version="1.0" encoding="UTF-8"?>\n${xml}` : '';
}

function noSuchUpload(ctx: KoaCtx, uploadId: string) {
  reply(ctx, 404, `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message><UploadId>${xmlEscape(uploadId)}</UploadId></Error>`);
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

/** Inserts the middleware just before s3rver's router (call before `run()`: Koa composes at listen time). */
export function addMultipartExtensions(server: S3rverLike): void {
  const mw = async (ctx: KoaCtx, next: Next) => {
    const uploadId = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : undefined;
    const m = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (!uploadId || !m || ctx.method === 'OPTIONS') return next();
    const bucket = decodeURIComponent(m[1]);
    const key = decodeURIComponent(m[2]);
    if (/[/\\]|\.\./.test(uploadId)) return noSuchUpload(ctx, uploadId);
    const dir = path.join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const known = await exists(path.join(dir, 'key'));
    if (!known) return noSuchUpload(ctx, uploadId);
    if (ctx.method === 'GET') {
      const maxParts = Math.min(1000, Number(ctx.query['max-parts'] ?? 1000) || 1000);
      const marker = Number(ctx.query['part-number-marker'] ?? 0) || 0;
      const numbers = (await fs.readdir(dir)).filter((f) => /^\d+$/.test(f)).map(Number).filter((n) => n > marker).sort((a, b) => a - b);
      const page = numbers.slice(0, maxParts);
      const parts: string[] = [];
      for (const n of page) {
        const st = await fs.stat(path.join(dir, String(n)));
        const md5 = await fs.readFile(path.join(dir, `${n}.md5`), 'utf8').catch(() => '');
        if (!md5) continue; // part still being written
        parts.push(`<Part><PartNumber>${n}</PartNumber><LastModified>${st.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${st.size}</Size></Part>`);
      }
      const truncated = numbers.length > page.length;
      reply(ctx, 200, `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(uploadId)}</UploadId>` +
        `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.length ? page[page.length - 1] : marker}</NextPartNumberMarker><MaxParts>${maxParts}</MaxParts>` +
        `<IsTruncated>${truncated}</IsTruncated>${parts.join('')}</ListPartsResult>`);
      return;
    }
    if (ctx.method === 'DELETE') {
      await fs.rm(dir, { recursive: true, force: true });
      reply(ctx, 204, '');
      return;
    }
    return next();
  };
  const routerAt = server.middleware.length - 1; // s3rver's constructor adds its router last
  server.middleware.splice(routerAt, 0, mw);
}
