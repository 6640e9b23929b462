// METASPACE-ML against METASPACE's own analysis_version 3 results: the engine's scientific regression reports
// (../shared/data/metaspace/reports/spheroid-{cm3,hmdb}-v3.csv, see SOURCES.md) list, per annotated ion, the five
// features the model reads and the `msm` the engine got from the Animal model (6 decimals). Feeding those features
// through imzlens' scoring (metaspaceMlScores: the m/z-error transform, the CatBoost evaluator, the clip) must give
// that msm on every row (after the engine's float32 storage). This also settles which m/z-error transform production runs: the engine's −|x|, not the
// training script's 1 − |x| (docs/metaspace-ml.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/core/score/catboost/oblivious.ts';
import { metaspaceMlScores, type MzErrTransform } from '../../src/core/score/models/msm-v3.ts';
import { emptyScoreResult, type ScoreResult } from '../../src/core/score/score-ions.ts';
import animalJson from '../../src/core/score/models/data/metaspace-ml-animal.v2.2023-12-14.json' with { type: 'json' };
import plantJson from '../../src/core/score/models/data/metaspace-ml-plant.v2.2023-12-14.json' with { type: 'json' };
import { sharedPath } from '../helpers/shared.ts';

interface Report {
  name: string;
  scores: ScoreResult;
  msm: Float64Array;
}

function readReport(name: string): Report {
  const lines = readFileSync(sharedPath('data', 'metaspace', 'reports', `${name}.csv`), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (c: string): Float64Array => {
    const i = head.indexOf(c);
    if (i < 0) throw new Error(`${name}.csv has no column ${c}`);
    return Float64Array.from(rows, (r) => Number(r[i]));
  };
  const scores = emptyScoreResult(rows.length);
  scores.chaos.set(col('chaos'));
  scores.spatial.set(col('spatial'));
  scores.spectral.set(col('spectral'));
  scores.mzErrAbs.set(col('mz_err_abs'));
  scores.mzErrRel.set(col('mz_err_rel'));
  scores.scored.fill(1);
  return { name, scores, msm: col('msm') };
}

/**
 * Rows whose model score equals the report's msm. The engine keeps msm as float32 (as v1's MSM) and the report
 * prints it to 6 decimals: 7 of the 857 HMDB rows round differently from the float64 score, all of them agree
 * once the score is rounded to float32 first.
 */
function matching(r: Report, json: unknown, transform: MzErrTransform): number {
  const got = metaspaceMlScores(compileModel(json), r.scores, transform);
  let n = 0;
  for (let i = 0; i < r.scores.n; i++) if (Number(Math.fround(got[i]).toFixed(6)) === r.msm[i]) n++;
  return n;
}

describe.each(['spheroid-cm3-v3', 'spheroid-hmdb-v3'])('METASPACE v3 report %s', (name) => {
  const report = readReport(name);

  it('has hundreds of annotated ions with model scores', () => {
    expect(report.scores.n).toBeGreaterThan(500);
    expect(report.msm.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it("the Animal model with the engine's m/z-error transform (−|x|) gives the engine's msm on every row", () => {
    expect(matching(report, animalJson, 'engine')).toBe(report.scores.n);
  });

  it("the training transform (1 − |x|) and the Plant model do not (so the check tells them apart)", () => {
    expect(matching(report, animalJson, 'training')).toBeLessThan(report.scores.n / 10);
    expect(matching(report, plantJson, 'engine')).toBeLessThan(report.scores.n / 10);
  });
});
