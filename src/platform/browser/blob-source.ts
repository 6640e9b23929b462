// ByteSource over a browser File/Blob: slice().arrayBuffer() reads only the requested range.
import type { ByteSource } from '../../core/types.ts';

export class BlobSource implements ByteSource {
  readonly size: number;
  readonly name: string;
  constructor(private readonly blob: Blob, name?: string) {
    this.size = blob.size;
    this.name = name ?? (blob as File).name ?? 'blob';
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!(offset >= 0) || !(length >= 0) || offset + length > this.size) {
      throw new RangeError(`${this.name}: read of ${length} bytes at offset ${offset} is outside the file (${this.size} bytes)`);
    }
    try {
      return new Uint8Array(await this.blob.slice(offset, offset + length).arrayBuffer());
    } catch (e) {
      throw new Error(`${this.name}: reading ${length} bytes at ${offset} failed (${(e as Error).message}); the file may have been moved or changed since it was chosen. Choose it again.`);
    }
  }
}
