// The one placement rule (src/platform/placement.ts) the CLI (`--impl`) and the page (Run on) share.
import { describe, expect, it } from 'vitest';
import { chooseRunOn, decideMode, runsInLambda } from '../../src/platform/placement.ts';

describe('decideMode', () => {
  const never = () => {
    throw new Error('size asked for a mode that does not depend on it');
  };

  it('an explicit mode is kept, without looking at the job size', () => {
    for (const m of ['local', 'hybrid', 'serverless'] as const) expect(decideMode({ requested: m, cloudUsable: true, large: never })).toBe(m);
  });

  it('auto: hybrid for a large job with usable cloud settings, else local', () => {
    expect(decideMode({ requested: 'auto', cloudUsable: true, large: () => true })).toBe('hybrid');
    expect(decideMode({ requested: 'auto', cloudUsable: true, large: () => false })).toBe('local');
    expect(decideMode({ requested: 'auto', cloudUsable: false, large: () => true })).toBe('local');
    expect(decideMode({ requested: 'auto', cloudUsable: true })).toBe('local');
  });

  it('a dataset stored only in S3 runs in Lambda whatever was asked', () => {
    for (const m of ['local', 'auto', 'hybrid'] as const) expect(decideMode({ requested: m, cloudUsable: true, datasetInCloud: true, large: never })).toBe('serverless');
  });

  it('only local runs outside Lambda', () => {
    expect(runsInLambda('local')).toBe(false);
    expect(runsInLambda('hybrid')).toBe(true);
    expect(runsInLambda('serverless')).toBe(true);
  });
});

describe('chooseRunOn (the job form\'s "Run on")', () => {
  const large = () => true;
  const small = () => false;
  it('same answers as the form gave before the rule was shared', () => {
    expect(chooseRunOn('browser', { cloudUsable: true, cloudDataset: false, large })).toBe('browser');
    expect(chooseRunOn('browser', { cloudUsable: true, cloudDataset: true, large: small })).toBe('lambda');
    expect(chooseRunOn('lambda', { cloudUsable: true, cloudDataset: false, large: small })).toBe('lambda');
    expect(chooseRunOn('auto', { cloudUsable: true, cloudDataset: false, large })).toBe('lambda');
    expect(chooseRunOn('auto', { cloudUsable: false, cloudDataset: false, large })).toBe('browser');
    expect(chooseRunOn('auto', { cloudUsable: true, cloudDataset: false, large: small })).toBe('browser');
    expect(chooseRunOn('auto', { cloudUsable: false, cloudDataset: true, large: small })).toBe('lambda');
  });
});
