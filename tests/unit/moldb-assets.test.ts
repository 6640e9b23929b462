import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseMolDb } from '../../src/core/chem/moldb.ts';
import { REPO_ROOT, sharedPath } from '../helpers/shared.ts';

interface Entry { id: string; name: string; file: string; molecules: number; formulas: number; source: string; licence: string }
const DB_DIR = resolve(REPO_ROOT, 'public/db');
const index: Entry[] = JSON.parse(readFileSync(resolve(DB_DIR, 'index.json'), 'utf8'));
const SOURCES: Record<string, string> = {
  'core-metabolome-v3': 'data/metaspace/recal_dbs/CoreMetabolome-v3.csv',
  'lipidmaps-2017-12-12-v2': 'data/metaspace/recal_dbs/lipidmaps_2017-12-12-v2.tsv',
  'hmdb-organic-pysm': 'data/pysm/hmdb_organic_database.csv',
};

describe('bundled databases in public/db', () => {
  it('index lists CoreMetabolome, LIPID MAPS and the pySM HMDB export, each with source and licence', () => {
    expect(index.map((e) => e.id).sort()).toEqual(Object.keys(SOURCES).sort());
    for (const e of index) {
      expect(e.licence).toMatch(/Apache-2\.0/);
      expect(e.source).toMatch(/@ [0-9a-f]{8}/);
    }
    expect(readFileSync(resolve(DB_DIR, 'README.md'), 'utf8')).toMatch(/Not bundled: the Lithops-METASPACE/);
  });

  for (const e of index) {
    it(`${e.file} holds exactly the source's molecules, formulas and order`, () => {
      const bytes = readFileSync(resolve(DB_DIR, e.file));
      expect(bytes.length).toBeLessThan(600_000);
      const asset = parseMolDb(bytes, e.file);
      const src = parseMolDb(readFileSync(sharedPath(SOURCES[e.id]!)), e.id);
      expect(asset.format).toBe('metaspace-tsv');
      expect(asset.formulas).toEqual(src.formulas);
      expect(asset.molecules.ids).toEqual(src.molecules.ids);
      expect(asset.molecules.names).toEqual(src.molecules.names);
      expect(Array.from(asset.molecules.formulaIndex)).toEqual(Array.from(src.molecules.formulaIndex));
      expect(asset.molecules.ids).toHaveLength(e.molecules);
      expect(asset.formulas).toHaveLength(e.formulas);
    });
  }

  it('a corrupt gzip file is a clear error', () => {
    const bytes = readFileSync(resolve(DB_DIR, index[0]!.file)).subarray(0, 200);
    expect(() => parseMolDb(bytes, 'cut.tsv.gz')).toThrow(/gzip-compressed but cannot be decompressed/);
  });
});
