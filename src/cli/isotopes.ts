// `imzlens isotopes`: isotope centroids (METASPACE v1) of every target ion — and optionally its
// sampled decoys — of a formula list or a molecular database, as CSV on stdout. Rejected ions go to
// stderr with the reason. Exit 0 when something was computed, 1 when nothing could be (or, with
// --strict, when anything was rejected), 2 for usage errors.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseMolDb } from '../core/chem/moldb.ts';
import { parseFormula } from '../core/chem/formula.ts';
import { buildIonTable } from '../core/chem/ion-table.ts';
import { computeIonFormula, describeRejection, readFormula } from '../core/chem/ions.ts';
import { computeCentroidTable, type CentroidTableResult } from '../core/chem/centroids.ts';
import { DirCentroidCache } from '../platform/node/centroid-cache.ts';

const USAGE = `usage: imzlens isotopes (--formulas FILE|- | --db DB.csv) [options]

  --formulas FILE|-      sum formulas, one per line ('-' = stdin; blank lines and # comments skipped)
  --db DB.csv            molecular database (METASPACE id/name/formula TSV/CSV, Lithops ,sf CSV, …)
  --adducts LIST         comma-separated adducts (default: +H,+Na,+K for '+', -H,+Cl for '-';
                         an empty item is the M+ radical, [M]+/[M]- are no-ops)
  --neutral-losses LIST  e.g. -H2O,-CO2 (each also tried without loss)
  --chem-mods LIST       chemical modifications (each also tried without)
  --polarity +|-         ion polarity (default +)
  --sigma S              isocalc_sigma in Da (default 0.000619)
  --decoys N             also output the N decoys METASPACE v1 samples per target (seed 42, DB order)
  --cache DIR            reuse/store computed centroid tables in DIR
  --strict               exit 1 if any ion or formula is rejected

Output columns: formula,chem_mod,neutral_loss,adduct,ion,is_decoy,mz0,mz1,mz2,mz3,int0,int1,int2,int3
`;

class UsageError extends Error {}

function list(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim());
}

async function readInput(path: string): Promise<Uint8Array> {
  if (path !== '-') return readFile(path);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Distinct valid formulas of a plain list, in order; invalid lines are reported. */
function formulasFromList(text: string, source: string, reject: (msg: string) => void): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i]!.trim();
    if (f === '' || f.startsWith('#')) continue;
    if (i === 0 && /^(formula|sf)$/i.test(f)) continue; // header
    if (seen.has(f)) continue;
    try {
      if (f.includes('.')) throw new Error(`'.' (hydrates, complexes) is not supported; write the summed formula`);
      const full = parseFormula(f);
      const flat = readFormula(f);
      const differs = [...new Set([...full.keys(), ...flat.keys()])].some((el) => (full.get(el) ?? 0) !== (flat.get(el) ?? 0));
      if (differs) {
        process.stderr.write(
          `imzlens isotopes: ${source} line ${i + 1}: '${f}' has parentheses, multipliers or repeated elements; ` +
            `ions are built from its flat reading as METASPACE does — write it as a plain sum formula\n`,
        );
      }
    } catch (e) {
      reject(`${source} line ${i + 1}: formula '${f}' rejected: ${(e as Error).message}`);
      continue;
    }
    seen.add(f);
    out.push(f);
  }
  return out;
}

const fmt = (x: number) => String(x);

const VALUE_OPTIONS = new Set(['--formulas', '--db', '--adducts', '--neutral-losses', '--chem-mods', '--polarity', '--sigma', '--decoys', '--cache']);

/** `--adducts -H,+Cl` → `--adducts=-H,+Cl`: modifier lists start with '-', which parseArgs would refuse. */
function joinValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_OPTIONS.has(a) && i + 1 < args.length) out.push(`${a}=${args[++i]!}`);
    else out.push(a);
  }
  return out;
}

export async function run(rawArgs: string[]): Promise<number> {
  const args = joinValues(rawArgs);
  let opts;
  try {
    opts = parseArgs({
      args,
      options: {
        formulas: { type: 'string' },
        db: { type: 'string' },
        adducts: { type: 'string' },
        'neutral-losses': { type: 'string' },
        'chem-mods': { type: 'string' },
        polarity: { type: 'string', default: '+' },
        sigma: { type: 'string', default: '0.000619' },
        decoys: { type: 'string', default: '0' },
        cache: { type: 'string' },
        strict: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`imzlens isotopes: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    return await runWith(opts);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`imzlens isotopes: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

interface Opts {
  formulas?: string;
  db?: string;
  adducts?: string;
  'neutral-losses'?: string;
  'chem-mods'?: string;
  polarity: string;
  sigma: string;
  decoys: string;
  cache?: string;
  strict: boolean;
}

async function runWith(opts: Opts): Promise<number> {
  const pol = opts.polarity === 'positive' ? '+' : opts.polarity === 'negative' ? '-' : opts.polarity;
  if (pol !== '+' && pol !== '-') throw new UsageError(`--polarity must be + or -, got '${opts.polarity}'`);
  const sigma = Number(opts.sigma);
  if (!(sigma > 0 && sigma < 1)) throw new UsageError(`--sigma must be a positive number of Da below 1, got '${opts.sigma}'`);
  const nDecoys = Number(opts.decoys);
  if (!Number.isInteger(nDecoys) || nDecoys < 0) throw new UsageError(`--decoys must be a non-negative integer, got '${opts.decoys}'`);
  if ((opts.formulas === undefined) === (opts.db === undefined)) throw new UsageError('give exactly one of --formulas and --db');
  const adducts = list(opts.adducts) ?? (pol === '+' ? ['+H', '+Na', '+K'] : ['-H', '+Cl']);
  const neutralLosses = (list(opts['neutral-losses']) ?? []).filter((s) => s !== '');
  const chemMods = (list(opts['chem-mods']) ?? []).filter((s) => s !== '');

  let nRejected = 0;
  const err: string[] = [];
  const reject = (msg: string) => {
    nRejected++;
    err.push(msg);
    if (err.length >= 1000) flushErr();
  };
  const flushErr = () => {
    if (err.length) process.stderr.write(err.join('\n') + '\n');
    err.length = 0;
  };

  let formulas: string[];
  if (opts.db !== undefined) {
    const db = parseMolDb(await readInput(opts.db), opts.db);
    for (const w of db.warnings) process.stderr.write(`imzlens isotopes: ${opts.db}: ${w}\n`);
    formulas = db.formulas;
  } else {
    const src = opts.formulas === '-' ? 'stdin' : opts.formulas!;
    formulas = formulasFromList(new TextDecoder().decode(await readInput(opts.formulas!)), src, reject);
  }

  let table;
  try {
    table = buildIonTable({ formulas, chemMods, neutralLosses, adducts, polarity: pol, decoySampleSize: nDecoys });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const charge = pol === '+' ? 1 : -1;
  const res: CentroidTableResult = opts.cache
    ? await computeCentroidTable(table.ions, charge, sigma, new DirCentroidCache(opts.cache))
    : computeCentroidTable(table.ions, charge, sigma);
  const { mzs, ints, nPeaks } = res.table;

  const out: string[] = ['formula,chem_mod,neutral_loss,adduct,ion,is_decoy,mz0,mz1,mz2,mz3,int0,int1,int2,int3'];
  let nComputed = 0;
  const flushOut = () => {
    process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  };
  const emit = (f: string, cm: string, nl: string, ad: string, ionIdx: number, isDecoy: boolean) => {
    const label = `${f} ${[cm, nl, ad].filter((s) => s).join(' ') || '(no modifier)'}${isDecoy ? ' (decoy)' : ''}`;
    if (ionIdx < 0) {
      const why = computeIonFormula(f, [cm, nl, ad]);
      reject(`rejected ${label}: ${typeof why === 'string' ? 'impossible ion' : describeRejection(why)}`);
      return;
    }
    const e = res.errors[ionIdx];
    if (e) {
      reject(`rejected ${label}: ${e}`);
      return;
    }
    nComputed++;
    const o = ionIdx * 4;
    const n = nPeaks[ionIdx]!;
    const cells = [f, cm, nl, ad, table.ions[ionIdx]!, isDecoy ? '1' : '0'];
    for (let j = 0; j < 4; j++) cells.push(j < n ? fmt(mzs[o + j]!) : '');
    for (let j = 0; j < 4; j++) cells.push(j < n ? fmt(ints[o + j]!) : '');
    out.push(cells.join(','));
    if (out.length >= 10000) flushOut();
  };

  const tms = table.targetModifiers;
  const nTm = tms.length;
  const k = table.k;
  for (let f = 0; f < formulas.length; f++) {
    const formula = formulas[f]!;
    for (let t = 0; t < nTm; t++) {
      const tm = tms[t]!;
      emit(formula, tm.chemMod, tm.neutralLoss, tm.adduct, table.target[f * nTm + t]!, false);
    }
    if (k === 0) continue;
    // A decoy (formula, prefix, adduct) drawn for several target adducts is listed once.
    const done = new Set<string>();
    for (let t = 0; t < nTm; t++) {
      const tm = tms[t]!;
      for (let i = 0; i < k; i++) {
        const slot = (f * nTm + t) * k + i;
        const ad = table.decoyAdducts[slot]!;
        const key = `${tm.chemMod}\u0000${tm.neutralLoss}\u0000${ad}`;
        if (done.has(key)) continue;
        done.add(key);
        emit(formula, tm.chemMod, tm.neutralLoss, ad, table.decoys[slot]!, true);
      }
    }
  }
  flushOut();
  flushErr();
  process.stderr.write(`imzlens isotopes: ${nComputed} ion(s) computed, ${nRejected} rejected\n`);
  if (nComputed === 0) return 1;
  if (opts.strict && nRejected > 0) return 1;
  return 0;
}
