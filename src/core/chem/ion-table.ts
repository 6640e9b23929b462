// The job's ion plan (spec §3): every target ion (formula × target modifier) and its k sampled decoys,
// with each distinct ion formula listed once so it is scored once and shared by all that produce it.

import { IonFormulaBuilder, isNoopModifier, isValidModifier } from './ions.ts';
import { decoyCandidates, makeTargetModifiers, sampleDecoyAdducts } from './decoys.ts';

export interface IonTableParams {
  /** Distinct molecular formulas in database order (decoy sampling depends on the order). */
  formulas: string[];
  chemMods: string[];
  neutralLosses: string[];
  adducts: string[];
  polarity: '+' | '-';
  /** Requested decoys per target (METASPACE default 20); capped by the number of candidates. */
  decoySampleSize: number;
}

export interface IonTable {
  targetModifiers: { chemMod: string; neutralLoss: string; adduct: string }[];
  /** Unique ion formulas (CHNOPS order), targets and decoys, in first-use order. */
  ions: string[];
  /** 1 if the ion is the target ion of some (formula, target modifier). */
  ionIsTarget: Uint8Array;
  /** [formula * nTm + tm] → ion index, or -1 when the ion is impossible (rejected). */
  target: Int32Array;
  /** [(formula * nTm + tm) * k + i] → ion index of the i-th decoy, or -1 when rejected. */
  decoys: Int32Array;
  /** Same layout as `decoys`: the sampled decoy adduct (without the chem_mod/neutral-loss prefix). */
  decoyAdducts: string[];
  /** Decoy sample size actually used. */
  k: number;
  polarity: '+' | '-';
}

export class IonTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IonTableError';
  }
}

function checkList(what: string, list: readonly string[], allowEmptyList: boolean): void {
  if (!allowEmptyList && list.length === 0) throw new IonTableError(`ion table: no ${what} given; give at least one (e.g. +H)`);
  const seen = new Set<string>();
  for (const m of list) {
    // For chem_mods and neutral losses "none" is always tried; an explicit '' would duplicate it.
    if (allowEmptyList && isNoopModifier(m)) {
      throw new IonTableError(`ion table: empty ${what} listed; "no ${what}" is always included, remove it from the list`);
    }
    if (!isValidModifier(m)) {
      throw new IonTableError(`ion table: ${what} '${m}' is not valid; use ±formula groups such as +H, -H2O or -H2O+Na`);
    }
    // Duplicates would add target modifiers and shift the decoy RNG stream; refuse rather than guess.
    if (seen.has(m)) throw new IonTableError(`ion table: ${what} '${m}' is listed twice; list each once`);
    seen.add(m);
  }
}

export function buildIonTable(params: IonTableParams): IonTable {
  const { formulas, chemMods, neutralLosses, adducts, polarity, decoySampleSize } = params;
  checkList('adduct', adducts, false);
  checkList('chemical modification', chemMods, true);
  checkList('neutral loss', neutralLosses, true);
  if (polarity !== '+' && polarity !== '-') throw new IonTableError(`ion table: polarity must be '+' or '-', got '${String(polarity)}'`);
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
  // Decoy adduct strings are reused from the candidate list (no per-ion allocation).
  for (let p = 0; p < sample.picks.length; p++) decoyAdducts[p] = sample.candidates[sample.picks[p]!]!;

  const builder = new IonFormulaBuilder();
  for (let f = 0; f < nF; f++) {
    builder.setFormula(formulas[f]!);
    for (let t = 0; t < nTm; t++) {
      const tm = tms[t]!;
      // chem_mod then neutral loss: shared by the target and its decoys.
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
