// A ByteSource over bytes already in memory (tests, generated datasets, small uploads).
import type { ByteSource } from '../types.ts';

export class BytesSource implements ByteSource {
  readonly size: number;
  constructor(readonly name: string, private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!(offset >= 0) || !(length >= 0) || offset + length > this.size) {
      throw new RangeError(`${this.name}: read of ${length} bytes at offset ${offset} is outside the file (${this.size} bytes)`);
    }
    return this.bytes.subarray(offset, offset + length);
  }
}
