// FDR of METASPACE analysis_version 1 (decoy adducts, median over rankings, digitised levels): see ../fdr.ts.
import { fdrV1 } from '../fdr.ts';
import type { FdrMethod } from './types.ts';

export const fdrMethodV1 = {
  id: 'fdr-v1',
  analysisVersion: 1,
  estimate: (target, decoys) => fdrV1(target, decoys),
} as const satisfies FdrMethod;
