import { describe, expect, it } from 'vitest';
import { FormulaError, KNOWN_ELEMENTS, parseFormula } from '../../src/core/chem/formula.ts';

const obj = (m: Map<string, number>) => Object.fromEntries([...m].sort());

describe('parseFormula (pyMSpec grammar, ims-cpp elements)', () => {
  it('parses plain formulas', () => {
    expect(obj(parseFormula('C6H12O6'))).toEqual({ C: 6, H: 12, O: 6 });
    expect(obj(parseFormula('NaCl'))).toEqual({ Cl: 1, Na: 1 });
    expect(obj(parseFormula('CH3CH2OH'))).toEqual({ C: 2, H: 6, O: 1 });
  });
  it('expands parentheses, leading multipliers and "." complexes', () => {
    expect(obj(parseFormula('(CH3)2CO'))).toEqual({ C: 3, H: 6, O: 1 });
    expect(obj(parseFormula('2H2O'))).toEqual({ H: 4, O: 2 });
    expect(obj(parseFormula('CuSO4.5H2O'))).toEqual({ Cu: 1, H: 10, O: 9, S: 1 });
    expect(obj(parseFormula('((CH2)2)3'))).toEqual({ C: 6, H: 12 });
  });
  it('applies trailing ± groups and drops zero counts', () => {
    expect(obj(parseFormula('C6H12O6+Na'))).toEqual({ C: 6, H: 12, Na: 1, O: 6 });
    expect(obj(parseFormula('C6H12O6-H2O+H'))).toEqual({ C: 6, H: 11, O: 5 });
    expect(obj(parseFormula('H2O+H'))).toEqual({ H: 3, O: 1 });
    expect(obj(parseFormula('C2H6O-H6'))).toEqual({ C: 2, O: 1 });
    expect(obj(parseFormula('C0H2'))).toEqual({ H: 2 });
  });
  it('knows the ims-cpp table (106 elements, incl. D-less heavy ones) and nothing else', () => {
    expect(KNOWN_ELEMENTS.size).toBe(106);
    for (const el of ['H', 'C', 'Sn', 'U', 'Sg', 'Tc']) expect(KNOWN_ELEMENTS.has(el)).toBe(true);
    for (const el of ['D', 'Xx', 'Cx', 'Bh']) expect(KNOWN_ELEMENTS.has(el)).toBe(false);
  });

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['+H', /unexpected character "\+"/],
    ['C4-H', /element H occurs -1 times/],
    ['C54H102O6XYZ', /unknown element "X"/],
    ['C6H12O6Xx', /unknown element "Xx"/],
    ['C6H12O6)', /unexpected character "\)"/],
    ['(CH2', /expected "\)"/],
    ['C 6', /unexpected character " "/],
    ['c6h12', /unexpected character "c"/],
    ['C30000', /too big/],
    ['C0', /empty/],
    ['H2O-H2O', /empty/],
    ['C83H146O17.', /unexpected end/],
    ['(C10000)4', /occurs 40000 times/],
  ];
  for (const [f, re] of bad) {
    it(`rejects ${JSON.stringify(f)} with a message naming the formula`, () => {
      let err: unknown;
      try {
        parseFormula(f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FormulaError);
      expect((err as Error).message).toContain(`"${f}"`);
      expect((err as Error).message).toMatch(re);
    });
  }
});
