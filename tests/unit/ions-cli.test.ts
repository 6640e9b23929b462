import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'fflate';
import Papa from 'papaparse';
import { decoyCandidates, sampleDecoyAdducts } from '../../src/core/chem/decoys.ts';
import { REPO_ROOT, sharedPath } from '../helpers/shared.ts';

const BIN = resolve(REPO_ROOT, 'bin/imzlens.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'imzlens-isotopes-'));

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, 'isotopes', ...args], { input, encoding: 'utf8', cwd: REPO_ROOT, timeout: 120_000 });
  const rows = r.stdout ? Papa.parse<Record<string, string>>(r.stdout, { header: true, skipEmptyLines: true }).data : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, rows };
}

const HEADER = 'formula,chem_mod,neutral_loss,adduct,ion,is_decoy,mz0,mz1,mz2,mz3,int0,int1,int2,int3';

describe('imzlens isotopes CLI', () => {
  it('matches METASPACE’s centroids (isotope fixture) for 15 mol_db5 formulas, both polarities', () => {
    const lines = readFileSync(sharedPath('data/lithops_metaspace/mol_db5.csv'), 'utf8').split('\n').slice(1, 16);
    const formulas = lines.map((l) => l.split(',')[1]!);
    const file = join(tmp, 'f.txt');
    writeFileSync(file, ['formula', ...formulas].join('\n'));
    const ref = Papa.parse<Record<string, string>>(
      new TextDecoder().decode(gunzipSync(readFileSync(sharedPath('fixtures/isotopes/isotopes_ref.csv.gz')))),
      { header: true, skipEmptyLines: true },
    ).data.filter((r) => r.sigma === '0.000619');
    const refKey = (r: Record<string, string>) => `${r.formula}|${r.neutral_loss}|${r.adduct}|${r.polarity}`;
    const refMap = new Map(ref.map((r) => [refKey(r), r]));
    const runs: [string, string][] = [['+', '+H,+Na,+K,[M]+'], ['-', '-H,+Cl']];
    for (const [pol, adducts] of runs) {
      const nl = pol === '+' ? ['--neutral-losses', '-H2O'] : [];
      const r = cli(['--formulas', file, '--adducts', adducts, ...nl, '--polarity', pol, '--sigma', '0.000619']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(HEADER);
      let compared = 0;
      for (const row of r.rows) {
        // The fixture has -H2O only with +H.
        const want = refMap.get(`${row.formula}|${row.neutral_loss}|${row.adduct}|${pol}`);
        if (!want) continue;
        compared++;
        expect(row.ion).toBe(want.ion);
        expect(row.is_decoy).toBe('0');
        for (let j = 0; j < 4; j++) {
          expect(row[`mz${j}`] === '', `${want.ion} mz${j} presence`).toBe(want[`mz${j}`] === '');
          if (want[`mz${j}`] === '') continue;
          expect(Math.abs(Number(row[`mz${j}`]) - Number(want[`mz${j}`])), `${want.ion} ${pol} mz${j}`).toBeLessThan(1e-6);
          const wi = Number(want[`int${j}`]);
          expect(Math.abs(Number(row[`int${j}`]) - wi) / wi).toBeLessThan(1e-4);
        }
      }
      expect(compared).toBe(pol === '+' ? 15 * 5 : 15 * 2);
    }
  }, 120_000);

  it('lists each sampled decoy once per (formula, prefix, adduct), flagged is_decoy=1', () => {
    const r = cli(['--formulas', '-', '--adducts', '+H,+Na', '--decoys', '5'], 'C6H12O6\nC2H6O\n');
    expect(r.code, r.stderr).toBe(0);
    const s = sampleDecoyAdducts(2, 2, decoyCandidates(['+H', '+Na']), 5);
    for (let f = 0; f < 2; f++) {
      const formula = ['C6H12O6', 'C2H6O'][f]!;
      const want = new Set<string>();
      for (let p = f * 10; p < f * 10 + 10; p++) want.add(s.candidates[s.picks[p]!]!);
      const got = r.rows.filter((x) => x.formula === formula && x.is_decoy === '1').map((x) => x.adduct);
      expect(new Set(got)).toEqual(want);
      expect(got).toHaveLength(want.size);
      expect(r.rows.filter((x) => x.formula === formula && x.is_decoy === '0').map((x) => x.adduct)).toEqual(['+H', '+Na']);
    }
  }, 60_000);

  it('reports rejected ions on stderr with the reason and exits 0 when something was computed', () => {
    const r = cli(['--formulas', '-', '--adducts', '+H', '--neutral-losses', '-NH3'], 'C6H12O6\nCH5N\nQq\nCH3CH2OH\n');
    expect(r.code).toBe(0);
    // Accepted, but the engine's flat reading (dict: C1 H1 O1, last H wins) differs from the grammar (C2H6O): warned.
    expect(r.stderr).toMatch(/stdin line 4: 'CH3CH2OH' has parentheses, multipliers or repeated elements/);
    expect(r.rows.find((x) => x.formula === 'CH3CH2OH' && x.neutral_loss === '')?.ion).toBe('CH2O');
    expect(r.stderr).toMatch(/stdin line 3: formula 'Qq' rejected/);
    expect(r.stderr).toMatch(/rejected C6H12O6 -NH3 \+H: applying '-NH3' leaves a negative count of N/);
    expect(r.rows.map((x) => `${x.formula}${x.neutral_loss}${x.adduct}`)).toEqual(['C6H12O6+H', 'CH5N+H', 'CH5N-NH3+H', 'CH3CH2OH+H']);
    // --strict: any rejection fails the run.
    expect(cli(['--strict', '--formulas', '-', '--adducts', '+H', '--neutral-losses', '-NH3'], 'C6H12O6\n').code).toBe(1);
  }, 60_000);

  it('exits 1 when nothing can be computed, 2 on usage errors, and names DB rows', () => {
    expect(cli(['--formulas', '-', '--adducts', '-H'], 'C\n').code).toBe(1);
    expect(cli(['--formulas', '-', '--polarity', 'x'], 'CH4\n').code).toBe(2);
    expect(cli(['--adducts', '+H']).code).toBe(2);
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Output columns: ' + HEADER);
    expect(cli(['--formulas', '-', '--adducts', 'H'], 'CH4\n').stderr).toMatch(/adduct 'H' is not valid/);
    const bad = cli(['--db', sharedPath('data/metaspace/moldbs/db-wrong-formulas.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/row 2: .*C54H102O6XYZ/);
  }, 60_000);

  it('--cache stores the centroid table and a second run gives the same CSV', () => {
    const dir = join(tmp, 'cache');
    const a = cli(['--formulas', '-', '--cache', dir, '--decoys', '3'], 'C6H12O6\nC5H5N5\n');
    expect(a.code, a.stderr).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.centroids'))).toHaveLength(1);
    const b = cli(['--formulas', '-', '--cache', dir, '--decoys', '3'], 'C6H12O6\nC5H5N5\n');
    expect(b.stdout).toBe(a.stdout);
    expect(a.rows).toHaveLength(2 * 3 + new Set(a.rows.filter((r) => r.is_decoy === '1').map((r) => r.formula + r.adduct)).size);
  }, 60_000);
});
