import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../src/core/view/file-name.ts';

describe('safeFileName', () => {
  it('replaces spaces and keeps the ion notation readable', () => {
    expect(safeFileName('Untreated 3_434 tiny_C6H12O6+Na-H2O_0.png')).toBe('Untreated_3_434_tiny_C6H12O6+Na-H2O_0.png');
    expect(safeFileName('example_C20H30O2+K_2.png')).toBe('example_C20H30O2+K_2.png');
  });

  it('removes path separators and characters Windows forbids', () => {
    const s = safeFileName('a/b\\c:d*e?f"g<h>i|j k.png');
    expect(s).toBe('a_b_c_d_e_f_g_h_i_j_k.png');
    expect(s).not.toMatch(/[\s/\\:*?"<>|]/);
  });

  it('never starts with a dot or dash, collapses runs, keeps the extension', () => {
    expect(safeFileName('  ..--  my   dataset  .PNG')).toBe('my_dataset.png');
    expect(safeFileName('-rf /.png')).toBe('rf.png');
  });

  it('keeps non-ASCII letters; falls back for an empty stem', () => {
    expect(safeFileName('Gewebe Größe µ.png')).toBe('Gewebe_Größe_µ.png');
    expect(safeFileName('   .png')).toBe('download.png');
    expect(safeFileName('???', 'ion-image')).toBe('ion-image');
  });

  it('caps very long names', () => {
    expect(safeFileName(`${'x'.repeat(500)}.png`).length).toBeLessThanOrEqual(124);
  });
});
