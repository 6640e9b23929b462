import { describe, expect, it } from 'vitest';
import { pairFiles } from '../../src/app/services/pairing.ts';

const f = (name: string) => new File([new Uint8Array(1)], name);

describe('pairFiles', () => {
  it('pairs by base name, any extension case', () => {
    const r = pairFiles([f('a.IMZML'), f('b.imzML'), f('A.ibd'), f('b.IBD')]);
    expect(r.problems).toEqual([]);
    expect(r.pairs.map((p) => [p.name, p.imzml.name, p.ibd.name])).toEqual([
      ['a', 'a.IMZML', 'A.ibd'],
      ['b', 'b.imzML', 'b.IBD'],
    ]);
  });
  it('names the missing half and ignores other files', () => {
    const r = pairFiles([f('x.imzML'), f('y.ibd'), f('notes.txt')]);
    expect(r.pairs).toEqual([]);
    expect(r.problems).toHaveLength(3);
    expect(r.problems[0]).toContain('notes.txt');
    expect(r.problems.some((p) => p.includes('x.ibd is missing'))).toBe(true);
    expect(r.problems.some((p) => p.includes('y.imzML is missing'))).toBe(true);
  });
  it('keeps dots inside base names', () => {
    const r = pairFiles([f('run.2024.01.imzML'), f('run.2024.01.ibd')]);
    expect(r.pairs[0].name).toBe('run.2024.01');
  });
});
