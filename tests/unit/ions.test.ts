import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import Papa from 'papaparse';
import {
  IonFormulaError,
  IonFormulaBuilder,
  computeIonFormula,
  formatIon,
  formatModifiers,
  generateIonFormula,
  generateIonFormulaOrThrow,
} from '../../src/core/chem/ions.ts';
import { sharedPath } from '../helpers/shared.ts';

describe('generateIonFormula (METASPACE formula_parser rules)', () => {
  it('adds adducts and orders C,H,N,O,P,S first, then the rest alphabetically', () => {
    expect(generateIonFormula('C6H12O6', '', '', '+Na')).toBe('C6H12O6Na');
    expect(generateIonFormula('C6H12O6', '', '', '+H')).toBe('C6H13O6');
    expect(generateIonFormula('C2H6O', '', '', '-H')).toBe('C2H5O');
    expect(generateIonFormula('C2H6O', '', '', '+Cl')).toBe('C2H6OCl');
    // Hill order would put Br before H; CHNOPS does not.
    expect(generateIonFormula('C8H10BrN', '', '', '+K')).toBe('C8H10NBrK');
    // Two-letter symbols starting with a CHNOPS letter are not CHNOPS.
    expect(generateIonFormula('CaSO4', '', '', '+Cs')).toBe('O4SCaCs');
    expect(generateIonFormula('H2O', '', '', '+H')).toBe('H3O');
  });

  it('applies chem_mod, neutral loss, adduct in order, each with several ±groups', () => {
    expect(generateIonFormula('C2H6O', '', '-H2O', '+H')).toBe('C2H5');
    expect(generateIonFormula('C2H6O', '-H2O+CO2', '', '')).toBe('C3H4O2');
    expect(generateIonFormula('C2H6O', '+H', '+H2', '+H3-H4')).toBe('C2H8O');
    expect(generateIonFormula('C2H6O', '-H6+H6', '', '')).toBe('C2H6O');
  });

  it('rejects any negative count at any step, even if later groups would restore it', () => {
    expect(generateIonFormula('C2H6O', '', '', '-H10+H10')).toBeNull();
    expect(generateIonFormula('C2H6O', '-H10', '', '+H10')).toBeNull();
    expect(generateIonFormula('C6H12O6', '', '-NH3', '+H')).toBeNull();
    expect(computeIonFormula('C2H6O', ['-H2O', '-O'])).toEqual({ kind: 'negative-count', element: 'O', modifier: '-O' });
  });

  it('rejects an ion with no elements left', () => {
    expect(generateIonFormula('H2O', '', '-H2O', '')).toBeNull();
    expect(computeIonFormula('H2O', ['-H2O'])).toEqual({ kind: 'no-elements' });
  });

  it('treats empty, [M]+ and [M]- as no-ops (canonicalising the formula)', () => {
    for (const f of ['C2H6O', 'C7H6O4', 'C40H78NO8P']) {
      expect(generateIonFormula(f, '', '', '[M]+')).toBe(f);
      expect(generateIonFormula(f, '', '', '[M]-')).toBe(f);
      expect(generateIonFormula(f, '', '', '')).toBe(f);
    }
    expect(generateIonFormula('NaC6H12O6', '', '', '')).toBe('C6H12O6Na');
  });

  it('rejects malformed modifiers with a reason', () => {
    expect(generateIonFormula('C2H6O', '', '', 'H')).toBeNull();
    expect(generateIonFormula('C2H6O', '', '', '+h')).toBeNull();
    expect(generateIonFormula('C2H6O', '', '', '+(H2O)')).toBeNull();
    expect(() => generateIonFormulaOrThrow('C2H6O', 'Na')).toThrow(IonFormulaError);
    expect(() => generateIonFormulaOrThrow('C2H6O', '-H10')).toThrow(/negative count of H/);
  });

  it('reads formulas flat as the engine does: dots and = removed, explicit 1 and 0 counts', () => {
    // The engine builds a dict from the matches, so a repeated element keeps its last count (H2 here).
    expect(generateIonFormula('C2H4.H2O', '', '', '')).toBe('C2H2O');
    expect(generateIonFormula('C1H4', '', '', '+H')).toBe('CH5');
    expect(generateIonFormula('C6H12O6N0', '', '', '')).toBe('C6H12O6');
    expect(generateIonFormula('CH2=CH2', '', '', '')).toBe('CH2');
  });

  it('formats METASPACE ion strings', () => {
    expect(formatIon('C6H12O6', '', '', '+Na', '+')).toBe('C6H12O6+Na+');
    expect(formatIon('C6H12O6', '', '-H2O', '+H', '+')).toBe('C6H12O6-H2O+H+');
    expect(formatIon('C6H12O6', '', '', '[M]+', '+')).toBe('C6H12O6+');
    expect(formatIon('C6H12O6', '', '-H2O', '[M]-', '-')).toBe('C6H12O6-H2O-');
    expect(formatModifiers('', '-H2O', '[M]+')).toBe('-H2O');
  });

  it('matches METASPACE’s ion formula for every row of the isotope reference fixture', () => {
    const csv = new TextDecoder().decode(gunzipSync(readFileSync(sharedPath('fixtures/isotopes/isotopes_ref.csv.gz'))));
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    expect(rows.length).toBeGreaterThan(7000);
    const mismatches = rows
      .map((r) => [`${r.formula} ${r.neutral_loss}${r.adduct}`, generateIonFormula(r.formula!, '', r.neutral_loss!, r.adduct!), r.ion])
      .filter(([, got, want]) => got !== want);
    expect(mismatches).toEqual([]);
  });

  it('IonFormulaBuilder (the table fast path) agrees with computeIonFormula on 30k combinations', () => {
    const lines = readFileSync(sharedPath('data/lithops_metaspace/mol_db5.csv'), 'utf8').split('\n').slice(1).filter((l) => l);
    const formulas = [...lines.map((l) => l.split(',')[1]!), 'C2H4.H2O', 'CH3CH2OH', 'H2O', 'Na', 'C6H12O6Xx2', 'CaSO4', 'C0H2'];
    const chemMods = ['', '-CH2+O', '+H2O-H2O', 'bad'];
    const losses = ['', '-H2O', '-NH3', '-H2O-CO2', '[M]-'];
    const adducts = ['', '[M]+', '+H', '-H', '+Na', '+Cl', '+Xx', '-H10+H10', '+He', 'K'];
    const b = new IonFormulaBuilder();
    const diffs: string[] = [];
    let n = 0;
    for (const f of formulas) {
      b.setFormula(f);
      for (const cm of chemMods) {
        for (const nl of losses) {
          b.setPrefix(cm, nl);
          for (const ad of adducts) {
            const ref = computeIonFormula(f, [cm, nl, ad]);
            const got = b.withAdduct(ad);
            n++;
            if ((typeof ref === 'string' ? ref : null) !== got) diffs.push(`${f} ${cm} ${nl} ${ad}: ${JSON.stringify(ref)} vs ${got}`);
          }
        }
      }
    }
    expect(n).toBeGreaterThan(30000);
    expect(diffs).toEqual([]);
  });
});
