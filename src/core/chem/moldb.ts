// Molecular database loader: every format imzlens meets (Lithops `,sf`, METASPACE `id,name,formula`
// TSV/CSV, CoreMetabolome, LIPID MAPS TSV, the old pySM HMDB export) → distinct formulas in database
// order (decoy sampling depends on it) plus the molecules' ids and names for display.
// Validation follows METASPACE's uploader (spec §2; MS `molecular_db.py`): empty / whitespace values,
// values over 2,500 characters, formulas with '.', formulas the pyMSpec grammar rejects — each problem
// named with its spreadsheet row number (header = row 1).

import Papa from 'papaparse';
import { gunzipSync } from 'fflate';
import { parseFormula } from './formula.ts';
import { readFormula } from './ions.ts';

export interface MolDb {
  name: string;
  /** Distinct formulas, in database order. */
  formulas: string[];
  molecules: { ids: string[]; names: string[]; formulaIndex: Uint32Array };
  /** Detected format, e.g. 'metaspace-tsv', 'lithops-csv', 'coremetabolome-csv', 'pysm-hmdb-csv'. */
  format: string;
  warnings: string[];
  /** METASPACE flags a DB with ≤ 1,000 distinct formulas as targeted (spec §2). */
  targeted?: boolean;
}

export interface MolDbOptions {
  /** Largest number of data rows accepted (default 2,000,000; METASPACE's uploader stops at 100,000). */
  maxRows?: number;
  /**
   * METASPACE uploader rules on top of the checks always made: tab-separated only and at most
   * 100,000 rows (unless maxRows says otherwise).
   */
  strictMetaspace?: boolean;
}

export interface MolDbProblem {
  /** Spreadsheet row (header = 1), 0 for file-level problems. */
  row: number;
  message: string;
}

/** Shown in an error message; the full list stays on `problems`. */
const MAX_LISTED = 20;
/** Problems/warnings kept in memory for a hopeless file. */
const MAX_KEPT = 10_000;
export const DEFAULT_MAX_ROWS = 2_000_000;
export const METASPACE_MAX_ROWS = 100_000;
export const TARGETED_THRESHOLD = 1000;
const MAX_VALUE_LENGTH = 2500;

export class MolDbError extends Error {
  constructor(
    readonly dbName: string,
    readonly problems: MolDbProblem[],
    readonly totalProblems = problems.length,
  ) {
    super(MolDbError.format(dbName, problems, totalProblems));
    this.name = 'MolDbError';
  }

  /** The first line names the database and its first problem (what a one-line display shows); the list follows. */
  private static format(dbName: string, problems: MolDbProblem[], total: number): string {
    const line = (p: MolDbProblem) => (p.row > 0 ? `row ${p.row}: ${p.message}` : p.message);
    const first = problems[0] ? line(problems[0]) : 'unusable';
    if (total <= 1) return `molecular database ${dbName}: ${first}; fix the file and load it again`;
    const shown = problems.slice(0, MAX_LISTED).map((p) => `  ${line(p)}`);
    const more = total > shown.length ? `\n  … and ${total - shown.length} more problem(s)` : '';
    return `molecular database ${dbName}: ${first} (and ${total - 1} more problem(s); fix the file and load it again):\n${shown.join('\n')}${more}`;
  }
}

function fail(dbName: string, message: string): never {
  throw new MolDbError(dbName, [{ row: 0, message }]);
}

/** UTF-16 with a BOM (Excel's "Unicode text"), else UTF-8 (BOM stripped) when valid, else windows-1252 (the old HMDB export), with a warning. */
function decode(bytes: Uint8Array, warnings: string[]): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    warnings.push('file is UTF-16 text (e.g. Excel\'s "Unicode text"); read as such, but save it as UTF-8 for METASPACE');
    return new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2));
  }
  let start = 0;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const body = bytes.subarray(start);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    warnings.push('file is not valid UTF-8; decoded as windows-1252 (Latin-1), check accented names');
    return decodeWindows1252(body);
  }
}

// windows-1252 bytes 0x80–0x9F (0 = unassigned, kept as the C1 code point). Hand-rolled because
// Node's TextDecoder treats 'windows-1252' as plain Latin-1.
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  const codes = new Uint16Array(CHUNK);
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const n = Math.min(CHUNK, bytes.length - start);
    for (let i = 0; i < n; i++) {
      const b = bytes[start + i]!;
      codes[i] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] || b : b;
    }
    parts.push(String.fromCharCode.apply(null, Array.from(codes.subarray(0, n))));
  }
  return parts.join('');
}

/** Separator from the header line: tab wins (METASPACE's format), then comma; anything else is refused. */
function detectDelimiter(dbName: string, header: string): '\t' | ',' {
  const unquoted = header.replace(/"[^"]*"/g, '""');
  if (unquoted.includes('\t')) return '\t';
  if (unquoted.includes(',')) return ',';
  const other = [';', '|'].find((c) => unquoted.includes(c));
  const what = other ? `'${other}'-separated` : 'a single column';
  fail(
    dbName,
    `row 1 (header) is ${what}: '${header.slice(0, 120)}'. Save the database as tab- or comma-separated with ` +
      `columns id, name, formula (or a Lithops ',sf' CSV)`,
  );
}

/** Longer than any plausible header row (column names). */
const MAX_HEADER_LENGTH = 10_000;

/** What a binary file looks like (a known magic number, or NUL bytes where text has none), or null for text. */
function binaryKind(bytes: Uint8Array): string | null {
  const magic: [number[], string][] = [
    [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'], [[0xff, 0xd8, 0xff], 'a JPEG image'], [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
    [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an .xlsx workbook is one: save the sheet as CSV/TSV)'],
    [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel/Office document (save the sheet as CSV/TSV)'],
  ];
  for (const [m, what] of magic) if (m.every((b, i) => bytes[i] === b)) return what;
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (!utf16 && bytes.subarray(0, 4096).includes(0)) return 'binary data (it contains NUL bytes)';
  return null;
}

function firstLine(text: string): string {
  const m = /\r\n|\r|\n/.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/** Empty or whitespace only (Python's isspace). Fast path: a printable ASCII first character. */
function isBlank(v: string): boolean {
  if (v.length === 0) return true;
  const c = v.charCodeAt(0);
  if (c > 32 && c < 127) return false;
  return v.trim() === '';
}

interface Columns {
  id: number;
  name: number;
  formula: number;
  kind: string;
}

function findColumns(dbName: string, header: string[]): Columns {
  const norm = header.map((h) => h.trim().toLowerCase());
  const at = (...names: string[]) => {
    for (const n of names) {
      const i = norm.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const id = at('id', 'mol_id');
  const name = at('name', 'mol_name');
  const formula = at('formula', 'sf');
  if (formula < 0) {
    fail(
      dbName,
      `missing columns: found [${header.map((h) => `'${h}'`).join(', ')}], need 'formula' (or 'sf') plus 'id' and 'name'. ` +
        `Check the header row and the separator (tab or comma)`,
    );
  }
  let kind: string;
  if (norm[formula] === 'sf') kind = id >= 0 && name >= 0 ? 'pysm-hmdb' : 'lithops';
  else if (norm[id] === 'mol_id') kind = 'coremetabolome';
  else kind = 'metaspace';
  if (kind !== 'lithops' && (id < 0 || name < 0)) {
    fail(
      dbName,
      `missing columns: found [${header.map((h) => `'${h}'`).join(', ')}], need 'id', 'name' and 'formula'. ` +
        `Add the missing column(s), or give formulas only as a Lithops-style ',sf' CSV`,
    );
  }
  return { id, name, formula, kind };
}

/** Same element counts? (the engine's flat reading vs the full grammar) */
function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  const nz = (m: Map<string, number>) => [...m].filter(([, n]) => n !== 0);
  const an = nz(a);
  const bn = nz(b);
  return an.length === bn.length && an.every(([k, n]) => b.get(k) === n);
}

/**
 * Parses a molecular database file. Throws MolDbError listing every problem (row numbers as in a
 * spreadsheet, header = row 1) when the file is unusable or any row is invalid, as METASPACE rejects
 * the whole upload; non-fatal oddities (encoding, duplicate ids, comma instead of tab) go to `warnings`.
 */
export function parseMolDb(bytes: Uint8Array, name: string, options: MolDbOptions = {}): MolDb {
  const strict = options.strictMetaspace === true;
  const maxRows = options.maxRows ?? (strict ? METASPACE_MAX_ROWS : DEFAULT_MAX_ROWS);
  const warnings: string[] = [];
  // Bundled assets (public/db/*.tsv.gz) and user uploads may be gzip-compressed.
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      fail(name, `file looks gzip-compressed but cannot be decompressed (${(e as Error).message}); re-download or unzip it`);
    }
  }
  if (bytes.length > 0x1fff_ffe8) fail(name, `file is ${bytes.length} bytes, beyond what can be held as text; split it`);
  const binary = binaryKind(bytes);
  if (binary) fail(name, `file is ${binary}, not a text table; pick the CSV/TSV file with columns id, name, formula`);
  const text = decode(bytes, warnings);
  if (text.trim() === '') fail(name, 'file is empty: no header and no data rows');

  const header0 = firstLine(text);
  // one enormous first line (no line breaks, or a binary blob) would otherwise be split into millions of columns
  if (header0.length > MAX_HEADER_LENGTH) {
    fail(name, `row 1 (header) is ${header0.length.toLocaleString('en-US')} characters long; a header names a few columns (id, name, formula). Check the line breaks`);
  }
  const delimiter = detectDelimiter(name, header0);
  if (strict && delimiter !== '\t') {
    fail(name, `row 1 (header) is not tab-separated; METASPACE's uploader needs tab-separated columns id, name, formula`);
  }
  // preview: stop reading right after the row that exceeds the limit, so a huge file fails fast.
  const parsed = Papa.parse<string[]>(text, { delimiter, header: false, skipEmptyLines: false, preview: maxRows + 2 });
  const rows = parsed.data;
  const problems: MolDbProblem[] = [];
  let total = 0;
  const problem = (row: number, message: string) => {
    total++;
    if (problems.length < MAX_KEPT) problems.push({ row, message });
  };
  for (const e of parsed.errors) {
    // Papa's row index counts records from 0 = header.
    if (e.code === 'TooManyFields' || e.code === 'TooFewFields' || e.code === 'UndetectableDelimiter') continue;
    problem(typeof e.row === 'number' ? e.row + 1 : 0, `CSV syntax: ${e.message}`);
  }

  const header = rows[0] ?? [];
  const cols = findColumns(name, header);
  const format = `${cols.kind}-${delimiter === '\t' ? 'tsv' : 'csv'}`;
  if (delimiter === ',' && cols.kind === 'metaspace') {
    warnings.push("comma-separated: accepted here, but METASPACE's uploader needs tab-separated files");
  }

  // Trailing blank lines are not rows to a user; interior blank rows are reported.
  let last = rows.length - 1;
  while (last > 0 && rows[last]!.every(isBlank)) last--;
  const nData = last;
  if (nData <= 0) fail(name, 'no data rows found below the header (row 1)');
  if (nData > maxRows) {
    fail(name, `more than ${maxRows.toLocaleString('en-US')} data rows; split the database or raise the maxRows limit`);
  }

  const nCols = header.length;
  const ids: string[] = [];
  const names: string[] = [];
  const formulaOf: number[] = [];
  const formulas: string[] = [];
  const formulaState = new Map<string, number>(); // formula → index in `formulas`, or -1 if invalid
  const formulaErrors = new Map<string, string>();
  const seenIds = new Map<string, number>(); // id → first row
  let dupIds = 0;
  let flatDiffers = 0;

  for (let r = 1; r <= last; r++) {
    const rowNo = r + 1;
    const row = rows[r]!;
    if (row.length > nCols) {
      if (!row.every(isBlank)) {
        problem(rowNo, `${row.length} fields but the header has ${nCols}; a value contains the separator or the separator is wrong`);
        continue;
      }
    }
    let nBlank = 0;
    const problemsBefore = total;
    for (let c = 0; c < nCols; c++) {
      const v = row[c] ?? '';
      if (isBlank(v)) nBlank++;
      else if (v.length > MAX_VALUE_LENGTH) {
        problem(rowNo, `value in column '${header[c]}' is ${v.length} characters long (limit ${MAX_VALUE_LENGTH})`);
      }
    }
    if (nBlank === nCols) {
      problem(rowNo, 'blank row; delete it');
      continue;
    }
    if (nBlank > 0) {
      for (let c = 0; c < nCols; c++) if (isBlank(row[c] ?? '')) problem(rowNo, `empty value in column '${header[c]}'`);
    }
    const formula = row[cols.formula] ?? '';
    let fi = -1;
    // a too-long value is reported above; parsing a megabyte "formula" would only take seconds to say it again
    if (!isBlank(formula) && formula.length <= MAX_VALUE_LENGTH) {
      fi = formulaState.get(formula) ?? -2;
      if (fi === -2) {
        let err: string | null = null;
        if (formula.includes('.')) err = `formula '${formula}': '.' (hydrates, complexes) is not supported; write the summed formula`;
        else {
          try {
            const full = parseFormula(formula);
            // The engine's ion arithmetic reads formulas flat; warn where that differs from the grammar.
            if (!sameCounts(full, readFormula(formula))) flatDiffers++;
          } catch (e) {
            err = (e as Error).message;
          }
        }
        if (err === null) {
          fi = formulas.length;
          formulas.push(formula);
        } else {
          fi = -1;
          formulaErrors.set(formula, err);
        }
        formulaState.set(formula, fi);
      }
      if (fi < 0) problem(rowNo, formulaErrors.get(formula)!);
    }
    // Any problem in this row: keep validating the rest, but build nothing (the file will be refused).
    if (total > problemsBefore || fi < 0) continue;

    const id = cols.id >= 0 ? row[cols.id]! : cols.formula === 1 && nCols === 2 ? row[0]! : String(rowNo);
    if (cols.id >= 0) {
      const first = seenIds.get(id);
      if (first === undefined) seenIds.set(id, rowNo);
      else if (dupIds++ < MAX_LISTED) warnings.push(`row ${rowNo}: id '${id}' already used in row ${first}; both molecules kept`);
    }
    ids.push(id);
    names.push(cols.name >= 0 ? row[cols.name]! : '');
    formulaOf.push(fi);
  }
  if (dupIds > MAX_LISTED) warnings.push(`… ${dupIds - MAX_LISTED} more duplicate id(s)`);
  if (flatDiffers > 0) {
    warnings.push(
      `${flatDiffers} formula(s) use parentheses, multipliers or repeated elements; METASPACE's ion arithmetic ` +
        `reads formulas flat and imzlens follows it — write them as plain sum formulas (e.g. C2H6O, not CH3CH2OH)`,
    );
  }
  if (total > 0) {
    problems.sort((a, b) => a.row - b.row);
    throw new MolDbError(name, problems, total);
  }
  return {
    name,
    formulas,
    molecules: { ids, names, formulaIndex: Uint32Array.from(formulaOf) },
    format,
    warnings,
    targeted: formulas.length <= TARGETED_THRESHOLD,
  };
}
