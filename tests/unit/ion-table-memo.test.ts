// buildJobIonTables reuses the last job's tables when the DB formula lists and modifiers are the same (a second job
// in the page), and only then.
import { describe, expect, it } from 'vitest';
import { buildJobIonTables } from '../../src/core/chem/ion-table.ts';
import { buildMergedIonTables } from '../../src/core/chem/ion-engine.ts';

const params: { chemMods: string[]; neutralLosses: string[]; adducts: string[]; polarity: '+' | '-'; decoySampleSize: number } = {
  chemMods: [], neutralLosses: [], adducts: ['+H', '+Na'], polarity: '+', decoySampleSize: 5,
};
const dbA = ['C6H12O6', 'C5H5N5', 'C10H16N5O13P3'];

describe('buildJobIonTables reuse', () => {
  it('same formulas (new arrays) and modifiers: the same tables object, equal to a fresh build', () => {
    const a = buildJobIonTables([dbA], params);
    const b = buildJobIonTables([[...dbA]], { ...params, adducts: ['+H', '+Na'] });
    expect(b).toBe(a);
    expect(b).toEqual(buildMergedIonTables([dbA], params));
  });

  it('any change in formulas, order, DB split or modifiers builds anew, and correctly', () => {
    const a = buildJobIonTables([dbA], params);
    const variants: [string[][], typeof params][] = [
      [[['C6H12O6', 'C5H5N5', 'C10H16N5O13P4']], params],
      [[[dbA[1]!, dbA[0]!, dbA[2]!]], params],
      [[[dbA[0]!], [dbA[1]!, dbA[2]!]], params],
      [[dbA], { ...params, adducts: ['+H', '+K'] }],
      [[dbA], { ...params, decoySampleSize: 6 }],
      [[dbA], { ...params, polarity: '-', adducts: ['-H'] }],
    ];
    for (const [lists, p] of variants) {
      const v = buildJobIonTables(lists, p);
      expect(v).not.toBe(a);
      expect(v).toEqual(buildMergedIonTables(lists, p));
    }
  });
});
