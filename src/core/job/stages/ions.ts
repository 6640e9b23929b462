// Stage "ions": targets and decoys per DB (decoy sampling is seeded per DB, as METASPACE does), in one pass
// over all DBs with one de-duplicated ion list (no per-slot strings; see chem/ion-engine.ts).
import type { MolDb } from '../../chem/moldb.ts';
import type { JobParams } from '../result.ts';
import { buildJobIonTables, type IonTable } from '../../chem/ion-table.ts';
import { decoyRuleOf } from '../../chem/decoys.ts';

export interface JobIons {
  /** One ion table per DB, indexing into `ions`. */
  tables: IonTable[];
  /** Distinct ion formulas of the whole job. */
  ions: string[];
  /** 1 where the ion is some DB's target ion. */
  isTarget: Uint8Array;
}

export function ionsStage(dbs: readonly MolDb[], params: JobParams): JobIons {
  const { tables, ions, isTarget } = buildJobIonTables(
    dbs.map((db) => db.formulas),
    {
      chemMods: params.chemMods,
      neutralLosses: params.neutralLosses,
      adducts: params.adducts,
      polarity: params.polarity,
      decoySampleSize: params.decoys,
      // v1 draws decoys per (formula, target modifier), v3 once per formula (chem/decoys.ts)
      decoyRule: decoyRuleOf(params.analysisVersion),
    },
  );
  if (ions.length === 0) throw new Error('the databases and modifiers yield no ion formulas: check the formulas and adducts');
  return { tables, ions, isTarget };
}
