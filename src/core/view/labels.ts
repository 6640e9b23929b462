// Placement of axis labels that must never overlap (the isotope plot's m/z labels: M+2 and M+3 of a
// heavy ion can be 0.01 Da apart). Labels are staggered onto rows; a label that finds no free row is
// hidden and its text is left for a tooltip.

export interface LabelIn {
  /** Wanted centre of the label (e.g. the peak's x in px). */
  x: number;
  /** Label width in the same unit. */
  width: number;
}

export interface LabelOut {
  /** Centre after clamping into [left, right]. */
  x: number;
  /** Row 0 = nearest the axis; -1 = hidden (no row had room). */
  row: number;
}

export interface LabelOptions {
  /** The labels must stay inside [left, right] (the plot's drawable width). */
  left: number;
  right: number;
  /** Free space kept between two labels on one row. */
  gap?: number;
  /** Rows available (default 2). */
  rows?: number;
}

/** Places labels left to right, each on the lowest row where it does not touch its left neighbour. */
export function placeLabels(labels: readonly LabelIn[], opts: LabelOptions): LabelOut[] {
  const gap = opts.gap ?? 4;
  const rows = Math.max(1, opts.rows ?? 2);
  const out: LabelOut[] = labels.map(() => ({ x: 0, row: -1 }));
  // right edge of the last label on each row
  const rowEnd = new Array<number>(rows).fill(-Infinity);
  const order = labels.map((_, i) => i).sort((a, b) => labels[a].x - labels[b].x || a - b);
  for (const i of order) {
    const { width } = labels[i];
    const half = width / 2;
    // a label wider than the plot is centred; otherwise it is pushed inside the edges
    const x = width >= opts.right - opts.left ? (opts.left + opts.right) / 2 : Math.min(Math.max(labels[i].x, opts.left + half), opts.right - half);
    out[i].x = x;
    for (let r = 0; r < rows; r++) {
      if (x - half >= rowEnd[r] + gap) {
        out[i].row = r;
        rowEnd[r] = x + half;
        break;
      }
    }
  }
  return out;
}

/** True when two placed labels on one row overlap (for checks and tests). */
export function overlaps(a: { x: number; width: number }, b: { x: number; width: number }, gap = 0): boolean {
  return Math.abs(a.x - b.x) < (a.width + b.width) / 2 + gap;
}
