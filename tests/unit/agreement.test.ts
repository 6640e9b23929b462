// Agreement of a job's rows with a loaded comparison CSV (the page's "Compare with CSV…"): hand-made tables for
// each status, then the real fixture job against METASPACE's own results for it (../shared/fixtures/annotate).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../helpers/shared.ts';
import { loadFixtureJob } from '../helpers/fixture-job.ts';
import { runAnnotation } from '../../src/core/job/pipeline.ts';
import { InlineExecutor } from '../../src/core/job/inline-executor.ts';
import type { AnnotationRow as JobRow, JobResult } from '../../src/core/job/result.ts';
import { AnnotationCsvError } from '../../src/core/sim/annotations.ts';
import {
  agreementOf, agreementSummary, applyAgreement, computeAgreement, filterByAgreement, parseComparisonCsv,
  sortByAgreement, statusText, statusTitle,
} from '../../src/core/view/agreement.ts';

/** A job row with hand-picked values (the rest irrelevant to the comparison). */
function row(formula: string, adduct: string, v: { msm: number; fdr: number; chaos?: number; spatial?: number; spectral?: number; database?: string }): JobRow {
  return {
    formula, chemMod: '', neutralLoss: '', adduct, ionFormula: formula, ion: `${formula}${adduct}+`, mz: 100, msm: v.msm, fdr: v.fdr, fdrRaw: v.fdr,
    chaos: v.chaos ?? 0.99, spatial: v.spatial ?? 0.9, spectral: v.spectral ?? 0.95, mzErrAbs: 0.0001, mzErrRel: 0.00002,
    database: v.database ?? 'db', moleculeIds: [], moleculeNames: [], centroidMzs: [], centroidInts: [], totalInt: [], maxInt: [], nPx: [],
  };
}

const OURS: JobRow[] = [
  row('C6H12O6', '+Na', { msm: 0.7524, fdr: 0.05 }),
  row('C5H9NO4', '+H', { msm: 0.441, fdr: 0.1, spatial: 0.5 }),
  row('C16H32O2', '+K', { msm: 0.2328, fdr: 0.2 }),
  row('C3H7NO2', '+H', { msm: 0.1, fdr: 0.5 }),
];

// a sci-test style reference: C6H12O6+Na equal; C5H9NO4+H spatial 1e-4 off; C16H32O2+K one FDR level off;
// C3H7NO2+H missing; C42H82NO8P+Na only in the file
const REF = `formula,adduct,chaos,spatial,spectral,mz_err_abs,mz_err_rel,msm,fdr
C6H12O6,+Na,0.99,0.9,0.95,0.0001,0.00002,0.75240,0.05
C5H9NO4,+H,0.99,0.50005,0.95,0.0001,0.00002,0.441,0.1
C16H32O2,+K,0.99,0.9,0.95,0.0001,0.00002,0.2328,0.1
C42H82NO8P,+Na,0.96,0.1,0.7,0.0003,0.00004,0.0672,0.5
`;

describe('computeAgreement on hand-made tables', () => {
  const a = computeAgreement(OURS, parseComparisonCsv(REF, 'ref.csv'));
  const of = (i: number) => agreementOf(a, OURS[i]!)!;

  it('marks agree, metric differs, level differs and only here', () => {
    expect(of(0).status).toBe('agree');
    expect(of(1).status).toBe('differ');
    expect(of(1).diffs).toEqual([{ field: 'spatial', ours: 0.5, theirs: 0.50005, rel: expect.closeTo(5e-5 / 0.50005, 12) }]);
    expect(of(2).status).toBe('differ');
    expect(of(2).diffs).toEqual([{ field: 'fdr', ours: 0.2, theirs: 0.1, rel: NaN }]);
    expect(of(3).status).toBe('only-here');
    expect(a.counts).toEqual({ agree: 1, differ: 2, onlyHere: 1, onlyThere: 1 });
    expect(a.onlyThere).toEqual([{ ion: 'C42H82NO8P+Na', fdr: 0.5, msm: 0.0672, mz: NaN, line: 5 }]);
  });

  it('explains each status in the cell and its tooltip', () => {
    expect(statusText(of(0))).toBe('✓');
    expect(statusText(of(1))).toBe('≠ spatial');
    expect(statusText(of(2))).toBe('≠ FDR');
    expect(statusText(of(3))).toBe('only here');
    expect(statusTitle(a, of(1), OURS[1]!)).toBe('differs from ref.csv line 3:\nspatial: 0.5 here vs 0.50005 in ref.csv (rel. diff 1.0e-4)');
    expect(statusTitle(a, of(2), OURS[2]!)).toContain('FDR: 20 % here vs 10 % in ref.csv');
    expect(statusTitle(a, of(3), OURS[3]!)).toBe('not in ref.csv (it lists ions up to FDR 50 %)');
  });

  it('drift inside rtol 1e-5 agrees; just outside differs', () => {
    const inside = REF.replace('0.75240,0.05', String(0.7524 * (1 + 9e-6)) + ',0.05');
    const outside = REF.replace('0.75240,0.05', String(0.7524 * (1 + 2e-5)) + ',0.05');
    expect(agreementOf(computeAgreement(OURS, parseComparisonCsv(inside, 'x')), OURS[0]!)!.status).toBe('agree');
    const d = agreementOf(computeAgreement(OURS, parseComparisonCsv(outside, 'x')), OURS[0]!)!;
    expect(d.status).toBe('differ');
    expect(d.diffs.map((x) => x.field)).toEqual(['msm']);
  });

  it('summarises with the overlap at an FDR level and the pass/fail of `imzlens compare`', () => {
    // at 10 %: ours {C6H12O6, C5H9NO4}, theirs {C6H12O6, C5H9NO4, C16H32O2} → 2 of 3
    expect(agreementSummary(a)).toBe('METASPACE export ref.csv: 1 agree, 2 differ, 1 only here, 1 only in ref.csv (FDR ≤ 10 %: overlap 2/3)');
    expect(agreementSummary(a, 0.5)).toMatch(/FDR ≤ 50 %: overlap 3\/5\)$/);
    // spatial beyond rtol fails the comparison, as `imzlens compare` would
    expect(a.report.pass).toBe(false);
    const fixed = computeAgreement(OURS, parseComparisonCsv(REF.replace('0.50005', '0.5'), 'ref.csv'));
    expect(fixed.counts.differ).toBe(1); // FDR one level off: marked, but within the compare rule
    expect(fixed.report.pass).toBe(true);
  });

  it('repeated ions in the file: first row used, a warning names the lines', () => {
    const dup = `${REF}C6H12O6,+Na,0.5,0.5,0.5,0,0,0.1,0.5\n`;
    const d = computeAgreement(OURS, parseComparisonCsv(dup, 'dup.csv'));
    expect(d.warnings).toEqual(['dup.csv line 6: ion C6H12O6+Na repeats line 2; line 2 is used']);
    expect(agreementOf(d, OURS[0]!)!.status).toBe('agree');
    expect(d.counts.onlyThere).toBe(1);
  });

  it('filters and sorts rows by status', () => {
    expect(filterByAgreement(OURS, a, 'differ').map((r) => r.formula)).toEqual(['C5H9NO4', 'C16H32O2']);
    expect(filterByAgreement(OURS, a, 'not-agree')).toHaveLength(3);
    expect(filterByAgreement(OURS, a, 'agree').map((r) => r.formula)).toEqual(['C6H12O6']);
    expect(sortByAgreement(OURS, a, false).map((r) => r.formula)).toEqual(['C5H9NO4', 'C16H32O2', 'C3H7NO2', 'C6H12O6']);
    expect(sortByAgreement(OURS, a, true).map((r) => r.formula)).toEqual(['C6H12O6', 'C3H7NO2', 'C5H9NO4', 'C16H32O2']);
    expect(applyAgreement(OURS, null, { show: 'differ', sort: true })).toBe(OURS);
  });

  it('reads METASPACE website exports (comment lines, rhoChaos) and imzlens page exports', () => {
    const web = `# Generated at 2026-01-01. For help see https://metaspace2020.eu\n# URL: https://metaspace2020.eu/annotations\n` +
      `"group","datasetName","datasetId","formula","adduct","ion","mz","msm","fdr","rhoSpatial","rhoSpectral","rhoChaos","moleculeNames"\n` +
      `"lab","ds","2026-01-01_00h00m00s","C6H12O6","+Na","C6H12O6+Na+",203.05,0.7524,0.05,0.9,0.95,0.99,"glucose"\n`;
    const t = parseComparisonCsv(web, 'metaspace_annotations.csv');
    expect(t.metrics).toEqual(['chaos', 'spatial', 'spectral', 'msm']);
    const w = computeAgreement(OURS, t);
    expect(agreementOf(w, OURS[0]!)!.status).toBe('agree');
    expect(w.counts).toEqual({ agree: 1, differ: 0, onlyHere: 3, onlyThere: 0 });
    expect(statusTitle(w, agreementOf(w, OURS[3]!), OURS[3]!)).toBe('not in metaspace_annotations.csv (it lists ions up to FDR 5 %)');
    // a chaos that differs in rhoChaos is caught (the column is read)
    const w2 = computeAgreement(OURS, parseComparisonCsv(web.replace(',0.99,"glucose"', ',0.5,"glucose"'), 'm.csv'));
    expect(agreementOf(w2, OURS[0]!)!.diffs.map((d) => d.field)).toEqual(['chaos']);
  });

  it('tells an imzlens results.csv or page export from a METASPACE file', () => {
    const cli = 'formula,chem_mod,neutral_loss,adduct,ion,ion_formula,mz,msm,fdr,chaos,spatial,spectral,database,molecule_ids,molecule_names,mz_err_abs,mz_err_rel,fdr_continuous\n' +
      'C6H12O6,,,+Na,C6H12O6+Na+,C6H12O6Na,203.05,0.7524,0.05,0.99,0.9,0.95,db,i,n,0.0001,0.00002,0.01\n';
    const c = computeAgreement(OURS, parseComparisonCsv(cli, 'results.csv'));
    expect(c.format).toBe('imzlens');
    expect(agreementOf(c, OURS[0]!)!.status).toBe('agree');
    expect(agreementSummary(c)).toMatch(/^imzlens results results\.csv: 1 agree/);
    const page = '# imzlens annotations (METASPACE analysis_version 1)\n# rows: 1 of 1\n' +
      'formula,adduct,chemMod,neutralLoss,ion,ionFormula,mz,msm,fdr,fdrRaw,rhoSpatial,rhoSpectral,rhoChaos,mzErrPpm,mzErrAbs,mzErrRel,database\n' +
      'C6H12O6,+Na,,,C6H12O6+Na+,C6H12O6Na,203.05,0.7524,0.05,0.01,0.9,0.95,0.99,0.5,0.0001,0.00002,db\n';
    const p = computeAgreement(OURS, parseComparisonCsv(page, 'page.csv'));
    expect(p.format).toBe('imzlens');
    expect(p.metrics).toEqual(['chaos', 'spatial', 'spectral', 'mz_err_abs', 'mz_err_rel', 'msm']);
    expect(agreementOf(p, OURS[0]!)!.status).toBe('agree');
  });

  it('several databases: compares the chosen one; asks to choose when it cannot tell', () => {
    const two = [...OURS, row('C6H12O6', '+Na', { msm: 0.1, fdr: 0.5, database: 'other' })];
    const t = parseComparisonCsv(REF, 'ref.csv');
    expect(() => computeAgreement(two, t)).toThrow(/2 databases \(db, other\): choose one in the Database filter/);
    const d = computeAgreement(two, t, { database: 'db' });
    expect(d.counts.agree).toBe(1);
    expect(agreementOf(d, two[4]!)).toBeNull();
    expect(statusTitle(d, null, two[4]!)).toBe('database other was not compared with ref.csv');
    expect(filterByAgreement(two, d, 'all')).toHaveLength(5);
    // an imzlens results.csv names its database: that one is picked (file names match without the extension)
    const withDb = 'formula,adduct,msm,fdr,database\nC6H12O6,+Na,0.1,0.5,other.csv\n';
    const e = computeAgreement(two, parseComparisonCsv(withDb, 'r.csv'));
    expect(e.format).toBe('metaspace');
    expect(e.database).toBe('other');
    expect(agreementOf(e, two[4]!)!.status).toBe('agree');
  });

  it('bad files: the message names the file, the line and what was expected', () => {
    expect(() => parseComparisonCsv('formula,adduct,msm\nC,+H,1\n', 'x.csv')).toThrow(/^x\.csv: no 'fdr' column \(found: formula, adduct, msm\); expected/);
    expect(() => parseComparisonCsv('formula,adduct,fdr\nC6H12O6,+H,0.1\nC5,+H,high\n', 'x.csv')).toThrow(/^x\.csv line 3: fdr 'high' is not a number within 0\.\.1/);
    expect(() => parseComparisonCsv('# only a comment\nformula,adduct,fdr\n', 'empty.csv')).toThrow(/^empty\.csv: no annotation rows below the header/);
    expect(() => parseComparisonCsv('\u0089PNG\r\n\u001a\n\u0000\u0000', 'image.png')).toThrow(AnnotationCsvError);
  });
});

describe('the fixture job against METASPACE\'s results for it', () => {
  let result: JobResult;
  beforeAll(async () => {
    const { ds, db, params } = await loadFixtureJob();
    result = await runAnnotation({ store: ds.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor: new InlineExecutor(ds.store) });
  }, 300_000);

  it('every ion of results_ref.csv agrees; the comparison passes', () => {
    const refText = readFileSync(sharedPath('fixtures/annotate/results_ref.csv'), 'utf8');
    const ref = parseComparisonCsv(refText, 'results_ref.csv');
    const a = computeAgreement(result.rows, ref);
    const bad = result.rows.filter((r) => agreementOf(a, r)?.status !== 'agree').map((r) => statusTitle(a, agreementOf(a, r), r));
    expect(bad).toEqual([]);
    expect(a.counts).toEqual({ agree: ref.rows.length, differ: 0, onlyHere: 0, onlyThere: 0 });
    expect(a.metrics).toEqual(['chaos', 'spatial', 'spectral', 'mz_err_abs', 'mz_err_rel', 'msm']);
    expect(a.report.pass).toBe(true);
    expect(agreementSummary(a)).toBe(`METASPACE export results_ref.csv: ${ref.rows.length} agree, 0 differ, 0 only here, 0 only in results_ref.csv (FDR ≤ 10 %: overlap ${ref.rows.length}/${ref.rows.length})`);

    // one msm changed by 1e-4 (relative) and one row removed → exactly 1 differs, 1 only here
    const lines = refText.trim().split('\n');
    const head = lines[0]!.split(',');
    const iMsm = head.indexOf('msm');
    const cells = lines[1]!.split(',');
    cells[iMsm] = String(Number(cells[iMsm]) * (1 + 1e-4));
    const edited = [lines[0], cells.join(','), ...lines.slice(3)].join('\n');
    const b = computeAgreement(result.rows, parseComparisonCsv(edited, 'edited.csv'));
    expect(b.counts).toEqual({ agree: ref.rows.length - 2, differ: 1, onlyHere: 1, onlyThere: 0 });
    expect(b.report.pass).toBe(false);
  });
});
