// ByteSources: HttpSource against a local Range-capable server (and one without Range), NodeFileSource bounds.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { HttpSource } from '../../src/platform/shared/http-source.ts';
import { NodeFileSource } from '../../src/platform/node/file-source.ts';
import { loadDataset } from '../../src/core/imzml/ingest.ts';
import { sharedPath } from '../fixtures/imzml/shared.ts';

const dir = sharedPath('data', 'pyimzml');
let server: Server;
let base = '';
let rangeRequests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const noRange = url.pathname.startsWith('/plain/');
    const file = path.join(dir, path.basename(url.pathname));
    let body: Buffer;
    try { body = readFileSync(file); } catch { res.statusCode = 404; res.end(); return; }
    const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
    if (m && !noRange) {
      rangeRequests++;
      const a = Number(m[1]), b = Math.min(Number(m[2]), body.length - 1);
      res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${body.length}`, 'content-length': String(b - a + 1) });
      res.end(req.method === 'HEAD' ? undefined : body.subarray(a, b + 1));
    } else {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('HttpSource', () => {
  it('reads ranges and ingests a real pair over HTTP like from files', async () => {
    const imzml = await HttpSource.open(`${base}/Example_Processed.imzML`);
    const ibd = await HttpSource.open(`${base}/Example_Processed.ibd`);
    expect(ibd.size).toBe(604744);
    expect(imzml.name).toBe('Example_Processed.imzML');
    const bytes = await ibd.read(100, 16);
    expect(Array.from(bytes)).toEqual(Array.from(readFileSync(path.join(dir, 'Example_Processed.ibd')).subarray(100, 116)));
    await expect(ibd.read(604740, 10)).rejects.toThrow(/outside the file \(604744 bytes\)/);
    const before = rangeRequests;
    const viaHttp = await loadDataset(imzml, ibd);
    expect(rangeRequests - before).toBeGreaterThan(1);
    const fi = await NodeFileSource.open(path.join(dir, 'Example_Processed.imzML'));
    const fb = await NodeFileSource.open(path.join(dir, 'Example_Processed.ibd'));
    const viaFile = await loadDataset(fi, fb);
    await fi.close();
    await fb.close();
    expect(viaHttp.meta.totalPeaks).toBe(viaFile.meta.totalPeaks);
    const a = await viaHttp.store.getSegment(viaHttp.meta.id, 0);
    const b = await viaFile.store.getSegment(viaFile.meta.id, 0);
    expect(Array.from(a.mz)).toEqual(Array.from(b.mz));
  });

  it('says clearly when the server does not answer Range requests', async () => {
    await expect(HttpSource.open(`${base}/plain/Example_Processed.ibd`)).rejects.toThrow(/does not answer Range requests \(status 200\)/);
  });
});

describe('NodeFileSource', () => {
  it('names a missing file and refuses reads past the end', async () => {
    await expect(NodeFileSource.open('/nonexistent/x.ibd')).rejects.toThrow(/\/nonexistent\/x\.ibd: cannot open \(no such file\)/);
    const tmp = mkdtempSync(path.join(tmpdir(), 'imzlens-src-'));
    try {
      writeFileSync(path.join(tmp, 'a.bin'), Buffer.from([1, 2, 3, 4, 5]));
      const s = await NodeFileSource.open(path.join(tmp, 'a.bin'));
      expect(Array.from(await s.read(1, 3))).toEqual([2, 3, 4]);
      await expect(s.read(3, 5)).rejects.toThrow(/a\.bin: read of 5 bytes at offset 3 is outside the file \(5 bytes\)/);
      await s.close();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
