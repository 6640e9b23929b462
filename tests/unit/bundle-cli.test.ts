// `imzlens bundle info FILE`: prints manifest and counts of a valid bundle (exit 0), names the problem of a
// damaged one (exit 1), and prints usage for wrong arguments (exit 2).
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../src/cli/bundle.ts';
import { writeBundle } from '../../src/core/bundle/index.ts';
import type { AnnotationRow, JobResult } from '../../src/core/job/result.ts';
import type { DatasetMeta } from '../../src/core/types.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'imzlens-bundle-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  return { out: () => out, err: () => err };
}

const row = (fdr: number): AnnotationRow => ({
  formula: 'C6H12O6', chemMod: '', neutralLoss: '', adduct: '+H', ionFormula: 'C6H13O6', ion: 'C6H12O6+H+', mz: 181.07066, msm: 0.9, fdr, fdrRaw: fdr,
  chaos: 1, spatial: 1, spectral: 1, mzErrAbs: 0, mzErrRel: 0, database: 'db', moleculeIds: ['1'], moleculeNames: ['glucose'],
  centroidMzs: [181.07, 182.07, 0, 0], centroidInts: [100, 6.5, 0, 0], totalInt: [3, 1, 0, 0], maxInt: [2, 1, 0, 0], nPx: [2, 1, 0, 0],
});

async function makeFile(): Promise<string> {
  const result: JobResult = {
    version: 1, datasetId: 'd', datasetName: 'tiny', createdAt: 'now', rows: [row(0.05), row(0.1), row(1)],
    params: { databases: ['db'], adducts: ['+H'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 },
    stats: { stages: [], ionFormulas: 1, targets: 1, decoys: 20, scored: 1, annotatedAt10: 2, executor: 'inline', workers: 1 },
  };
  const meta: DatasetMeta = {
    id: 'd', name: 'tiny', width: 3, height: 2, minX: 1, minY: 1, nSpectra: 5, nSamplePixels: 5, totalPeaks: 10, mzMin: 100, mzMax: 200, polarity: 'positive',
    spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null, instrument: null, segments: [], warnings: [], source: { imzml: 'a', ibd: 'b', ibdSize: 1, uuid: null }, createdAt: 'now',
  };
  const bytes = await writeBundle({
    result, meta, mask: new Uint8Array([1, 1, 1, 1, 1, 0]), appVersion: '0.1.0',
    getImages: async () => [new Float32Array([1, 2, 0, 0, 0, 0]), new Float32Array([0, 0, 0, 0.5, 0, 0]), new Float32Array(6), new Float32Array(6)],
  });
  const file = path.join(dir, 'tiny.imzlens.zip');
  writeFileSync(file, bytes);
  return file;
}

describe('imzlens bundle info', () => {
  it('prints the manifest and counts of a valid bundle', async () => {
    const file = await makeFile();
    let c = capture();
    expect(await run(['info', file])).toBe(0);
    expect(c.out()).toMatch(/valid imzlens bundle v1/);
    expect(c.out()).toMatch(/rows {6}2 \(by FDR: 0.05: 1, 0.1: 1\)/);
    expect(c.out()).toMatch(/images {4}8 \(6 non-zero pixels\)/);
    vi.restoreAllMocks();
    c = capture();
    expect(await run(['info', file, '--json'])).toBe(0);
    const j = JSON.parse(c.out());
    expect(j.manifest.counts).toMatchObject({ rows: 2, images: 8, width: 3, height: 2, sampledPixels: 5 });
    expect(j.nonZeroPixels).toBe(6);
  });

  it('exits 1 with the reason for a damaged file and 2 for bad usage', async () => {
    const bad = path.join(dir, 'bad.zip');
    writeFileSync(bad, 'PK\x03\x04 not really');
    const c = capture();
    expect(await run(['info', bad])).toBe(1);
    expect(c.err()).toMatch(/is not a valid bundle: truncated or corrupted zip/);
    expect(await run(['show', bad])).toBe(2);
  });
});
