// Small numeric and formatting helpers shared by the benchmark scenarios (pure: no I/O).

export const median = (xs: readonly number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const sec = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');

export const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '–');

export const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : '–');

/**
 * Least-squares slope of log(y) against log(x): the exponent b of y ≈ a·x^b. Points with a non-positive or
 * non-finite coordinate are skipped; fewer than two distinct x values give NaN.
 */
export function powerFit(points: readonly { x: number; y: number }[]): { exponent: number; coefficient: number; n: number } {
  const p = points.filter((q) => q.x > 0 && q.y > 0 && Number.isFinite(q.x) && Number.isFinite(q.y));
  const n = p.length;
  if (n < 2) return { exponent: NaN, coefficient: NaN, n };
  const lx = p.map((q) => Math.log(q.x));
  const ly = p.map((q) => Math.log(q.y));
  const mx = lx.reduce((s, v) => s + v, 0) / n;
  const my = ly.reduce((s, v) => s + v, 0) / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i]! - mx) ** 2;
    sxy += (lx[i]! - mx) * (ly[i]! - my);
  }
  if (sxx === 0) return { exponent: NaN, coefficient: NaN, n };
  const exponent = sxy / sxx;
  return { exponent, coefficient: Math.exp(my - exponent * mx), n };
}
