// METASPACE's isomer and isobar counts for the annotation export (engine sm/engine/es_export.py, written when a
// dataset is indexed; the web app's CSV has isomeric_mols_count, isomeric_ions_count, isobaric_ions_count).
// METASPACE indexes the annotations of one database up to FDR 50 %; counts are taken against that set:
// - isomeric ions: the other annotations with the same ion formula (e.g. C6H12O6+H and C6H10O5+H2O+H… same ions);
// - isobaric ions: the other annotations, of another ion formula, whose isotope peaks' ppm windows overlap this one's
//   either principal peak with principal peak, or at more than one pair of peaks.
import { windowBounds } from '../score/windows.ts';
import type { AnnotationRow } from '../job/result.ts';

/** The FDR level up to which METASPACE stores (and counts) annotations. */
const STORED_FDR = 0.5;

interface Peak { lo: number; hi: number; row: number; k: number }

export function isomerIsobarCounts(rows: readonly AnnotationRow[], ppm: number): { isomers: Int32Array; isobars: Int32Array } {
  const isomers = new Int32Array(rows.length);
  const isobars = new Int32Array(rows.length);
  const stored = (r: AnnotationRow) => r.fdr <= STORED_FDR + 1e-9;
  // per database: ion-formula groups and the stored peaks sorted by window start
  const byDb = new Map<string, { formulas: Map<string, number>; peaks: Peak[] }>();
  rows.forEach((r, i) => {
    if (!stored(r)) return;
    let g = byDb.get(r.database);
    if (!g) byDb.set(r.database, (g = { formulas: new Map(), peaks: [] }));
    g.formulas.set(r.ionFormula, (g.formulas.get(r.ionFormula) ?? 0) + 1);
    r.centroidMzs.forEach((mz, k) => {
      if (!(mz > 0)) return;
      const [lo, hi] = windowBounds(mz, ppm);
      g.peaks.push({ lo, hi, row: i, k });
    });
  });
  for (const g of byDb.values()) g.peaks.sort((a, b) => a.lo - b.lo);
  rows.forEach((r, i) => {
    const g = byDb.get(r.database);
    if (!g) return;
    isomers[i] = (g.formulas.get(r.ionFormula) ?? 0) - (stored(r) ? 1 : 0);
    // peak pairs (mine, theirs) per other annotation
    const pairs = new Map<number, { n: number; first: boolean }>();
    r.centroidMzs.forEach((mz, k) => {
      if (!(mz > 0)) return;
      const [lo, hi] = windowBounds(mz, ppm);
      // peaks starting at or before my window's end; the ones ending at or after my start overlap
      let a = 0;
      let b = g.peaks.length;
      while (a < b) { const m = (a + b) >> 1; if (g.peaks[m].lo <= hi) a = m + 1; else b = m; }
      for (let j = a - 1; j >= 0; j--) {
        const p = g.peaks[j];
        if (p.hi < lo) {
          // an earlier window is at a lower m/z, so no wider than mine: once it starts a full width before me, none
          // further back reaches me
          if (p.lo + (hi - lo) < lo) break;
          continue;
        }
        if (p.row === i || rows[p.row].ionFormula === r.ionFormula) continue;
        const e = pairs.get(p.row) ?? { n: 0, first: false };
        e.n++;
        if (k === 0 && p.k === 0) e.first = true;
        pairs.set(p.row, e);
      }
    });
    let n = 0;
    for (const e of pairs.values()) if (e.n > 1 || e.first) n++;
    isobars[i] = n;
  });
  return { isomers, isobars };
}
