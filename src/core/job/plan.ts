// Job planning: which ions go into which score task. An ion goes where its isotope windows are: tasks are
// groups of ions (sorted by m/z) that need a contiguous run of at most a few dataset segments, so each
// task loads little data and tasks are many enough to balance the workers.
import type { CentroidTable, DatasetMeta, SegmentInfo } from '../types.ts';
import type { ScoreTaskInput } from './score-task.ts';

export interface PlannedTask {
  ions: Int32Array;
  input: ScoreTaskInput;
}

export function planScoreTasks(
  centroids: CentroidTable,
  meta: DatasetMeta,
  mask: Uint8Array,
  ppm: number,
  isTarget: Uint8Array,
  maxIons: number,
): PlannedTask[] {
  const segs = meta.segments;
  const n = centroids.n;
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    let l = Infinity;
    let h = -Infinity;
    let inside = false;
    for (let k = 0; k < 4; k++) {
      const mz = centroids.mzs[i * 4 + k];
      if (!(mz > 0)) continue;
      const d = mz * ppm * 1e-6;
      if (mz - d < l) l = mz - d;
      if (mz + d > h) h = mz + d;
      // METASPACE keeps a formula only if one of its peaks lies strictly inside the dataset's m/z range
      if (mz > meta.mzMin && mz < meta.mzMax) inside = true;
    }
    if (!inside) continue;
    keep.push(i);
    first[i] = firstSegmentEndingAtOrAfter(segs, l);
    last[i] = lastSegmentStartingAtOrBefore(segs, h);
  }
  // counting sort by first segment (O(n); millions of ions): grouping only needs ions ordered by where
  // their windows start, and within one segment the file order of the ion list is kept
  const nSeg = segs.length + 1;
  const starts = new Int32Array(nSeg + 1);
  for (const i of keep) starts[first[i] + 1]++;
  for (let s = 0; s < nSeg; s++) starts[s + 1] += starts[s];
  const ordered = new Int32Array(keep.length);
  for (const i of keep) ordered[starts[first[i]]++] = i;

  const tasks: PlannedTask[] = [];
  let group: number[] = [];
  let gFirst = 0;
  let gLast = -1;
  const flush = () => {
    if (!group.length) return;
    const ids = Int32Array.from(group);
    const m = ids.length;
    const sub: CentroidTable = { n: m, mzs: new Float64Array(m * 4), ints: new Float64Array(m * 4), nPeaks: new Uint8Array(m) };
    const tgt = new Uint8Array(m);
    for (let j = 0; j < m; j++) {
      const g = ids[j];
      for (let k = 0; k < 4; k++) {
        sub.mzs[j * 4 + k] = centroids.mzs[g * 4 + k];
        sub.ints[j * 4 + k] = centroids.ints[g * 4 + k];
      }
      sub.nPeaks[j] = centroids.nPeaks[g];
      tgt[j] = isTarget[g];
    }
    const segments: number[] = [];
    for (let s = gFirst; s <= gLast; s++) segments.push(s);
    tasks.push({
      ions: ids,
      input: { datasetId: meta.id, segments, width: meta.width, height: meta.height, mask, centroids: sub, isTarget: tgt, ppm },
    });
    group = [];
  };
  const maxSpan = 3;
  for (const i of ordered) {
    const f = first[i];
    const l = Math.max(last[i], f - 1); // empty range when no segment overlaps the windows
    if (group.length) {
      const nf = Math.min(gFirst, f);
      const nl = Math.max(gLast, l);
      const span = nl - nf + 1;
      if (group.length >= maxIons || (span > maxSpan && span > l - f + 1)) flush();
    }
    if (!group.length) {
      gFirst = f;
      gLast = l;
    } else {
      gFirst = Math.min(gFirst, f);
      gLast = Math.max(gLast, l);
    }
    group.push(i);
  }
  flush();
  return tasks;
}

function firstSegmentEndingAtOrAfter(segs: SegmentInfo[], mz: number): number {
  let a = 0;
  let b = segs.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (segs[m].mzMax < mz) a = m + 1;
    else b = m;
  }
  return a;
}

function lastSegmentStartingAtOrBefore(segs: SegmentInfo[], mz: number): number {
  let a = 0;
  let b = segs.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (segs[m].mzMin <= mz) a = m + 1;
    else b = m;
  }
  return a - 1;
}

