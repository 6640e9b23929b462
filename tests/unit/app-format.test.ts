import { describe, expect, it } from 'vitest';
import { formatDuration, plural } from '../../src/app/state/format.ts';

describe('formatDuration', () => {
  it('never shows a negative zero or a negative time', () => {
    for (const ms of [-0, -1, -49, -51, -400, -1e9, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(formatDuration(ms)).toBe('0.0 s');
      expect(formatDuration(ms, { decimals: false })).toBe('0 s');
    }
  });
  it('one decimal under 10 s, whole seconds under a minute, then minutes and hours', () => {
    expect(formatDuration(0)).toBe('0.0 s');
    expect(formatDuration(440)).toBe('0.4 s');
    expect(formatDuration(9_940)).toBe('9.9 s');
    expect(formatDuration(9_960)).toBe('10 s'); // rounds up past 10: no "10.0 s"
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(59_400)).toBe('59 s');
    expect(formatDuration(59_600)).toBe('1:00 min');
    expect(formatDuration(65_000)).toBe('1:05 min');
    expect(formatDuration(3_599_000)).toBe('59:59 min');
    expect(formatDuration(3_600_000)).toBe('1:00 h');
    expect(formatDuration(5_430_000)).toBe('1:31 h');
    expect(formatDuration(4_400, { decimals: false })).toBe('4 s');
  });
});

describe('plural', () => {
  it('uses the singular only for exactly one', () => {
    expect(plural(1, 'annotation')).toBe('1 annotation');
    expect(plural(0, 'annotation')).toBe('0 annotations');
    expect(plural(2, 'warning')).toBe('2 warnings');
    expect(plural(1234, 'ion')).toMatch(/^1.234 ions$/);
    expect(plural(2, 'spectrum', 'spectra')).toBe('2 spectra');
    expect(plural(1, 'spectrum', 'spectra')).toBe('1 spectrum');
  });
});
