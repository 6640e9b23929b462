import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, parseDbConfig, parseDsConfig, parseJsonConfig } from '../../src/core/job/config.ts';
import { sharedPath } from '../helpers/shared.ts';

const load = (name: string) => parseJsonConfig(readFileSync(sharedPath('data/lithops_metaspace', name), 'utf8'), name);

describe('Lithops-METASPACE configs', () => {
  it('reads every ds_config of the seed', () => {
    for (let i = 1; i <= 6; i++) {
      const c = parseDsConfig(load(`ds_config${i}.json`), `ds_config${i}.json`);
      expect(c.imzmlPath).toMatch(/\.imzML$/);
      expect(c.polarity).toBe('+');
      expect(c.decoys).toBe(20);
      expect(c.sigma).toBeGreaterThan(0);
    }
    expect(parseDsConfig(load('ds_config1.json'), 'x').sigma).toBe(0.000693);
  });

  it('reads db_configs: the empty adduct is kept, the empty modifier means "no loss"', () => {
    const c1 = parseDbConfig(load('db_config1.json'), 'db_config1.json');
    expect(c1.adducts).toEqual(['', '+H', '+Na', '+K']);
    expect(c1.neutralLosses).toEqual([]);
    const c3 = parseDbConfig(load('db_config3.json'), 'db_config3.json');
    expect(c3.databases).toHaveLength(4);
    expect(c3.neutralLosses).toEqual(['-H2O', '-CO2', '-NH3']);
    const c4 = parseDbConfig(load('db_config4.json'), 'db_config4.json');
    expect(c4.neutralLosses).toHaveLength(24);
    expect(c4.neutralLosses).toContain('+CH3CN');
  });

  it('reads METASPACE ds config sections', () => {
    const o = parseJsonConfig(readFileSync(sharedPath('data/metaspace/untreated_tiny/config.json'), 'utf8'), 'config.json');
    const c = parseDsConfig({ ...o, imzml_path: 'Untreated_3_434_tiny.imzML' }, 'config.json');
    expect(c).toMatchObject({ polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, adducts: ['+H', '+K', '+Na'], neutralLosses: [] });
  });
});

describe('config errors name the file and field', () => {
  it('rejects malformed JSON', () => {
    expect(() => parseJsonConfig('{"a": ', 'bad.json')).toThrow(/bad\.json: not valid JSON/);
    expect(() => parseJsonConfig('[1]', 'arr.json')).toThrow(/JSON object/);
  });
  it('rejects missing and mistyped fields', () => {
    expect(() => parseDsConfig({ polarity: '+' }, 'ds.json')).toThrow(/ds\.json: missing field "imzml_path"/);
    expect(() => parseDsConfig({ imzml_path: 'a.imzML', polarity: 'up' }, 'ds.json')).toThrow(/"polarity" must be "\+" or "-"/);
    expect(() => parseDsConfig({ imzml_path: 'a.imzML', isocalc_sigma: 0 }, 'ds.json')).toThrow(/"isocalc_sigma" must be greater than 0/);
    expect(() => parseDsConfig({ imzml_path: 'a.imzML', isocalc_sigma: '0.1' }, 'ds.json')).toThrow(/must be a number/);
    expect(() => parseDsConfig({ imzml_path: 'a.imzML', num_decoys: 81 }, 'ds.json')).toThrow(/from 1 to 80/);
    expect(() => parseDsConfig({ imzml_path: 'a.imzML', num_decoys: 2.5 }, 'ds.json')).toThrow(/from 1 to 80/);
    expect(() => parseDbConfig({ adducts: ['+H'] }, 'db.json')).toThrow(/db\.json: missing field "databases"/);
    expect(() => parseDbConfig({ databases: [], adducts: ['+H'] }, 'db.json')).toThrow(/"databases" is empty/);
    expect(() => parseDbConfig({ databases: ['a.csv'], adducts: '+H' }, 'db.json')).toThrow(/"adducts" must be a list of strings/);
    expect(() => parseDbConfig({ databases: ['a.csv'] }, 'db.json')).toThrow(ConfigError);
  });
});
