import { describe, it, expect } from 'vitest';
import { parseAnnotationCsv } from '../../src/core/sim/annotations.ts';
import { computeRecall, parseTruthCsv } from '../../src/core/sim/recall.ts';

// Hand-made truth: 4 planted ions (one m/z list each) and one background peak at 300.1.
const TRUTH = `formula,adduct,ion_formula,mz0,mzs,ints,scale,pattern,pattern_params,n_pixels,total_intensity
C6H12O6,+Na,C6H12O6Na,203.052590,203.052590;204.055996,100;6.6,1000,blob,x,10,1
C5H9NO4,+H,C5H10NO4,148.060434,148.060434;149.063790,100;5.9,1000,ring,x,10,1
C16H32O2,+K,C16H32O2K,295.187780,295.187780;296.191140,100;17.9,1000,blobs,x,10,1
C42H82NO8P,+Na,C42H82NO8PNa,782.566960,782.566960;783.570340,100;47,1000,gradient,x,10,1
,,,300.100000,300.100000,100.000,5000,background,presence=0.9,,
`;

const RESULTS = `formula,chem_mod,neutral_loss,adduct,ion_formula,mz,msm,fdr
C6H12O6,,,+Na,C6H12O6Na,203.05259,0.9,0.05
C5H9NO4,,,+H,C5H10NO4,148.06043,0.8,0.1
C16H32O2,,,+K,C16H32O2K,295.18778,0.5,0.2
C42H82NO8P,,,+Na,C42H82NO8PNa,782.56696,0.1,0.5
C6H13NO5,,,+H,C6H14NO5,180.08665,0.7,0.1
C15H28O3,,,+Na,C15H28O3Na,300.10005,0.6,0.1
C9H8O4,,,+H,C9H9O4,181.04954,0.4,0.2
C6H12O6,,-H2O,+Na,C6H10O5Na,185.04203,0.3,0.2
C6H12O6,,,+K,C6H12O6Na,203.05259,0.3,0.2
`;

describe('recall', () => {
  it('parses the truth (planted rows and background rows)', () => {
    const t = parseTruthCsv(TRUTH);
    expect(t.planted.map((p) => `${p.formula}${p.adduct}`)).toEqual(['C6H12O6+Na', 'C5H9NO4+H', 'C16H32O2+K', 'C42H82NO8P+Na']);
    expect(t.planted[0]!.mzs).toEqual([203.05259, 204.055996]);
    expect(t.backgroundMz).toEqual([300.1]);
  });

  it('counts planted ions found at 10 % and 20 % and classifies the other annotations', () => {
    const r = computeRecall(parseTruthCsv(TRUTH), parseAnnotationCsv(RESULTS, 'results.csv').rows);
    expect(r.nPlanted).toBe(4);
    // 10 %: C6H12O6+Na and C5H9NO4+H found; extra: C6H13NO5+H (no planted peak nearby → false),
    //        C15H28O3+Na at 300.10005 (0.17 ppm from the background peak → background)
    expect(r.levels[0]).toMatchObject({ fdr: 0.1, found: 2, recall: 0.5, alias: 0, overlap: 0, background: 1, false: 1 });
    expect(r.levels[0]!.falseFraction).toBeCloseTo(1 / 4, 12);
    // 20 %: + C16H32O2+K; extra adds C9H8O4+H (false), the water loss of a planted formula (its m/z is no planted
    //        peak → false) and "C6H12O6+K" whose ion formula equals a planted ion's (alias)
    expect(r.levels[1]).toMatchObject({ fdr: 0.2, found: 3, recall: 0.75, alias: 1, overlap: 0, background: 1, false: 3 });
    expect(r.missed.map((m) => m.formula)).toEqual(['C42H82NO8P']);
    expect(r.extra).toHaveLength(5);
    expect(r.extra.find((e) => e.ion === 'C6H12O6-H2O+Na')!.kind).toBe('false');
  });

  it('recognises near-isobars of planted peaks (within ppm + the simulator\'s 4 ppm error) as overlap, not false', () => {
    // 204.05600 is 0.02 ppm from C6H12O6+Na's M+1; 148.06148 is 7.0 ppm above C5H9NO4+H (inside 3 + 4 ppm);
    // 148.06150 is 7.2 ppm above it (outside)
    const rows = parseAnnotationCsv('formula,adduct,mz,fdr\nC7H9NO3,+H,204.05600,0.1\nA,+H,148.06147,0.1\nB,+H,148.06151,0.1\n', 'x.csv').rows;
    const r = computeRecall(parseTruthCsv(TRUTH), rows);
    expect(r.levels[0]).toMatchObject({ found: 0, overlap: 2, background: 0, false: 1 });
    expect(r.extra.map((e) => e.kind)).toEqual(['overlap', 'overlap', 'false']);
    // with no slack only the exact isotope hit counts
    expect(computeRecall(parseTruthCsv(TRUTH), rows, { slackPpm: 0 }).levels[0]).toMatchObject({ overlap: 1, false: 2 });
  });
});
