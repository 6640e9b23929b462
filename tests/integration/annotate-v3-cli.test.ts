// `imzlens annotate --analysis-version 3` end to end on the reference fixture (../shared/fixtures/annotate): the
// CSV's msm is the METASPACE-ML Animal score of each row's own metrics (recomputed here with the evaluator and
// the engine's transform), msm_product the MSM product, fdr the level of the continuous v3 FDR; --model plant
// gives other scores; a v1 run of the same job keeps the v1 columns.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { REPO_ROOT, sharedPath } from '../helpers/shared.ts';
import { loadMetaspaceMl } from '../../src/core/score/models/metaspace-ml.ts';
import { predict } from '../../src/core/score/catboost/oblivious.ts';
import { nearestFdrLevel } from '../../src/core/score/models/fdr-v3.ts';
import { RESULTS_CSV_COLUMNS } from '../../src/core/results/csv.ts';

const out = mkdtempSync(join(tmpdir(), 'imzlens-v3-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function annotate(name: string, extra: string[]): Record<string, string>[] {
  const F = sharedPath('fixtures/annotate');
  const args = ['annotate', '--imzml', join(F, 'fixture.imzML'), '--db', join(F, 'fixture_db.csv'), '--polarity', '+', '--sigma', '0.000619',
    '--out', join(out, name), '--no-cache', '--quiet', ...extra];
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/imzlens.mjs'), ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  expect(r.status, r.stderr).toBe(0);
  return Papa.parse<Record<string, string>>(readFileSync(join(out, name, 'results.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;
}

describe('imzlens annotate --analysis-version 3 on the fixture', () => {
  it('writes the model score as msm, the product and the v3 FDR', { timeout: 240_000 }, async () => {
    const rows = annotate('v3', ['--analysis-version', '3']);
    expect(rows.length).toBeGreaterThan(40);
    expect(Object.keys(rows[0])).toEqual([...RESULTS_CSV_COLUMNS, 'msm_product', 'scoring_model']);
    const animal = await loadMetaspaceMl('animal');
    const num = (k: string) => rows.map((r) => Number(r[k]));
    const [chaos, spatial, spectral, abs, rel] = ['rhoChaos', 'rhoSpatial', 'rhoSpectral', 'mz_err_abs', 'mz_err_rel'].map(num);
    const cols: Record<string, number[]> = { chaos, spatial, spectral, mz_err_abs_abserr: abs.map((x) => -Math.abs(x)), mz_err_rel_abserr: rel.map((x) => -Math.abs(x)) };
    const score = predict(animal, animal.featureNames.map((f) => cols[f]));
    rows.forEach((r, i) => {
      // stored as float32, as the engine stores msm
      const expected = Math.fround(Math.min(1, Math.max(0, score[i])));
      expect(Number(r.msm), r.ion).toBe(expected);
      expect(Number(r.msm_product), r.ion).toBe(chaos[i] * spatial[i] * spectral[i]);
      expect(Number(r.fdr), r.ion).toBe(nearestFdrLevel(Number(r.fdr_continuous)));
      expect(r.scoring_model).toBe('METASPACE-ML_Animal v2.2023-12-14');
    });
    // the v3 FDR is continuous: (D + 1) / k / (T + 1) values, not only the 4 levels
    expect(new Set(rows.map((r) => r.fdr_continuous)).size).toBeGreaterThan(4);
    expect(rows.some((r) => Number(r.msm) !== Number(r.msm_product))).toBe(true);

    const plant = annotate('v3-plant', ['--analysis-version', '3', '--model', 'plant']);
    expect(plant[0].scoring_model).toBe('METASPACE-ML_Plant v2.2023-12-14');
    const byIon = new Map(rows.map((r) => [r.ion, r.msm]));
    expect(plant.filter((r) => byIon.has(r.ion) && byIon.get(r.ion) !== r.msm).length).toBeGreaterThan(rows.length / 2);

    const v1 = annotate('v1', []);
    expect(Object.keys(v1[0])).toEqual([...RESULTS_CSV_COLUMNS]);
  });
});
