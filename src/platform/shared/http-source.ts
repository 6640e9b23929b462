// ByteSource over an HTTP(S) URL with Range requests (browser and Node fetch).
import type { ByteSource } from '../../core/types.ts';

export class HttpSource implements ByteSource {
  private constructor(readonly name: string, readonly size: number, readonly url: string, private readonly init: RequestInit) {}

  /** Finds the size with HEAD (or a 1-byte Range GET when HEAD gives no length) and checks Range support. */
  static async open(url: string, init: RequestInit = {}): Promise<HttpSource> {
    const name = decodeURIComponent(new URL(url, globalThis.location?.href).pathname.split('/').pop() || url);
    let size = NaN;
    const head = await fetch(url, { ...init, method: 'HEAD' }).catch(() => null);
    if (head && head.ok) size = Number(head.headers.get('content-length'));
    const probe = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Range: 'bytes=0-0' } });
    if (probe.status !== 206) {
      await probe.body?.cancel();
      throw new Error(`${url}: the server does not answer Range requests (status ${probe.status}); imzlens needs them to read large files. Serve the file from a server with Range support (S3, nginx, vite).`);
    }
    const range = probe.headers.get('content-range'); // bytes 0-0/SIZE
    await probe.arrayBuffer();
    const m = range ? /\/(\d+)\s*$/.exec(range) : null;
    if (m) size = Number(m[1]);
    if (!Number.isSafeInteger(size)) throw new Error(`${url}: the server did not report the file size (Content-Range / Content-Length); cannot read it by ranges.`);
    return new HttpSource(name, size, url, init);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!(offset >= 0) || !(length >= 0) || offset + length > this.size) {
      throw new RangeError(`${this.name}: read of ${length} bytes at offset ${offset} is outside the file (${this.size} bytes)`);
    }
    if (length === 0) return new Uint8Array(0);
    const res = await fetch(this.url, { ...this.init, headers: { ...(this.init.headers as Record<string, string>), Range: `bytes=${offset}-${offset + length - 1}` } });
    if (res.status !== 206 && !(res.status === 200 && offset === 0 && length === this.size)) {
      await res.body?.cancel();
      throw new Error(`${this.url}: range request for bytes ${offset}-${offset + length - 1} failed with status ${res.status}; check the URL and that the file did not change.`);
    }
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.length !== length) throw new Error(`${this.url}: asked for ${length} bytes at ${offset}, got ${buf.length}; the file may have changed on the server.`);
    return buf;
  }
}
