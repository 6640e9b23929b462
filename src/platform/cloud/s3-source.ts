// ByteSource over one S3 object, read with ranged GetObject (works in Node, the browser and Lambda).
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ByteSource } from '../../core/types.ts';

export class S3SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3SourceError';
  }
}

export class S3Source implements ByteSource {
  readonly name: string;

  private constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly key: string,
    readonly size: number,
    /** ETag at open time: every read is pinned to it (If-Match) so a replaced object cannot mix versions. */
    readonly etag: string | undefined,
  ) {
    this.name = `s3://${bucket}/${key}`;
  }

  /** Opens an object; `size` skips the HeadObject when the caller already knows it. */
  static async open(client: S3Client, bucket: string, key: string, size?: number): Promise<S3Source> {
    if (size !== undefined) return new S3Source(client, bucket, key, size, undefined);
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return new S3Source(client, bucket, key, Number(head.ContentLength ?? 0), head.ETag);
    } catch (e) {
      throw new S3SourceError(`cannot open s3://${bucket}/${key}: ${(e as Error).name}: ${(e as Error).message}; check the bucket, key and credentials`);
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new S3SourceError(`${this.name}: read of ${length} bytes at offset ${offset} is outside the object (${this.size} bytes); the index points past the end of the file`);
    }
    if (length === 0) return new Uint8Array(0);
    let bytes: Uint8Array;
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: `bytes=${offset}-${offset + length - 1}`, IfMatch: this.etag }),
      );
      bytes = await res.Body!.transformToByteArray();
    } catch (e) {
      throw new S3SourceError(`${this.name}: ranged read of ${length} bytes at offset ${offset} failed: ${(e as Error).name}: ${(e as Error).message}`);
    }
    if (bytes.byteLength !== length) {
      throw new S3SourceError(`${this.name}: asked for ${length} bytes at offset ${offset}, got ${bytes.byteLength}; the server ignored the Range header or the object changed`);
    }
    return bytes;
  }
}
