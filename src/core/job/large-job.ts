// When a job is big enough to be worth sending to the cloud (the CLI's `--impl auto`, the page's "Auto").
import type { DatasetMeta } from '../types.ts';
import type { JobParams } from './result.ts';

/** Rough work of a job: dataset peaks × ion formulas (targets + decoys), what image building scales with. */
export function jobWork(meta: Pick<DatasetMeta, 'totalPeaks'>, dbs: readonly { formulas: ArrayLike<unknown> }[], p: Pick<JobParams, 'adducts' | 'neutralLosses' | 'chemMods' | 'decoys'>): number {
  const formulas = dbs.reduce((s, d) => s + d.formulas.length, 0);
  const tms = p.adducts.length * (1 + p.neutralLosses.length) * (1 + p.chemMods.length);
  const ions = formulas * tms * (1 + p.decoys);
  return meta.totalPeaks * ions;
}

/** Offload when the work is big: more than ~20 M peaks × 100k ion formulas of image building. */
export function isLargeJob(meta: Pick<DatasetMeta, 'totalPeaks'>, dbs: readonly { formulas: ArrayLike<unknown> }[], p: Pick<JobParams, 'adducts' | 'neutralLosses' | 'chemMods' | 'decoys'>): boolean {
  return jobWork(meta, dbs, p) > 2e12;
}
