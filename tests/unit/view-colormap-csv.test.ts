import { describe, expect, it } from 'vitest';
import { applyLut, colormapLut, COLORMAPS, parseColor } from '../../src/core/view/colormap.ts';
import Papa from 'papaparse';
import { resultsCsv, METASPACE_COLUMNS } from '../../src/core/results/csv.ts';
import { parseComparisonCsv } from '../../src/core/view/agreement.ts';
import { DEFAULT_FILTERS, filterRows, sortRows } from '../../src/core/view/table.ts';
import { decodeView, DEFAULT_VIEW, encodeView } from '../../src/core/view/url-state.ts';
import type { AnnotationRow, JobResult } from '../../src/core/job/result.ts';

describe('colormap LUTs', () => {
  it('viridis endpoints are the published #440154 and #fde725', () => {
    const lut = colormapLut('viridis');
    expect(Array.from(lut.slice(0, 4))).toEqual([0x44, 0x01, 0x54, 255]);
    expect(Array.from(lut.slice(255 * 4, 256 * 4))).toEqual([0xfd, 0xe7, 0x25, 255]);
  });
  it('inverted reverses the table; greys and hot run dark → bright', () => {
    const v = colormapLut('viridis');
    const r = colormapLut('viridis', true);
    expect(Array.from(r.slice(0, 4))).toEqual(Array.from(v.slice(255 * 4)));
    expect(Array.from(colormapLut('greys').slice(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(colormapLut('greys').slice(255 * 4, 255 * 4 + 3))).toEqual([255, 255, 255]);
    expect(Array.from(colormapLut('hot').slice(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(colormapLut('hot').slice(255 * 4, 255 * 4 + 3))).toEqual([255, 255, 255]);
    for (const name of COLORMAPS) expect(colormapLut(name).length).toBe(1024);
  });
  it('parses both d3 colour formats and rejects others', () => {
    expect(parseColor('#0a0b0c')).toEqual([10, 11, 12]);
    expect(parseColor('rgb(1, 2, 3)')).toEqual([1, 2, 3]);
    expect(() => parseColor('hsl(1,2,3)')).toThrow(/cannot parse/);
  });
  it('applyLut: NaN transparent, 0 and 1 at the ends', () => {
    const lut = colormapLut('viridis');
    const px = applyLut(new Float32Array([0, 1, NaN]), lut);
    expect(Array.from(px)).toEqual([0x44, 0x01, 0x54, 255, 0xfd, 0xe7, 0x25, 255, 0, 0, 0, 0]);
  });
});

function row(o: Partial<AnnotationRow>): AnnotationRow {
  return {
    formula: 'C6H12O6', chemMod: '', neutralLoss: '', adduct: '+H', ionFormula: 'C6H13O6', ion: 'C6H12O6+H+',
    mz: 181.07, msm: 0.5, fdr: 0.1, fdrRaw: 0.08, chaos: 0.9, spatial: 0.8, spectral: 0.7, mzErrAbs: 0, mzErrRel: 0,
    database: 'HMDB', moleculeIds: ['HMDB1'], moleculeNames: ['glucose'], centroidMzs: [181.07, 182.07, 0, 0],
    centroidInts: [100, 6, 0, 0], totalInt: [10, 1, 0, 0], maxInt: [5, 1, 0, 0], nPx: [2, 1, 0, 0], ...o,
  };
}

describe('table filters and sort', () => {
  const rows = [
    row({ formula: 'A', ion: 'A+H+', msm: 0.9, fdr: 0.05, mz: 100 }),
    row({ formula: 'B', ion: 'B+Na+', adduct: '+Na', msm: 0.3, fdr: 0.2, mz: 200 }),
    row({ formula: 'C', ion: 'C+K+', adduct: '+K', msm: 0.6, fdr: 0.1, mz: 300, database: 'LIPID', moleculeNames: ['cholesterol'] }),
  ];
  it('FDR default 10 % keeps fdr ≤ 0.1', () => {
    expect(filterRows(rows, DEFAULT_FILTERS).map((r) => r.formula)).toEqual(['A', 'C']);
    expect(filterRows(rows, { ...DEFAULT_FILTERS, fdr: 0.2 }).length).toBe(3);
  });
  it('database, adduct, msm, m/z and name search', () => {
    const all = { ...DEFAULT_FILTERS, fdr: 1 };
    expect(filterRows(rows, { ...all, database: 'LIPID' }).map((r) => r.formula)).toEqual(['C']);
    expect(filterRows(rows, { ...all, adduct: '+Na' }).map((r) => r.formula)).toEqual(['B']);
    expect(filterRows(rows, { ...all, minMsm: 0.5 }).map((r) => r.formula)).toEqual(['A', 'C']);
    expect(filterRows(rows, { ...all, mzMin: 150, mzMax: 250 }).map((r) => r.formula)).toEqual(['B']);
    expect(filterRows(rows, { ...all, search: 'CHOLEST' }).map((r) => r.formula)).toEqual(['C']);
  });
  it('sorts by any column, both directions', () => {
    expect(sortRows([...rows], { key: 'msm', desc: true }).map((r) => r.formula)).toEqual(['A', 'C', 'B']);
    expect(sortRows([...rows], { key: 'mz', desc: false }).map((r) => r.formula)).toEqual(['A', 'B', 'C']);
    expect(sortRows([...rows], { key: 'formula', desc: true }).map((r) => r.formula)).toEqual(['C', 'B', 'A']);
  });
});

describe('CSV export', () => {
  const result: JobResult = {
    version: 1, datasetId: 'ds1', datasetName: 'tiny', createdAt: '2026-01-01T00:00:00Z',
    params: { databases: ['HMDB'], adducts: ['+H', '+Na'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.001238, ppm: 3, decoys: 20, analysisVersion: 1 },
    rows: [row({ moleculeNames: ['a, b', 'say "hi"'], moleculeIds: ['H1', 'H2'], mzErrAbs: 0.0001 }), row({ formula: 'C5H9NO4', ion: 'C5H9NO4+H+', mzErrAbs: NaN })],
    stats: { stages: [], ionFormulas: 1, targets: 1, decoys: 20, scored: 1, annotatedAt10: 1, executor: 'x', workers: 1 },
  };

  it('page export: header records parameters and date, then METASPACE columns, then imzlens columns, one line per row', () => {
    const text = resultsCsv(result, result.rows.slice(0, 1), { exportedAt: '2026-02-02T10:00:00Z', filters: 'FDR ≤ 10%' });
    const lines = text.trimEnd().split('\n');
    expect(lines).toContain('# exported: 2026-02-02T10:00:00Z');
    expect(lines).toContain('# rows: 1 of 2');
    expect(lines).toContain('# dataset: tiny (ds1)');
    expect(lines.some((l) => l.includes('isocalc_sigma: 0.001238; ppm: 3; decoys: 20'))).toBe(true);
    expect(lines.some((l) => l.includes('adducts: +H +Na'))).toBe(true);
    const header = lines.findIndex((l) => !l.startsWith('#'));
    expect(lines[header]).toBe(
      'group,datasetName,datasetId,formula,adduct,chemMod,neutralLoss,ion,mz,massError,msm,fdr,rhoSpatial,rhoSpectral,rhoChaos,' +
      'moleculeNames,moleculeIds,minIntensity,maxIntensity,totalIntensity,isomeric_mols_count,isomeric_ions_count,isobaric_ions_count,' +
      'ion_formula,database,fdr_continuous,mz_err_abs,mz_err_rel,mz_err_ppm,molecule_ids,molecule_names,total_iso_ints,max_iso_ints');
    expect(lines.length - header - 1).toBe(1);
    const data = lines[header + 1];
    // massError = mz_err_abs / mz × 1e6 (METASPACE's resolver)
    expect(data.startsWith(`,tiny,,C6H12O6,+H,,,C6H12O6+H+,181.07,${(0.0001 / 181.07) * 1e6},0.5,0.1,0.8,0.7,0.9,`)).toBe(true);
    // max, total; 2 molecules; the other row (C5H9NO4+H, same ion formula C6H13O6 in this fixture) is 1 isomeric ion
    // and, having the same ion formula, no isobar (isomers/isobars: tests/unit/results-isomers.test.ts)
    expect(data).toContain(',5,10,2,1,0,');
    // METASPACE list cells (', ' between items, ', ' inside an item shortened) and RFC 4180 quoting
    expect(data).toContain(',"a,b, say ""hi""",');
    expect(data).toContain(',"a, b|say ""hi""",');
    expect(data).toContain(',C6H13O6,HMDB,0.08,');
    expect(data.endsWith(',10|1|0|0,5|1|0|0')).toBe(true);
  });

  it('CLI results.csv: no comment lines, every row, missing numbers empty; the compare parser reads it back', () => {
    const text = resultsCsv(result);
    expect(text.startsWith('group,datasetName,')).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(parsed.meta.fields!.slice(0, METASPACE_COLUMNS.length)).toEqual([...METASPACE_COLUMNS]);
    expect(parsed.data).toHaveLength(2);
    expect(parsed.data[1]!.mz_err_abs).toBe('');
    expect(parsed.data[1]!.minIntensity).toBe('');
    const t = parseComparisonCsv(text, 'results.csv');
    expect(t.format).toBe('imzlens');
    expect(t.metrics).toEqual(['chaos', 'spatial', 'spectral', 'mz_err_abs', 'mz_err_rel', 'msm']);
    expect(t.rows[0]).toMatchObject({ formula: 'C6H12O6', adduct: '+H', chemMod: '', neutralLoss: '', database: 'HMDB', ionFormula: 'C6H13O6', fdr: 0.1 });
    expect(t.rows[0]!.metrics).toMatchObject({ chaos: 0.9, spatial: 0.8, spectral: 0.7, msm: 0.5, mz_err_abs: 0.0001 });
  });
});

describe('URL state', () => {
  it('round-trips non-default state and falls back on junk', () => {
    const v = { ...DEFAULT_VIEW, dataset: 'd1', job: 'j1', ion: 'C6H12O6+H+|HMDB', cmap: 'magma' as const, inverted: true, scale: 'log' as const,
      filters: { ...DEFAULT_FILTERS, fdr: 0.2, adduct: '+Na', mzMin: 100, search: 'glu' }, sort: { key: 'mz' as const, desc: false } };
    expect(decodeView(encodeView(v))).toEqual(v);
    expect(encodeView(DEFAULT_VIEW)).toBe('');
    const junk = decodeView('fdr=7&cmap=rainbow&scale=sqrt&sort=-nope');
    expect(junk).toEqual(DEFAULT_VIEW);
  });
});
