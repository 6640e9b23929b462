// ByteSource over a local file (Node): positional reads through one FileHandle, no whole-file buffering.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ByteSource } from '../../core/types.ts';

export class NodeFileSource implements ByteSource {
  private constructor(
    readonly name: string,
    readonly size: number,
    private readonly fh: FileHandle,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<NodeFileSource> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`${path}: cannot open (${code === 'ENOENT' ? 'no such file' : (e as Error).message}); check the path`);
    }
    const st = await fh.stat();
    return new NodeFileSource(basename(path), st.size, fh, path);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!(offset >= 0) || !(length >= 0) || offset + length > this.size) {
      throw new RangeError(`${this.name}: read of ${length} bytes at offset ${offset} is outside the file (${this.size} bytes)`);
    }
    // A fresh (unpooled) buffer, so typed-array views on it start 8-byte aligned.
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(out, got, length - got, offset + got);
      if (bytesRead === 0) throw new Error(`${this.name}: file ended at ${offset + got} while reading ${length} bytes at ${offset}; was it truncated while reading?`);
      got += bytesRead;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
