// results.csv of a METASPACE-ML (v3) job: `msm` is the model score, `msm_product` the MSM product and
// `scoring_model` the model, after every v1 column; a v1 job's CSV has exactly the v1 columns.
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { MODEL_CSV_COLUMNS, RESULTS_CSV_COLUMNS, resultsCsv, scoringModelName } from '../../src/core/results/csv.ts';
import type { AnnotationRow, JobParams, JobResult } from '../../src/core/job/result.ts';

const row: AnnotationRow = {
  formula: 'C6H12O6', chemMod: '', neutralLoss: '', adduct: '+Na', ionFormula: 'C6H12O6Na', ion: 'C6H12O6+Na+', mz: 203.05, msm: 0.61, fdr: 0.1,
  fdrRaw: 0.071, chaos: 0.99, spatial: 0.9, spectral: 0.95, mzErrAbs: 1e-4, mzErrRel: -1e-5, database: 'db', moleculeIds: ['M1'], moleculeNames: ['glucose'],
  centroidMzs: [203.05, 204.05, 0, 0], centroidInts: [100, 7, 0, 0], totalInt: [10, 1, 0, 0], maxInt: [3, 1, 0, 0], nPx: [5, 2, 0, 0],
};
const params: JobParams = { databases: ['db'], adducts: ['+Na'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 };
const job = (p: Partial<JobParams>): JobResult => ({
  version: 1, datasetId: 'ds', datasetName: 'ds', params: { ...params, ...p }, createdAt: '2026-12-07T00:00:00.000Z', rows: [row],
  stats: { stages: [], ionFormulas: 2, targets: 1, decoys: 1, scored: 2, annotatedAt10: 1, executor: 'inline', workers: 1 },
});
const parse = (text: string) => Papa.parse<Record<string, string>>(text.replace(/^#.*\n/gm, ''), { header: true, skipEmptyLines: true });

describe('results.csv by analysis version', () => {
  it('v1: the v1 columns only, and no scoring comment', () => {
    const text = resultsCsv(job({ scoringModel: 'plant' })); // v1 ignores a model
    expect(parse(text).meta.fields).toEqual([...RESULTS_CSV_COLUMNS]);
    expect(resultsCsv(job({}), undefined, { exportedAt: 'now' })).not.toMatch(/scoring/);
    expect(scoringModelName(job({}))).toBeNull();
  });

  it('v3: msm = the model score, then msm_product and scoring_model; the comment names the model', () => {
    const text = resultsCsv(job({ analysisVersion: 3, scoringModel: 'plant' }));
    const { data, meta } = parse(text);
    expect(meta.fields).toEqual([...RESULTS_CSV_COLUMNS, ...MODEL_CSV_COLUMNS]);
    expect(Number(data[0].msm)).toBe(0.61);
    expect(Number(data[0].msm_product)).toBe(0.99 * 0.9 * 0.95);
    expect(data[0].scoring_model).toBe('METASPACE-ML_Plant v2.2023-12-14');
    expect(Number(data[0].fdr)).toBe(0.1);
    expect(Number(data[0].fdr_continuous)).toBe(0.071);
    expect(resultsCsv(job({ analysisVersion: 3 }), undefined, { exportedAt: 'now' })).toMatch(/# scoring: METASPACE-ML model METASPACE-ML_Animal v2\.2023-12-14/);
  });
});
