// Decoy adduct sampling bit-identical to METASPACE analysis_version 1 (spec §3, §11; MS
// `annotation/fdr.py`, class FDR): candidates = the 80 decoy adducts minus the target adducts;
// the legacy MT19937 is seeded once with 42, then for every formula (DB order) and every target
// modifier (product order) a fresh copy of the candidate list is shuffled and the first k are kept.

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
 * Decoy candidates: the list above without any entry equal to a target adduct. (The engine filters by
 * target adducts only; a chem_mod or neutral loss that equals a decoy adduct does not remove it.)
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
