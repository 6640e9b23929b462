// Choosing the analysis version and model: ds_config `analysis_version` / `fdr.scoring_model` and
// `imzlens annotate --analysis-version N --model animal|plant`. A version the build lacks fails loudly, never runs
// another version under its label.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseDsConfig } from '../../src/core/job/config.ts';
import { analysisVersionOf, scoringModelOf } from '../../src/cli/annotate.ts';
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

  it('3 is METASPACE-ML, from the flag or the ds_config', () => {
    expect(analysisVersionOf('3', null)).toBe(3);
    expect(analysisVersionOf(undefined, 3, 'ds.json')).toBe(3);
    expect(analysisVersionOf('1', 3, 'ds.json')).toBe(1); // the flag wins over the config
  });

  it('a version this build lacks is an error naming where it came from and what exists', () => {
    expect(() => analysisVersionOf(undefined, 2, 'ds_config.json')).toThrow(/ds_config\.json: analysis_version 2: this build has analysis version 1 .*, 3 \(METASPACE-ML/);
    expect(() => analysisVersionOf('2', 3, 'ds_config.json')).toThrow(/--analysis-version 2/);
    expect(() => analysisVersionOf('v3', null)).toThrow(/whole number/);
  });

  it('`imzlens annotate --analysis-version 2` stops with that message and exit code 1', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/imzlens.mjs'), 'annotate', '--imzml', 'none.imzML', '--db', 'none.csv', '--polarity', '+', '--sigma', '0.0006', '--out', join(REPO_ROOT, 'nonexistent-out'), '--analysis-version', '2'], { encoding: 'utf8', cwd: REPO_ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--analysis-version 2: this build has analysis version 1/);
  });
});

describe('the scoring model of a CLI job', () => {
  const none = { scoringModel: null, scoringModelId: null };
  it('--model, else ds_config fdr.scoring_model, else the default (animal); v1 has none', () => {
    expect(scoringModelOf(3, undefined, null)).toBe('animal');
    expect(scoringModelOf(3, 'plant', null)).toBe('plant');
    expect(scoringModelOf(3, 'Plant', { scoringModel: 'METASPACE-ML_Animal', scoringModelId: null })).toBe('plant');
    expect(scoringModelOf(3, undefined, { scoringModel: 'METASPACE-ML_Plant', scoringModelId: null })).toBe('plant');
    expect(scoringModelOf(3, undefined, none)).toBe('animal');
    expect(scoringModelOf(1, undefined, { scoringModel: 'METASPACE-ML_Plant', scoringModelId: null })).toBeUndefined();
  });

  it('refuses an unknown model and --model with v1; reports an unresolvable scoring_model_id', () => {
    expect(() => scoringModelOf(3, 'fungus', null)).toThrow(/--model must be animal\|plant \(got 'fungus'\)/);
    expect(() => scoringModelOf(1, 'animal', null)).toThrow(/analysis version 1 has no model choice/);
    expect(() => scoringModelOf(3, undefined, { scoringModel: 'Tree', scoringModelId: null }, 'ds.json')).toThrow(/ds\.json: scoring_model "Tree"/);
    const warned: string[] = [];
    expect(scoringModelOf(3, undefined, { scoringModel: null, scoringModelId: 7 }, 'ds.json', (m) => warned.push(m))).toBe('animal');
    expect(warned[0]).toMatch(/scoring_model_id 7 is an id in METASPACE's own database/);
  });

  it('ds_config: fdr.scoring_model (or scoring_model) and fdr.scoring_model_id are read', () => {
    expect(parseDsConfig({ ...base, fdr: { scoring_model: 'METASPACE-ML_Plant' } }, 'ds.json').scoringModel).toBe('METASPACE-ML_Plant');
    expect(parseDsConfig({ ...base, scoring_model: 'plant' }, 'ds.json').scoringModel).toBe('plant');
    expect(parseDsConfig({ ...base, fdr: { scoring_model_id: 4 } }, 'ds.json').scoringModelId).toBe(4);
    expect(parseDsConfig(base, 'ds.json')).toMatchObject({ scoringModel: null, scoringModelId: null });
    expect(() => parseDsConfig({ ...base, fdr: { scoring_model: 3 } }, 'ds.json')).toThrow(/"scoring_model" must be a model name/);
  });
});
