// A result bundle of a real job: the reference fixture annotated by the pipeline (as annotate-fixture.test.ts),
// written with images recomputed from the segments, read back: every row field identical (Object.is), every
// float of every isotope image bit-identical to a fresh ionImage, and the images agree with the job's own
// per-isotope statistics (non-zero pixels, max). Logs the bundle size and the encoding comparison.
import { loadFixtureJob } from '../helpers/fixture-job.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAnnotation } from '../../src/core/job/pipeline.ts';
import { InlineExecutor } from '../../src/core/job/inline-executor.ts';
import { ionImage } from '../../src/core/score/images.ts';
import { writeBundle, readBundle, imagesFromSegments, imagesFromStore, type OpenedBundle } from '../../src/core/bundle/index.ts';
import { encodingSizes } from '../../src/core/bundle/measure.ts';
import type { JobResult } from '../../src/core/job/result.ts';
import type { DatasetMeta, Segment } from '../../src/core/types.ts';
import { sameDeep } from '../helpers/same-deep.ts';

let result: JobResult;
let meta: DatasetMeta;
let mask: Uint8Array;
let segments: Segment[];
let bytes: Uint8Array;
let opened: OpenedBundle;
let fromSegments: Uint8Array;
let writeMs = 0;
let readMs = 0;

beforeAll(async () => {
  // small segments, so images straddle segment borders and the store path loads only some of them
  const { ds, db, params } = await loadFixtureJob({ targetSegmentBytes: 1 << 18 });
  result = await runAnnotation({
    store: ds.store,
    meta: ds.meta,
    mask: ds.mask,
    dbs: [db],
    params,
    executor: new InlineExecutor(ds.store),
  });
  meta = ds.meta;
  mask = ds.mask;
  segments = await Promise.all(meta.segments.map((s) => ds.store.getSegment(meta.id, s.index)));
  let t = performance.now();
  const createdAt = '2026-11-27T00:00:00.000Z';
  // the page's way: segments loaded from the store per row
  bytes = await writeBundle({ result, meta, mask, appVersion: 'test', createdAt, getImages: imagesFromStore(ds.store, meta, mask, result.params.ppm) });
  writeMs = performance.now() - t;
  fromSegments = await writeBundle({ result, meta, mask, appVersion: 'test', createdAt, getImages: imagesFromSegments(segments, { width: meta.width, height: meta.height, mask }, result.params.ppm) });
  t = performance.now();
  opened = await readBundle(bytes);
  for (let i = 0; i < opened.result.rows.length; i++) opened.images(i);
  readMs = performance.now() - t;
}, 300_000);


describe('result bundle of the reference fixture job', () => {
  it('holds the FDR ≤ 50 % rows with every field identical, and the job and dataset metadata', () => {
    const want = result.rows.filter((r) => r.fdr <= 0.5);
    expect(want.length).toBeGreaterThanOrEqual(55); // the fixture's 55 reference annotations are all at ≤ 10 %
    expect(opened.result.rows.length).toBe(want.length);
    expect(sameDeep(opened.result.rows, want)).toEqual([]);
    const { rows: _a, ...jobIn } = result;
    const { rows: _b, ...jobOut } = opened.result;
    expect(sameDeep(jobOut, jobIn)).toEqual([]);
    expect(sameDeep(opened.meta, { ...meta, segments: [] })).toEqual([]);
    expect(opened.mask).toEqual(mask);
    expect(opened.manifest.counts).toMatchObject({ rows: want.length, images: 4 * want.length, width: 40, height: 30, pixels: 1200 });
  });

  it('gives back every isotope image bit-identical to ionImage on the dataset, consistent with the job statistics', () => {
    const geo = { width: meta.width, height: meta.height, mask };
    const bad: string[] = [];
    let checked = 0;
    opened.result.rows.forEach((row, i) => {
      const imgs = opened.images(i);
      expect(imgs.length).toBe(4);
      imgs.forEach((img, k) => {
        const ref = ionImage(segments, geo, row.centroidMzs[k], result.params.ppm);
        const a = new Uint32Array(img.buffer);
        const b = new Uint32Array(ref.buffer);
        if (a.length !== b.length || a.some((x, p) => x !== b[p])) bad.push(`row ${i} (${row.ion}) image ${k} differs`);
        // the job's per-isotope statistics (over the sample mask) must describe this image: its nPx counts
        // peaks (≥ non-zero pixels), maxInt is the image maximum, totalInt its sum; images the job treated as
        // absent (nPx 0) are skipped
        if (row.nPx[k] === 0) return;
        checked++;
        let nz = 0;
        let max = 0;
        let sum = 0;
        for (let p = 0; p < img.length; p++) {
          if (!mask[p]) continue;
          if (img[p] !== 0) nz++;
          if (img[p] > max) max = img[p];
          sum += img[p];
        }
        if (nz === 0 || nz > row.nPx[k]) bad.push(`row ${i} (${row.ion}) image ${k}: ${nz} non-zero pixels, job counted ${row.nPx[k]} peaks`);
        if (Math.abs(max - row.maxInt[k]) > 1e-6 * max) bad.push(`row ${i} (${row.ion}) image ${k}: max ${max}, job says ${row.maxInt[k]}`);
        if (Math.abs(sum - row.totalInt[k]) > 1e-5 * sum) bad.push(`row ${i} (${row.ion}) image ${k}: sum ${sum}, job says ${row.totalInt[k]}`);
      });
    });
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(2 * opened.result.rows.length);
  });

  it('is the same file whether the images come from the store or from segments in memory', () => {
    expect(meta.segments.length).toBeGreaterThan(1);
    expect(Buffer.from(fromSegments).equals(Buffer.from(bytes))).toBe(true);
  });

  it('is small (logs the size and the encoding comparison)', () => {
    const all: Float32Array[] = [];
    for (let i = 0; i < opened.result.rows.length; i++) all.push(...opened.images(i));
    const s = encodingSizes(all);
    console.log(
      `[bundle-fixture] ${opened.result.rows.length} rows, ${all.length} images of ${meta.width}×${meta.height}: bundle ${bytes.length} bytes; ` +
        `write ${writeMs.toFixed(0)} ms, open+decode all ${readMs.toFixed(0)} ms; encodings ${JSON.stringify(s)}`,
    );
    expect(s.chosenDeflate).toBeLessThanOrEqual(Math.min(s.gapsPlanesDeflate, s.bitmapPlanesDeflate) + 40 * all.length);
    expect(bytes.length).toBeLessThan(1 << 20);
  });
});
