// Fine-structure isotope patterns (ims-cpp semantics) checked against hand-computable cases.
import { describe, expect, it } from 'vitest';
import { ELEMENTS } from '../../src/core/chem/elements.ts';
import { parseFormula } from '../../src/core/chem/formula.ts';
import { IsotopeError, fftGridCells, isotopePattern } from '../../src/core/chem/isotopes.ts';

function sorted(p: { masses: Float64Array; ints: Float64Array; n: number }) {
  const idx = Array.from({ length: p.n }, (_, i) => i).sort((a, b) => p.masses[a]! - p.masses[b]!);
  return { m: idx.map((i) => p.masses[i]!), i: idx.map((i) => p.ints[i]!) };
}

/** log of the binomial coefficient, independent of the implementation under test. */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let j = 1; j <= k; j++) s += Math.log(n - k + j) - Math.log(j);
  return s;
}

describe('isotope table (ims-cpp periodic_table.cpp, CIAAW 2009)', () => {
  it('has the spec §4 values and puts the most abundant isotope first', () => {
    const c = ELEMENTS.get('C')!;
    expect(Array.from(c.masses)).toEqual([12, 13.00335484]);
    expect(c.rel[1]).toBeCloseTo(0.0107 / 0.9893, 15);
    const k = ELEMENTS.get('K')!;
    expect(k.masses[0]).toBe(38.9637069);
    expect(k.rel[1]).toBeCloseTo(0.067302 / 0.932581, 15); // 41K (2nd most abundant) before 40K
    const he = ELEMENTS.get('He')!;
    expect(he.masses[0]).toBe(4.002603254); // 4He is the abundant one although listed second
    expect(ELEMENTS.size).toBe(106);
  });
});

describe('isotopePattern', () => {
  it('C: 12C / 13C with ratio 0.0107/0.9893', () => {
    const p = sorted(isotopePattern(parseFormula('C')));
    expect(p.m).toEqual([12, 13.00335484]);
    expect(p.i[0]).toBe(1);
    expect(p.i[1]).toBeCloseTo(0.0107 / 0.9893, 14);
  });

  it('C60: binomial distribution, peaks ≥ 1e-4 of the top, normalised to the top', () => {
    const p = sorted(isotopePattern(parseFormula('C60')));
    const a = 0.0107 / 0.9893;
    const raw = Array.from({ length: 61 }, (_, k) => Math.exp(logChoose(60, k) + k * Math.log(a)));
    const top = Math.max(...raw);
    const want = raw.map((v, k) => ({ k, v: v / top })).filter((x) => x.v >= 1e-4);
    expect(p.m.length).toBe(want.length);
    want.forEach(({ k, v }, j) => {
      expect(p.m[j]).toBeCloseTo(13.00335484 * k + 12 * (60 - k), 9);
      expect(Math.abs(p.i[j]! - v) / v).toBeLessThan(1e-12);
    });
  });

  it('H2O+H: the six fine peaks of H3O with ims-cpp abundances', () => {
    const p = sorted(isotopePattern(parseFormula('H2O+H')));
    const h = 0.000115 / 0.999885;
    const o17 = 0.00038 / 0.99757;
    const o18 = 0.00205 / 0.99757;
    // 1H3 16O, 1H2 2H 16O, 1H3 17O, 1H3 18O, (2H 17O and 2H2 are below 1e-4)
    const want = [
      [1.007825032 * 3 + 15.99491462, 1],
      [1.007825032 * 2 + 2.014101778 + 15.99491462, 3 * h],
      [1.007825032 * 3 + 16.9991315, o17],
      [1.007825032 * 3 + 17.9991604, o18],
    ].sort((x, y) => x[0]! - y[0]!);
    expect(p.m.length).toBe(4);
    want.forEach(([m, i], j) => {
      expect(p.m[j]).toBeCloseTo(m!, 9);
      expect(Math.abs(p.i[j]! - i!) / i!).toBeLessThan(1e-12);
    });
  });

  it('thresholds are parameters: lower thresholds keep more peaks', () => {
    const f = parseFormula('C20H30O5');
    const a = isotopePattern(f, 1e-4, 1e-8).n;
    const b = isotopePattern(f, 1e-6, 1e-12).n;
    expect(b).toBeGreaterThan(a);
  });

  it('fails like ims-cpp: FFT grid > 1e7 cells ("too many isotopic combinations")', () => {
    // Sn has 10 isotopes → 9-D grid; edge = kiss_fftr_next_fast_size_real(n+1): 4 for n=3, 6 for n=4.
    expect(fftGridCells(10, 3)).toBe(4 ** 9);
    expect(fftGridCells(10, 4)).toBe(6 ** 9);
    expect(isotopePattern(parseFormula('Sn3')).n).toBeGreaterThan(3);
    expect(() => isotopePattern(parseFormula('Sn4K'))).toThrow(IsotopeError);
    expect(() => isotopePattern(parseFormula('Sn4K'))).toThrow(/Sn4: too many isotopic combinations/);
    // Xe (9 isotopes, 8-D): n=5 → edge 6 → 6^8 = 1.68e6 fine; n=9 → edge 10 → 1e8 fails.
    expect(() => isotopePattern(parseFormula('Xe5'))).not.toThrow();
    expect(() => isotopePattern(parseFormula('Xe9'))).toThrow(/too many isotopic combinations/);
  });

  it('rejects unknown elements with a clear message', () => {
    expect(() => isotopePattern(new Map([['Xx', 1]]))).toThrow(/unknown element "Xx"/);
  });
});
