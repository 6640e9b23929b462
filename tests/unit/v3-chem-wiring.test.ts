// analysis_version 3 wiring of the chemistry: the centroids stage keys its cache by calculator + instrument and
// passes both through the executor's tasks; the ion table samples v1 or v3 decoys by version; ds_config and the
// CLI read the instrument.
import { describe, expect, it } from 'vitest';
import { centroidsStage } from '../../src/core/job/stages/centroids.ts';
import { ionsStage } from '../../src/core/job/stages/ions.ts';
import { InlineExecutor } from '../../src/core/job/inline-executor.ts';
import { MemoryCentroidCache, centroidCacheKey } from '../../src/core/chem/centroid-cache.ts';
import { computeCentroidTable, CENTROID_ALGORITHM_VERSION } from '../../src/core/chem/centroids.ts';
import { computeCentroidTableV3 } from '../../src/core/chem/centroids-v3.ts';
import { buildIonTable, buildJobIonTables } from '../../src/core/chem/ion-table.ts';
import { decoyCandidates, decoyCandidatesV3, decoyRuleOf, makeTargetModifiers, sampleDecoyAdductsV3 } from '../../src/core/chem/decoys.ts';
import { parseDsConfig } from '../../src/core/job/config.ts';
import { instrumentParam } from '../../src/cli/annotate.ts';
import type { SegmentStore } from '../../src/core/store.ts';
import type { JobParams } from '../../src/core/job/result.ts';
import type { MolDb } from '../../src/core/chem/moldb.ts';

const executor = new InlineExecutor({} as SegmentStore); // the centroids task does not read the dataset
const noProgress = () => {};

/** 2,400 plausible ion formulas (so the stage splits them into executor tasks of 1,000). */
function manyIons(): string[] {
  const out: string[] = [];
  for (let c = 2; c < 42 && out.length < 2400; c++) for (let o = 0; o < 12; o++) for (let n = 0; n < 5; n++) out.push(`C${c}H${2 * c + 1}N${n}O${o}`.replace(/[A-Z]0/g, ''));
  return out.slice(0, 2400);
}

describe('centroids stage by analysis version and instrument', () => {
  it('v1 and v3 tables never share a cache entry; v3 through executor tasks equals the direct v3 computation', async () => {
    const ions = manyIons();
    const cache = new MemoryCentroidCache();
    const v1 = await centroidsStage({ ions, charge: 1, sigma: 0.000619, analysisVersion: 1, executor, cache, onProgress: noProgress });
    expect(cache.size).toBe(1);
    // the v1 entry is under the unchanged v1 key (the one shipped tables are found by)
    expect(await cache.get(centroidCacheKey(ions, 1, 0.000619, CENTROID_ALGORITHM_VERSION))).toBeDefined();
    const v3 = await centroidsStage({ ions, charge: 1, sigma: 0.000619, analysisVersion: 3, instrument: 'Orbitrap', executor, cache, onProgress: noProgress });
    expect(cache.size).toBe(2);
    const direct = computeCentroidTableV3(ions, 1, 0.000619, 'Orbitrap');
    expect(Array.from(v3.table.mzs)).toEqual(Array.from(direct.table.mzs));
    expect(Array.from(v3.table.ints)).toEqual(Array.from(direct.table.ints));
    expect(Array.from(v3.table.mzs)).not.toEqual(Array.from(v1.table.mzs));
    const again = await centroidsStage({ ions, charge: 1, sigma: 0.000619, analysisVersion: 3, instrument: 'Orbitrap', executor, cache, onProgress: noProgress });
    expect(again.table).toBe((await cache.get(centroidCacheKey(ions, 1, 0.000619, 'msv3-cpymspec0.4.2-r1-Orbitrap')))!.table);
    await centroidsStage({ ions, charge: 1, sigma: 0.000619, analysisVersion: 3, instrument: 'FTICR', executor, cache, onProgress: noProgress });
    expect(cache.size).toBe(3);
  });

  it('a v1 table in the cache (e.g. a shipped one) is not returned for a v3 job', async () => {
    const ions = ['C6H13O6', 'C5H6N5', 'H3O'];
    const cache = new MemoryCentroidCache();
    const v1 = computeCentroidTable(ions, 1, 0.000619);
    await cache.set(centroidCacheKey(ions, 1, 0.000619, CENTROID_ALGORITHM_VERSION), { ionFormulas: ions, ...v1 });
    const hit = await centroidsStage({ ions, charge: 1, sigma: 0.000619, executor, cache, onProgress: noProgress });
    expect(hit.table).toBe(v1.table); // version absent = 1: the cached v1 table
    const v3 = await centroidsStage({ ions, charge: 1, sigma: 0.000619, analysisVersion: 3, executor, cache, onProgress: noProgress });
    expect(v3.table).not.toBe(v1.table);
    expect(Array.from(v3.table.mzs)).toEqual(Array.from(computeCentroidTableV3(ions, 1, 0.000619, 'TOF').table.mzs));
  });
});

describe('decoys by analysis version in the ion table', () => {
  const formulas = ['C6H12O6', 'C2H6O', 'C5H5N5', 'C10H16N5O13P3', 'C16H32O2'];
  // '+Fe' as a chem_mod is one of the 80 decoy adducts: v3 drops it from the candidates, v1 keeps it.
  const params = { formulas, chemMods: ['+Fe'], neutralLosses: ['-H2O'], adducts: ['+H', '+Na', '+K'], polarity: '+' as const, decoySampleSize: 20 };

  it('versions map to rules as fdr.py does (< 3 → v1)', () => {
    expect([decoyRuleOf(), decoyRuleOf(1), decoyRuleOf(2), decoyRuleOf(3)]).toEqual(['v1', 'v1', 'v1', 'v3']);
  });

  it('v3: one draw per formula shared by every target modifier, candidates without chem_mods/neutral losses', () => {
    const t = buildIonTable({ ...params, decoyRule: 'v3' });
    const nTm = makeTargetModifiers(params.chemMods, params.neutralLosses, params.adducts).length;
    const cand = decoyCandidatesV3(params.adducts, params.chemMods, params.neutralLosses);
    expect(cand).not.toContain('+Fe');
    const s = sampleDecoyAdductsV3(formulas.length, nTm, cand, 20);
    for (let f = 0; f < formulas.length; f++) {
      const first = t.decoyAdducts.slice(f * nTm * 20, f * nTm * 20 + 20);
      expect(first).toEqual(Array.from(s.picks.subarray(f * nTm * 20, f * nTm * 20 + 20), (p) => cand[p]));
      for (let m = 1; m < nTm; m++) expect(t.decoyAdducts.slice((f * nTm + m) * 20, (f * nTm + m + 1) * 20)).toEqual(first);
    }
    // v1 (default) differs: fresh draws per modifier, '+Fe' still a candidate
    const v1 = buildIonTable(params);
    expect(decoyCandidates(params.adducts)).toContain('+Fe');
    expect(v1.decoyAdducts.slice(20, 40)).not.toEqual(v1.decoyAdducts.slice(0, 20));
  });

  it('the job ion-table memo keeps v1 and v3 apart', () => {
    const { formulas: fl, ...rest } = params;
    const a = buildJobIonTables([fl], { ...rest, decoyRule: 'v1' });
    const b = buildJobIonTables([fl], { ...rest, decoyRule: 'v3' });
    expect(b).not.toBe(a);
    expect(b.tables[0]!.decoyAdducts).not.toEqual(a.tables[0]!.decoyAdducts);
    expect(buildJobIonTables([fl], { ...rest, decoyRule: 'v3' })).toBe(b);
  });

  it('ionsStage picks the rule from params.analysisVersion', () => {
    const db = { name: 'db', formulas, molecules: { ids: [], names: [], formulaIndex: new Uint32Array() }, format: 'x', warnings: [] } as unknown as MolDb;
    const base: JobParams = { databases: ['db'], adducts: params.adducts, neutralLosses: params.neutralLosses, chemMods: params.chemMods, polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 };
    const v1 = ionsStage([db], base);
    const v3 = ionsStage([db], { ...base, analysisVersion: 3 as JobParams['analysisVersion'] });
    expect(v1.tables[0]!.decoyAdducts).toEqual(buildIonTable(params).decoyAdducts);
    expect(v3.tables[0]!.decoyAdducts).toEqual(buildIonTable({ ...params, decoyRule: 'v3' }).decoyAdducts);
  });
});

describe('instrument from ds_config and --instrument', () => {
  const ds = (iso: Record<string, unknown>) => parseDsConfig({ imzml_path: 'a.imzML', isotope_generation: iso }, 'ds.json');
  it('reads isotope_generation.instrument in canonical spelling; absent is null (the engine then uses TOF)', () => {
    expect(ds({ instrument: 'Orbitrap' }).instrument).toBe('Orbitrap');
    expect(ds({ instrument: 'fticr' }).instrument).toBe('FTICR');
    expect(ds({}).instrument).toBeNull();
    expect(parseDsConfig({ imzml_path: 'a.imzML', instrument: 'TOF' }, 'ds.json').instrument).toBe('TOF');
  });
  it('a bad value names the field and the allowed values', () => {
    expect(() => ds({ instrument: 'QTOF' })).toThrow(/ds\.json: "isotope_generation\.instrument" must be "TOF", "Orbitrap", "FTICR" .*"QTOF"/);
    expect(() => ds({ instrument: 3 })).toThrow(/isotope_generation\.instrument/);
  });
  it('--instrument overrides the config; a bad flag is an error', () => {
    expect(instrumentParam(undefined, null)).toBeUndefined();
    expect(instrumentParam(undefined, 'FTICR')).toBe('FTICR');
    expect(instrumentParam('orbitrap', 'FTICR')).toBe('Orbitrap');
    expect(() => instrumentParam('ion trap', null)).toThrow(/--instrument must be one of TOF, Orbitrap, FTICR/);
  });
});
