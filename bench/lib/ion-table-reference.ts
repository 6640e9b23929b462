// The ion-table implementation before the vectorised engine (string per ion slot, Map-based interning, then a
// string-keyed merge over DBs), kept as the reference the fast engine must reproduce exactly.
import { IonFormulaBuilder } from '../../src/core/chem/ions.ts';
import { decoyCandidates, makeTargetModifiers, sampleDecoyAdducts } from '../../src/core/chem/decoys.ts';
import type { IonTable, IonTableParams } from '../../src/core/chem/ion-table.ts';

export function referenceIonTable(params: IonTableParams): IonTable {
  const { formulas, chemMods, neutralLosses, adducts, polarity, decoySampleSize } = params;
  const tms = makeTargetModifiers(chemMods, neutralLosses, adducts);
  const nTm = tms.length;
  const nF = formulas.length;
  const sample = sampleDecoyAdducts(nF, nTm, decoyCandidates(adducts), decoySampleSize);
  const k = sample.k;
  const ionIndex = new Map<string, number>();
  const ions: string[] = [];
  const isTarget: number[] = [];
  const intern = (ion: string, asTarget: boolean): number => {
    let idx = ionIndex.get(ion);
    if (idx === undefined) {
      idx = ions.length;
      ionIndex.set(ion, idx);
      ions.push(ion);
      isTarget.push(0);
    }
    if (asTarget) isTarget[idx] = 1;
    return idx;
  };
  const target = new Int32Array(nF * nTm).fill(-1);
  const decoys = new Int32Array(nF * nTm * k).fill(-1);
  const decoyAdducts = new Array<string>(nF * nTm * k);
  for (let p = 0; p < sample.picks.length; p++) decoyAdducts[p] = sample.candidates[sample.picks[p]!]!;
  const builder = new IonFormulaBuilder();
  for (let f = 0; f < nF; f++) {
    builder.setFormula(formulas[f]!);
    for (let t = 0; t < nTm; t++) {
      const tm = tms[t]!;
      if (!builder.setPrefix(tm.chemMod, tm.neutralLoss)) continue;
      const row = f * nTm + t;
      const ion = builder.withAdduct(tm.adduct);
      if (ion !== null) target[row] = intern(ion, true);
      for (let i = 0; i < k; i++) {
        const d = builder.withAdduct(decoyAdducts[row * k + i]!);
        if (d !== null) decoys[row * k + i] = intern(d, false);
      }
    }
  }
  return {
    targetModifiers: tms.map(({ chemMod, neutralLoss, adduct }) => ({ chemMod, neutralLoss, adduct })),
    ions,
    ionIsTarget: Uint8Array.from(isTarget),
    target,
    decoys,
    decoyAdducts,
    k,
    polarity,
  };
}

/** The job's old merge: unique ions over all DBs' tables, each table's indices remapped into the merged list. */
export function referenceMerge(tables: IonTable[]): { tables: IonTable[]; ions: string[]; isTarget: Uint8Array } {
  const index = new Map<string, number>();
  const ions: string[] = [];
  const target: number[] = [];
  const remapped = tables.map((t) => {
    const map = new Int32Array(t.ions.length);
    t.ions.forEach((ion, i) => {
      let g = index.get(ion);
      if (g === undefined) {
        g = ions.length;
        index.set(ion, g);
        ions.push(ion);
        target.push(0);
      }
      if (t.ionIsTarget[i]) target[g] = 1;
      map[i] = g;
    });
    const re = (a: Int32Array) => a.map((v) => (v < 0 ? -1 : map[v]!));
    return { ...t, ions, target: re(t.target), decoys: re(t.decoys), ionIsTarget: new Uint8Array(0) } as IonTable;
  });
  return { tables: remapped, ions, isTarget: Uint8Array.from(target) };
}
