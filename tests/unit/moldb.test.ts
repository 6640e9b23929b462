import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MolDbError, parseMolDb, type MolDb } from '../../src/core/chem/moldb.ts';
import { sharedPath } from '../helpers/shared.ts';

const enc = new TextEncoder();
const load = (...p: string[]) => parseMolDb(readFileSync(sharedPath('data', ...p)), p.at(-1)!);
const parseText = (text: string, opts?: Parameters<typeof parseMolDb>[2]) => parseMolDb(enc.encode(text), 'test.csv', opts);

/** The MolDbError thrown by `fn` (fails the test if none). */
function errorOf(fn: () => unknown): MolDbError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MolDbError);
    return e as MolDbError;
  }
  throw new Error('expected a MolDbError');
}

/** Distinct formulas in first-appearance order, computed independently with a plain split. */
function distinctFromLines(lines: string[], col: number, sep: string): string[] {
  const seen = new Set<string>();
  for (const l of lines) seen.add(l.split(sep)[col]!);
  return [...seen];
}

function checkShape(db: MolDb) {
  const n = db.molecules.ids.length;
  expect(db.molecules.names).toHaveLength(n);
  expect(db.molecules.formulaIndex).toHaveLength(n);
  expect(new Set(db.formulas).size).toBe(db.formulas.length);
  expect(Math.max(...db.molecules.formulaIndex)).toBe(db.formulas.length - 1);
}

describe('real databases in ../shared/data', () => {
  it('Lithops ,sf CSV (HMDB mol_db1): 11,592 formulas in file order', () => {
    const db = load('lithops_metaspace', 'mol_db1.csv');
    const lines = readFileSync(sharedPath('data/lithops_metaspace/mol_db1.csv'), 'utf8').split('\n').slice(1).filter((l) => l);
    expect(db.format).toBe('lithops-csv');
    expect(db.formulas).toHaveLength(11592);
    expect(db.formulas).toEqual(distinctFromLines(lines, 1, ','));
    expect(db.molecules.ids.slice(0, 2)).toEqual(['0', '1']);
    expect(db.warnings).toEqual([]);
    checkShape(db);
  });

  it('Lithops mol_db5 with salts and an explicit count of 1', () => {
    const db = load('lithops_metaspace', 'mol_db5.csv');
    expect(db.formulas).toHaveLength(388);
    expect(db.targeted).toBe(true);
    expect(load('lithops_metaspace', 'mol_db1.csv').targeted).toBe(false);
    expect(db.formulas[1]).toBe('C14H10K2O8');
  });

  it('CoreMetabolome v3: quoted InChI, ids and names kept, duplicate ids warned and kept', () => {
    const db = load('metaspace', 'recal_dbs', 'CoreMetabolome-v3.csv');
    expect(db.format).toBe('coremetabolome-csv');
    expect(db.molecules.ids).toHaveLength(11363);
    expect(db.formulas).toHaveLength(2386);
    expect(db.molecules.ids[0]).toBe('HMDB0240254');
    expect(db.molecules.names[0]).toBe('Creatine riboside');
    expect(db.formulas[0]).toBe('C9H17N3O6');
    expect(db.molecules.names[1]).toBe('N-Acetyltaurine');
    // File rows 9899/9900 repeat HMDB0004029 (same molecule twice).
    expect(db.warnings.some((w) => /row 9900: id 'HMDB0004029' already used in row 9899/.test(w))).toBe(true);
    expect(db.warnings.filter((w) => /already used/.test(w))).toHaveLength(3);
    expect(db.molecules.ids[9897]).toBe('HMDB0004029');
    expect(db.molecules.ids[9898]).toBe('HMDB0004029');
    checkShape(db);
  });

  it('LIPID MAPS 2017 TSV (id, formula, name order)', () => {
    const db = load('metaspace', 'recal_dbs', 'lipidmaps_2017-12-12-v2.tsv');
    expect(db.format).toBe('metaspace-tsv');
    expect(db.molecules.ids).toHaveLength(42021);
    expect(db.molecules.ids[1]).toBe('LMFA00000002');
    expect(db.molecules.names[1]).toBe('Serratamic acid');
    expect(db.formulas[db.molecules.formulaIndex[1]!]).toBe('C13H25NO5');
    checkShape(db);
  });

  it('old pySM HMDB export: CR-only line endings and windows-1252 bytes', () => {
    const db = load('pysm', 'hmdb_organic_database.csv');
    expect(db.format).toBe('pysm-hmdb-csv');
    expect(db.molecules.ids).toHaveLength(41343);
    expect(db.molecules.ids[0]).toBe('HMDB05176');
    expect(db.formulas[0]).toBe('C100H164O');
    expect(db.warnings.join('\n')).toMatch(/not valid UTF-8; decoded as windows-1252/);
    // Row 717 of the file is HMDB34491, whose name holds bytes 0x8C 0xB1 (cp1252 'Œ±').
    expect(db.molecules.ids[715]).toBe('HMDB34491');
    expect(db.molecules.names[715]).toBe('(Œ±)-Camphoric acid');
    checkShape(db);
  });

  it('METASPACE engine example moldb.csv (tab-separated)', () => {
    const db = load('metaspace', 'moldbs', 'moldb.csv');
    expect(db.format).toBe('metaspace-tsv');
    expect(db.formulas).toEqual(['C54H102O6', 'C83H146O17P2', 'C61H108O6']);
    expect(db.molecules.names[1]).toBe('CL(18:1(11Z)/18:1(9Z)/22:5(4Z,7Z,10Z,13Z,16Z)/16:1(9Z))');
  });
});

describe('METASPACE’s deliberately invalid databases', () => {
  it('empty values: names the rows (empty id row 2, whitespace-only name row 4); "NA" is a value', () => {
    const e = errorOf(() => load('metaspace', 'moldbs', 'db-empty-values.csv'));
    expect(e.problems.map((p) => p.row)).toEqual([2, 4]);
    expect(e.problems[0]!.message).toMatch(/empty value in column 'id'/);
    expect(e.problems[1]!.message).toMatch(/empty value in column 'name'/);
    expect(e.message).toMatch(/row 2: .*\n.*row 4: /);
  });

  it('missing formula column', () => {
    const e = errorOf(() => load('metaspace', 'moldbs', 'db-missing-columns.csv'));
    expect(e.message).toMatch(/missing columns: found \['id', 'name', 'inchi'\], need 'formula'/);
  });

  it('bad formulas: unknown element (row 2) and "." (row 3)', () => {
    const e = errorOf(() => load('metaspace', 'moldbs', 'db-wrong-formulas.csv'));
    expect(e.problems.map((p) => p.row)).toEqual([2, 3]);
    expect(e.problems[0]!.message).toMatch(/C54H102O6XYZ/);
    expect(e.problems[1]!.message).toMatch(/C83H146O17\.P2.*'\.'/);
  });

  it('comma instead of tab: refused under METASPACE rules, accepted (with a warning) otherwise', () => {
    const bytes = readFileSync(sharedPath('data/metaspace/moldbs/db-wrong-sep.csv'));
    const e = errorOf(() => parseMolDb(bytes, 'db-wrong-sep.csv', { strictMetaspace: true }));
    expect(e.message).toMatch(/not tab-separated/);
    const db = parseMolDb(bytes, 'db-wrong-sep.csv');
    expect(db.format).toBe('metaspace-csv');
    expect(db.formulas).toEqual(['C54H102O6', 'C83H146O17P2', 'C61H108O6']);
    expect(db.warnings.join()).toMatch(/METASPACE's uploader needs tab-separated/);
  });
});

describe('bad input', () => {
  it('empty file, blank file, header only', () => {
    expect(errorOf(() => parseText('')).message).toMatch(/file is empty/);
    expect(errorOf(() => parseText(' \n\r\n')).message).toMatch(/file is empty/);
    expect(errorOf(() => parseText('id\tname\tformula\n\n')).message).toMatch(/no data rows/);
  });

  it('semicolon separator and single column are refused with the header quoted', () => {
    expect(errorOf(() => parseText('id;name;formula\n1;a;C2H6O\n')).message).toMatch(/row 1 \(header\) is ';'-separated: 'id;name;formula'/);
    expect(errorOf(() => parseText('formula\nC2H6O\n')).message).toMatch(/single column/);
  });

  it('id and name required unless the file is a Lithops ,sf list', () => {
    expect(errorOf(() => parseText('id,formula\n1,C2H6O\n')).message).toMatch(/need 'id', 'name' and 'formula'/);
    const db = parseText(',sf\n0,C2H6O\n1,CH4\n2,C2H6O\n');
    expect(db.formulas).toEqual(['C2H6O', 'CH4']);
    expect(Array.from(db.molecules.formulaIndex)).toEqual([0, 1, 0]);
  });

  it('rows with too many fields, blank rows, too-long values: every row listed; trailing blank lines ignored', () => {
    const long = 'x'.repeat(2501);
    const text = ['id\tname\tformula', '1\ta\tC2H6O', '2\tb\tCH4\textra', '', `3\t${long}\tCH4`, '4\tc', '5\td\tC6H12O6', '', ''].join('\n');
    const e = errorOf(() => parseText(text));
    expect(e.problems.map((p) => p.row)).toEqual([3, 4, 5, 6]);
    expect(e.problems[0]!.message).toMatch(/4 fields but the header has 3/);
    expect(e.problems[1]!.message).toMatch(/blank row/);
    expect(e.problems[2]!.message).toMatch(/2501 characters long \(limit 2500\)/);
    expect(e.problems[3]!.message).toMatch(/empty value in column 'formula'/);
  });

  it('malformed formulas: each row with the parser’s reason', () => {
    const rows = ['C6H12O6', 'C6H12O6Xx', 'c6h12o6', 'C6H12O6)', '2(H2O'];
    const text = 'id,name,formula\n' + rows.map((f, i) => `${i},m${i},${f}`).join('\n');
    const e = errorOf(() => parseText(text));
    expect(e.problems.map((p) => p.row)).toEqual([3, 4, 5, 6]);
    expect(e.problems[0]!.message).toMatch(/C6H12O6Xx/);
  });

  it('caps the listed problems and says how many more', () => {
    const text = 'id,name,formula\n' + Array.from({ length: 100 }, (_, i) => `${i},m,Qq${i}`).join('\n');
    const e = errorOf(() => parseText(text));
    expect(e.problems).toHaveLength(100);
    expect(e.totalProblems).toBe(100);
    expect(e.message.match(/^ {2}row /gm)).toHaveLength(20);
    expect(e.message).toMatch(/… and 80 more problem\(s\)/);
  });

  it('CR-only, CRLF, UTF-8 BOM and quoted commas', () => {
    const db = parseMolDb(
      new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('id,name,formula\r1,"Glucose, D-",C6H12O6\r2,Ethanol,C2H6O\r')]),
      'bom.csv',
    );
    expect(db.molecules.ids).toEqual(['1', '2']);
    expect(db.molecules.names[0]).toBe('Glucose, D-');
    expect(parseText('id\tname\tformula\r\n1\ta\tCH4\r\n').formulas).toEqual(['CH4']);
  });

  it('duplicate ids: both molecules kept, a warning names both rows; formulas stay distinct', () => {
    const db = parseText('id\tname\tformula\nA\tx\tCH4\nB\ty\tC2H6O\nA\tz\tC2H6O\n');
    expect(db.molecules.ids).toEqual(['A', 'B', 'A']);
    expect(db.formulas).toEqual(['CH4', 'C2H6O']);
    expect(db.warnings).toEqual(["row 4: id 'A' already used in row 2; both molecules kept"]);
  });

  it('warns when a formula would be read differently by the engine’s flat ion arithmetic', () => {
    const db = parseText('id,name,formula\n1,ethanol,CH3CH2OH\n2,x,C2H6O\n');
    expect(db.formulas).toEqual(['CH3CH2OH', 'C2H6O']);
    expect(db.warnings.join()).toMatch(/1 formula\(s\) use parentheses, multipliers or repeated elements/);
  });

  it('more than 1M rows: parsed when under the limit, a clear error when over it', () => {
    // 1.2M molecules over 1,000 formulas (Lithops format); ~20 MB of text.
    const forms = Array.from({ length: 1000 }, (_, i) => `C${i + 1}H${2 * i + 2}O`);
    const parts: string[] = [',sf'];
    for (let i = 0; i < 1_200_000; i++) parts.push(`${i},${forms[i % 1000]}`);
    const bytes = enc.encode(parts.join('\n') + '\n');
    const t0 = performance.now();
    const db = parseMolDb(bytes, 'big.csv');
    const ms = performance.now() - t0;
    expect(db.molecules.ids).toHaveLength(1_200_000);
    expect(db.formulas).toEqual(forms);
    expect(ms).toBeLessThan(20_000);
    const e = errorOf(() => parseMolDb(bytes, 'big.csv', { maxRows: 1_000_000 }));
    expect(e.message).toMatch(/more than 1,000,000 data rows; split the database or raise the maxRows limit/);
    expect(errorOf(() => parseMolDb(bytes, 'big.csv', { strictMetaspace: true })).message).toMatch(/not tab-separated/);
  }, 60_000);
});
