import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMolDb } from '../../src/core/chem/moldb.ts';
import { moleculeDatabase, moleculeUrl } from '../../src/core/view/molecule-url.ts';
import { REPO_ROOT, sharedPath } from '../helpers/shared.ts';

function ids(bytes: Uint8Array, name: string): string[] {
  return parseMolDb(bytes, name).molecules.ids;
}

describe('moleculeUrl', () => {
  it('links the id forms of HMDB, LIPID MAPS, ChEBI and SwissLipids', () => {
    expect(moleculeUrl('HMDB', 'HMDB0000122')).toBe('https://hmdb.ca/metabolites/HMDB0000122');
    expect(moleculeUrl('hmdb-organic-pysm', 'HMDB05176')).toBe('https://hmdb.ca/metabolites/HMDB05176');
    expect(moleculeUrl('LIPID MAPS', 'LMFA01010001')).toBe('https://www.lipidmaps.org/databases/lmsd/LMFA01010001');
    expect(moleculeUrl('LIPID MAPS', 'LMSP0501AA01')).toBe('https://www.lipidmaps.org/databases/lmsd/LMSP0501AA01');
    expect(moleculeUrl('ChEBI', 'CHEBI:15377')).toBe('https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:15377');
    expect(moleculeUrl('ChEBI 2018', '15377')).toBe('https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:15377');
    expect(moleculeUrl('SwissLipids', 'SLM:000000510')).toBe('https://www.swisslipids.org/#/entity/SLM:000000510/');
  });

  it('gives no link for ids that are not from a known database', () => {
    for (const [db, id] of [['my db', '0'], ['mol_db2', '42'], ['custom', 'X1'], ['HMDB', ''], ['HMDB', 'HMDB12'], ['LIPID MAPS', 'LM']]) {
      expect(moleculeUrl(db, id)).toBeNull();
    }
  });

  it('links every id of the bundled databases (public/db) to the right database', () => {
    const files: [string, string][] = [['core-metabolome-v3.tsv.gz', 'HMDB'], ['hmdb-organic-pysm.tsv.gz', 'HMDB'], ['lipidmaps-2017-12-12-v2.tsv.gz', 'LIPID MAPS']];
    for (const [file, want] of files) {
      const all = ids(readFileSync(resolve(REPO_ROOT, 'public/db', file)), file);
      expect(all.length).toBeGreaterThan(1000);
      const wrong = all.filter((id) => moleculeDatabase(file, id) !== want);
      expect(wrong.slice(0, 5)).toEqual([]);
      for (const id of all.slice(0, 50)) expect(moleculeUrl(file, id)).toMatch(/^https:\/\/(hmdb\.ca|www\.lipidmaps\.org)\/.+/);
    }
  });

  it('links the METASPACE and pySM databases of ../shared and not the Lithops index ids', () => {
    for (const f of ['metaspace/moldbs/moldb.csv', 'metaspace/recal_dbs/CoreMetabolome-v3.csv', 'metaspace/recal_dbs/lipidmaps_2017-12-12-v2.tsv', 'pysm/hmdb_organic_database.csv']) {
      const all = ids(readFileSync(sharedPath('data', f)), f);
      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((id) => moleculeUrl(f, id) === null).slice(0, 5)).toEqual([]);
    }
    const lithops = ids(readFileSync(sharedPath('data', 'lithops_metaspace/mol_db2.csv')), 'mol_db2');
    expect(lithops.every((id) => moleculeUrl('mol_db2', id) === null)).toBe(true);
  });
});
