// A deliberately naive, line-by-line transcription of the ims-cpp @3615e6e algorithm (no memo, no
// pruning shortcuts, no skipped grid, full 12σ sums, every grid step taken by repeated addition),
// used only to check that the optimised src/core/chem code gives the same answers on many formulas.
import { ELEMENTS, ELECTRON_MASS } from '../../src/core/chem/elements.ts';
import { parseFormula } from '../../src/core/chem/formula.ts';

type Spec = { m: number[]; i: number[] };

function elementPattern(sym: string, count: number, fftThr: number): Spec {
  const el = ELEMENTS.get(sym)!;
  const dim = el.masses.length - 1;
  if (dim === 0) return { m: [el.masses[0]! * count], i: [1] };
  const m: number[] = [];
  const i: number[] = [];
  const k = new Array<number>(dim).fill(0);
  // enumerate all cells with Σk ≤ count; value = multinomial · Π rel^k (computed via logs of factorials)
  const lf = (x: number) => {
    let s = 0;
    for (let t = 2; t <= x; t++) s += Math.log(t);
    return s;
  };
  const rec = (d: number, used: number) => {
    if (d === dim) {
      let lv = lf(count) - lf(count - used);
      let mass = 0;
      for (let t = 0; t < dim; t++) {
        lv += k[t]! * Math.log(el.rel[t + 1]!) - lf(k[t]!);
        mass += el.masses[t + 1]! * k[t]!;
      }
      const v = Math.exp(lv);
      if (v >= fftThr) {
        m.push(mass + (count - used) * el.masses[0]!);
        i.push(v);
      }
      return;
    }
    for (let j = 0; used + j <= count; j++) {
      k[d] = j;
      rec(d + 1, used + j);
    }
    k[d] = 0;
  };
  rec(0, 0);
  const top = Math.max(...i);
  const order = i.map((_, t) => t).sort((a, b) => i[b]! - i[a]!);
  return { m: order.map((t) => m[t]!), i: order.map((t) => i[t]! / top) };
}

function fineNaive(formula: string): Spec {
  const counts = parseFormula(formula);
  let acc: Spec = { m: [0], i: [1] };
  for (const sym of [...counts.keys()].sort()) {
    const p = elementPattern(sym, counts.get(sym)!, 1e-8);
    if (acc.m.length === 1 && acc.m[0] === 0) {
      acc = p;
      continue;
    }
    const r: Spec = { m: [], i: [] };
    for (let a = 0; a < acc.m.length; a++)
      for (let b = 0; b < p.m.length; b++) {
        const v = acc.i[a]! * p.i[b]!;
        if (v > 1e-8) {
          r.m.push(acc.m[a]! + p.m[b]!);
          r.i.push(v);
        }
      }
    const top = Math.max(...r.i);
    acc = { m: r.m, i: r.i.map((v) => v / top) };
  }
  const keep = acc.i.map((v, t) => (v >= 1e-4 ? t : -1)).filter((t) => t >= 0);
  const out = { m: keep.map((t) => acc.m[t]!), i: keep.map((t) => acc.i[t]!) };
  const order = out.i.map((_, t) => t).sort((a, b) => out.i[b]! - out.i[a]!);
  return { m: order.map((t) => out.m[t]!), i: order.map((t) => out.i[t]!) };
}

const F = 2.3548200450309493;

function envelopeCentroidsNaive(p: Spec, rp: number): Spec {
  if (p.m.length <= 1) return p;
  const idx = p.m.map((_, t) => t).sort((a, b) => p.m[a]! - p.m[b]!);
  const M = idx.map((t) => p.m[t]!);
  const I = idx.map((t) => p.i[t]!);
  const n = M.length;
  const sigmaAt = (m: number) => m / rp / F;
  let pi = 0;
  let empty = false;
  let gs = sigmaAt(M[0]!);
  const env = (mz: number) => {
    if (mz > M[pi]! + 12 * gs) empty = true;
    if (empty && pi + 1 < n && mz >= M[pi + 1]! - 12 * gs) {
      empty = false;
      pi++;
      gs = sigmaAt(M[pi]!);
    }
    if (empty) return 0;
    let k = pi;
    while (k > 0 && mz - M[k - 1]! < 12 * gs) k--;
    let r = 0;
    while (k < n && M[k]! - mz <= 12 * gs) {
      const d = (M[k]! - mz) / gs;
      r += I[k]! * Math.exp(-0.5 * d * d);
      k++;
    }
    return r;
  };
  let sigma = gs;
  let step = (sigma * F) / 25;
  const mzs: number[] = [];
  const ins: number[] = [];
  const start = M[0]! - 12 * sigma;
  for (let j = 0; j < 15; j++) {
    mzs.push(start + (j - 7) * step);
    ins.push(env(mzs[j]!));
  }
  const res: Spec = { m: [], i: [] };
  for (;;) {
    const next = mzs[mzs.length - 1]! + step;
    if (next > M[n - 1]! + 12 * sigma) break;
    mzs.push(next);
    ins.push(env(next));
    mzs.shift();
    ins.shift();
    sigma = gs;
    step = (sigma * F) / 25;
    const c = ins[7]!;
    if (!(ins[6]! < c && c >= ins[8]!)) continue;
    if (c < 1e-4) continue;
    let i = 7;
    while (i !== 0 && ins[i - 1]! < ins[i]!) i--;
    let s = 0;
    let tot = 0;
    let mx = 0;
    for (; i < 15; i++) {
      if (i > 7 && i + 1 !== 15 && ins[i + 1]! > ins[i]!) break;
      s += mzs[i]! * ins[i]!;
      tot += ins[i]!;
      mx = Math.max(mx, ins[i]!);
    }
    res.m.push(s / tot);
    res.i.push(mx);
  }
  const top = Math.max(...res.i);
  const keep = res.i.map((v, t) => (v / top >= 1e-4 ? t : -1)).filter((t) => t >= 0);
  return { m: keep.map((t) => res.m[t]!), i: keep.map((t) => res.i[t]! / top) };
}

/** Naive v1 centroids: {mzs, ints} of length ≤ 4, m/z-sorted, ints ×100. Throws on failure. */
export function naiveIonCentroids(ion: string, charge: 1 | -1, sigma: number): { mzs: number[]; ints: number[] } {
  const fine = fineNaive(ion);
  fine.m = fine.m.map((m) => m - charge * ELECTRON_MASS);
  const rp = fine.m[0]! / (Number(sigma.toFixed(6)) * F);
  const c = envelopeCentroidsNaive(fine, rp);
  const order = c.i.map((_, t) => t).sort((a, b) => c.i[b]! - c.i[a]!).slice(0, 4);
  order.sort((a, b) => c.m[a]! - c.m[b]!);
  return { mzs: order.map((t) => c.m[t]!), ints: order.map((t) => 100 * c.i[t]!) };
}
