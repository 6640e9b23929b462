// A plain static file server for the built dist/ under a sub-path, like GitHub Pages serves a project page
// (https://user.github.io/<repo>/): only files under the prefix exist, with GET/HEAD and byte ranges (the example's
// ibd is read by range) and optional extra headers (a CSP to check the documented one). It records every request
// outside the prefix: a URL the page resolved against `/` instead of against itself.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.csv': 'text/csv', '.gz': 'application/gzip', '.md': 'text/markdown',
};

export interface StaticHost {
  /** `http://127.0.0.1:<port><prefix>` */
  url: string;
  /** Paths requested outside the prefix (each answered 404). */
  outside: string[];
  close(): Promise<void>;
}

export async function serveStatic(root: string, prefix: string, headers: Record<string, string> = {}): Promise<StaticHost> {
  const outside: string[] = [];
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const notFound = () => { res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found'); };
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405); res.end(); return; }
    if (!urlPath.startsWith(prefix)) { outside.push(urlPath); notFound(); return; }
    let file = path.join(root, urlPath.slice(prefix.length));
    if (!file.startsWith(root)) { notFound(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { notFound(); return; }
    const size = fs.statSync(file).size;
    const base = { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-cache' };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1);
      if (start >= size || end < start) { res.writeHead(416, { 'Content-Range': `bytes */${size}` }); res.end(); return; }
      res.writeHead(206, { ...base, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
      if (req.method === 'HEAD') { res.end(); return; }
      fs.createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...base, 'Content-Length': size });
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    outside,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
