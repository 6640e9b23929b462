// Result bundles on hand-made inputs: bit-exact round trip (images and every row field, NaN/±Infinity/-0
// included), the hand-checkable image encoding, the default FDR filter, and every validation error on open.
import { describe, expect, it } from 'vitest';
import { unzipSync, zipSync, strToU8, strFromU8, type Zippable } from 'fflate';
import { writeBundle, readBundle, defaultRows, bundleFileName, BundleError, type WriteBundleInput } from '../../src/core/bundle/index.ts';
import { decodeRowImages, encodeRowImages, KIND_BITMAP, KIND_GAPS, KIND_ZERO } from '../../src/core/bundle/image-codec.ts';
import type { AnnotationRow, JobResult } from '../../src/core/job/result.ts';
import type { DatasetMeta } from '../../src/core/types.ts';
import { sameDeep } from '../helpers/same-deep.ts';

const W = 7;
const H = 5;
const N = W * H;

function makeRow(i: number, over: Partial<AnnotationRow> = {}): AnnotationRow {
  return {
    formula: `C${i + 1}H4O`, chemMod: '', neutralLoss: '', adduct: '+H', ionFormula: `C${i + 1}H5O`, ion: `C${i + 1}H4O+H+`,
    mz: 100.123456789 + i, msm: 0.9 - i / 100, fdr: 0.05, fdrRaw: 0.0123, chaos: 0.99, spatial: 0.95, spectral: 0.97,
    mzErrAbs: 1.5e-4, mzErrRel: -0.3, database: 'db', moleculeIds: ['HMDB1', 'HMDB2'], moleculeNames: ['a "quoted" <b>name</b>', 'ünïcode'],
    centroidMzs: [100.1, 101.1, 102.1, 0], centroidInts: [100, 11.2, 0.7, 0], totalInt: [10, 1, 0.1, 0], maxInt: [3, 0.5, 0.1, 0], nPx: [5, 2, 1, 0],
    ...over,
  };
}

function makeMeta(): DatasetMeta {
  return {
    id: 'ds1', name: 'hand made', width: W, height: H, minX: 1, minY: 1, nSpectra: 30, nSamplePixels: 30, totalPeaks: 1234,
    mzMin: 100, mzMax: 900, polarity: 'positive', spectrumType: 'centroid', pixelSizeX: 50, pixelSizeY: 50, instrument: null,
    segments: [{ index: 0, mzMin: 100, mzMax: 900, nPeaks: 1234 }], warnings: ['w1'],
    source: { imzml: 'a.imzML', ibd: 'a.ibd', ibdSize: 9999, uuid: null }, createdAt: '2026-11-27T00:00:00.000Z',
  };
}

function makeResult(rows: AnnotationRow[]): JobResult {
  return {
    version: 1, datasetId: 'ds1', datasetName: 'hand made',
    params: { databases: ['db'], adducts: ['+H'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 },
    createdAt: '2026-11-27T00:00:00.000Z', rows,
    stats: { stages: [{ stage: 'score', wallMs: 12.5, items: 3, unit: 'ions' }], ionFormulas: 10, targets: 5, decoys: 5, scored: 10, annotatedAt10: 2, executor: 'inline', workers: 1 },
  };
}

function f32(bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

/** Images per row: all zero, a sparse one, a dense one, and special float bit patterns (-0, denormal, max). */
function makeImages(i: number): Float32Array[] {
  const sparse = new Float32Array(N);
  sparse[3] = 1.5 + i;
  sparse[N - 1] = 1e-30;
  const dense = new Float32Array(N);
  for (let p = 0; p < N; p++) dense[p] = p % 9 === 0 ? 0 : Math.fround(Math.sin(p + i) * 1e4);
  const special = f32(Array.from({ length: N }, (_, p) => [0x80000000, 0x00000001, 0x7f7fffff, 0, 0xff7fffff][p % 5]));
  return [dense, sparse, special, new Float32Array(N)];
}

const mask = Uint8Array.from({ length: N }, (_, p) => (p % 7 === 6 ? 0 : 1));

async function bundleOf(over: Partial<WriteBundleInput> = {}): Promise<{ bytes: Uint8Array; rows: AnnotationRow[] }> {
  const rows = [
    makeRow(0),
    makeRow(1, { chaos: NaN, spatial: Infinity, spectral: -Infinity, mzErrAbs: -0, fdr: 0.5 }),
    makeRow(2, { fdr: 1 }),
    makeRow(3, { fdr: 0.2, centroidMzs: [300.5, 301.5], centroidInts: [100, 20], totalInt: [1, 1], maxInt: [1, 1], nPx: [1, 1] }),
  ];
  const result = makeResult(rows);
  const bytes = await writeBundle({
    result, meta: makeMeta(), mask, appVersion: '0.1.0', createdAt: '2026-11-27T01:02:03.000Z',
    getImages: async (r) => makeImages(rows.indexOf(r)).slice(0, r.centroidMzs.length),
    ...over,
  });
  return { bytes, rows };
}


const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);
/** First pixel whose float32 bit pattern differs ('length' if the sizes differ), or -1 (fast on big images). */
function firstBitDiff(a: Float32Array, b: Float32Array): number | 'length' {
  if (a.length !== b.length) return 'length';
  const x = bitsOf(a);
  const y = bitsOf(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Unzips, lets `edit` change the entries, zips again (a re-written zip is valid; only the content is bad). */
function rezip(bytes: Uint8Array, edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  edit(files);
  return zipSync(files as Zippable);
}
const editJson = (files: Record<string, Uint8Array>, name: string, f: (j: any) => void): void => {
  const j = JSON.parse(strFromU8(files[name]));
  f(j);
  files[name] = strToU8(JSON.stringify(j));
};

async function openError(bytes: Uint8Array, limits = {}): Promise<string> {
  try {
    const b = await readBundle(bytes, limits);
    for (let i = 0; i < b.result.rows.length; i++) b.images(i);
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return (e as Error).message;
  }
  throw new Error('the bundle opened without error');
}

describe('bundle round trip (hand-made)', () => {
  it('keeps every row field and every image bit (NaN, ±Infinity, -0, denormals) and exports FDR ≤ 50 % by default', async () => {
    const { bytes, rows } = await bundleOf();
    const b = await readBundle(bytes);
    const expected = rows.filter((r) => r.fdr <= 0.5);
    expect(expected.length).toBe(3);
    expect(sameDeep(b.result.rows, expected)).toEqual([]);
    const { rows: _r, ...restIn } = makeResult(rows);
    const { rows: _o, ...restOut } = b.result;
    expect(sameDeep(restOut, restIn)).toEqual([]);
    expect(sameDeep(b.meta, { ...makeMeta(), segments: [] })).toEqual([]);
    expect([...b.mask]).toEqual([...mask]);
    expect(b.manifest).toMatchObject({ format: 'imzlens-bundle', version: 1, createdAt: '2026-11-27T01:02:03.000Z', app: { name: 'imzlens', version: '0.1.0' } });
    expect(b.manifest.counts).toEqual({ rows: 3, images: 4 + 4 + 2, width: W, height: H, pixels: N, sampledPixels: 30 });
    for (let i = 0; i < expected.length; i++) {
      const want = makeImages(rows.indexOf(expected[i])).slice(0, expected[i].centroidMzs.length);
      const got = b.images(i);
      expect(got.length).toBe(want.length);
      for (let k = 0; k < want.length; k++) expect(bitsOf(got[k])).toEqual(bitsOf(want[k]));
    }
    expect(Object.is(b.result.rows[1].mzErrAbs, -0)).toBe(true);
  });

  it('takes the caller’s rows and reports progress', async () => {
    const rows = [makeRow(0, { fdr: 1 })];
    const seen: string[] = [];
    // level 0: the images entry is stored, not deflated — the reader takes both
    const bytes = await writeBundle({ result: makeResult(rows), meta: makeMeta(), mask, rows, level: 0, getImages: async () => makeImages(0), onProgress: (d, t) => seen.push(`${d}/${t}`) });
    const b = await readBundle(bytes);
    expect(b.images(0).map(bitsOf)).toEqual(makeImages(0).map(bitsOf));
    expect(b.result.rows.map((r) => r.fdr)).toEqual([1]);
    expect(seen).toEqual(['1/1']);
    expect(defaultRows(makeResult(rows))).toEqual([]);
  });

  it('writer refuses images or masks that do not fit the grid, and non-finite pixels', async () => {
    await expect(bundleOf({ getImages: async () => [new Float32Array(N + 1)] })).rejects.toThrow(/has 36 pixels but the grid has 35/);
    await expect(bundleOf({ mask: new Uint8Array(3) })).rejects.toThrow(/mask has 3 bytes but the grid is 7×5/);
    const bad = new Float32Array(N);
    bad[4] = NaN;
    await expect(bundleOf({ getImages: async () => [bad] })).rejects.toThrow(/pixel 4 is NaN/);
    await expect(bundleOf({ getImages: async () => Array.from({ length: 9 }, () => new Float32Array(N)) })).rejects.toThrow(/9 images; a bundle holds at most 8 per row/);
  });
});

describe('bundle file name', () => {
  it('keeps safe characters and replaces the rest', () => {
    expect(bundleFileName('Untreated_3_434 (tiny).v2')).toBe('Untreated_3_434_tiny_.v2.imzlens.zip');
    expect(bundleFileName('../../etc/passwd')).toBe('etc_passwd.imzlens.zip');
    expect(bundleFileName('')).toBe('result.imzlens.zip');
  });
});

describe('image encoding', () => {
  it('matches the hand-worked bytes of a sparse image', () => {
    const img = new Float32Array(10);
    img[1] = 1;
    img[9] = 2;
    const enc = encodeRowImages([img], 10);
    // "IZI1", 1 image; kind 1 (gaps), nPixels 10, nnz 2, payload 2 gap bytes + 8 value bytes
    expect([...enc]).toEqual([
      0x49, 0x5a, 0x49, 0x31, 1,
      KIND_GAPS, 10, 0, 0, 0, 2, 0, 0, 0, 10, 0, 0, 0,
      1, 7, // gaps: 1 - (-1) - 1, 9 - 1 - 1
      0x3f, 0x40, 0x80, 0x00, 0, 0, 0, 0, // byte planes of 0x3f800000 and 0x40000000
    ]);
    expect(bitsOf(decodeRowImages(enc, 10, 1, 8, 'x')[0])).toEqual(bitsOf(img));
  });

  it('uses the bitmap for dense images, gaps for sparse ones, nothing for empty ones; multi-byte gaps decode', () => {
    const n = 100_000;
    const dense = new Float32Array(n).map((_, i) => (i % 3 ? i * 0.5 : 0));
    const sparse = new Float32Array(n);
    sparse[0] = 1;
    sparse[300] = 2; // gap 299: two varint bytes
    sparse[n - 1] = 3; // gap ~99 698: three varint bytes
    const enc = encodeRowImages([dense, sparse, new Float32Array(n)], n);
    const kinds: number[] = [];
    let p = 5;
    for (let k = 0; k < 3; k++) {
      kinds.push(enc[p]);
      p += 13 + new DataView(enc.buffer, enc.byteOffset).getUint32(p + 9, true);
    }
    expect(kinds).toEqual([KIND_BITMAP, KIND_GAPS, KIND_ZERO]);
    const dec = decodeRowImages(enc, 1000, 100, 8, 'x');
    expect(firstBitDiff(dec[0], dense)).toBe(-1);
    expect(firstBitDiff(dec[1], sparse)).toBe(-1);
    expect(firstBitDiff(dec[2], new Float32Array(n))).toBe(-1);
  });
});

describe('bundle validation on open', () => {
  it('rejects a file that is not a zip, and a zip that is not a bundle', async () => {
    expect(await openError(strToU8('<html>not found</html>'))).toMatch(/^not an imzlens bundle \(the file is not a zip archive\)/);
    expect(await openError(zipSync({ 'readme.txt': strToU8('hi') }))).toMatch(/not an imzlens bundle \(no manifest.json/);
    const { bytes } = await bundleOf();
    expect(await openError(rezip(bytes, (f) => editJson(f, 'manifest.json', (m) => (m.format = 'something-else'))))).toMatch(/not an imzlens bundle: manifest.json does not say format/);
  });

  it('rejects a newer bundle version with a clear message', async () => {
    const { bytes } = await bundleOf();
    const msg = await openError(rezip(bytes, (f) => editJson(f, 'manifest.json', (m) => (m.version = 7))));
    expect(msg).toMatch(/^bundle version 7 is newer than this app supports \(1\)/);
  });

  it('rejects truncated and corrupted files', async () => {
    const { bytes } = await bundleOf();
    expect(await openError(bytes.slice(0, Math.floor(bytes.length / 2)))).toMatch(/^truncated or corrupted zip: no end-of-central-directory record/);
    expect(await openError(bytes.slice(0, bytes.length - 5))).toMatch(/^truncated or corrupted zip/);
    // flip bits inside the compressed data of the first entry (manifest.json, 30-byte header + name)
    const bad = bytes.slice();
    for (let i = 50; i < 60; i++) bad[i] ^= 0x55;
    expect(await openError(bad)).toMatch(/truncated or corrupted zip: entry 'manifest.json'/);
  });

  it('stops a zip bomb before inflating (declared sizes) and while inflating (actual bytes)', async () => {
    const { bytes } = await bundleOf();
    // an extra entry of 64 MiB of zeros deflates to ~64 KB
    const bomb = rezip(bytes, (f) => (f['padding.bin'] = new Uint8Array(64 << 20)));
    expect(bomb.length).toBeLessThan(1 << 20);
    expect(await openError(bomb, { maxEntryBytes: 16 << 20 })).toMatch(/'padding.bin' declares 67108864 bytes, more than the limit of 16777216/);
    expect(await openError(bomb, { maxTotalBytes: 32 << 20 })).toMatch(/would inflate to \d+ bytes, more than the limit of 33554432/);
    // the same bomb hidden behind a false declared size in manifest.json's directory entries
    const files = unzipSync(bytes);
    const lying = zipSync({ 'manifest.json': [new Uint8Array(64 << 20).fill(0x20), { level: 9 }], ...files } as Zippable);
    // only manifest.json is listed first now; patch its declared size (central and local) to 100 bytes
    const v = new DataView(lying.buffer);
    let cd = lying.length - 22;
    while (v.getUint32(cd, true) !== 0x06054b50) cd--;
    const cdOff = v.getUint32(cd + 16, true);
    expect(strFromU8(lying.subarray(cdOff + 46, cdOff + 46 + 13))).toBe('manifest.json');
    v.setUint32(cdOff + 24, 100, true);
    v.setUint32(22, 100, true);
    expect(await openError(lying)).toMatch(/'manifest.json' inflates to more than the 100 bytes it declares/);
  });

  it('refuses encrypted entries and unknown compression methods', async () => {
    const { bytes } = await bundleOf();
    const patch = (offset: number, value: number): Uint8Array => {
      const b = bytes.slice();
      const v = new DataView(b.buffer);
      let end = b.length - 22;
      while (v.getUint32(end, true) !== 0x06054b50) end--;
      v.setUint16(v.getUint32(end + 16, true) + offset, value, true); // first central directory entry
      return b;
    };
    expect(await openError(patch(8, 1))).toMatch(/bundle entry 'manifest.json' is encrypted/);
    expect(await openError(patch(10, 12))).toMatch(/'manifest.json' uses zip compression method 12/);
  });

  it('ignores unknown entries', async () => {
    const { bytes } = await bundleOf();
    const extra = rezip(bytes, (f) => {
      f['notes/readme.txt'] = strToU8('hello');
      f['images/99.bin'] = strToU8('garbage');
      f['script.js'] = strToU8('alert(1)');
    });
    const a = await readBundle(bytes);
    const b = await readBundle(extra);
    expect(sameDeep(b.result, a.result)).toEqual([]);
    for (let i = 0; i < a.result.rows.length; i++) expect(b.images(i).map(bitsOf)).toEqual(a.images(i).map(bitsOf));
  });

  it('checks image dimensions and pixel indices against the grid', async () => {
    const grid = 40 * 30;
    const base = await writeBundle({
      result: makeResult([makeRow(0)]), meta: { ...makeMeta(), width: 40, height: 30 }, mask: new Uint8Array(grid).fill(1),
      getImages: async () => [new Float32Array(grid).fill(1)],
    });
    const wrongSize = rezip(base, (f) => (f['images/0.bin'] = encodeRowImages([new Float32Array(5000).fill(2)], 5000)));
    expect(await openError(wrongSize)).toMatch(/images\/0.bin: image 0 has 5000 pixels but the grid is 40×30/);
    // a gap that jumps past the grid: 1 pixel at 1199, then patch its varint to 1200
    const img = new Float32Array(grid);
    img[grid - 1] = 1;
    const enc = encodeRowImages([img], grid);
    expect([...enc.subarray(18, 20)]).toEqual([0xaf, 0x09]); // 1199 = 0x4af
    enc[18] = 0xb0;
    expect(await openError(rezip(base, (f) => (f['images/0.bin'] = enc)))).toMatch(/image 0 pixel 0 has index 1200, outside the 40×30 grid/);
  });

  it('checks counts, mask, image values, numbers and string lengths', async () => {
    const { bytes } = await bundleOf();
    const cases: [string, (f: Record<string, Uint8Array>) => void, RegExp][] = [
      ['row count', (f) => editJson(f, 'manifest.json', (m) => (m.counts.rows = 4)), /annotations.json has 3 rows but manifest.json says 4/],
      ['grid mismatch', (f) => editJson(f, 'manifest.json', (m) => (m.counts.width = 8)), /manifest.json says the grid is 8×5 but job.json says 7×5/],
      ['mask size', (f) => (f['mask.bin'] = new Uint8Array(34)), /mask.bin has 34 bytes but the grid is 7×5/],
      ['mask value', (f) => { f['mask.bin'] = new Uint8Array(N); f['mask.bin'][3] = 2; }, /mask.bin byte 3 is 2/],
      ['missing images', (f) => delete f['images/2.bin'], /no images for row 2/],
      ['missing job', (f) => delete f['job.json'], /bundle is incomplete: no job.json/],
      ['bad json', (f) => (f['job.json'] = strToU8('{"result": ')), /job.json is not valid JSON/],
      ['mz not finite', (f) => editJson(f, 'annotations.json', (a) => (a.rows[1].mz = 'NaN')), /annotations.json rows\[1\].mz: NaN is not a finite number/],
      ['mz not a number', (f) => editJson(f, 'annotations.json', (a) => (a.rows[0].mz = '12')), /rows\[0\].mz: expected a number/],
      ['fdr range', (f) => editJson(f, 'annotations.json', (a) => (a.rows[0].fdr = 2)), /rows\[0\].fdr: 2 is outside 0…1/],
      ['grid size', (f) => editJson(f, 'job.json', (j) => (j.dataset.width = 2.5)), /job.json dataset.width: 2.5 is not an integer/],
      ['polarity', (f) => editJson(f, 'job.json', (j) => (j.result.params.polarity = 'x')), /result.params.polarity: "x" is not one of/],
      ['analysis version', (f) => editJson(f, 'job.json', (j) => (j.result.params.analysisVersion = 2)), /result.params.analysisVersion: analysis version 2 is not available in this imzlens \(available: 1 \(METASPACE v1.*3 \(METASPACE-ML/],
    ];
    for (const [what, edit, re] of cases) {
      const msg = await openError(rezip(bytes, edit));
      expect(msg, what).toMatch(re);
    }
    // the NaN case: build it on a 2-pixel grid so only the value is wrong
    const tiny = await writeBundle({ result: makeResult([makeRow(0)]), meta: { ...makeMeta(), width: 2, height: 1, nSamplePixels: 2 }, mask: new Uint8Array([1, 1]), getImages: async () => [f32([0, 0x3f800000])] });
    const nan = rezip(tiny, (f) => { const e = f['images/0.bin'].slice(); e[e.length - 4] = 0x7f; e[e.length - 3] = 0xc0; f['images/0.bin'] = e; });
    expect(await openError(nan)).toMatch(/images\/0.bin: image 0 pixel 1 is NaN; ion images must be finite/);
    // string and count caps
    const long = rezip(bytes, (f) => editJson(f, 'annotations.json', (a) => (a.rows[0].moleculeNames[1] = 'x'.repeat(5000))));
    expect(await openError(long, { maxStringLength: 1000 })).toMatch(/rows\[0\].moleculeNames\[1\]: string of 5000 characters, more than the limit of 1000/);
    expect(await openError(bytes, { maxRows: 2 })).toMatch(/counts.rows: 3 is not an integer in 0…2/);
    expect(await openError(bytes, { maxBundleBytes: 100 })).toMatch(/the bundle is \d+ bytes, more than the limit of 100/);
  });

  it('asks for rows that exist', async () => {
    const { bytes } = await bundleOf();
    const b = await readBundle(bytes);
    expect(() => b.images(3)).toThrow(/no row 3 in this bundle \(it has 3\)/);
  });
});
