// Recall of a simulated dataset's planted ions: which planted (formula, adduct) pairs an annotation run found at
// FDR 10 % and 20 %, and what else it annotated — the same signal under another name ('alias': same ion
// formula as a planted ion), a planted ion's peak seen through a near-isobar ('overlap': the annotation's m/z
// lies within ppm + the simulator's maximum m/z error of a planted isotope peak), the recurring chemical
// background ('background': likewise near a background peak), or nothing planted at all ('false').
import Papa from 'papaparse';
import type { AnnotationRow } from './annotations.ts';

export interface TruthIon {
  formula: string;
  adduct: string;
  ionFormula: string;
  mz0: number;
  /** All planted isotope m/z. */
  mzs: number[];
}

export interface Truth {
  planted: TruthIon[];
  backgroundMz: number[];
}

export type ExtraKind = 'alias' | 'overlap' | 'background' | 'false';

export interface RecallLevel {
  fdr: number;
  /** Planted ions found at this FDR. */
  found: number;
  recall: number;
  /** Annotations at this FDR that are not planted (formula, adduct) pairs, by kind. */
  alias: number;
  overlap: number;
  background: number;
  false: number;
  /** false / all annotations at this level. */
  falseFraction: number;
}

export interface RecallReport {
  nPlanted: number;
  levels: RecallLevel[];
  /** Planted ions not found at the loosest level. */
  missed: TruthIon[];
  /** Non-planted annotations at the loosest level. */
  extra: { ion: string; fdr: number; kind: ExtraKind }[];
}

export function parseTruthCsv(text: string, name = 'truth.csv'): Truth {
  const p = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  const f = p.meta.fields ?? [];
  for (const need of ['formula', 'adduct', 'ion_formula', 'mz0']) {
    if (!f.includes(need)) throw new Error(`${name}: no '${need}' column; expected a ground-truth CSV written by 'imzlens simulate'`);
  }
  const planted: TruthIon[] = [];
  const backgroundMz: number[] = [];
  p.data.forEach((r, i) => {
    const mz0 = Number(r.mz0);
    if (!Number.isFinite(mz0)) throw new Error(`${name} line ${i + 2}: mz0 '${r.mz0}' is not a number`);
    if (r.pattern === 'background') { backgroundMz.push(mz0); return; }
    const mzs = (r.mzs ?? '').split(';').map(Number).filter(Number.isFinite);
    planted.push({ formula: r.formula!.trim(), adduct: r.adduct!.trim(), ionFormula: r.ion_formula!.trim(), mz0, mzs: mzs.length ? mzs : [mz0] });
  });
  return { planted, backgroundMz };
}

/**
 * Recall at the given FDR levels (default 10 % and 20 %). `rows` are one run's annotations (one database);
 * rows with chem_mod/neutral_loss never match a planted ion (the simulator plants plain adduct ions).
 */
export function computeRecall(
  truth: Truth,
  rows: readonly AnnotationRow[],
  options: { levels?: number[]; ppm?: number; slackPpm?: number } = {},
): RecallReport {
  const levels = (options.levels ?? [0.1, 0.2]).slice().sort((a, b) => a - b);
  // a simulated peak can sit up to the simulator's ppmMax (default 4) off its theoretical m/z, and still
  // be caught by a window of ±ppm around a neighbouring ion's m/z
  const ppm = (options.ppm ?? 3) + (options.slackPpm ?? 4);
  const plantedKey = new Set(truth.planted.map((t) => `${t.formula}|${t.adduct}`));
  const plantedIon = new Set(truth.planted.map((t) => t.ionFormula));
  const plantedPeaks = Float64Array.from(truth.planted.flatMap((t) => t.mzs)).sort();
  const bgPeaks = Float64Array.from(truth.backgroundMz).sort();
  const near = (peaks: Float64Array, mz: number): boolean => {
    if (!Number.isFinite(mz)) return false;
    let lo = 0, hi = peaks.length; // first peak ≥ mz − tol
    const tol = mz * ppm * 1e-6;
    while (lo < hi) { const m = (lo + hi) >> 1; if (peaks[m]! < mz - tol) lo = m + 1; else hi = m; }
    return lo < peaks.length && peaks[lo]! <= mz + tol;
  };
  const isPlanted = (r: AnnotationRow) => !r.chemMod && !r.neutralLoss && plantedKey.has(`${r.formula}|${r.adduct}`);
  const kindOf = (r: AnnotationRow): ExtraKind =>
    r.ionFormula && plantedIon.has(r.ionFormula) ? 'alias'
      : near(plantedPeaks, r.mz) ? 'overlap' : near(bgPeaks, r.mz) ? 'background' : 'false';

  const out: RecallLevel[] = levels.map((fdr) => {
    const at = rows.filter((r) => r.fdr <= fdr + 1e-9);
    const found = new Set(at.filter(isPlanted).map((r) => `${r.formula}|${r.adduct}`)).size;
    const counts = { alias: 0, overlap: 0, background: 0, false: 0 };
    for (const r of at) if (!isPlanted(r)) counts[kindOf(r)]++;
    return {
      fdr, found,
      recall: truth.planted.length ? found / truth.planted.length : NaN,
      ...counts,
      falseFraction: at.length ? counts.false / at.length : 0,
    };
  });
  const loosest = levels[levels.length - 1] ?? 0.2;
  const foundKeys = new Set(rows.filter((r) => r.fdr <= loosest + 1e-9 && isPlanted(r)).map((r) => `${r.formula}|${r.adduct}`));
  return {
    nPlanted: truth.planted.length,
    levels: out,
    missed: truth.planted.filter((t) => !foundKeys.has(`${t.formula}|${t.adduct}`)),
    extra: rows.filter((r) => r.fdr <= loosest + 1e-9 && !isPlanted(r))
      .map((r) => ({ ion: `${r.formula}${r.chemMod}${r.neutralLoss}${r.adduct}`, fdr: r.fdr, kind: kindOf(r) })),
  };
}
