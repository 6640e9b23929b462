// METASPACE analysis_version 1 scoring: MSM = spectral × spatial × chaos (computed per ion in score-ions.ts).
import type { ScoringModel } from './types.ts';

export const msmV1 = {
  id: 'msm-v1',
  analysisVersion: 1,
  label: 'METASPACE v1 (MSM = spectral × spatial × chaos)',
  metrics: ['spectral', 'spatial', 'chaos'],
  // FDR ranks the float64 product, as METASPACE does before it stores msm as float32
  rank(s) {
    const msm64 = s.msm64 ?? Float64Array.from(s.msm);
    const out = new Float64Array(s.n);
    for (let i = 0; i < s.n; i++) out[i] = s.scored[i] ? msm64[i] : Number.NaN;
    return out;
  },
  shown: (s) => s.msm,
} as const satisfies ScoringModel;
