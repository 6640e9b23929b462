import { describe, expect, it } from 'vitest';
import { concatCentroidTables } from '../../src/core/job/pipeline.ts';
import type { CentroidTableResult } from '../../src/core/chem/centroids.ts';

function part(n: number, start: number): CentroidTableResult {
  const mzs = new Float64Array(n * 4);
  const ints = new Float64Array(n * 4);
  const nPeaks = new Uint8Array(n);
  const errors: (string | null)[] = new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    mzs[i * 4] = start + i;
    ints[i * 4] = 100;
    nPeaks[i] = 1;
  }
  errors[n - 1] = `bad ${start + n - 1}`;
  return { table: { n, mzs, ints, nPeaks }, errors };
}

describe('concatCentroidTables', () => {
  it('keeps the order of chunks and ions, with their errors', () => {
    const r = concatCentroidTables([part(3, 0), part(2, 3)]);
    expect(r.table.n).toBe(5);
    expect(Array.from(r.table.mzs.filter((_, i) => i % 4 === 0))).toEqual([0, 1, 2, 3, 4]);
    expect(r.errors).toEqual([null, null, 'bad 2', null, 'bad 4']);
  });

  it('handles millions of ions (db_config2-sized jobs overflowed the stack when errors were spread)', () => {
    const big = [part(700_000, 0), part(700_000, 700_000)];
    const r = concatCentroidTables(big);
    expect(r.table.n).toBe(1_400_000);
    expect(r.errors.length).toBe(1_400_000);
    expect(r.errors[1_399_999]).toBe('bad 1399999');
    expect(r.table.mzs[4 * 1_000_000]).toBe(1_000_000);
  });
});
