// The benchmark's own tools: SVG chart generator (ticks, scales, escaping), power-law fit, the stratified
// nested formula sample of the `large` scenario, argument parsing and the multi-database recall merge.
import { describe, expect, it } from 'vitest';
import { lineChart, logTicks, linearTicks, compact } from '../../bench/lib/svg-chart.ts';
import { powerFit, median } from '../../bench/lib/util.ts';
import { sampleFormulas, approxMass, lithopsCsv } from '../../bench/lib/sample-db.ts';
import { option, scenarioNames } from '../../bench/run.ts';
import { recallOf } from '../../bench/lib/annotate-cli.ts';
import { chartSeries, scalingMarkdown } from '../../bench/chart.ts';
import type { BenchRow } from '../../bench/lib/rows.ts';

describe('svg chart', () => {
  it('ticks: log axes at 1-2-5 steps for short spans, decades for long ones; linear at round steps', () => {
    expect(logTicks(10, 1000)).toEqual([10, 20, 50, 100, 200, 500, 1000]);
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6]);
    expect(linearTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(compact(1500)).toBe('1.5k');
    expect(compact(2e6)).toBe('2M');
    expect(compact(0.05)).toBe('0.05');
  });

  it('maps points onto the plot area (log-log: the data span fills it) and escapes text', () => {
    const svg = lineChart({
      title: 'a < b & c', xLabel: 'x', yLabel: 'y', logX: true, logY: true, width: 700, height: 400,
      series: [{ name: 's1', points: [{ x: 1000, y: 100 }, { x: 10, y: 1 }] }, { name: 'lone', points: [{ x: 100, y: 10 }] }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(svg).not.toContain('a < b');
    // one polyline (the single-point series has none), sorted by x: left-bottom corner to right-top corner
    const lines = [...svg.matchAll(/<polyline[^>]* points="([^"]+)"/g)].map((m) => m[1]);
    expect(lines).toHaveLength(1);
    const pts = lines[0]!.split(' ').map((p) => p.split(',').map(Number));
    // margins: left 70, right 250, top 42, bottom 56 → plot x 70..450, y 42..344
    expect(pts[0]).toEqual([70, 344]);
    expect(pts[1]).toEqual([450, 42]);
    // the lone point sits in the middle of both decades-spans
    expect(svg).toContain('<circle cx="260.0" cy="193.0"');
    // legend entries
    expect(svg).toContain('>s1</text>');
    expect(svg).toContain('>lone</text>');
  });
});

describe('power fit and median', () => {
  it('recovers y = 3·x^1.5 exactly and ignores non-positive points', () => {
    const pts = [1, 2, 5, 10, 40].map((x) => ({ x, y: 3 * x ** 1.5 }));
    const f = powerFit([...pts, { x: 0, y: 1 }, { x: 3, y: NaN }]);
    expect(f.n).toBe(5);
    expect(f.exponent).toBeCloseTo(1.5, 12);
    expect(f.coefficient).toBeCloseTo(3, 10);
    expect(Number.isNaN(powerFit([{ x: 2, y: 1 }]).exponent)).toBe(true);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('formula sample of the large scenario', () => {
  // C1H4 … C1000H2002: mass grows with n, database order reversed so that order and mass rank differ
  const formulas = Array.from({ length: 1000 }, (_, i) => `C${1000 - i}H${2 * (1000 - i) + 2}`);

  it('monoisotopic mass by hand: H2O = 2·1.00782503 + 15.99491462', () => {
    expect(approxMass('H2O')).toBeCloseTo(18.0105647, 6);
    expect(Number.isNaN(approxMass('not a formula'))).toBe(true);
  });

  it('is nested, about F·n in size, keeps database order, and spreads over the mass range', () => {
    const a = sampleFormulas(formulas, 0.01);
    const b = sampleFormulas(formulas, 0.02);
    expect(a.length).toBeGreaterThanOrEqual(9);
    expect(a.length).toBeLessThanOrEqual(11);
    expect(b.length).toBeGreaterThanOrEqual(19);
    expect(b.length).toBeLessThanOrEqual(21);
    for (const f of a) expect(b).toContain(f);
    const idx = b.map((f) => formulas.indexOf(f));
    expect([...idx].sort((x, y) => x - y)).toEqual(idx);
    // mass ranks = 1000 − index − 1: gaps between kept ranks stay within 2.5/F (golden-ratio three-gap bound)
    const ranks = idx.map((i) => 999 - i).sort((x, y) => x - y);
    for (let k = 1; k < ranks.length; k++) expect(ranks[k]! - ranks[k - 1]!).toBeLessThanOrEqual(125);
    expect(ranks[0]!).toBeLessThan(125);
    expect(ranks[ranks.length - 1]!).toBeGreaterThan(1000 - 125);
    expect(sampleFormulas(formulas, 1)).toEqual(formulas);
    expect(() => sampleFormulas(formulas, 0)).toThrow(/fraction/);
    expect(lithopsCsv(['H2O', 'CO2'])).toBe(',sf\n0,H2O\n1,CO2\n');
  });
});

describe('bench arguments', () => {
  it('does not read option values as scenario names', () => {
    const args = ['large', '--sample', '0.02', '--quick', 'typical', '--runs=5'];
    expect(scenarioNames(args)).toEqual(['large', 'typical']);
    expect(option(args, '--sample')).toBe('0.02');
    expect(option(args, '--runs')).toBe('5');
    expect(option(args, '--missing')).toBeUndefined();
  });
});

describe('recall over several databases', () => {
  const truth = `formula,adduct,ion_formula,mz0,mzs,ints,scale,pattern,pattern_params,n_pixels,total_intensity
C6H12O6,+Na,C6H12NaO6,203.0526,203.0526;204.0559,100;6.5,1000,blob,,10,1
C5H5N5,+H,C5H6N5,136.0618,136.0618,100,1000,blob,,10,1
,,,300.1,300.1,,,background,,,
`;
  const results = `formula,chem_mod,neutral_loss,adduct,ion_formula,mz,msm,fdr,database
C6H12O6,,,+Na,C6H12NaO6,203.0526,0.9,0.2,HMDB
C6H12O6,,,+Na,C6H12NaO6,203.0526,0.9,0.05,ChEBI
C9H9,,,+K,C9H9K,400.5,0.5,0.1,HMDB
C9H9,,,+K,C9H9K,400.5,0.5,0.1,ChEBI
C7H7,,,+H,C7H8,300.1,0.4,0.2,HMDB
`;
  it('counts an ion annotated in two databases once, at its best FDR', () => {
    const r = recallOf(results, truth);
    expect(r.planted).toBe(2);
    const [l10, l20] = r.levels;
    expect(l10).toMatchObject({ fdr: 0.1, found: 1, recall: 0.5, annotated: 2, false: 1, background: 0 });
    expect(l20).toMatchObject({ fdr: 0.2, found: 1, annotated: 3, false: 1, background: 1 });
  });
});

describe('chart series from rows', () => {
  const row = (o: Partial<BenchRow>): BenchRow => ({
    scenario: 'typical', dataset: '10k', pixels: 10_000, peaks: 11_000_000, db: 'HMDB (mol_db1)', ionFormulas: 500_000, scored: 400_000,
    workers: 2, runs: 3, cache: 'cached', totalMs: 10_000, processMs: 11_000, cpuMs: 15_000, peakRssMB: 500, recall: null, load: [1],
    stages: { ingest: 0, ions: 2000, centroids: 500, plan: 100, score: 7000, fdr: 10 }, ...o,
  });
  it('time against pixels uses the HMDB cached rows; exponents come out of the points', () => {
    const rows = [
      row({}), row({ pixels: 40_000, peaks: 44e6, totalMs: 40_000, stages: { ingest: 0, ions: 2000, centroids: 500, plan: 100, score: 28_000, fdr: 10 } }),
      row({ cache: 'cold (dataset + centroids)', stages: { ingest: 3000, ions: 2000, centroids: 20_000, plan: 100, score: 7000, fdr: 10 } }),
      row({ db: 'small (mol_db5)', ionFormulas: 20_000, totalMs: 1000, stages: { ingest: 0, ions: 100, centroids: 10, plan: 10, score: 700, fdr: 1 } }),
    ];
    const s = chartSeries(rows);
    const total2 = s.pixels.find((x) => x.name === 'total, 2 workers')!;
    expect(total2.points).toEqual([{ x: 10_000, y: 10 }, { x: 40_000, y: 40 }]);
    expect(s.pixels.find((x) => x.name.startsWith('ingest'))!.points).toEqual([{ x: 10_000, y: 3 }]);
    const score2 = s.ions.find((x) => x.name === 'score, 2 workers')!;
    expect(score2.points).toEqual([{ x: 500_000, y: 7 }, { x: 20_000, y: 0.7 }]);
    expect(s.ions.find((x) => x.name.startsWith('centroids'))!.points).toEqual([{ x: 500_000, y: 20 }]);
    const md = scalingMarkdown(s);
    expect(md).toContain('| pixels | total, 2 workers | 2 | 1.00 |');
  });
});
