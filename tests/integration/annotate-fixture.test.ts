// Fidelity of the whole pipeline against results METASPACE's own v1 functions produced on the reference fixture
// (../shared/fixtures/annotate, see its README): the same scored ion set, every metric within rtol 1e-5,
// identical FDR levels, and the same decoys with msm > 0 (which proves the decoy sampling end to end).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { sharedPath } from '../helpers/shared.ts';
import { loadFixtureJob } from '../helpers/fixture-job.ts';
import { runAnnotationDetailed, type IonDetails } from '../../src/core/job/pipeline.ts';
import { InlineExecutor } from '../../src/core/job/inline-executor.ts';
import type { JobResult } from '../../src/core/job/result.ts';

type Row = Record<string, string>;
const csv = (text: string): Row[] => Papa.parse<Row>(text, { header: true, skipEmptyLines: true }).data;

function close(a: number, b: number, rtol = 1e-5, atol = 1e-8): boolean {
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

let result: JobResult;
let details: IonDetails;

beforeAll(async () => {
  const { ds, db, params } = await loadFixtureJob();
  const out = await runAnnotationDetailed({
    store: ds.store,
    meta: ds.meta,
    mask: ds.mask,
    dbs: [db],
    params,
    executor: new InlineExecutor(ds.store),
  });
  result = out.result;
  details = out.details;
}, 300_000);

describe('annotation of the reference fixture equals METASPACE v1', () => {
  it('finds the same 55 annotations with the same metrics and FDR levels', () => {
    const ref = csv(readFileSync(sharedPath('fixtures/annotate/results_ref.csv'), 'utf8'));
    expect(ref.length).toBe(55);
    const ours = new Map(result.rows.map((r) => [`${r.formula}|${r.adduct}`, r]));
    const missing = ref.filter((r) => !ours.has(`${r.formula}|${r.adduct}`)).map((r) => `${r.formula}${r.adduct}`);
    expect(missing).toEqual([]);
    expect(result.rows.length).toBe(ref.length);
    const bad: string[] = [];
    for (const r of ref) {
      const o = ours.get(`${r.formula}|${r.adduct}`)!;
      expect(o.ionFormula).toBe(r.ion_formula);
      for (const [k, v] of [['chaos', o.chaos], ['spatial', o.spatial], ['spectral', o.spectral], ['msm', o.msm], ['mz_err_abs', o.mzErrAbs], ['mz_err_rel', o.mzErrRel], ['mz', o.mz]] as const) {
        if (!close(v, Number(r[k]))) bad.push(`${r.formula}${r.adduct} ${k}: ours ${v} ref ${r[k]}`);
      }
      if (o.fdr !== Number(r.fdr)) bad.push(`${r.formula}${r.adduct} fdr: ours ${o.fdr} ref ${r.fdr}`);
    }
    expect(bad).toEqual([]);
  });

  it('scores the same target ions and finds the same decoys with msm > 0', () => {
    const all = csv(gunzipSync(readFileSync(sharedPath('fixtures/annotate/all_ions_ref.csv.gz'))).toString('utf8'));
    const refTargets = new Set(all.filter((r) => r.target === 'True').map((r) => r.ion_formula));
    const refDecoys = all.filter((r) => r.target === 'False');
    expect(refTargets.size).toBeGreaterThan(4000);

    const s = details.scores;
    const ourTargets = new Set<string>();
    details.ions.forEach((ion, i) => {
      if (details.isTarget[i] && s.scored[i]) ourTargets.add(ion);
    });
    expect([...refTargets].filter((x) => !ourTargets.has(x))).toEqual([]);
    expect([...ourTargets].filter((x) => !refTargets.has(x))).toEqual([]);

    // an ion formula can be one formula's target and another's decoy: a decoy is any ion some decoy slot names
    const decoyIon = new Uint8Array(details.ions.length);
    for (const t of details.tables) for (const d of t.decoys) if (d >= 0) decoyIon[d] = 1;
    const ourDecoys = new Map<string, number>();
    details.ions.forEach((ion, i) => {
      if (decoyIon[i] && s.scored[i] && s.msm[i] > 0) ourDecoys.set(ion, i);
    });
    const bad: string[] = [];
    for (const r of refDecoys) {
      const i = ourDecoys.get(r.ion_formula);
      if (i === undefined) {
        bad.push(`decoy ${r.ion_formula} (${r.decoy_of}) not found with msm > 0`);
        continue;
      }
      if (!close(s.msm[i], Number(r.msm))) bad.push(`decoy ${r.ion_formula} msm ours ${s.msm[i]} ref ${r.msm}`);
    }
    expect(bad).toEqual([]);
    expect(ourDecoys.size).toBe(refDecoys.length);
  });
});
