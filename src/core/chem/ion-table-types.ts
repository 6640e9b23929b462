// The shape of a job's ion plan, in its own module so the engine that builds it (ion-engine.ts) and the
// validating front door (ion-table.ts) both depend on it without depending on each other.

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
