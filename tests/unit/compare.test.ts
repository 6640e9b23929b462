import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAnnotationCsv } from '../../src/core/sim/annotations.ts';
import { compareAnnotations, fdrLevel, isClose, formatCompareReport } from '../../src/core/sim/compare.ts';
import { run } from '../../src/cli/compare.ts';

// A METASPACE sci-test style reference (hand-made values).
const REF = `formula,adduct,chaos,spatial,spectral,mz_err_abs,mz_err_rel,msm,fdr
C6H12O6,+Na,0.99,0.8,0.95,0.0001,-0.00002,0.75240,0.05
C5H9NO4,+H,0.98,0.5,0.9,0.0002,0.00001,0.441,0.1
C16H32O2,+K,0.97,0.3,0.8,-0.0001,0.00003,0.23280,0.2
C42H82NO8P,+Na,0.96,0.1,0.7,0.0003,0.00004,0.06720,0.5
`;

/** An imzlens results.csv with the same ions, with values changed by `edit`. */
function imzlens(edit: (row: Record<string, string>) => void = () => {}, extra = ''): string {
  const ref = parseAnnotationCsv(REF, 'ref');
  const cols = ['formula', 'chem_mod', 'neutral_loss', 'adduct', 'ion', 'ion_formula', 'mz', 'msm', 'fdr', 'chaos', 'spatial', 'spectral', 'database', 'molecule_ids', 'molecule_names', 'mz_err_abs', 'mz_err_rel', 'fdr_continuous'];
  const lines = [cols.join(',')];
  const raw = REF.trim().split('\n').slice(1).map((l) => l.split(','));
  raw.forEach((v, i) => {
    const row: Record<string, string> = {
      formula: v[0]!, chem_mod: '', neutral_loss: '', adduct: v[1]!, ion: `${v[0]}${v[1]}+`, ion_formula: 'X', mz: '100',
      chaos: v[2]!, spatial: v[3]!, spectral: v[4]!, mz_err_abs: v[5]!, mz_err_rel: v[6]!, msm: v[7]!, fdr: v[8]!,
      database: 'db.csv', molecule_ids: 'id', molecule_names: 'name', fdr_continuous: '',
    };
    expect(ref.rows[i]!.formula).toBe(row.formula);
    edit(row);
    if (row.formula) lines.push(cols.map((c) => row[c] ?? '').join(','));
  });
  return `${lines.join('\n')}\n${extra}`;
}

const cmp = (a: string, b = REF, opts = {}) => compareAnnotations(parseAnnotationCsv(a, 'a.csv'), parseAnnotationCsv(b, 'b.csv'), opts);

describe('fdr levels and tolerance', () => {
  it('digitises FDR like METASPACE levels; absent or > 0.5 = not annotated', () => {
    expect([0.05, 0.1, 0.2, 0.5, 1].map(fdrLevel)).toEqual([0, 1, 2, 3, 4]);
    expect([0.025, 0.0558, 0.139583, 0.36].map(fdrLevel)).toEqual([0, 1, 2, 3]);
    expect(fdrLevel(undefined)).toBe(4);
  });
  it('isClose is numpy.isclose(a, b) with b the reference', () => {
    expect(isClose(1.00001, 1)).toBe(true); // |Δ| = 1e-5 ≤ 1e-8 + 1e-5
    expect(isClose(1.0000102, 1)).toBe(false);
    expect(isClose(5e-9, 0)).toBe(true); // atol
    expect(isClose(2e-8, 0)).toBe(false);
    expect(isClose(NaN, NaN)).toBe(true);
    expect(isClose(NaN, 1)).toBe(false);
  });
});

describe('compareAnnotations', () => {
  it('passes an imzlens run equal to the METASPACE report, with drift inside rtol', () => {
    const r = cmp(imzlens((row) => { if (row.formula === 'C5H9NO4') row.spatial = String(0.5 * (1 + 5e-6)); }));
    expect(r.pass).toBe(true);
    expect(r.a.format).toBe('imzlens');
    expect(r.b.format).toBe('metaspace');
    expect(r.levels.map((l) => [l.nA, l.nB, l.both])).toEqual([[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]]);
    const spatial = r.metrics.find((m) => m.metric === 'spatial')!;
    expect(spatial.compared).toBe(4);
    expect(spatial.maxRel).toBeCloseTo(5e-6, 9);
    expect(spatial.nFail).toBe(0);
    expect(formatCompareReport(r)).toContain('PASS');
  });

  it('fails on metric drift beyond rtol 1e-5 and names the metric and ion', () => {
    const r = cmp(imzlens((row) => { if (row.formula === 'C16H32O2') row.msm = String(0.2328 * (1 + 3e-5)); }));
    expect(r.pass).toBe(false);
    const msm = r.metrics.find((m) => m.metric === 'msm')!;
    expect(msm.nFail).toBe(1);
    expect(msm.worst!.ion).toBe('C16H32O2+K');
    expect(msm.maxRel).toBeCloseTo(3e-5, 8);
    expect(r.failures.join('\n')).toMatch(/msm: 1 of 4 ions/);
  });

  it('accepts FDR one level off but fails two levels off', () => {
    expect(cmp(imzlens((row) => { if (row.formula === 'C6H12O6') row.fdr = '0.1'; })).pass).toBe(true);
    const r = cmp(imzlens((row) => { if (row.formula === 'C6H12O6') row.fdr = '0.2'; }));
    expect(r.pass).toBe(false);
    expect(r.fdr).toMatchObject({ compared: 4, sameLevel: 3, oneLevel: 0, beyond: 1 });
    expect(r.failures.join('\n')).toMatch(/C6H12O6\+Na 0\.2 vs 0\.05/);
    // the overlap table sees the move: at 5 % only B has it
    expect(r.levels[0]).toMatchObject({ nA: 0, nB: 1, both: 0, onlyB: 1 });
  });

  it('reports ions only on one side; an absent ion counts as "not annotated" (one step past 50 %)', () => {
    // missing an FDR-50 % ion: one level → passes, but listed
    const r1 = cmp(imzlens((row) => { if (row.formula === 'C42H82NO8P') row.formula = ''; }));
    expect(r1.onlyB).toEqual([{ ion: 'C42H82NO8P+Na', fdr: 0.5 }]);
    expect(r1.pass).toBe(true);
    expect(cmp(imzlens((row) => { if (row.formula === 'C42H82NO8P') row.formula = ''; }), REF, { strict: true }).pass).toBe(false);
    // missing an FDR-10 % ion fails; an extra ion at 20 % fails too
    const r2 = cmp(imzlens((row) => { if (row.formula === 'C5H9NO4') row.formula = ''; }));
    expect(r2.pass).toBe(false);
    expect(r2.onlyB.map((o) => o.ion)).toEqual(['C5H9NO4+H']);
    const r3 = cmp(imzlens(undefined, 'C3H7NO2,,,+H,x,x,90,0.3,0.2,0.9,0.5,0.7,db.csv,i,n,0,0,\n'));
    expect(r3.onlyA).toEqual([{ ion: 'C3H7NO2+H', fdr: 0.2 }]);
    expect(r3.pass).toBe(false);
  });

  it('needs --database when a results file holds several databases, and rejects duplicate ions', () => {
    const two = imzlens(undefined, 'C3H7NO2,,,+H,x,x,90,0.3,0.2,0.9,0.5,0.7,other.csv,i,n,0,0,\n');
    expect(() => cmp(two)).toThrow(/several databases.*--database/);
    expect(cmp(two, REF, { database: 'db.csv' }).pass).toBe(true);
    expect(() => cmp(REF + 'C6H12O6,+Na,0.99,0.8,0.95,0.0001,-0.00002,0.7524,0.05\n')).toThrow(/a\.csv line 6: ion C6H12O6\+Na already appears on line 2/);
  });

  it('reads METASPACE client exports (comment lines, moc/rhoSpatial/rhoSpectral names)', () => {
    const exp = `# Generated by METASPACE\n# https://metaspace2020.eu\nformula,adduct,moc,rhoSpatial,rhoSpectral,msm,fdr,mz\n` +
      `C6H12O6,+Na,0.99,0.8,0.95,0.7524,0.05,203.05\nC5H9NO4,+H,0.98,0.5,0.9,0.441,0.1,148.06\n`;
    const t = parseAnnotationCsv(exp, 'export.csv');
    expect(t.metrics).toEqual(['chaos', 'spatial', 'spectral', 'msm']);
    expect(t.rows[1]).toMatchObject({ formula: 'C5H9NO4', adduct: '+H', fdr: 0.1, mz: 148.06, line: 5 });
    const r = compareAnnotations(t, parseAnnotationCsv(REF, 'ref'));
    expect(r.metrics.map((m) => m.metric)).toEqual(['chaos', 'spatial', 'spectral', 'msm']);
    expect(r.failures.some((f) => /mz_err_abs: not compared/.test(f))).toBe(true);
  });

  it('names the file and row of malformed input', () => {
    expect(() => parseAnnotationCsv('formula,adduct,msm\nC,+H,1\n', 'x.csv')).toThrow(/x\.csv: no 'fdr' column/);
    expect(() => parseAnnotationCsv('formula,adduct,fdr\nC,+H,abc\n', 'x.csv')).toThrow(/x\.csv line 2: fdr 'abc'/);
  });
});

describe('imzlens compare CLI', () => {
  it('exits 0 on pass and 1 on fail, with JSON output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imzlens-compare-'));
    const ref = join(dir, 'ref.csv');
    const good = join(dir, 'good.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(ref, REF);
    writeFileSync(good, imzlens());
    writeFileSync(bad, imzlens((row) => { if (row.formula === 'C6H12O6') row.chaos = '0.5'; }));
    const write = process.stdout.write.bind(process.stdout);
    let out = '';
    process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
    try {
      expect(await run([good, ref])).toBe(0);
      expect(await run([bad, ref, '--json'])).toBe(1);
    } finally {
      process.stdout.write = write;
    }
    const json = JSON.parse(out.slice(out.indexOf('{\n')));
    expect(json.pass).toBe(false);
    expect(json.metrics.find((m: { metric: string }) => m.metric === 'chaos').nFail).toBe(1);
  });
});
