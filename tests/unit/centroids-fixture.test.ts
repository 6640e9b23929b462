// Every row of ../shared/fixtures/isotopes/isotopes_ref.csv.gz (centroids computed by METASPACE's own
// cpyMSpec 0.3.5 code): same number of peaks, m/z within 1e-6 Da, intensity within 1e-4 relative.
import { readFileSync } from 'node:fs';
import { gunzipSync, strFromU8 } from 'fflate';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { computeCentroidTable, ionCentroids } from '../../src/core/chem/centroids.ts';
import { sharedPath } from '../helpers/shared.ts';

interface Row {
  formula: string;
  adduct: string;
  polarity: string;
  sigma: string;
  ion: string;
  n_peaks: string;
  [k: string]: string;
}

function loadRows(): Row[] {
  const gz = readFileSync(sharedPath('fixtures/isotopes/isotopes_ref.csv.gz'));
  const text = strFromU8(gunzipSync(new Uint8Array(gz)));
  const parsed = Papa.parse<Row>(text, { header: true, skipEmptyLines: true });
  if (parsed.errors.length) throw new Error(`isotopes_ref.csv.gz: ${parsed.errors[0]!.message} (row ${parsed.errors[0]!.row})`);
  return parsed.data;
}

describe('isotope centroids vs METASPACE reference fixture', () => {
  const rows = loadRows();

  it('has the fixture rows (both polarities, both sigmas)', () => {
    expect(rows.length).toBeGreaterThan(7000);
    expect(new Set(rows.map((r) => r.polarity))).toEqual(new Set(['+', '-']));
    expect(new Set(rows.map((r) => r.sigma))).toEqual(new Set(['0.000619', '0.002476']));
  });

  it('matches every row: n_peaks, m/z ±1e-6 Da, intensity ±1e-4 relative', () => {
    // Group by (polarity, sigma) and use the batch API, as the pipeline does.
    const groups = new Map<string, Row[]>();
    for (const r of rows) {
      const k = `${r.polarity}|${r.sigma}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(r);
    }
    const failures: string[] = [];
    let compared = 0;
    for (const [k, g] of groups) {
      const [pol, sig] = k.split('|') as [string, string];
      const charge = pol === '+' ? 1 : -1;
      const { table, errors } = computeCentroidTable(g.map((r) => r.ion), charge, Number(sig));
      g.forEach((r, i) => {
        const want = Number(r.n_peaks);
        const got = table.nPeaks[i]!;
        const where = `${r.ion} (${r.formula} ${r.adduct}, ${pol}, sigma ${sig})`;
        if (got !== want) {
          failures.push(`${where}: n_peaks ${got} != ${want}${errors[i] ? ` (${errors[i]})` : ''}`);
          return;
        }
        for (let j = 0; j < want; j++) {
          const mz = Number(r[`mz${j}`]);
          const it = Number(r[`int${j}`]);
          const gm = table.mzs[i * 4 + j]!;
          const gi = table.ints[i * 4 + j]!;
          if (!(Math.abs(gm - mz) <= 1e-6)) failures.push(`${where}: mz${j} ${gm} != ${mz}`);
          if (!(Math.abs(gi - it) <= 1e-4 * Math.abs(it))) failures.push(`${where}: int${j} ${gi} != ${it}`);
          compared++;
        }
        for (let j = want; j < 4; j++) {
          if (table.mzs[i * 4 + j] !== 0 || table.ints[i * 4 + j] !== 0) failures.push(`${where}: slot ${j} not zero-padded`);
        }
      });
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(20000);
  });

  it('single-ion API agrees with the batch API on a fixture row', () => {
    const r = rows.find((x) => x.polarity === '-' && x.n_peaks === '4')!;
    const one = ionCentroids(r.ion, -1, Number(r.sigma));
    expect(one.nPeaks).toBe(4);
    for (let j = 0; j < 4; j++) expect(Math.abs(one.mzs[j]! - Number(r[`mz${j}`]))).toBeLessThanOrEqual(1e-6);
  });
});
