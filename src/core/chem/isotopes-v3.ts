// Isotopic fine structure as cpyMSpec 0.4.2 computes it (METASPACE analysis_version ≥ 2):
// `isotopePattern(f)` = ims-cpp @d8ba14b `computeIsotopePatternThr(f, 1e-4, relative=true)`, an IsoSpec-style
// enumeration of isotope configurations instead of v1's per-element FFT + convolution (isotopes.ts).
//
// The original's rules, followed exactly:
//  - per element (std::map order of symbols): the isotope abundances scaled to top 1, sorted by decreasing
//    abundance; log p_i = log(rel_i / Σ rel); a configuration's log-probability is the multinomial
//    Σ (k_i·log p_i − log k_i!) + log n!, log k! = lgamma(k+1);
//  - per element, configurations are produced in a best-first order from the mode (found by hill climbing
//    from "all atoms on the top isotope") down to log-probability −20 (ims-cpp's sub-generator threshold);
//  - the multi-element search starts at every element's mode, accepts every combination whose summed
//    log-probability is ≥ log(mode) + log(1e-4), walking each combination through ims-cpp's unique path
//    (the leftmost index changes first, stop after the first non-zero index), and fails above 100k peaks;
//  - peak mass = Σ over elements of Σ k_i·m_i (in that order), intensity = exp(log-probability), the
//    pattern normalised to its top peak (sorted by decreasing intensity).
// Everything per (element, count) is memoised: the sub-generator's output does not depend on the formula
// (it is advanced until its first failed step, and a failed step pushes nothing, so every later step fails too).
import { ELEMENTS, type ElementIsotopes } from './elements.ts';
import { IsotopeError, type FinePattern } from './isotopes.ts';

const SUB_LOG_THRESHOLD = -20;
const MAX_CONFIGURATIONS = 100000;
/** cpyMSpec 0.4.2 `isotopePattern(sum_formula, threshold=1e-4, rel_threshold=True)`. */
export const V3_PATTERN_THRESHOLD = 1e-4;

// ---------------------------------------------------------------------------------------------
// log k! (ims-cpp tabulates std::lgamma(k + 1) for k < 65536).

const LN_SQRT_2PI = 0.91893853320467274178;
const logFacTable = new Float64Array(65536).fill(NaN);

/** lgamma(k+1): exact factorials up to 22! (all exact doubles), Stirling's series above (error ≪ 1e-13 absolute). */
export function logFactorial(k: number): number {
  const t = logFacTable[k];
  if (t !== undefined && !Number.isNaN(t)) return t;
  let v: number;
  if (k <= 22) {
    let f = 1;
    for (let i = 2; i <= k; i++) f *= i;
    v = Math.log(f);
  } else {
    const x = k + 1;
    const x2 = x * x;
    const series = (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * x2)) / x2) / x2) / x;
    v = (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + series;
  }
  if (k < logFacTable.length) logFacTable[k] = v;
  return v;
}

// ---------------------------------------------------------------------------------------------
// One element: its configurations in ims-cpp's best-first order.

interface ElementLogs {
  masses: Float64Array;
  logP: Float64Array;
}

const elementLogs = new Map<string, ElementLogs>();

function logsOf(el: ElementIsotopes): ElementLogs {
  let e = elementLogs.get(el.symbol);
  if (e === undefined) {
    let total = 0;
    for (let i = 0; i < el.rel.length; i++) total += el.rel[i]!;
    const logP = Float64Array.from(el.rel, (r) => Math.log(r / total));
    e = { masses: el.masses, logP };
    elementLogs.set(el.symbol, e);
  }
  return e;
}

/** Configurations of `count` atoms of one element, in the sub-generator's order (index 0 = the mode). */
interface SubConfs {
  logP: Float64Array;
  mass: Float64Array;
}

function confLogP(k: Uint16Array | number[], lp: Float64Array): number {
  let result = 0;
  let total = 0;
  for (let i = 0; i < lp.length; i++) {
    const c = k[i]!;
    result += c * lp[i]! - logFactorial(c);
    total += c;
  }
  return result + logFactorial(total);
}

function confMass(k: Uint16Array | number[], m: Float64Array): number {
  let mass = 0;
  for (let i = 0; i < m.length; i++) mass += k[i]! * m[i]!;
  return mass;
}

/** Max-heap of configuration indices by log-probability. */
class ConfHeap {
  private readonly h: number[] = [];
  constructor(private readonly key: number[]) {}
  get size(): number {
    return this.h.length;
  }
  push(i: number): void {
    const h = this.h;
    const key = this.key;
    let pos = h.length;
    h.push(i);
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!(key[h[parent]!]! < key[i]!)) break;
      h[pos] = h[parent]!;
      pos = parent;
    }
    h[pos] = i;
  }
  pop(): number {
    const h = this.h;
    const key = this.key;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let pos = 0;
      for (;;) {
        const l = 2 * pos + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && key[h[l]!]! < key[h[r]!]! ? r : l;
        if (!(key[last]! < key[h[c]!]!)) break;
        h[pos] = h[c]!;
        pos = c;
      }
      h[pos] = last;
    }
    return top;
  }
}

function computeSubConfs(el: ElementIsotopes, count: number): SubConfs {
  const { masses, logP: lp } = logsOf(el);
  const nIso = lp.length;
  // Hill climbing from "all atoms on isotope 0" to the mode: take the first neighbour (i → j moves, i outer)
  // that is more probable, until none is.
  const conf = new Array<number>(nIso).fill(0);
  conf[0] = count;
  let curr = confLogP(conf, lp);
  for (;;) {
    let found = false;
    search: for (let i = 0; i < nIso; i++) {
      if (conf[i] === 0) continue;
      for (let j = 0; j < nIso; j++) {
        if (i === j) continue;
        conf[i]--;
        conf[j]++;
        const next = confLogP(conf, lp);
        if (next > curr) {
          curr = next;
          found = true;
          break search; // keep the move
        }
        conf[j]--;
        conf[i]++;
      }
    }
    if (!found) break;
  }
  // Best-first expansion over neighbouring configurations until the best remaining one is below −20.
  const confs: number[][] = [conf.slice()];
  const keys: number[] = [confLogP(conf, lp)];
  const visited = new Set<string>([conf.join(',')]);
  const heap = new ConfHeap(keys);
  heap.push(0);
  const outLogP: number[] = [];
  const outMass: number[] = [];
  while (heap.size > 0) {
    const idx = heap.pop();
    if (keys[idx]! < SUB_LOG_THRESHOLD) break;
    const top = confs[idx]!;
    outLogP.push(keys[idx]!);
    outMass.push(confMass(top, masses));
    for (let i = 0; i < nIso; i++) {
      if (top[i] === 0) continue;
      for (let j = 0; j < nIso; j++) {
        if (i === j) continue;
        const nc = top.slice();
        nc[i]--;
        nc[j]++;
        const key = nc.join(',');
        if (visited.has(key)) continue;
        visited.add(key);
        confs.push(nc);
        keys.push(confLogP(nc, lp));
        heap.push(confs.length - 1);
      }
    }
  }
  return { logP: Float64Array.from(outLogP), mass: Float64Array.from(outMass) };
}

const subMemo = new Map<string, SubConfs[]>();

function subConfs(symbol: string, count: number): SubConfs {
  let byCount = subMemo.get(symbol);
  if (byCount === undefined) subMemo.set(symbol, (byCount = []));
  let s = byCount[count];
  if (s === undefined) {
    const el = ELEMENTS.get(symbol);
    if (el === undefined) throw new IsotopeError(`unknown element "${symbol}" (not in the ims-cpp isotope table)`);
    s = computeSubConfs(el, count);
    byCount[count] = s;
  }
  return s;
}

/** Forget memoised per-element configurations (benchmarks measure cold runs with this). */
export function clearV3PatternCache(): void {
  subMemo.clear();
}

// ---------------------------------------------------------------------------------------------
// The multi-element search.

// Accepted peaks and the search stack, as module scratch (single-threaded per worker).
let accM = new Float64Array(1024);
let accL = new Float64Array(1024);
let stack = new Int32Array(1024); // flat index tuples
let stackL = new Float64Array(128);

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Fine-structure isotope pattern (cpyMSpec 0.4.2 `isotopePattern(formula)`) of a formula given as element counts:
 * sorted by decreasing intensity, top exactly 1. Returned arrays are fresh. Throws IsotopeError.
 */
export function isotopePatternV3(counts: ReadonlyMap<string, number>, threshold = V3_PATTERN_THRESHOLD): FinePattern {
  const symbols = [...counts.keys()].filter((s) => counts.get(s)! > 0).sort(byteOrder);
  const dim = symbols.length;
  if (dim === 0) throw new IsotopeError('empty formula: no atoms to compute an isotope pattern for');
  const subs = symbols.map((s) => subConfs(s, counts.get(s)!));
  let logThreshold = 0;
  for (let e = 0; e < dim; e++) logThreshold += subs[e]!.logP[0]!;
  logThreshold += Math.log(threshold);

  let nAcc = 0;
  let sp = 0; // stack depth (tuples)
  const need = (depth: number): void => {
    if ((depth + 1) * dim > stack.length) {
      const ns = new Int32Array(Math.max(stack.length * 2, (depth + 1) * dim));
      ns.set(stack);
      stack = ns;
    }
    if (depth + 1 > stackL.length) {
      const nl = new Float64Array(stackL.length * 2);
      nl.set(stackL);
      stackL = nl;
    }
  };
  need(0);
  for (let e = 0; e < dim; e++) stack[e] = 0;
  {
    let lp = 0;
    for (let e = 0; e < dim; e++) lp += subs[e]!.logP[0]!;
    stackL[0] = lp;
  }
  sp = 1;
  const cur = new Int32Array(dim);
  while (sp > 0) {
    sp--;
    const base = sp * dim;
    for (let e = 0; e < dim; e++) cur[e] = stack[base + e]!;
    const lp = stackL[sp]!;
    if (nAcc >= accM.length) {
      const nm = new Float64Array(accM.length * 2);
      const nl = new Float64Array(accM.length * 2);
      nm.set(accM);
      nl.set(accL);
      accM = nm;
      accL = nl;
    }
    let mass = 0;
    for (let e = 0; e < dim; e++) mass += subs[e]!.mass[cur[e]!]!;
    accM[nAcc] = mass;
    accL[nAcc] = lp;
    nAcc++;
    if (nAcc > MAX_CONFIGURATIONS) {
      throw new IsotopeError('too many isotopic combinations (over 100k), increase the threshold');
    }
    for (let e = 0; e < dim; e++) {
      const ci = cur[e]!;
      if (ci + 1 >= subs[e]!.logP.length) {
        if (ci > 0) break;
        continue;
      }
      cur[e] = ci + 1;
      let np = 0;
      for (let f = 0; f < dim; f++) np += subs[f]!.logP[cur[f]!]!;
      if (np >= logThreshold) {
        need(sp);
        const b = sp * dim;
        for (let f = 0; f < dim; f++) stack[b + f] = cur[f]!;
        stackL[sp] = np;
        sp++;
      }
      cur[e] = ci;
      if (ci !== 0) break;
    }
  }
  // Spectrum{masses, exp(logP)}.normalize(): sort by decreasing intensity, divide by the top.
  const ints = new Float64Array(nAcc);
  for (let i = 0; i < nAcc; i++) ints[i] = Math.exp(accL[i]!);
  const order = Array.from({ length: nAcc }, (_, i) => i);
  order.sort((a, b) => ints[b]! - ints[a]!);
  const top = ints[order[0]!]!;
  const outM = new Float64Array(nAcc);
  const outI = new Float64Array(nAcc);
  for (let i = 0; i < nAcc; i++) {
    outM[i] = accM[order[i]!]!;
    outI[i] = top > 0 ? ints[order[i]!]! / top : ints[order[i]!]!;
  }
  return { masses: outM, ints: outI, n: nAcc };
}
