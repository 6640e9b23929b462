// Filtering and sorting of annotation rows for the table (pure, so the CSV export and tests share it).
import type { AnnotationRow } from '../job/result.ts';

export const FDR_LEVELS = [0.05, 0.1, 0.2, 0.5] as const;

export interface RowFilters {
  database: string; // '' = all
  adduct: string; // '' = all
  /** Keep rows whose digitised FDR ≤ this (METASPACE default 10 %). */
  fdr: number;
  minMsm: number;
  mzMin: number | null;
  mzMax: number | null;
  /** Case-insensitive substring of formula, ion or molecule name. */
  search: string;
}

export const DEFAULT_FILTERS: RowFilters = {
  database: '', adduct: '', fdr: 0.1, minMsm: 0, mzMin: null, mzMax: null, search: '',
};

export type SortKey = 'formula' | 'adduct' | 'mz' | 'msm' | 'fdr' | 'spatial' | 'spectral' | 'chaos' | 'mzErrRel' | 'intensity';
export interface Sort { key: SortKey; desc: boolean }
export const DEFAULT_SORT: Sort = { key: 'msm', desc: true };

export function filterRows(rows: readonly AnnotationRow[], f: RowFilters): AnnotationRow[] {
  const q = f.search.trim().toLowerCase();
  // FDR levels are floats such as 0.1; compare with a little slack so 0.1 passes "≤ 10 %"
  const fdrMax = f.fdr + 1e-9;
  return rows.filter((r) => {
    if (f.database && r.database !== f.database) return false;
    if (f.adduct && r.adduct !== f.adduct) return false;
    if (r.fdr > fdrMax) return false;
    if (r.msm < f.minMsm) return false;
    if (f.mzMin != null && r.mz < f.mzMin) return false;
    if (f.mzMax != null && r.mz > f.mzMax) return false;
    if (q) {
      const hay = `${r.formula} ${r.ion} ${r.ionFormula} ${r.moleculeNames.join(' ')}`.toLowerCase();
      if (!hay.includes(q)) return false;
    }
    return true;
  });
}

/**
 * m/z error of the monoisotopic image in ppm, as METASPACE's table shows it: mz_err_abs (Da, the
 * intensity-weighted observed m/z of isotope image 0 minus its theoretical m/z) relative to that m/z.
 * (mz_err_rel is a different metric — the isotope peaks' mean offset in Da after removing mz_err_abs.)
 */
export function mzErrorPpm(r: Pick<AnnotationRow, 'mzErrAbs' | 'mz'>): number {
  return r.mz > 0 && Number.isFinite(r.mzErrAbs) ? (r.mzErrAbs / r.mz) * 1e6 : NaN;
}

function keyOf(r: AnnotationRow, k: SortKey): number | string {
  if (k === 'intensity') return r.totalInt[0] ?? 0;
  if (k === 'mzErrRel') return Math.abs(mzErrorPpm(r));
  return r[k];
}

/** Stable sort; ties broken by MSM (desc) then m/z so the order is deterministic. */
export function sortRows(rows: AnnotationRow[], s: Sort): AnnotationRow[] {
  const dir = s.desc ? -1 : 1;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ka = keyOf(a.r, s.key);
      const kb = keyOf(b.r, s.key);
      if (ka < kb) return -dir;
      if (ka > kb) return dir;
      if (a.r.msm !== b.r.msm) return b.r.msm - a.r.msm;
      if (a.r.mz !== b.r.mz) return a.r.mz - b.r.mz;
      return a.i - b.i;
    })
    .map((x) => x.r);
}

/** One-line description of filters for the CSV header. */
export function describeFilters(f: RowFilters): string {
  const parts = [`FDR ≤ ${Math.round(f.fdr * 100)}%`];
  if (f.database) parts.push(`database = ${f.database}`);
  if (f.adduct) parts.push(`adduct = ${f.adduct}`);
  if (f.minMsm > 0) parts.push(`MSM ≥ ${f.minMsm}`);
  if (f.mzMin != null) parts.push(`m/z ≥ ${f.mzMin}`);
  if (f.mzMax != null) parts.push(`m/z ≤ ${f.mzMax}`);
  if (f.search) parts.push(`search "${f.search}"`);
  return parts.join('; ');
}
