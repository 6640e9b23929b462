import { describe, expect, it } from 'vitest';
import { ANALYSIS_VERSIONS, DEFAULT_ANALYSIS_VERSION, fdrMethodFor, isAnalysisVersion, modelFromName, scoringLabel, scoringModelFor, UnknownAnalysisVersionError } from '../../src/core/score/models/index.ts';
import { fdrV1 } from '../../src/core/score/fdr.ts';
import { validateParams } from '../../src/core/job/pipeline.ts';
import { mergeScores } from '../../src/core/job/stages/score.ts';
import { rankStage } from '../../src/core/job/stages/rank.ts';
import { emptyScoreResult, type ScoreResult } from '../../src/core/score/score-ions.ts';
import type { JobParams } from '../../src/core/job/result.ts';

function task(msm64: number[], scored: number[]): ScoreResult {
  const n = msm64.length;
  const r = emptyScoreResult(n);
  r.msm = Float32Array.from(msm64);
  r.msm64 = Float64Array.from(msm64);
  r.chaos.fill(0.9);
  r.spatial.fill(0.8);
  r.spectral.fill(0.7);
  r.scored = Uint8Array.from(scored);
  return r;
}

describe('scoring-model registry', () => {
  it('has v1 = msm-v1 (the default) and v3 = msm-v3 with the models Animal (default) and Plant', () => {
    expect(ANALYSIS_VERSIONS.map((a) => [a.version, a.id])).toEqual([[1, 'msm-v1'], [3, 'msm-v3']]);
    expect(ANALYSIS_VERSIONS[0].label).toMatch(/MSM/);
    expect(scoringModelFor(1).label).toBe(ANALYSIS_VERSIONS[0].label);
    expect(ANALYSIS_VERSIONS[0].models).toEqual([]);
    expect(ANALYSIS_VERSIONS[1].models.map((m) => [m.id, m.name])).toEqual([['animal', 'METASPACE-ML_Animal'], ['plant', 'METASPACE-ML_Plant']]);
    expect(ANALYSIS_VERSIONS[1].defaultModel).toBe('animal');
    expect(DEFAULT_ANALYSIS_VERSION).toBe(1);
    expect(scoringModelFor(1).id).toBe('msm-v1');
    expect(scoringModelFor(1, 'plant').id).toBe('msm-v1'); // v1 ignores a model
    expect(scoringModelFor(3).variant).toBe('animal');
    expect(scoringModelFor(3, 'plant').variant).toBe('plant');
    expect(scoringModelFor(3).spatial).toBe('v3');
    expect(scoringModelFor(1).spatial ?? 'v1').toBe('v1');
    expect(fdrMethodFor(1).id).toBe('fdr-v1');
    expect(fdrMethodFor(3).id).toBe('fdr-v3');
    expect(isAnalysisVersion(1)).toBe(true);
    expect(isAnalysisVersion(3)).toBe(true);
    expect(isAnalysisVersion(2)).toBe(false);
  });

  it('an unknown version or model gives a clear error naming what exists', () => {
    expect(() => scoringModelFor(2)).toThrow(UnknownAnalysisVersionError);
    expect(() => scoringModelFor(2)).toThrow(/unknown analysis version 2: this build has 1 \(msm-v1\), 3 \(msm-v3\)/);
    expect(() => fdrMethodFor(2)).toThrow(/unknown analysis version 2/);
    expect(() => scoringModelFor(3, 'fungus')).toThrow(/scoringModel "fungus" is not a model of analysis version 3 \(choose animal or plant\)/);
    const p = { databases: ['db'], adducts: ['+H'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 2 };
    expect(() => validateParams(p as unknown as JobParams)).toThrow(/analysisVersion 2 is not available \(available: 1, 3\)/);
    expect(() => validateParams({ ...p, analysisVersion: 3, scoringModel: 'tree' } as unknown as JobParams)).toThrow(/scoringModel "tree"/);
    expect(() => validateParams({ ...p, analysisVersion: 3, scoringModel: 'plant' } as unknown as JobParams)).not.toThrow();
    expect(() => validateParams({ ...p, analysisVersion: 3 } as unknown as JobParams)).not.toThrow();
    expect(() => validateParams({ ...p, analysisVersion: 1, scoringModel: 'tree' } as unknown as JobParams)).not.toThrow();
  });

  it('model names: ids, METASPACE names and .cbm names, any case', () => {
    expect(modelFromName(3, 'Plant')).toBe('plant');
    expect(modelFromName(3, 'METASPACE-ML_Animal')).toBe('animal');
    expect(modelFromName(3, 'v2.2023-12-14_(METASPACE-ML_Plant)')).toBe('plant');
    expect(modelFromName(3, 'METASPACE-ML_Fungus')).toBeNull();
    expect(modelFromName(1, 'animal')).toBeNull();
    expect(scoringLabel(1)).toBe('v1 (MSM)');
    expect(scoringLabel(3)).toBe('METASPACE-ML (v3) Animal');
    expect(scoringLabel(3, 'plant')).toBe('METASPACE-ML (v3) Plant');
  });

  it('v3 ranks nothing before prepare() has loaded the model, then the model scores of the scored ions', async () => {
    const m = scoringModelFor(3, 'animal');
    const merged = mergeScores(2, [Int32Array.from([0, 1])], [task([0.5, 0.2], [1, 1])]);
    expect(() => rankStage(m, merged)).toThrow(/await prepare\(\)/);
    await m.prepare!();
    const { rank, shown } = rankStage(m, merged);
    // shown = the same scores as float32 (the engine's msm storage)
    expect(shown).toEqual(Float32Array.from(rank));
    // both ions have the same metrics (0.9, 0.8, 0.7; m/z errors 0): the same score in [0, 1]
    expect(rank[0]).toBe(rank[1]);
    expect(rank[0]).toBeGreaterThan(0);
    expect(rank[0]).toBeLessThanOrEqual(1);
    const plant = scoringModelFor(3, 'plant');
    await plant.prepare!();
    expect(rankStage(plant, merged).rank[0]).not.toBe(rank[0]);
  });

  it('v1 ranks the float64 msm of scored ions (NaN otherwise) and shows the float32 msm', () => {
    // a product whose float32 rounding differs from its float64 value: FDR must rank the float64 one
    const x = 0.9 * 0.8 * 0.7000001;
    const merged = mergeScores(4, [Int32Array.from([2, 0]), Int32Array.from([3])], [task([x, 0.5], [1, 1]), task([0.25], [0])]);
    const { rank, shown } = rankStage(scoringModelFor(1), merged);
    expect(Array.from(rank)).toEqual([0.5, Number.NaN, x, Number.NaN]);
    expect(rank[2]).not.toBe(Math.fround(x));
    expect(shown).toBe(merged.msm);
    expect(shown[2]).toBe(Math.fround(x));
  });

  it('v1 FDR method is fdrV1', () => {
    const t = Float64Array.from([0.9, 0.5, 0.1, Number.NaN]);
    const d = [Float64Array.from([0.6, 0.2, 0, 0.3]), Float64Array.from([0.05, 0.95, Number.NaN, 0.4])];
    expect(fdrMethodFor(1).estimate(t, d)).toEqual(fdrV1(t, d));
  });
});

describe('the registry v1 model on the reference fixture job', () => {
  it('reproduces the pipeline: ranks the float64 msm, shows the float32 msm, same rows and FDR', { timeout: 300_000 }, async () => {
    const { loadFixtureJob } = await import('../helpers/fixture-job.ts');
    const { runAnnotationDetailed } = await import('../../src/core/job/pipeline.ts');
    const { InlineExecutor } = await import('../../src/core/job/inline-executor.ts');
    const { fdrStage, orderRows } = await import('../../src/core/job/stages/fdr.ts');
    const { ds, db, params } = await loadFixtureJob();
    const { result, details } = await runAnnotationDetailed({ store: ds.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor: new InlineExecutor(ds.store) });
    const s = details.scores;
    const ranked = rankStage(scoringModelFor(params.analysisVersion), s);
    let scored = 0;
    for (let i = 0; i < s.n; i++) {
      if (!s.scored[i]) {
        expect(ranked.rank[i]).toBeNaN();
        continue;
      }
      scored++;
      expect(ranked.rank[i]).toBe(s.msm64![i]);
      expect(ranked.shown[i]).toBe(s.msm[i]);
    }
    expect(scored).toBeGreaterThan(5000);
    const rows = orderRows(fdrStage({
      dbs: [db], tables: details.tables, ions: details.ions, centroids: details.centroids, scores: s, ranked,
      method: fdrMethodFor(params.analysisVersion), polarity: params.polarity,
    }));
    expect(rows).toEqual(result.rows);
    expect(rows.length).toBeGreaterThan(50);
  });
});
