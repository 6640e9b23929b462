// Decoy adducts of METASPACE analysis_version 3 (MS `annotation/fdr.py`, FDR.__init__ and _decoy_adduct_gen):
//   - candidates: the 80 decoy adducts minus every target adduct, chem_mod and neutral loss (engine #1600,
//     2024-11-25; v1 in ../../chem/decoys.ts excludes target adducts only, as the engine did before),
//   - one shuffle per formula (same legacy MT19937, seed 42, a fresh candidate copy each time), and those k decoy
//     adducts are shared by every target modifier of the formula (each with the modifier's prefix, as in v1).
// So v3's stream is v1's with one target modifier, broadcast over the modifiers. It returns v1's DecoySample layout
// so the ion table can take either. (It belongs next to sampleDecoyAdducts in chem/decoys.ts once v3 is wired.)
import { DECOY_ADDUCTS, DECOY_SEED, sampleDecoyAdducts, type DecoySample } from '../../chem/decoys.ts';

export function decoyCandidatesV3(targetAdducts: readonly string[], chemMods: readonly string[], neutralLosses: readonly string[]): string[] {
  const excluded = new Set([...targetAdducts, ...chemMods, ...neutralLosses]);
  return DECOY_ADDUCTS.filter((a) => !excluded.has(a));
}

export function sampleDecoyAdductsV3(nFormulas: number, nTm: number, candidates: readonly string[], requestedK: number, seed = DECOY_SEED): DecoySample {
  const perFormula = sampleDecoyAdducts(nFormulas, 1, candidates, requestedK, seed);
  const k = perFormula.k;
  const picks = new Uint8Array(nFormulas * nTm * k);
  for (let f = 0; f < nFormulas; f++) {
    const own = perFormula.picks.subarray(f * k, (f + 1) * k);
    for (let t = 0; t < nTm; t++) picks.set(own, (f * nTm + t) * k);
  }
  return { candidates: perFormula.candidates, k, picks };
}
