// Stage "centroids": isotope centroids of every ion formula, from the cache, else computed in chunks on the executor.
import type { CentroidTable } from '../../types.ts';
import type { Executor } from '../executor.ts';
import type { CentroidsTaskInput } from '../tasks.ts';
import { roundSigma, type CentroidTableResult } from '../../chem/centroids.ts';
import { centroidAlgorithm, computeCentroidTableFor, type Instrument } from '../../chem/centroid-model.ts';
import { centroidCacheKey, type CentroidCache } from '../../chem/centroid-cache.ts';

export interface CentroidsStageInput {
  ions: string[];
  charge: 1 | -1;
  sigma: number;
  /** METASPACE analysis_version (default 1): ≥ 2 computes cpyMSpec 0.4.2 patterns with `instrument` (chem/centroid-model.ts). */
  analysisVersion?: number;
  instrument?: Instrument;
  executor: Executor;
  cache?: CentroidCache;
  signal?: AbortSignal;
  onProgress(done: number, total: number): void;
}

export async function centroidsStage({ ions, charge, sigma, analysisVersion, instrument, executor, cache, signal, onProgress }: CentroidsStageInput): Promise<CentroidTableResult> {
  const model = { analysisVersion, instrument };
  // The key names the calculator and instrument: a v1 table (cached or shipped) is never used for v3, nor back.
  const key = centroidCacheKey(ions, charge, roundSigma(sigma), centroidAlgorithm(model));
  const hit = await cache?.get(key);
  if (hit && hit.table.n === ions.length && hit.ionFormulas.every((f, i) => f === ions[i])) return { table: hit.table, errors: hit.errors };
  const chunk = Math.max(1000, Math.ceil(ions.length / (executor.concurrency * 6)));
  const inputs: CentroidsTaskInput[] = [];
  for (let i = 0; i < ions.length; i += chunk) inputs.push({ ions: ions.slice(i, i + chunk), charge, sigma, ...(analysisVersion !== undefined && { analysisVersion }), ...(instrument !== undefined && { instrument }) });
  const parts = inputs.length === 1 ? [computeCentroidTableFor(ions, charge, sigma, model)] : await executor.map<CentroidsTaskInput, CentroidTableResult>('centroids', inputs, { signal, onProgress });
  const merged = concatCentroidTables(parts);
  await cache?.set(key, { ionFormulas: ions, table: merged.table, errors: merged.errors });
  return merged;
}

/** Concatenates chunk results in order (no argument spreading: a DB can give millions of ions). */
export function concatCentroidTables(parts: CentroidTableResult[]): CentroidTableResult {
  const n = parts.reduce((s, p) => s + p.table.n, 0);
  const table: CentroidTable = { n, mzs: new Float64Array(n * 4), ints: new Float64Array(n * 4), nPeaks: new Uint8Array(n) };
  const errors = new Array<string | null>(n);
  let o = 0;
  for (const p of parts) {
    table.mzs.set(p.table.mzs, o * 4);
    table.ints.set(p.table.ints, o * 4);
    table.nPeaks.set(p.table.nPeaks, o);
    for (let i = 0; i < p.table.n; i++) errors[o + i] = p.errors[i] ?? null;
    o += p.table.n;
  }
  return { table, errors };
}
