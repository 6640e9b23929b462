// The job's ion plan (spec §3): every target ion (formula × target modifier) and its k sampled decoys,
// with each distinct ion formula listed once so it is scored once and shared by all that produce it.

import { isNoopModifier, isValidModifier } from './ions.ts';
import { buildMergedIonTables, type MergedIonTables } from './ion-engine.ts';
import type { DecoyRule } from './decoys.ts';

export interface IonTableParams {
  /** Distinct molecular formulas in database order (decoy sampling depends on the order). */
  formulas: string[];
  chemMods: string[];
  neutralLosses: string[];
  adducts: string[];
  polarity: '+' | '-';
  /** Requested decoys per target (METASPACE default 20); capped by the number of candidates. */
  decoySampleSize: number;
  /** Decoy sampling rule (chem/decoys.ts: decoyRuleOf(analysisVersion)); default 'v1'. */
  decoyRule?: DecoyRule;
}

import type { IonTable } from './ion-table-types.ts';

export type { IonTable };

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
  const { formulas, chemMods, neutralLosses, adducts, polarity, decoySampleSize, decoyRule } = params;
  checkList('adduct', adducts, false);
  checkList('chemical modification', chemMods, true);
  checkList('neutral loss', neutralLosses, true);
  if (polarity !== '+' && polarity !== '-') throw new IonTableError(`ion table: polarity must be '+' or '-', got '${String(polarity)}'`);
  // One engine for single tables and whole jobs (see ion-engine.ts): with one DB its merged list is the table's.
  const merged = buildMergedIonTables([formulas], { chemMods, neutralLosses, adducts, polarity, decoySampleSize, ...(decoyRule !== undefined && { decoyRule }) });
  const t = merged.tables[0]!;
  t.ions = merged.ions;
  t.ionIsTarget = merged.isTarget;
  return t;
}

/**
 * Ion tables of several DBs with one merged ion list, as the annotation job uses them (same as buildIonTable
 * per DB followed by de-duplicating the ions over the DBs in DB order), validating the modifiers first.
 */
export function buildJobIonTables(formulaLists: readonly (readonly string[])[], params: Omit<IonTableParams, 'formulas'>): MergedIonTables {
  const { chemMods, neutralLosses, adducts, polarity } = params;
  checkList('adduct', adducts, false);
  checkList('chemical modification', chemMods, true);
  checkList('neutral loss', neutralLosses, true);
  if (polarity !== '+' && polarity !== '-') throw new IonTableError(`ion table: polarity must be '+' or '-', got '${String(polarity)}'`);
  const paramsKey = JSON.stringify([chemMods, neutralLosses, adducts, polarity, params.decoySampleSize, params.decoyRule ?? 'v1']);
  if (last && last.paramsKey === paramsKey && sameLists(last.formulaLists, formulaLists)) return last.result;
  const result = buildMergedIonTables(formulaLists, params);
  last = { paramsKey, formulaLists: formulaLists.map((l) => [...l]), result };
  return result;
}

/**
 * The last job's ion tables: a second job on the same DBs and modifiers (another ppm, another dataset) reuses them
 * instead of rebuilding ~100k ion strings (0.2–0.9 s in the page). Shared, not copied: nothing writes into them
 * (task inputs are copied to workers; only task outputs are transferred).
 */
let last: { paramsKey: string; formulaLists: string[][]; result: MergedIonTables } | null = null;

function sameLists(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  if (a.length !== b.length) return false;
  for (let d = 0; d < a.length; d++) {
    const x = a[d]!;
    const y = b[d]!;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}
