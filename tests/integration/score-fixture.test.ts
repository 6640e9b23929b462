// Fidelity of the scoring kernels and FDR v1 against the METASPACE reference fixture
// (../shared/fixtures/annotate, see its README): every reference ion is scored from its reference
// centroids, metrics must agree within rtol 1e-5, the msm > 0 set must be identical, and FDR v1
// computed from our msm values must give the reference FDR level for all 55 annotations.
import { readFileSync } from 'node:fs';
import { gunzipSync, strFromU8 } from 'fflate';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/core/imzml/ingest.ts';
import { NodeFileSource } from '../../src/platform/node/file-source.ts';
import { scoreIons, type ScoreResult } from '../../src/core/score/score-ions.ts';
import { fdrV1 } from '../../src/core/score/fdr.ts';
import type { CentroidTable, DatasetGeometry, Segment } from '../../src/core/types.ts';
import { sharedPath } from '../helpers/shared.ts';

type Row = Record<string, string>;

const RTOL = 1e-5;
const ATOL = 1e-8;
const N_DECOYS = 20; // fixture parameters: 20 decoys

function close(got: number, exp: number): boolean {
  return Math.abs(got - exp) <= ATOL + RTOL * Math.abs(exp);
}

function readCsv(path: string): Row[] {
  const buf = readFileSync(path);
  const text = path.endsWith('.gz') ? strFromU8(gunzipSync(new Uint8Array(buf))) : buf.toString('utf8');
  const parsed = Papa.parse<Row>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length) throw new Error(`${path}: CSV parse error ${JSON.stringify(parsed.errors[0])}`);
  return parsed.data;
}

const num = (s: string | undefined) => (s === undefined || s === '' ? 0 : Number(s));

let rows: Row[];
let results: Row[];
let segments: Segment[];
let geometry: DatasetGeometry;
let centroids: CentroidTable;
let isTarget: Uint8Array;
let res: ScoreResult;
let secondsPerRun = 0;

beforeAll(async () => {
  const dir = 'fixtures/annotate';
  rows = readCsv(sharedPath(dir, 'all_ions_ref.csv.gz'));
  results = readCsv(sharedPath(dir, 'results_ref.csv'));
  const imzml = await NodeFileSource.open(sharedPath(dir, 'fixture.imzML'));
  const ibd = await NodeFileSource.open(sharedPath(dir, 'fixture.ibd'));
  const ds = await loadDataset(imzml, ibd);
  segments = [];
  for (const s of ds.meta.segments) segments.push(await ds.store.getSegment(ds.meta.id, s.index));
  geometry = { width: ds.meta.width, height: ds.meta.height, mask: ds.mask };

  const n = rows.length;
  centroids = { n, mzs: new Float64Array(n * 4), ints: new Float64Array(n * 4), nPeaks: new Uint8Array(n) };
  isTarget = new Uint8Array(n);
  rows.forEach((r, i) => {
    let np = 0;
    for (let k = 0; k < 4; k++) {
      centroids.mzs[i * 4 + k] = num(r[`mz${k}`]);
      centroids.ints[i * 4 + k] = num(r[`int${k}`]);
      if (r[`mz${k}`] !== '') np++;
    }
    centroids.nPeaks[i] = np;
    isTarget[i] = r.target === 'True' ? 1 : 0;
  });
  const input = { segments, geometry, centroids, isTarget, ppm: 3 };
  res = scoreIons(input); // warm-up + result
  const runs: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    scoreIons(input);
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  secondsPerRun = runs[1] / 1000;
}, 120_000);

describe('scoring vs the METASPACE reference fixture', () => {
  it('loads the fixture as described in its README', () => {
    expect(rows.length).toBe(5067 + 73);
    expect(geometry.width * geometry.height).toBe(40 * 30);
    console.log(
      `score-fixture: ${rows.length} ions in ${(secondsPerRun * 1000).toFixed(1)} ms (median of 3) = ${Math.round(rows.length / secondsPerRun)} ions/s single thread`,
    );
  });

  it('chaos, spatial, spectral and msm agree within rtol 1e-5 for every ion', () => {
    const bad: string[] = [];
    rows.forEach((r, i) => {
      for (const [col, got] of [
        ['chaos', res.chaos[i]],
        ['spatial', res.spatial[i]],
        ['spectral', res.spectral[i]],
        ['msm', res.msm64![i]],
      ] as const) {
        const exp = num(r[col]);
        if (!close(got, exp)) bad.push(`${r.formula}${r.modifier} ${col}: got ${got}, reference ${exp}`);
      }
      // float32 msm as stored: float32 of a value within 1e-5 of the reference
      if (!close(res.msm[i], num(r.msm))) bad.push(`${r.formula}${r.modifier} msm(f32) ${res.msm[i]}`);
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('mz_err_abs and mz_err_rel agree within rtol 1e-5 (atol 1e-8) wherever the reference gives them', () => {
    const bad: string[] = [];
    let checked = 0;
    rows.forEach((r, i) => {
      if (r.mz_err_abs === '') return;
      checked++;
      if (!close(res.mzErrAbs[i], num(r.mz_err_abs))) bad.push(`${r.formula}${r.modifier} mz_err_abs ${res.mzErrAbs[i]} vs ${r.mz_err_abs}`);
      if (!close(res.mzErrRel[i], num(r.mz_err_rel))) bad.push(`${r.formula}${r.modifier} mz_err_rel ${res.mzErrRel[i]} vs ${r.mz_err_rel}`);
    });
    expect(checked).toBeGreaterThanOrEqual(55);
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('msm > 0 for exactly the reference msm > 0 rows; targets are always scored', () => {
    const mismatch: string[] = [];
    rows.forEach((r, i) => {
      if (num(r.msm) > 0 !== res.msm[i] > 0) mismatch.push(`${r.formula}${r.modifier}: ${res.msm[i]} vs ${r.msm}`);
      if (isTarget[i] && !res.scored[i]) mismatch.push(`${r.formula}${r.modifier}: target not scored`);
    });
    expect(mismatch).toEqual([]);
  });

  it('pixel counts of the 4 isotope images (peaks in the window, METASPACE coo nnz) equal the reference n_px', () => {
    const bad: string[] = [];
    rows.forEach((r, i) => {
      const exp = r.n_px.split(',').map(Number);
      const got = Array.from(res.nPx.subarray(i * 4, i * 4 + 4));
      if (exp.join() !== got.join()) bad.push(`${r.formula}${r.modifier}: ${got} vs ${exp}`);
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it('FDR v1 from our msm gives the reference level for all 55 annotations', () => {
    // Targets grouped by modifier; decoys by decoy_of = `<target adduct>#<ranking>`, indexed by the
    // formula of their target. Decoys absent from the table had msm 0 in METASPACE and are absent here.
    const byTm = new Map<string, { formulas: Map<string, number>; target: Float64Array; decoys: Float64Array[] }>();
    const groupOf = (tm: string) => {
      let g = byTm.get(tm);
      if (!g) {
        const formulas = new Map<string, number>();
        rows.forEach((r) => {
          if (r.target === 'True' && r.modifier === tm) formulas.set(r.formula, formulas.size);
        });
        g = {
          formulas,
          target: new Float64Array(formulas.size),
          decoys: Array.from({ length: N_DECOYS }, () => new Float64Array(formulas.size)),
        };
        byTm.set(tm, g);
      }
      return g;
    };
    rows.forEach((r, i) => {
      if (r.target === 'True') {
        const g = groupOf(r.modifier);
        g.target[g.formulas.get(r.formula)!] = res.msm64![i];
      }
    });
    rows.forEach((r, i) => {
      if (r.target === 'True') return;
      // one decoy ion can serve several (target adduct, ranking) pairs: `+H#18;+K#9`
      for (const use of r.decoy_of.split(';')) {
        const [tm, rank] = use.split('#');
        const g = groupOf(tm);
        const f = g.formulas.get(r.formula);
        const k = Number(rank);
        if (f === undefined || !(k >= 0 && k < N_DECOYS)) throw new Error(`decoy ${r.formula}${r.modifier}: bad decoy_of ${r.decoy_of}`);
        g.decoys[k][f] = res.msm64![i];
      }
    });
    const fdrOf = new Map<string, number>();
    for (const [tm, g] of byTm) {
      const { fdr } = fdrV1(g.target, g.decoys);
      for (const [formula, f] of g.formulas) fdrOf.set(`${formula}${tm}`, fdr[f]);
    }
    expect(results.length).toBe(55);
    const bad: string[] = [];
    for (const r of results) {
      const got = fdrOf.get(`${r.formula}${r.adduct}`);
      if (got !== Number(r.fdr)) bad.push(`${r.formula}${r.adduct}: fdr ${got} vs ${r.fdr}`);
    }
    expect(bad).toEqual([]);
    // and no other target gets a level
    let annotated = 0;
    for (const v of fdrOf.values()) if (v <= 0.5) annotated++;
    expect(annotated).toBe(55);
  });
});
