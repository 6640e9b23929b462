import { describe, expect, it } from 'vitest';
import { overlaps, placeLabels, type LabelIn } from '../../src/core/view/labels.ts';

function assertNoOverlap(labels: LabelIn[], out: ReturnType<typeof placeLabels>, gap: number) {
  for (let i = 0; i < out.length; i++) {
    for (let j = i + 1; j < out.length; j++) {
      if (out[i].row < 0 || out[i].row !== out[j].row) continue;
      expect(overlaps({ x: out[i].x, width: labels[i].width }, { x: out[j].x, width: labels[j].width }, gap)).toBe(false);
    }
  }
}

describe('placeLabels', () => {
  it('keeps well separated labels on the first row at their own x', () => {
    const labels = [{ x: 50, width: 40 }, { x: 150, width: 40 }, { x: 250, width: 40 }];
    expect(placeLabels(labels, { left: 0, right: 300 })).toEqual([{ x: 50, row: 0 }, { x: 150, row: 0 }, { x: 250, row: 0 }]);
  });

  it('staggers M+2 307.1495 and M+3 307.1581 (2 px apart on a 0.5 Da-padded axis) onto two rows', () => {
    // the plot's own scale: 4 peaks 305.14..308.15, 314 px wide
    const mzs = [305.1425, 306.1459, 307.1495, 307.1581];
    const lo = mzs[0] - 0.5;
    const hi = mzs[3] + 0.5;
    const labels = mzs.map((mz) => ({ x: 36 + ((mz - lo) / (hi - lo)) * 314, width: 44 }));
    const out = placeLabels(labels, { left: 36, right: 350, gap: 4 });
    expect(out.map((o) => o.row)).toEqual([0, 0, 0, 1]);
    assertNoOverlap(labels, out, 4);
  });

  it('hides a label only when every row is taken, and never overlaps', () => {
    const labels = [0, 1, 2, 3].map((k) => ({ x: 100 + k, width: 40 }));
    const out = placeLabels(labels, { left: 0, right: 300, rows: 2 });
    expect(out.map((o) => o.row)).toEqual([0, 1, -1, -1]);
    assertNoOverlap(labels, out, 4);
    // with 4 rows all fit
    expect(placeLabels(labels, { left: 0, right: 300, rows: 4 }).map((o) => o.row)).toEqual([0, 1, 2, 3]);
  });

  it('pushes labels at the edges inside the plot', () => {
    const out = placeLabels([{ x: 2, width: 40 }, { x: 299, width: 40 }], { left: 0, right: 300 });
    expect(out[0].x).toBe(20);
    expect(out[1].x).toBe(280);
  });

  it('works on unsorted input and returns results in input order', () => {
    const labels = [{ x: 200, width: 40 }, { x: 100, width: 40 }, { x: 102, width: 40 }];
    const out = placeLabels(labels, { left: 0, right: 300 });
    expect(out.map((o) => o.row)).toEqual([0, 0, 1]);
  });

  it('random labels never overlap on any row', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 200; t++) {
      const labels = Array.from({ length: 2 + Math.floor(rnd() * 8) }, () => ({ x: rnd() * 300, width: 20 + rnd() * 40 }));
      const out = placeLabels(labels, { left: 0, right: 300, gap: 3, rows: 3 });
      assertNoOverlap(labels, out, 3);
      for (const [i, o] of out.entries()) {
        expect(o.x - labels[i].width / 2).toBeGreaterThanOrEqual(0);
        expect(o.x + labels[i].width / 2).toBeLessThanOrEqual(300);
      }
    }
  });
});
