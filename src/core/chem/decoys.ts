// Decoy adduct sampling of METASPACE's FDR (spec §3, §11; MS `annotation/fdr.py`, class FDR). The legacy MT19937
// is seeded once with 42 per database; each draw shuffles a fresh copy of the candidate list and keeps the first k.
//   v1 (analysis_version < 3): one draw for every formula (DB order) × target modifier (product order);
//       candidates = the 80 decoy adducts minus the target adducts.
//   v3 (analysis_version ≥ 3): one draw per formula, shared by all its target modifiers (each decoy prefixed by the
//       modifier's chem_mod + neutral loss); candidates = the 80 minus the target adducts, chem_mods and neutral losses.
// Today's engine (since #1600, 2024-11-25) removes chem_mods and neutral losses from the candidates for every
// version. imzlens' v1 keeps the rule of the engine it was verified against (target adducts only), so v1 results
// stay bit-identical to the reference runs; the two differ only when a chem_mod or neutral loss is literally one
// of the 80 decoy adducts (e.g. a chem_mod '+Fe'), never for the usual '-H2O'-style modifiers.

import { MT19937 } from './mt19937.ts';
import { formatModifiers } from './ions.ts';

/** METASPACE's 80 decoy adducts, in its order (order matters for the shuffle). */
export const DECOY_ADDUCTS: readonly string[] = Object.freeze(
  (
    '+He +Li +Be +B +C +N +O +F +Ne +Mg +Al +Si +P +S +Cl +Ar +Ca +Sc +Ti +V +Cr +Mn +Fe +Co +Ni +Cu +Zn ' +
    '+Ga +Ge +As +Se +Br +Kr +Rb +Sr +Y +Zr +Nb +Mo +Ru +Rh +Pd +Ag +Cd +In +Sn +Sb +Te +I +Xe +Cs +Ba ' +
    '+La +Ce +Pr +Nd +Sm +Eu +Gd +Tb +Dy +Ho +Ir +Th +Pt +Os +Yb +Lu +Bi +Pb +Re +Tl +Tm +U +W +Au +Er ' +
    '+Hf +Hg +Ta'
  ).split(' '),
);

export const DECOY_SEED = 42;

/**
 * v1 decoy candidates: the list above without any entry equal to a target adduct (the engine before #1600; a
 * chem_mod or neutral loss that equals a decoy adduct does not remove it here — see the header).
 */
export function decoyCandidates(targetAdducts: readonly string[]): string[] {
  const t = new Set(targetAdducts);
  return DECOY_ADDUCTS.filter((a) => !t.has(a));
}

export interface TargetModifier {
  chemMod: string;
  neutralLoss: string;
  adduct: string;
  /** Concatenated effective modifiers, METASPACE's `tm` (e.g. '-H2O+Na'). */
  tm: string;
  /** chem_mod + neutral loss, prepended to every decoy adduct of this target modifier. */
  decoyPrefix: string;
}

/** Every ('' + chemMods) × ('' + neutralLosses) × adducts combination, in the engine's product order. */
export function makeTargetModifiers(
  chemMods: readonly string[],
  neutralLosses: readonly string[],
  adducts: readonly string[],
): TargetModifier[] {
  const out: TargetModifier[] = [];
  for (const cm of ['', ...chemMods]) {
    for (const nl of ['', ...neutralLosses]) {
      for (const ad of adducts) {
        out.push({ chemMod: cm, neutralLoss: nl, adduct: ad, tm: formatModifiers(cm, nl, ad), decoyPrefix: formatModifiers(cm, nl) });
      }
    }
  }
  return out;
}

export interface DecoySample {
  /** Candidate adducts (indices in `picks` refer to this list). */
  candidates: string[];
  /** Sample size used: min(requested, candidates.length). */
  k: number;
  /** Candidate index of decoy i for (formula f, target modifier t) at [(f * nTm + t) * k + i]. */
  picks: Uint8Array;
}

/**
 * Samples decoy adducts for `nFormulas` formulas × `nTm` target modifiers exactly as METASPACE v1 does.
 * The RNG stream depends only on the counts and the candidate list, so callers must pass formulas in
 * database order and target modifiers in makeTargetModifiers order to match METASPACE.
 */
export function sampleDecoyAdducts(
  nFormulas: number,
  nTm: number,
  candidates: readonly string[],
  requestedK: number,
  seed = DECOY_SEED,
): DecoySample {
  const n = candidates.length;
  if (n > 255) throw new RangeError(`sampleDecoyAdducts: at most 255 candidates supported, got ${n}`);
  if (!Number.isInteger(requestedK) || requestedK < 0) {
    throw new RangeError(`sampleDecoyAdducts: decoy sample size must be a non-negative integer, got ${requestedK}`);
  }
  const k = Math.min(requestedK, n);
  const picks = new Uint8Array(nFormulas * nTm * k);
  const rng = new MT19937(seed);
  const work = new Uint8Array(n);
  let out = 0;
  for (let draw = 0, nDraws = nFormulas * nTm; draw < nDraws; draw++) {
    for (let i = 0; i < n; i++) work[i] = i; // a fresh copy of the candidate list each time
    for (let i = n - 1; i > 0; i--) {
      const j = rng.interval(i);
      const t = work[i]!;
      work[i] = work[j]!;
      work[j] = t;
    }
    for (let i = 0; i < k; i++) picks[out++] = work[i]!;
  }
  return { candidates: [...candidates], k, picks };
}

/** v3 decoy candidates: the 80 decoy adducts minus every target adduct, chem_mod and neutral loss (FDR.__init__). */
export function decoyCandidatesV3(targetAdducts: readonly string[], chemMods: readonly string[], neutralLosses: readonly string[]): string[] {
  const excluded = new Set([...targetAdducts, ...chemMods, ...neutralLosses]);
  return DECOY_ADDUCTS.filter((a) => !excluded.has(a));
}

/**
 * v3 decoy sample (`_decoy_adduct_gen`, analysis_version ≥ 3): v1's stream with one target modifier — one shuffle
 * per formula — broadcast to all `nTm` target modifiers, in v1's DecoySample layout so the ion table takes either.
 */
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

/** Which decoy rule an analysis version uses (fdr.py: `if self.analysis_version < 3` → v1). */
export type DecoyRule = 'v1' | 'v3';

export function decoyRuleOf(analysisVersion = 1): DecoyRule {
  return analysisVersion < 3 ? 'v1' : 'v3';
}

/** The candidate list of a rule. */
export function decoyCandidatesFor(rule: DecoyRule, targetAdducts: readonly string[], chemMods: readonly string[], neutralLosses: readonly string[]): string[] {
  return rule === 'v3' ? decoyCandidatesV3(targetAdducts, chemMods, neutralLosses) : decoyCandidates(targetAdducts);
}

/** The decoy sample of a rule (same layout for both). */
export function sampleDecoysFor(rule: DecoyRule, nFormulas: number, nTm: number, candidates: readonly string[], requestedK: number): DecoySample {
  return rule === 'v3' ? sampleDecoyAdductsV3(nFormulas, nTm, candidates, requestedK) : sampleDecoyAdducts(nFormulas, nTm, candidates, requestedK);
}
