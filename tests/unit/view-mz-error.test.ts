import { describe, expect, it } from 'vitest';
import { mzErrorPpm } from '../../src/core/view/table.ts';

describe('m/z error shown in the table', () => {
  it('is mz_err_abs relative to the ion m/z, in ppm (not mz_err_rel)', () => {
    // the reference fixture's top annotation: C9H9Cl2N3+H, mz_err_abs 1.4376e-4 Da at m/z 230.0246
    expect(mzErrorPpm({ mz: 230.02460956887728, mzErrAbs: 0.0001437592613626748 })).toBeCloseTo(0.62497, 4);
    expect(mzErrorPpm({ mz: 500, mzErrAbs: -0.0015 })).toBeCloseTo(-3, 10);
  });
  it('is not a number when the error is unknown', () => {
    expect(mzErrorPpm({ mz: 500, mzErrAbs: Number.NaN })).toBeNaN();
    expect(mzErrorPpm({ mz: 0, mzErrAbs: 0.001 })).toBeNaN();
  });
});
