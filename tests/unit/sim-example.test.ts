// The committed example dataset of the page (public/example, made by scripts/make-example.mjs).
import { describe, it, expect } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import { parseMolDb } from '../../src/core/chem/moldb.ts';
import { ionCentroids } from '../../src/core/chem/centroids.ts';
import { parseTruthCsv } from '../../src/core/sim/recall.ts';

const DIR = join(REPO_ROOT, 'public/example');
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8'));
const bytes = (f: string) => new Uint8Array(readFileSync(join(DIR, f)));

describe('public/example', () => {
  it('index.json names the files and parameters, and says the data are simulated', () => {
    expect(index).toMatchObject({ polarity: '+', adducts: ['+H', '+Na', '+K'], sigma: 0.000619, ppm: 3 });
    expect(index.description).toMatch(/SIMULATED/);
    const truth = parseTruthCsv(readFileSync(join(DIR, index.truth), 'utf8'));
    expect(index.description).toContain(`${truth.planted.length} planted ions`);
    const total = [index.imzml, index.ibd, index.db, index.truth, 'index.json'].reduce((s, f) => s + statSync(join(DIR, f)).size, 0);
    expect(total).toBeLessThanOrEqual(3e6);
  });

  it('is a valid processed centroid imzML with a matching SHA-1 and a tissue-shaped sample area', async () => {
    const ix = await parseImzml(new BytesSource(index.imzml, bytes(index.imzml)));
    const ibd = bytes(index.ibd);
    expect(ix.storageMode).toBe('processed');
    expect(ix.mzDataType).toBe('f64');
    expect(ix.intensityDataType).toBe('f32');
    expect(ix.spectrumType).toBe('centroid');
    expect(ix.sha1).toBe(createHash('sha1').update(ibd).digest('hex'));
    expect(ix.nSpectra).toBeLessThan(0.9 * ix.maxCountX! * ix.maxCountY!); // off-tissue pixels exist
    let peaks = 0;
    for (let i = 0; i < ix.nSpectra; i++) peaks += ix.mzLength[i]!;
    expect(peaks / ix.nSpectra).toBeGreaterThan(150);
    expect(peaks / ix.nSpectra).toBeLessThan(450);
  });

  it('its database holds every planted formula, with ids and names', () => {
    const db = parseMolDb(bytes(index.db), index.db);
    expect(db.warnings).toEqual([]);
    expect(db.molecules.ids.every((id) => id !== '')).toBe(true);
    const truth = parseTruthCsv(readFileSync(join(DIR, index.truth), 'utf8'));
    for (const p of truth.planted) {
      expect(db.formulas).toContain(p.formula);
      expect(index.adducts).toContain(p.adduct);
      expect(p.mz0).toBeCloseTo(ionCentroids(p.ionFormula, 1, index.sigma).mzs[0]!, 5);
    }
  });
});
