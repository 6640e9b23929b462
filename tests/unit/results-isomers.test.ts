// METASPACE's isomer/isobar counts for the annotation CSV (engine es_export.py), on hand-made rows.
import { describe, expect, it } from 'vitest';
import type { AnnotationRow } from '../../src/core/job/result.ts';
import { isomerIsobarCounts } from '../../src/core/results/isomers.ts';

function row(o: Partial<AnnotationRow>): AnnotationRow {
  return {
    formula: 'X', chemMod: '', neutralLoss: '', adduct: '+H', ionFormula: 'X', ion: 'X+H+', mz: 100, msm: 0.5, fdr: 0.1, fdrRaw: 0.1,
    chaos: 1, spatial: 1, spectral: 1, mzErrAbs: 0, mzErrRel: 0, database: 'db', moleculeIds: [], moleculeNames: [],
    centroidMzs: [100, 101, 0, 0], centroidInts: [100, 5, 0, 0], totalInt: [1, 0, 0, 0], maxInt: [1, 0, 0, 0], nPx: [1, 0, 0, 0], ...o,
  };
}

describe('isomerIsobarCounts', () => {
  it('isomers: other stored annotations (FDR ≤ 50 %, same database) with the same ion formula', () => {
    const rows = [
      row({ ion: 'A+H+', ionFormula: 'F1', centroidMzs: [100, 0, 0, 0] }),
      row({ ion: 'B+Na+', ionFormula: 'F1', centroidMzs: [100, 0, 0, 0] }),
      row({ ion: 'C+K+', ionFormula: 'F1', centroidMzs: [100, 0, 0, 0], fdr: 1 }), // not stored: not counted, but gets a count
      row({ ion: 'D+H+', ionFormula: 'F1', centroidMzs: [100, 0, 0, 0], database: 'other' }),
    ];
    expect(Array.from(isomerIsobarCounts(rows, 3).isomers)).toEqual([1, 1, 2, 0]);
  });
  it('isobars: another ion formula whose principal peak window overlaps, or two pairs of peaks overlap', () => {
    // 3 ppm at m/z 100 = ±0.0003
    const rows = [
      row({ ion: 'A', ionFormula: 'FA', centroidMzs: [100, 101, 102, 0] }),
      row({ ion: 'B', ionFormula: 'FB', centroidMzs: [100.0005, 150, 0, 0] }), // M windows overlap (0.0005 < 0.0006)
      row({ ion: 'C', ionFormula: 'FC', centroidMzs: [99, 101.0002, 0, 0] }), // only A's M+1 = C's M+1: one non-principal pair
      row({ ion: 'D', ionFormula: 'FD', centroidMzs: [90, 101.0001, 102.0001, 0] }), // A's M+1 and M+2: two pairs
      row({ ion: 'E', ionFormula: 'FE', centroidMzs: [100.0007, 0, 0, 0] }), // 0.0007 > 0.0006: no overlap with A; with B yes
    ];
    const { isobars } = isomerIsobarCounts(rows, 3);
    // A: B (principal), D (two pairs) → 2; B: A, E → 2; C: none (C's M+1 with A's M+1 single non-principal, with D's
    // M+1 single non-principal); D: A → 1; E: B → 1
    expect(Array.from(isobars)).toEqual([2, 2, 0, 1, 1]);
  });
});
