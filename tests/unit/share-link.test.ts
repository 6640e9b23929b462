// Share links and bundle fetching: the #bundle fragment round trip (presigned URLs survive byte for byte,
// the view keys ride along, unsafe schemes are refused), object keys and public URLs, presigned URLs that
// carry no secret, and openBundleUrl against a real local HTTP server (ok, HTTP error, oversized by
// Content-Length and by stream, corrupted bytes).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../../src/core/bundle/index.ts';
import type { AnnotationRow, JobResult } from '../../src/core/job/result.ts';
import type { DatasetMeta } from '../../src/core/types.ts';
import { DEFAULT_VIEW, decodeShareFragment, encodeShareFragment, ShareLinkError, type ViewState } from '../../src/core/view/url-state.ts';
import { checkShareSettings, loadShareSettings, presignedBundleUrl, saveShareSettings, SHARE_SETTINGS_KEY, publicObjectUrl, sharedObjectKey, type ShareSettings } from '../../src/app/services/cloud-settings.ts';
import { imagesFingerprint, openBundleUrl } from '../../src/app/services/bundles.ts';

const PRESIGNED =
  'http://127.0.0.1:4569/bkt/imzlens/shared/ex-0123abcd.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261127%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261127T060000Z&X-Amz-Expires=3600&X-Amz-Signature=ab+cd%3D&X-Amz-SignedHeaders=host';

describe('share fragment', () => {
  const view: ViewState = {
    ...DEFAULT_VIEW, dataset: 'ds-local', job: 'job-local', ion: 'C6H12O6+Na+|HMDB',
    filters: { ...DEFAULT_VIEW.filters, fdr: 0.2, adduct: '+Na', search: 'gluc' }, cmap: 'magma', inverted: true, scale: 'log',
  };

  it('starts with bundle=encodeURIComponent(url) and round-trips the URL exactly', () => {
    const frag = encodeShareFragment(PRESIGNED, view);
    expect(frag.startsWith(`bundle=${encodeURIComponent(PRESIGNED)}&`)).toBe(true);
    const back = decodeShareFragment(`#${frag}`)!;
    expect(back.bundle).toBe(PRESIGNED);
  });

  it('carries ion, filters, colormap and scale but not the local dataset/job ids', () => {
    const back = decodeShareFragment(`#${encodeShareFragment(PRESIGNED, view)}`)!;
    expect(back.view.ion).toBe('C6H12O6+Na+|HMDB');
    expect(back.view.filters.fdr).toBe(0.2);
    expect(back.view.filters.adduct).toBe('+Na');
    expect(back.view.filters.search).toBe('gluc');
    expect(back.view.cmap).toBe('magma');
    expect(back.view.inverted).toBe(true);
    expect(back.view.scale).toBe('log');
    expect(back.view.dataset).toBeNull();
    expect(back.view.job).toBeNull();
    expect(encodeShareFragment(PRESIGNED, view)).not.toContain('ds-local');
  });

  it('a default view adds nothing after the URL', () => {
    expect(encodeShareFragment('https://x.org/b.zip', DEFAULT_VIEW)).toBe('bundle=https%3A%2F%2Fx.org%2Fb.zip');
  });

  it('no bundle key → null; unsafe or malformed addresses are refused', () => {
    expect(decodeShareFragment('')).toBeNull();
    expect(decodeShareFragment('#ion=x')).toBeNull();
    expect(() => decodeShareFragment(`#bundle=${encodeURIComponent('javascript:alert(1)')}`)).toThrow(ShareLinkError);
    expect(() => decodeShareFragment(`#bundle=${encodeURIComponent('data:application/zip;base64,UEs=')}`)).toThrow(/only http\(s\)/);
    expect(() => decodeShareFragment('#bundle=not%20a%20url')).toThrow(/not a URL/);
  });
});

describe('cloud settings helpers', () => {
  const s: ShareSettings = { region: 'eu-west-1', endpoint: '', bucket: 'my-bkt', prefix: 'team/imz', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', remember: false };

  it('object key: <prefix>shared/<name>-<hash>.zip', () => {
    expect(sharedObjectKey('team/imz', 'brain_1.imzlens.zip', '00ff')).toBe('team/imz/shared/brain_1.imzlens-00ff.zip');
    expect(sharedObjectKey('imzlens/', 'a.imzlens.zip', 'ab')).toBe('imzlens/shared/a.imzlens-ab.zip');
    expect(sharedObjectKey('', 'a.imzlens.zip', 'ab')).toBe('shared/a.imzlens-ab.zip');
  });

  it('public URL: virtual-hosted on AWS, path-style with an endpoint', () => {
    expect(publicObjectUrl(s, 'team/imz/shared/a b.zip')).toBe('https://my-bkt.s3.eu-west-1.amazonaws.com/team/imz/shared/a%20b.zip');
    expect(publicObjectUrl({ ...s, endpoint: 'http://127.0.0.1:4569/' }, 'p/shared/a.zip')).toBe('http://127.0.0.1:4569/my-bkt/p/shared/a.zip');
  });

  it('settings check names what is missing', () => {
    expect(checkShareSettings(s)).toEqual([]);
    expect(checkShareSettings({ ...s, bucket: ' ', secretAccessKey: '' }).join(' ')).toMatch(/Bucket is required.*Access key id and secret/);
    expect(checkShareSettings({ ...s, endpoint: 'ftp://x' })[0]).toMatch(/http\(s\)/);
  });

  it('a presigned URL has the chosen expiry and never the secret key', async () => {
    const url = await presignedBundleUrl({ ...s, endpoint: 'http://127.0.0.1:4569' }, 'team/imz/shared/a-00.zip', 7 * 86400);
    const u = new URL(url);
    expect(u.origin + u.pathname).toBe('http://127.0.0.1:4569/my-bkt/team/imz/shared/a-00.zip');
    expect(u.searchParams.get('X-Amz-Expires')).toBe(String(7 * 86400));
    expect(u.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url).not.toContain(s.secretAccessKey);
    expect(url).not.toContain(encodeURIComponent(s.secretAccessKey));
    const frag = encodeShareFragment(url, DEFAULT_VIEW);
    expect(decodeURIComponent(frag)).not.toContain(s.secretAccessKey);
  });
});

describe('share settings storage', () => {
  it('keys stay in memory unless "remember" is ticked; then localStorage, and unticking removes them', () => {
    const store = new Map<string, string>();
    const ls = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    const g = globalThis as unknown as { localStorage?: unknown };
    const before = g.localStorage;
    g.localStorage = ls;
    try {
      expect(loadShareSettings().bucket).toBe('');
      const s: ShareSettings = { region: 'us-east-1', endpoint: '', bucket: 'b', prefix: 'p/', accessKeyId: 'AK', secretAccessKey: 'SK', remember: false };
      saveShareSettings(s);
      expect(store.size).toBe(0);
      expect(loadShareSettings().secretAccessKey).toBe('SK'); // from memory
      saveShareSettings({ ...s, remember: true });
      expect(JSON.parse(store.get(SHARE_SETTINGS_KEY)!).secretAccessKey).toBe('SK');
      saveShareSettings({ ...s, remember: false });
      expect(store.has(SHARE_SETTINGS_KEY)).toBe(false);
    } finally {
      g.localStorage = before;
    }
  });
});

describe('imagesFingerprint', () => {
  it('equal for equal bits, different for one flipped bit, for -0 vs 0 and for a different split', () => {
    const a = new Float32Array([0, 1.5, 3.25, 0, 7]);
    expect(imagesFingerprint([a])).toBe(imagesFingerprint([a.slice()]));
    const b = a.slice();
    new Uint32Array(b.buffer)[2] ^= 1;
    expect(imagesFingerprint([b])).not.toBe(imagesFingerprint([a]));
    const z = a.slice();
    z[0] = -0;
    expect(imagesFingerprint([z])).not.toBe(imagesFingerprint([a]));
    expect(imagesFingerprint([a.subarray(0, 2), a.subarray(2)])).not.toBe(imagesFingerprint([a]));
  });
});

describe('openBundleUrl against a local HTTP server', () => {
  const W = 4;
  const H = 3;
  const row: AnnotationRow = {
    formula: 'C2H4O', chemMod: '', neutralLoss: '', adduct: '+H', ionFormula: 'C2H5O', ion: 'C2H4O+H+', mz: 45.0335, msm: 0.9, fdr: 0.05, fdrRaw: 0.01,
    chaos: 0.99, spatial: 0.95, spectral: 0.97, mzErrAbs: 1e-4, mzErrRel: 0.5, database: 'db', moleculeIds: ['M1'], moleculeNames: ['m'],
    centroidMzs: [45.0335, 46.03, 0, 0], centroidInts: [100, 2.2, 0, 0], totalInt: [10, 1, 0, 0], maxInt: [3, 0.5, 0, 0], nPx: [5, 2, 0, 0],
  };
  const meta: DatasetMeta = {
    id: 'ds', name: 'tiny', width: W, height: H, minX: 1, minY: 1, nSpectra: 12, nSamplePixels: 12, totalPeaks: 40, mzMin: 40, mzMax: 60,
    polarity: 'positive', spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null, instrument: null, segments: [], warnings: [],
    source: { imzml: 't.imzML', ibd: 't.ibd', ibdSize: 1, uuid: null }, createdAt: '2026-11-27T00:00:00.000Z',
  } as DatasetMeta;
  const result: JobResult = {
    version: 1, datasetId: 'ds', datasetName: 'tiny', createdAt: '2026-11-27T00:00:00.000Z', rows: [row],
    params: { databases: ['db'], adducts: ['+H'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 },
    stats: { stages: [], ionFormulas: 1, targets: 1, decoys: 20, scored: 21, annotatedAt10: 1, executor: 'inline', workers: 1 },
  } as JobResult;
  const imgs = [0, 1, 2, 3].map((k) => Float32Array.from({ length: W * H }, (_, i) => (i % (k + 2) ? 0 : Math.fround(0.1 * i + k))));
  let bytes: Uint8Array;
  let server: Server;
  let base: string;
  const routes = new Map<string, (res: import('node:http').ServerResponse) => void>();

  beforeAll(async () => {
    bytes = await writeBundle({ result, meta, mask: new Uint8Array(W * H).fill(1), getImages: async () => imgs.map((a) => a.slice()) });
    routes.set('/ok.zip', (res) => res.writeHead(200, { 'content-length': bytes.length }).end(Buffer.from(bytes)));
    routes.set('/gone.zip', (res) => res.writeHead(403).end('expired'));
    routes.set('/big-declared.zip', (res) => { res.writeHead(200, { 'content-length': 5000 }); res.end(Buffer.alloc(5000)); });
    // chunked, no Content-Length: only the streaming cap can stop it
    routes.set('/big-stream.zip', (res) => { res.writeHead(200); for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000)); res.end(); });
    routes.set('/bad.zip', (res) => { const b = Buffer.from(bytes.subarray(0, bytes.length - 30)); res.writeHead(200, { 'content-length': b.length }).end(b); });
    server = createServer((req, res) => { const h = routes.get(req.url ?? ''); if (h) h(res); else res.writeHead(404).end(); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('opens a bundle bit-exactly', async () => {
    const b = await openBundleUrl(`${base}/ok.zip`);
    expect(b.result.rows.map((r) => r.ion)).toEqual(['C2H4O+H+']);
    expect(imagesFingerprint(b.images(0))).toBe(imagesFingerprint(imgs));
  });

  it('HTTP errors, oversize (declared and streamed) and corruption are clear errors', async () => {
    await expect(openBundleUrl(`${base}/gone.zip`)).rejects.toThrow(/HTTP 403.*expired/);
    await expect(openBundleUrl(`${base}/big-declared.zip`, 4096)).rejects.toThrow(/more than the 0\.0 MB a bundle may have; it was not opened/);
    await expect(openBundleUrl(`${base}/big-stream.zip`, 4096)).rejects.toThrow(/more than the .* a bundle may have/);
    await expect(openBundleUrl(`${base}/bad.zip`)).rejects.toThrow(/^bundle from 127\.0\.0\.1:\d+: /);
    await expect(openBundleUrl('http://127.0.0.1:9/nothing.zip')).rejects.toThrow(/could not fetch the bundle/);
  });
});
