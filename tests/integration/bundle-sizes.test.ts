// Bundle size of a synthetic "typical 100-annotation result on a 100k-pixel dataset" (issue 7 target: well
// under 20 MB), with the images built like real ion images: a tissue mask, smooth spatial patterns, log-normal
// pixel noise so every float32 mantissa is random (the worst case for lossless compression), isotope peaks
// 2…4 weaker than the principal one and cut by a detection limit, so they cover fewer pixels. Also a dense
// worst case (every isotope present in every tissue pixel). Round trip checked bit for bit; sizes logged.
import { describe, expect, it } from 'vitest';
import { writeBundle, readBundle } from '../../src/core/bundle/index.ts';
import { encodingSizes } from '../../src/core/bundle/measure.ts';
import type { AnnotationRow, JobResult } from '../../src/core/job/result.ts';
import type { DatasetMeta } from '../../src/core/types.ts';
import { Rng } from '../../src/core/sim/rng.ts';

const W = 400;
const H = 250;
const N = W * H;


function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Tissue: an ellipse filling ~2/3 of the box. */
function tissueMask(): Uint8Array {
  const m = new Uint8Array(N);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) m[y * W + x] = ((x - W / 2) / (W * 0.47)) ** 2 + ((y - H / 2) / (H * 0.47)) ** 2 <= 1 ? 1 : 0;
  return m;
}

/** The 4 isotope images of one annotation; `dense` puts every isotope in every tissue pixel. */
function rowImages(seed: number, mask: Uint8Array, dense: boolean): Float32Array[] {
  const gen = new Rng(seed);
  const r = () => gen.next();
  const blobs = Array.from({ length: 3 }, () => ({ x: r() * W, y: r() * H, s: 20 + r() * 80, a: 0.3 + r() }));
  const ratios = [1, 0.3 + 0.3 * r(), 0.08 + 0.12 * r(), 0.02 + 0.03 * r()];
  const scale = 10 ** (2 + 3 * r());
  const i0 = new Float64Array(N);
  for (let p = 0; p < N; p++) {
    if (!mask[p]) continue;
    const x = p % W;
    const y = (p / W) | 0;
    let v = 0.05;
    for (const b of blobs) v += b.a * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s));
    i0[p] = scale * v * Math.exp(0.5 * gauss(r));
  }
  // detection limit chosen so the principal peak covers 10…90 % of the tissue
  const inTissue = Float64Array.from(i0.filter((_, p) => mask[p] === 1)).sort();
  const limit = dense ? 0 : inTissue[Math.floor(inTissue.length * (0.1 + 0.8 * r()))];
  return ratios.map((ratio) => {
    const img = new Float32Array(N);
    for (let p = 0; p < N; p++) {
      if (!mask[p]) continue;
      const v = i0[p] * ratio * Math.exp(0.2 * gauss(r));
      if (dense || v > limit) img[p] = v;
    }
    return img;
  });
}

function row(i: number): AnnotationRow {
  return {
    formula: `C${10 + i}H${20 + i}O5`, chemMod: '', neutralLoss: '', adduct: '+H', ionFormula: `C${10 + i}H${21 + i}O5`, ion: `C${10 + i}H${20 + i}O5+H+`,
    mz: 200 + i * 3.1, msm: 0.9 - i / 200, fdr: i < 60 ? 0.05 : i < 80 ? 0.1 : i < 90 ? 0.2 : 0.5, fdrRaw: i / 200, chaos: 0.99, spatial: 0.8, spectral: 0.9,
    mzErrAbs: 1e-4, mzErrRel: 0.5, database: 'HMDB', moleculeIds: ['HMDB0000001', 'HMDB0000002', 'HMDB0000003'], moleculeNames: ['some molecule name', 'another longer molecule name', 'third'],
    centroidMzs: [200, 201, 202, 203].map((m) => m + i * 3.1), centroidInts: [100, 40, 12, 3], totalInt: [1, 1, 1, 1], maxInt: [1, 1, 1, 1], nPx: [1, 1, 1, 1],
  };
}

function job(rows: AnnotationRow[]): { result: JobResult; meta: DatasetMeta } {
  const result: JobResult = {
    version: 1, datasetId: 'typical', datasetName: 'typical', createdAt: '2026-11-27T00:00:00Z', rows,
    params: { databases: ['HMDB'], adducts: ['+H', '+Na', '+K'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 },
    stats: { stages: [], ionFormulas: 0, targets: 0, decoys: 0, scored: 0, annotatedAt10: 0, executor: 'inline', workers: 1 },
  };
  const meta: DatasetMeta = {
    id: 'typical', name: 'typical', width: W, height: H, minX: 1, minY: 1, nSpectra: N, nSamplePixels: 0, totalPeaks: 0, mzMin: 100, mzMax: 1000,
    polarity: 'positive', spectrumType: 'centroid', pixelSizeX: 20, pixelSizeY: 20, instrument: null, segments: [], warnings: [],
    source: { imzml: 't.imzML', ibd: 't.ibd', ibdSize: 0, uuid: null }, createdAt: '2026-11-27T00:00:00Z',
  };
  return { result, meta };
}

async function measure(dense: boolean, nRows: number): Promise<void> {
  const mask = tissueMask();
  const rows = Array.from({ length: nRows }, (_, i) => row(i));
  const { result, meta } = job(rows);
  meta.nSamplePixels = mask.reduce((a, b) => a + b, 0);
  const images = rows.map((_, i) => rowImages(1000 + i, mask, dense));
  const t0 = performance.now();
  const bytes = await writeBundle({ result, meta, mask, getImages: async (r) => images[rows.indexOf(r)] });
  const writeMs = performance.now() - t0;
  const t1 = performance.now();
  const b = await readBundle(bytes);
  const decoded = rows.map((_, i) => b.images(i));
  const readMs = performance.now() - t1;
  let diffs = 0;
  decoded.forEach((imgs, i) =>
    imgs.forEach((img, k) => {
      const x = new Uint32Array(img.buffer);
      const y = new Uint32Array(images[i][k].buffer);
      for (let p = 0; p < N; p++) if (x[p] !== y[p]) diffs++;
    }),
  );
  expect(diffs).toBe(0);
  const fill = [0, 1, 2, 3].map((k) => images.reduce((a, imgs) => a + imgs[k].reduce((c, v) => c + (v !== 0 ? 1 : 0), 0), 0) / (nRows * meta.nSamplePixels));
  const enc = encodingSizes(images.slice(0, 10).flat());
  console.log(
    `[bundle-sizes] ${dense ? 'dense worst case' : 'typical'}: ${nRows} rows × 4 images, ${W}×${H} grid, ${meta.nSamplePixels} tissue px; ` +
      `fill of tissue per isotope ${fill.map((f) => (100 * f).toFixed(1) + '%').join('/')}; bundle ${bytes.length} bytes (${(bytes.length / 1e6).toFixed(2)} MB); ` +
      `write ${writeMs.toFixed(0)} ms, open+decode all ${readMs.toFixed(0)} ms; encodings of the first 10 rows ${JSON.stringify(enc)}`,
  );
  if (!dense) expect(bytes.length).toBeLessThan(20e6);
}

describe('bundle size of a typical result', () => {
  it('100 annotations on a 100k-pixel dataset: under the 20 MB target, bit-exact', async () => {
    await measure(false, 100);
  }, 300_000);

  // 10 rows only (the suite must stay fast); docs/bundle-format.md scales the size to 100 rows
  it('dense worst case (every isotope in every tissue pixel): bit-exact, size logged', async () => {
    await measure(true, 10);
  }, 300_000);
});
