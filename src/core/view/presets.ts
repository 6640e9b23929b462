// Job-form presets from the METASPACE v1 spec (metaspace-v1.md §4 items 4 and 7).

/** Resolving power presets (label = RP at m/z 200) → isocalc_sigma in Da (MS RESOL_POWER_PARAMS). */
export const RP_PRESETS: readonly { label: string; rp: number; sigma: number }[] = [
  { label: '70 000', rp: 70_000, sigma: 0.002476 },
  { label: '100 000', rp: 100_000, sigma: 0.001733 },
  { label: '140 000', rp: 140_000, sigma: 0.001238 },
  { label: '200 000', rp: 200_000, sigma: 0.000867 },
  { label: '250 000', rp: 250_000, sigma: 0.000693 },
  { label: '280 000', rp: 280_000, sigma: 0.000619 },
  { label: '500 000', rp: 500_000, sigma: 0.000347 },
  { label: '750 000', rp: 750_000, sigma: 0.000231 },
  { label: '1 000 000', rp: 1_000_000, sigma: 0.000173 },
];
/** METASPACE's default when nothing is known: RP 140 000 @ 200 → sigma 0.001238. */
export const DEFAULT_SIGMA = 0.001238;
export const DEFAULT_PPM = 3;
export const DEFAULT_DECOYS = 20;

export const DEFAULT_ADDUCTS: Record<'+' | '-', string[]> = { '+': ['+H', '+Na', '+K'], '-': ['-H', '+Cl'] };

/** Splits a user list like "+H, +Na  +K" into items. */
export function parseList(s: string): string[] {
  return s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
}
