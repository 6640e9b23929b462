// Choosing the analysis version: ds_config `analysis_version` and `imzlens annotate --analysis-version N`. Until
// METASPACE-ML is registered, a request for 3 must fail loudly, never run v1 under a v3 label.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseDsConfig } from '../../src/core/job/config.ts';
import { analysisVersionOf } from '../../src/cli/annotate.ts';
import { REPO_ROOT } from '../helpers/shared.ts';

const base = { imzml_path: 'a.imzML' };

describe('ds_config analysis_version', () => {
  it('is read when given, null when absent, refused when not a whole number ≥ 1', () => {
    expect(parseDsConfig({ ...base, analysis_version: 3 }, 'ds.json').analysisVersion).toBe(3);
    expect(parseDsConfig({ ...base, analysis_version: 1 }, 'ds.json').analysisVersion).toBe(1);
    expect(parseDsConfig(base, 'ds.json').analysisVersion).toBeNull();
    for (const bad of [2.5, 0, '3']) {
      expect(() => parseDsConfig({ ...base, analysis_version: bad }, 'ds.json')).toThrow(ConfigError);
    }
    expect(() => parseDsConfig({ ...base, analysis_version: '3' }, 'ds.json')).toThrow(/"analysis_version" must be a number/);
  });
});

describe('the analysis version of a CLI job', () => {
  it('flag, else ds_config, else the default (1)', () => {
    expect(analysisVersionOf(undefined, null)).toBe(1);
    expect(analysisVersionOf(undefined, 1, 'ds.json')).toBe(1);
    expect(analysisVersionOf('1', null)).toBe(1);
  });

  it('a version this build lacks is an error naming where it came from and what exists', () => {
    expect(() => analysisVersionOf(undefined, 3, 'ds_config.json')).toThrow(/ds_config\.json: analysis_version 3: this build has analysis version 1 .*docs\/metaspace-ml\.md/);
    expect(() => analysisVersionOf('3', 1, 'ds_config.json')).toThrow(/--analysis-version 3/); // the flag wins over the config
    expect(() => analysisVersionOf('2', null)).toThrow(/--analysis-version 2: this build has analysis version 1/);
    expect(() => analysisVersionOf('v3', null)).toThrow(/whole number/);
  });

  it('`imzlens annotate --analysis-version 3` stops with that message and exit code 1', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/imzlens.mjs'), 'annotate', '--imzml', 'none.imzML', '--db', 'none.csv', '--polarity', '+', '--sigma', '0.0006', '--out', join(REPO_ROOT, 'nonexistent-out'), '--analysis-version', '3'], { encoding: 'utf8', cwd: REPO_ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/METASPACE-ML \(analysis_version 3\) is not complete in imzlens yet/);
  });
});
