// Small text helpers for the page: durations for the job's timers and counted nouns ("1 annotation", "2 annotations").
// Pure (no Svelte), so they are unit-tested (tests/unit/app-format.test.ts).

/**
 * A duration for a timer or an ETA. Negative or not-finite input (clock skew between a worker's and the page's
 * performance.now(), an ETA that overshot) shows as 0 s, never "-0 s" or "NaN s". Under 10 s: one decimal;
 * under a minute: whole seconds; then "m:ss min", then "h:mm h".
 */
export function formatDuration(ms: number, opts: { decimals?: boolean } = {}): string {
  const s = Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
  const decimals = opts.decimals ?? true;
  if (s < 10 && decimals) {
    const t = Math.round(s * 10) / 10;
    if (t < 10) return `${t.toFixed(1)} s`;
  }
  const whole = Math.round(s);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')} min`;
  const m = Math.round(whole / 60);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')} h`;
}

/** "1 annotation", "0 annotations", "1,234 annotations" (numbers in the page's locale). `many` for irregular nouns. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
