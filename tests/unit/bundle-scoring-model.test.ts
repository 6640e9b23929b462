// Bundles carry the analysis version and the METASPACE-ML model (JobParams.scoringModel); bundles written before
// the model field existed (v1, or v3 without it) still open; a model the version lacks is refused.
import { describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { BundleError, readBundle, writeBundle } from '../../src/core/bundle/index.ts';
import type { AnnotationRow, JobParams, JobResult } from '../../src/core/job/result.ts';
import type { DatasetMeta } from '../../src/core/types.ts';

const W = 4;
const H = 3;
const row: AnnotationRow = {
  formula: 'C6H12O6', chemMod: '', neutralLoss: '', adduct: '+Na', ionFormula: 'C6H12O6Na', ion: 'C6H12O6+Na+', mz: 203.05, msm: 0.61, fdr: 0.05,
  fdrRaw: 0.02, chaos: 0.99, spatial: 0.9, spectral: 0.95, mzErrAbs: 1e-4, mzErrRel: -1e-5, database: 'db', moleculeIds: ['M1'], moleculeNames: ['glucose'],
  centroidMzs: [203.05, 204.05, 0, 0], centroidInts: [100, 7, 0, 0], totalInt: [10, 1, 0, 0], maxInt: [3, 1, 0, 0], nPx: [5, 2, 0, 0],
};
const meta: DatasetMeta = {
  id: 'ds1', name: 'hand made', width: W, height: H, minX: 1, minY: 1, nSpectra: 12, nSamplePixels: 12, totalPeaks: 100,
  mzMin: 100, mzMax: 900, polarity: 'positive', spectrumType: 'centroid', pixelSizeX: 50, pixelSizeY: 50, instrument: null,
  segments: [{ index: 0, mzMin: 100, mzMax: 900, nPeaks: 100 }], warnings: [],
  source: { imzml: 'a.imzML', ibd: 'a.ibd', ibdSize: 1, uuid: null }, createdAt: '2026-12-07T00:00:00.000Z',
};
const baseParams: JobParams = { databases: ['db'], adducts: ['+Na'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 };

function result(params: JobParams): JobResult {
  return {
    version: 1, datasetId: 'ds1', datasetName: 'hand made', params, createdAt: '2026-12-07T00:00:00.000Z', rows: [row],
    stats: { stages: [], ionFormulas: 2, targets: 1, decoys: 1, scored: 2, annotatedAt10: 1, executor: 'inline', workers: 1 },
  };
}

const bundle = (params: JobParams) =>
  writeBundle({ result: result(params), meta, mask: new Uint8Array(W * H).fill(1), getImages: async () => [new Float32Array(W * H).fill(1), new Float32Array(W * H)] });

function editParams(bytes: Uint8Array, f: (p: Record<string, unknown>) => void): Uint8Array {
  const files = unzipSync(bytes);
  const name = Object.keys(files).find((n) => n.endsWith('.json') && strFromU8(files[n]).includes('"analysisVersion"'));
  if (!name) throw new Error('no params in the bundle');
  const j = JSON.parse(strFromU8(files[name]));
  f((j.params ?? j.result?.params) as Record<string, unknown>);
  files[name] = strToU8(JSON.stringify(j));
  return zipSync(files as Zippable);
}

describe('bundles and the scoring model', () => {
  it('a v3 bundle round-trips analysisVersion 3 and the model', async () => {
    const b = await readBundle(await bundle({ ...baseParams, analysisVersion: 3, scoringModel: 'plant' }));
    expect(b.result.params.analysisVersion).toBe(3);
    expect(b.result.params.scoringModel).toBe('plant');
  });

  it('a v3 bundle keeps the isotope patterns\' instrument; an unknown instrument is refused', async () => {
    const bytes = await bundle({ ...baseParams, analysisVersion: 3, scoringModel: 'animal', instrument: 'FTICR' });
    expect((await readBundle(bytes)).result.params.instrument).toBe('FTICR');
    await expect(readBundle(editParams(bytes, (p) => (p.instrument = 'QTOF')))).rejects.toThrow(BundleError);
  });

  it('a v1 bundle as written before the model field opens unchanged (no scoringModel key)', async () => {
    const b = await readBundle(await bundle(baseParams));
    expect(b.result.params).toEqual(baseParams);
    expect('scoringModel' in b.result.params).toBe(false);
  });

  it('a v3 bundle without the field opens (the default model applies); a model the version lacks is refused', async () => {
    const bytes = await bundle({ ...baseParams, analysisVersion: 3, scoringModel: 'animal' });
    const without = editParams(bytes, (p) => delete p.scoringModel);
    const b = await readBundle(without);
    expect(b.result.params.analysisVersion).toBe(3);
    expect(b.result.params.scoringModel).toBeUndefined();
    const bad = editParams(bytes, (p) => (p.scoringModel = 'fungus'));
    await expect(readBundle(bad)).rejects.toThrow(BundleError);
    await expect(readBundle(bad)).rejects.toThrow(/scoringModel.*"fungus" is not a model of analysis version 3/);
    const notString = editParams(bytes, (p) => (p.scoringModel = 3));
    await expect(readBundle(notString)).rejects.toThrow(/scoringModel/);
  });
});
