// Stage "fdr": FDR per DB and target modifier with the version's FDR method, then the result rows.
import type { CentroidTable } from '../../types.ts';
import type { MolDb } from '../../chem/moldb.ts';
import type { IonTable } from '../../chem/ion-table.ts';
import { formatIon } from '../../chem/ions.ts';
import type { ScoreResult } from '../../score/score-ions.ts';
import type { FdrMethod } from '../../score/models/index.ts';
import type { AnnotationRow } from '../result.ts';
import type { RankedIons } from './rank.ts';

export interface FdrStageInput {
  dbs: readonly MolDb[];
  tables: IonTable[];
  ions: string[];
  centroids: CentroidTable;
  scores: ScoreResult;
  ranked: RankedIons;
  method: FdrMethod;
  polarity: '+' | '-';
}

/** Annotation rows of every DB's targets with a positive ranked value, with their FDR. */
export function fdrStage({ dbs, tables, ions, centroids, scores: s, ranked, method, polarity }: FdrStageInput): AnnotationRow[] {
  const rows: AnnotationRow[] = [];
  const rankOf = (ion: number) => (ion >= 0 ? ranked.rank[ion] : Number.NaN);
  dbs.forEach((db, d) => {
    const t = tables[d];
    const nF = db.formulas.length;
    const nTm = t.targetModifiers.length;
    const molecules = groupMolecules(db);
    for (let tm = 0; tm < nTm; tm++) {
      const targetRank = new Float64Array(nF);
      const decoyRank: Float64Array[] = [];
      for (let i = 0; i < t.k; i++) decoyRank.push(new Float64Array(nF));
      for (let f = 0; f < nF; f++) {
        const row = f * nTm + tm;
        targetRank[f] = rankOf(t.target[row]);
        for (let i = 0; i < t.k; i++) decoyRank[i][f] = rankOf(t.decoys[row * t.k + i]);
      }
      const fdr = method.estimate(targetRank, decoyRank);
      const mod = t.targetModifiers[tm];
      for (let f = 0; f < nF; f++) {
        const ion = t.target[f * nTm + tm];
        if (ion < 0 || !(targetRank[f] > 0)) continue;
        const c = ion * 4;
        rows.push({
          formula: db.formulas[f],
          chemMod: mod.chemMod,
          neutralLoss: mod.neutralLoss,
          adduct: mod.adduct,
          ionFormula: ions[ion],
          ion: formatIon(db.formulas[f], mod.chemMod, mod.neutralLoss, mod.adduct, polarity),
          mz: centroids.mzs[c],
          msm: ranked.shown[ion],
          fdr: fdr.fdr[f],
          fdrRaw: fdr.fdrMonotone[f],
          chaos: s.chaos[ion],
          spatial: s.spatial[ion],
          spectral: s.spectral[ion],
          mzErrAbs: s.mzErrAbs[ion],
          mzErrRel: s.mzErrRel[ion],
          database: db.name,
          moleculeIds: molecules.ids[f] ?? [],
          moleculeNames: molecules.names[f] ?? [],
          centroidMzs: Array.from(centroids.mzs.subarray(c, c + 4)),
          centroidInts: Array.from(centroids.ints.subarray(c, c + 4)),
          totalInt: Array.from(s.totalInt.subarray(c, c + 4)),
          maxInt: Array.from(s.maxInt.subarray(c, c + 4)),
          nPx: Array.from(s.nPx.subarray(c, c + 4)),
        });
      }
    }
  });
  return rows;
}

/** Table order: best FDR level first, then highest msm. */
export function orderRows(rows: AnnotationRow[]): AnnotationRow[] {
  return rows.sort((a, b) => a.fdr - b.fdr || b.msm - a.msm);
}

function groupMolecules(db: MolDb): { ids: string[][]; names: string[][] } {
  const ids: string[][] = [];
  const names: string[][] = [];
  const m = db.molecules;
  for (let i = 0; i < m.formulaIndex.length; i++) {
    const f = m.formulaIndex[i];
    (ids[f] ??= []).push(m.ids[i]);
    (names[f] ??= []).push(m.names[i]);
  }
  return { ids, names };
}
