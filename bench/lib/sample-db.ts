// Deterministic, stratified, nested sample of a molecular database's formulas for the `large` scenario.
// Formulas are ranked by monoisotopic mass; the formula of mass rank r is kept when frac(r·φ) < F, φ the
// golden-ratio conjugate. This low-discrepancy sequence spreads the kept ranks evenly over the mass range
// (every stretch of ~1/F consecutive ranks holds about one), and samples are nested: the sample at F ⊂ the
// sample at F' > F, so ions planted from the smallest sample are present in every larger one. F = 1 keeps all.
import { parseFormula } from '../../src/core/chem/formula.ts';
import { ELEMENTS } from '../../src/core/chem/elements.ts';

const PHI = (Math.sqrt(5) - 1) / 2;

/** Monoisotopic mass (most abundant isotope of each element); NaN for a formula that does not parse. */
export function approxMass(formula: string): number {
  try {
    let m = 0;
    for (const [el, n] of parseFormula(formula)) m += n * (ELEMENTS.get(el)?.masses[0] ?? NaN);
    return m;
  } catch {
    return NaN;
  }
}

/** The kept formulas, in their database order (decoy sampling follows database order). */
export function sampleFormulas(formulas: readonly string[], fraction: number): string[] {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`sample fraction must be in (0, 1] (got ${fraction})`);
  if (fraction >= 1) return [...formulas];
  const mass = formulas.map(approxMass);
  const order = formulas.map((_, i) => i).sort((a, b) => {
    const ma = mass[a]!, mb = mass[b]!;
    if (ma !== mb) return Number.isNaN(ma) ? 1 : Number.isNaN(mb) ? -1 : ma - mb;
    return formulas[a]! < formulas[b]! ? -1 : formulas[a]! > formulas[b]! ? 1 : 0;
  });
  const keep = new Uint8Array(formulas.length);
  order.forEach((idx, rank) => {
    if ((rank * PHI) % 1 < fraction) keep[idx] = 1;
  });
  return formulas.filter((_, i) => keep[i]);
}

/** A Lithops-style `,sf` CSV of the given formulas (what `parseMolDb` reads as 'lithops-csv'). */
export function lithopsCsv(formulas: readonly string[]): string {
  return `,sf\n${formulas.map((f, i) => `${i},${f}`).join('\n')}\n`;
}
