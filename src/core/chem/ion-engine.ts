// Ion tables of whole jobs (several DBs × many target modifiers × k decoys: tens of millions of ion slots)
// without per-slot strings or Maps. Same rules and output as the per-ion path in ions.ts (MS formula_parser):
//   * every DB formula is read once into a sparse element-count vector over one symbol table;
//   * chem_mod, neutral loss and adduct are compiled once into (symbol, delta) steps and applied in order,
//     a subtraction that leaves a negative count rejecting the ion;
//   * an ion is identified by a 64-bit *linear* hash of its count vector (Σ count·R[symbol] in two 32-bit
//     lanes), so the hash of formula + modifiers is the formula's hash plus precomputed modifier deltas;
//   * hash hits are verified exactly by rebuilding the stored ion's vector from its recipe
//     (formula, prefix, adduct), so a collision can never merge two ions;
//   * strings are built once per distinct ion, at the end, in first-use order.
// The result equals buildIonTable per DB followed by the job's merge (targets of all DBs first seen first).

import type { IonTable } from './ion-table-types.ts';
import { decoyCandidatesFor, makeTargetModifiers, sampleDecoysFor, type DecoyRule } from './decoys.ts';
import { isNoopModifier } from './ions.ts';

export interface IonJobParams {
  chemMods: string[];
  neutralLosses: string[];
  adducts: string[];
  polarity: '+' | '-';
  decoySampleSize: number;
  /** Decoy sampling rule (chem/decoys.ts; decoyRuleOf(analysisVersion)); default 'v1'. */
  decoyRule?: DecoyRule;
}

export interface MergedIonTables {
  /** One table per DB; `ions` is the shared merged list and `ionIsTarget` is empty (see `isTarget`). */
  tables: IonTable[];
  /** Distinct ion formulas of all DBs, in first-use order (DB order, then slot order). */
  ions: string[];
  /** 1 if the ion is the target ion of some (DB, formula, target modifier). */
  isTarget: Uint8Array;
}

const UPPER_A = 65;
const UPPER_Z = 90;
const LOWER_A = 97;
const LOWER_Z = 122;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const MOD_SYNTAX = /^([+-]([A-Z][a-z]*[0-9]*)+)+$/;

/** Symbol table with the two random hash multipliers per symbol. */
class Symbols {
  readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  r1 = new Int32Array(64);
  r2 = new Int32Array(64);
  private seed = 0x2545f491;

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(s, id);
      this.names.push(s);
      if (id >= this.r1.length) {
        const a = new Int32Array(this.r1.length * 2);
        a.set(this.r1);
        this.r1 = a;
        const b = new Int32Array(this.r2.length * 2);
        b.set(this.r2);
        this.r2 = b;
      }
      this.r1[id] = this.next() | 1;
      this.r2[id] = this.next() | 1;
    }
    return id;
  }

  /** xorshift32: fixed multipliers, so ion order never depends on anything random. */
  private next(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x;
    return x;
  }

  /** Output rank: CHNOPS first (in that order), then the other symbols in code-point order. */
  ranks(): Int32Array {
    const key = (s: string) => (s.length === 1 ? 'CHNOPS'.indexOf(s) : -1);
    const order = this.names.map((_, i) => i);
    order.sort((a, b) => {
      const sa = this.names[a]!;
      const sb = this.names[b]!;
      const ka = key(sa);
      const kb = key(sb);
      if (ka >= 0 || kb >= 0) return (ka < 0 ? 6 : ka) - (kb < 0 ? 6 : kb);
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    });
    const rank = new Int32Array(this.names.length);
    order.forEach((id, r) => (rank[id] = r));
    return rank;
  }
}

/** A compiled modifier: (symbol, delta) steps in application order plus its hash deltas. */
interface Steps {
  s: Int32Array;
  d: Int32Array;
  h1: number;
  h2: number;
  /** No step subtracts: applying it can never reject. */
  negFree: boolean;
  /** Some step adds: the ion then always has a positive count. */
  anyPos: boolean;
}

function compile(mod: string, sym: Symbols): Steps {
  const s: number[] = [];
  const d: number[] = [];
  if (!isNoopModifier(mod)) {
    if (!MOD_SYNTAX.test(mod)) throw new Error(`ion engine: modifier '${mod}' is not a sequence of ±formula groups; validate modifiers first`);
    const groups = /([+-])([A-Za-z0-9]+)/g;
    let g: RegExpExecArray | null;
    while ((g = groups.exec(mod)) !== null) {
      const sign = g[1] === '+' ? 1 : -1;
      const el = /([A-Z][a-z]*)([0-9]*)/g;
      let e: RegExpExecArray | null;
      while ((e = el.exec(g[2]!)) !== null) {
        s.push(sym.id(e[1]!));
        d.push(sign * (e[2] ? parseInt(e[2], 10) : 1));
      }
    }
  }
  return { s: Int32Array.from(s), d: Int32Array.from(d), h1: 0, h2: 0, negFree: d.every((x) => x >= 0), anyPos: d.some((x) => x > 0) };
}

function hashSteps(st: Steps, sym: Symbols): void {
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < st.s.length; i++) {
    h1 = (h1 + Math.imul(st.d[i]!, sym.r1[st.s[i]!]!)) | 0;
    h2 = (h2 + Math.imul(st.d[i]!, sym.r2[st.s[i]!]!)) | 0;
  }
  st.h1 = h1;
  st.h2 = h2;
}

/** Dense counts plus the list of symbols touched since the last clear (Int32 like the per-ion path). */
class Vec {
  c: Int32Array;
  mark: Uint8Array;
  touched: Int32Array;
  nt = 0;
  constructor(n: number) {
    this.c = new Int32Array(n);
    this.mark = new Uint8Array(n);
    this.touched = new Int32Array(n);
  }
  add(s: number, d: number): number {
    if (this.mark[s] === 0) {
      this.mark[s] = 1;
      this.touched[this.nt++] = s;
    }
    return (this.c[s] = (this.c[s]! + d) | 0);
  }
  clear(): void {
    for (let i = 0; i < this.nt; i++) {
      const s = this.touched[i]!;
      this.c[s] = 0;
      this.mark[s] = 0;
    }
    this.nt = 0;
  }
  anyPositive(): boolean {
    for (let i = 0; i < this.nt; i++) if (this.c[this.touched[i]!]! > 0) return true;
    return false;
  }
}

/** Formulas read the way the engine does (`.`/`=` removed, every `Xx123`, last count wins), stored sparse. */
class BaseFormulas {
  start: Int32Array;
  sym: Int32Array;
  cnt: Int32Array;
  h1: Int32Array;
  h2: Int32Array;
  /** Some count is negative (an absurd literal wrapped around Int32): use the step-by-step path. */
  odd: Uint8Array;
  /** Index of the first formula with the same string (same string = same vector; cheap hit checks). */
  canon: Int32Array;

  constructor(lists: readonly (readonly string[])[], symbols: Symbols) {
    const n = lists.reduce((s, l) => s + l.length, 0);
    this.start = new Int32Array(n + 1);
    this.h1 = new Int32Array(n);
    this.h2 = new Int32Array(n);
    this.odd = new Uint8Array(n);
    this.canon = new Int32Array(n);
    const firstOf = new Map<string, number>();
    let cap = n * 6 + 16;
    let sym = new Int32Array(cap);
    let cnt = new Int32Array(cap);
    let o = 0;
    let f = 0;
    const ids: number[] = [];
    const counts: number[] = [];
    for (const list of lists) {
      for (const raw of list) {
        const seen = firstOf.get(raw);
        this.canon[f] = seen ?? f;
        if (seen === undefined) firstOf.set(raw, f);
        const s = raw.indexOf('.') >= 0 || raw.indexOf('=') >= 0 ? raw.replace(/[.=]/g, '') : raw;
        ids.length = 0;
        counts.length = 0;
        let i = 0;
        const len = s.length;
        while (i < len) {
          const c = s.charCodeAt(i);
          if (c < UPPER_A || c > UPPER_Z) {
            i++;
            continue;
          }
          let j = i + 1;
          while (j < len) {
            const x = s.charCodeAt(j);
            if (x < LOWER_A || x > LOWER_Z) break;
            j++;
          }
          const name = s.slice(i, j);
          let k = j;
          while (k < len) {
            const x = s.charCodeAt(k);
            if (x < DIGIT_0 || x > DIGIT_9) break;
            k++;
          }
          // `| 0` stores like an Int32Array element, as the per-ion path does
          const n = k > j ? parseInt(s.slice(j, k), 10) | 0 : 1;
          const id = symbols.id(name);
          const at = ids.indexOf(id);
          if (at >= 0) counts[at] = n; // last occurrence wins (the engine builds a dict)
          else {
            ids.push(id);
            counts.push(n);
          }
          i = k;
        }
        if (o + ids.length > cap) {
          cap = Math.max(cap * 2, o + ids.length);
          const a = new Int32Array(cap);
          a.set(sym);
          sym = a;
          const b = new Int32Array(cap);
          b.set(cnt);
          cnt = b;
        }
        for (let q = 0; q < ids.length; q++) {
          sym[o] = ids[q]!;
          cnt[o] = counts[q]!;
          if (counts[q]! < 0) this.odd[f] = 1;
          o++;
        }
        this.start[++f] = o;
      }
    }
    this.sym = sym;
    this.cnt = cnt;
  }

  /** Hashes need every symbol's multipliers, so they are computed once all symbols are known. */
  hashAll(symbols: Symbols): void {
    for (let f = 0; f < this.h1.length; f++) {
      let h1 = 0;
      let h2 = 0;
      for (let o = this.start[f]!; o < this.start[f + 1]!; o++) {
        h1 = (h1 + Math.imul(this.cnt[o]!, symbols.r1[this.sym[o]!]!)) | 0;
        h2 = (h2 + Math.imul(this.cnt[o]!, symbols.r2[this.sym[o]!]!)) | 0;
      }
      this.h1[f] = h1;
      this.h2[f] = h2;
    }
  }

  load(f: number, v: Vec): void {
    for (let o = this.start[f]!; o < this.start[f + 1]!; o++) v.add(this.sym[o]!, this.cnt[o]!);
  }
}

/** Applies steps; on a rejecting subtraction undoes what it applied and returns false. */
function applySteps(v: Vec, st: Steps): boolean {
  const n = st.s.length;
  for (let i = 0; i < n; i++) {
    const d = st.d[i]!;
    if (v.add(st.s[i]!, d) < 0 && d < 0) {
      for (let j = i; j >= 0; j--) v.add(st.s[j]!, -st.d[j]!);
      return false;
    }
  }
  return true;
}

function unapplySteps(v: Vec, st: Steps): void {
  for (let j = st.s.length - 1; j >= 0; j--) v.add(st.s[j]!, -st.d[j]!);
}

function addSteps(v: Vec, st: Steps, sign: number): void {
  for (let j = 0; j < st.s.length; j++) v.add(st.s[j]!, sign * st.d[j]!);
}

/**
 * The distinct ions — recipe (formula, prefix, adduct) and h2 interleaved per ion, so a hash hit reads one cache
 * line — and an open-addressing table of (h1, id + 1) pairs keyed by the hash.
 */
class IonStore {
  n = 0;
  /** [4 id] formula, [4 id + 1] prefix, [4 id + 2] adduct, [4 id + 3] h2. */
  rec: Int32Array;
  target: Uint8Array;
  private table: Int32Array;
  private mask: number;

  /** `expected`: a guess of the number of distinct ions, so big jobs do not rehash half a dozen times. */
  constructor(expected: number) {
    const cap = Math.max(1 << 12, Math.min(expected, 1 << 26));
    this.rec = new Int32Array(cap * 4);
    this.target = new Uint8Array(cap);
    let size = 1 << 13;
    while (size < cap * 2) size *= 2;
    this.table = new Int32Array(size * 2);
    this.mask = size - 1;
  }

  private reserve(): void {
    if (this.n < this.target.length) return;
    const n = this.target.length * 2;
    const rec = new Int32Array(n * 4);
    rec.set(this.rec);
    this.rec = rec;
    const target = new Uint8Array(n);
    target.set(this.target);
    this.target = target;
  }

  /** Table position: the linear hash is poorly spread in its low bits, so finalise it (murmur3 fmix32). */
  static slot(h1: number, h2: number): number {
    let h = h1 ^ Math.imul(h2, 0x9e3779b1) ^ (h2 >>> 15);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h;
  }

  /** The id of a verified match, or -1 - (empty slot index) where the key would go. */
  find(h1: number, h2: number, same: (id: number) => boolean): number {
    const t = this.table;
    const rec = this.rec;
    let i = IonStore.slot(h1, h2) & this.mask;
    for (;;) {
      const e = t[2 * i + 1]!;
      if (e === 0) return -1 - i;
      if (t[2 * i] === h1 && rec[4 * e - 1] === h2 && same(e - 1)) return e - 1; // rec[4 (e - 1) + 3]
      i = (i + 1) & this.mask;
    }
  }

  insert(emptySlot: number, f: number, p: number, a: number, h1: number, h2: number): number {
    this.reserve();
    const id = this.n++;
    const r = id * 4;
    this.rec[r] = f;
    this.rec[r + 1] = p;
    this.rec[r + 2] = a;
    this.rec[r + 3] = h2;
    this.table[2 * emptySlot] = h1;
    this.table[2 * emptySlot + 1] = id + 1;
    if (this.n * 2 > this.mask + 1) this.rehash();
    return id;
  }

  private rehash(): void {
    const old = this.table;
    const size = (this.mask + 1) * 2;
    const t = new Int32Array(size * 2);
    const mask = size - 1;
    for (let o = 0; o < old.length; o += 2) {
      const e = old[o + 1]!;
      if (e === 0) continue;
      let i = IonStore.slot(old[o]!, this.rec[4 * e - 1]!) & mask;
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = old[o]!;
      t[2 * i + 1] = e;
    }
    this.table = t;
    this.mask = mask;
  }
}

/**
 * Ion tables of several DBs with one shared, de-duplicated ion list (what the annotation job needs).
 * Modifiers must be valid (buildIonTable checks them); decoys are sampled per DB as METASPACE does.
 */
export function buildMergedIonTables(formulaLists: readonly (readonly string[])[], params: IonJobParams): MergedIonTables {
  const job = compileJob(formulaLists, params);
  const store = new IonStore(expectedDistinctIons(formulaLists, job, params.decoySampleSize));
  const cur = new Vec(job.symbols.names.length);
  const resolver = new IonResolver(job, store, cur);
  const tables: IonTable[] = [];
  let fOffset = 0;
  for (const formulas of formulaLists) {
    tables.push(buildDbTable(job, formulas.length, fOffset, params, resolver, cur, store));
    fOffset += formulas.length;
  }
  const ions = ionFormulaStrings(job, store, cur);
  for (const t of tables) t.ions = ions;
  return { tables, ions, isTarget: store.target.slice(0, store.n) };
}

/** Everything of a job that does not depend on the formula at hand: symbols, formulas and compiled modifiers. */
interface CompiledJob {
  symbols: Symbols;
  base: BaseFormulas;
  tms: ReturnType<typeof makeTargetModifiers>;
  /** Chem mods and neutral losses, each with "none" ('') first; prefix p = chemMod (p / nNl) + neutral loss (p % nNl). */
  cms: Steps[];
  nls: Steps[];
  /** Adduct index space: the target adducts, then the decoy candidates. */
  ads: Steps[];
  candidates: string[];
  nNl: number;
  nAd: number;
  nPre: number;
  nTm: number;
}

/** Step 1: reads every formula once and compiles every modifier into hashed (symbol, delta) steps. */
function compileJob(formulaLists: readonly (readonly string[])[], params: IonJobParams): CompiledJob {
  const { chemMods, neutralLosses, adducts } = params;
  const symbols = new Symbols();
  const base = new BaseFormulas(formulaLists, symbols);
  const tms = makeTargetModifiers(chemMods, neutralLosses, adducts);
  const cms = ['', ...chemMods].map((m) => compile(m, symbols));
  const nls = ['', ...neutralLosses].map((m) => compile(m, symbols));
  const candidates = decoyCandidatesFor(params.decoyRule ?? 'v1', adducts, chemMods, neutralLosses);
  const ads = [...adducts, ...candidates].map((m) => compile(m, symbols));
  for (const st of [...cms, ...nls, ...ads]) hashSteps(st, symbols);
  base.hashAll(symbols);
  return { symbols, base, tms, cms, nls, ads, candidates, nNl: nls.length, nAd: adducts.length, nPre: cms.length * nls.length, nTm: tms.length };
}

/**
 * Distinct ions are about a third of the slots in the Lithops configs (decoy adducts repeat within a formula's
 * rows and formulas repeat across DBs); a wrong guess only costs a rehash or some memory.
 */
function expectedDistinctIons(formulaLists: readonly (readonly string[])[], job: CompiledJob, decoySampleSize: number): number {
  let slots = 0;
  for (const l of formulaLists) slots += l.length * job.tms.length * (1 + Math.min(decoySampleSize, job.candidates.length));
  return Math.ceil(slots / 3);
}

/**
 * Step 2 helper: the ion id of an adduct on the current prefix (the formula + chem mod + neutral loss loaded in
 * `cur`), inserting the ion when it is new; -1 when the adduct would leave a negative count or no atom.
 */
class IonResolver {
  private readonly other: Vec;
  private readonly memoGen: Int32Array;
  private readonly memoId: Int32Array;
  private gen = 0;
  // the recipe being looked up, for the exact check of a hash hit
  private curAdduct: Steps;
  private curCanon = 0;
  private curP = 0;
  private curA = 0;

  constructor(
    private readonly job: CompiledJob,
    private readonly store: IonStore,
    private readonly cur: Vec,
  ) {
    this.other = new Vec(job.symbols.names.length);
    this.memoGen = new Int32Array(job.ads.length);
    this.memoId = new Int32Array(job.ads.length);
    this.curAdduct = job.ads[0]!;
  }

  /** A new prefix is loaded in `cur`: forget the memo. */
  nextPrefix(): void {
    this.gen++;
  }

  ionOf(gf: number, p: number, a: number, preH1: number, preH2: number, preAny: boolean, odd: boolean): number {
    // the rows of one prefix draw the same decoy adducts again and again: answer those from a memo
    if (this.memoGen[a] === this.gen) return this.memoId[a]!;
    this.memoGen[a] = this.gen;
    const id = this.ionOfUncached(gf, p, a, preH1, preH2, preAny, odd);
    this.memoId[a] = id;
    return id;
  }

  private ionOfUncached(gf: number, p: number, a: number, preH1: number, preH2: number, preAny: boolean, odd: boolean): number {
    const cur = this.cur;
    const st = this.job.ads[a]!;
    let ok: boolean;
    if (st.negFree && !odd) ok = preAny || st.anyPos;
    else {
      ok = applySteps(cur, st);
      if (ok) {
        ok = cur.anyPositive();
        unapplySteps(cur, st);
      }
    }
    if (!ok) return -1;
    const h1 = (preH1 + st.h1) | 0;
    const h2 = (preH2 + st.h2) | 0;
    this.curAdduct = st;
    this.curA = a;
    this.curP = p;
    this.curCanon = this.job.base.canon[gf]!;
    const r = this.store.find(h1, h2, this.same);
    return r >= 0 ? r : this.store.insert(-1 - r, gf, p, a, h1, h2);
  }

  /** Exact check of a hash hit: stored ion `id` rebuilt from its recipe, minus the current adduct, equals `cur`. */
  private readonly same = (id: number): boolean => {
    const { base, cms, nls, ads, nNl } = this.job;
    const cur = this.cur;
    const other = this.other;
    // most hits are the same recipe (a decoy adduct drawn again for another adduct of the prefix, or the
    // same formula in another DB): equal without rebuilding anything
    const r = id * 4;
    const rec = this.store.rec;
    if (rec[r + 2] === this.curA && rec[r + 1] === this.curP && base.canon[rec[r]!] === this.curCanon) return true;
    other.clear();
    base.load(rec[r]!, other);
    const p = rec[r + 1]!;
    addSteps(other, cms[(p / nNl) | 0]!, 1);
    addSteps(other, nls[p % nNl]!, 1);
    addSteps(other, ads[rec[r + 2]!]!, 1);
    addSteps(other, this.curAdduct, -1);
    for (let i = 0; i < other.nt; i++) {
      const s = other.touched[i]!;
      if (other.c[s] !== cur.c[s]) return false;
    }
    for (let i = 0; i < cur.nt; i++) {
      const s = cur.touched[i]!;
      if (other.c[s] !== cur.c[s]) return false;
    }
    return true;
  };
}

/** Step 2: one DB's table: its seeded decoy sample, then target and decoy ion ids for every (formula, modifier). */
function buildDbTable(
  job: CompiledJob, nF: number, fOffset: number, params: IonJobParams, resolver: IonResolver, cur: Vec, store: IonStore,
): IonTable {
  const { base, cms, nls, nNl, nAd, nPre, nTm } = job;
  const sample = sampleDecoysFor(params.decoyRule ?? 'v1', nF, nTm, job.candidates, params.decoySampleSize);
  const k = sample.k;
  const picks = sample.picks;
  const target = new Int32Array(nF * nTm).fill(-1);
  const decoys = new Int32Array(nF * nTm * k).fill(-1);
  for (let f = 0; f < nF; f++) {
    const gf = fOffset + f;
    const odd = base.odd[gf] === 1;
    for (let p = 0; p < nPre; p++) {
      cur.clear();
      base.load(gf, cur);
      const cm = cms[(p / nNl) | 0]!;
      const nl = nls[p % nNl]!;
      if (!applySteps(cur, cm) || !applySteps(cur, nl)) continue;
      const preH1 = (base.h1[gf]! + cm.h1 + nl.h1) | 0;
      const preH2 = (base.h2[gf]! + cm.h2 + nl.h2) | 0;
      const preAny = cur.anyPositive();
      resolver.nextPrefix();
      for (let ai = 0; ai < nAd; ai++) {
        const row = f * nTm + p * nAd + ai;
        const t = resolver.ionOf(gf, p, ai, preH1, preH2, preAny, odd);
        if (t >= 0) {
          target[row] = t;
          store.target[t] = 1;
        }
        const d0 = row * k;
        for (let i = 0; i < k; i++) decoys[d0 + i] = resolver.ionOf(gf, p, nAd + picks[d0 + i]!, preH1, preH2, preAny, odd);
      }
    }
  }
  return withLazyDecoyAdducts(
    {
      targetModifiers: job.tms.map(({ chemMod, neutralLoss, adduct }) => ({ chemMod, neutralLoss, adduct })),
      ions: [],
      ionIsTarget: new Uint8Array(0),
      target,
      decoys,
      k,
      polarity: params.polarity,
    },
    job.candidates,
    picks,
  );
}

/**
 * Step 3: the formula string of every distinct ion (CHNOPS order), in id order. Written as ASCII into one
 * buffer, decoded once and split (far cheaper than millions of small concatenations).
 */
function ionFormulaStrings(job: CompiledJob, store: IonStore, cur: Vec): string[] {
  const { symbols, base, cms, nls, ads, nNl } = job;
  const nSym = symbols.names.length;
  const rank = symbols.ranks();
  const nameBytes = symbols.names.map((nm) => Array.from(nm, (ch) => ch.charCodeAt(0)));
  const order = new Int32Array(nSym);
  const digits = new Uint8Array(12);
  let buf = new Uint8Array(Math.max(1024, store.n * 16));
  let o = 0;
  for (let id = 0; id < store.n; id++) {
    cur.clear();
    const r = id * 4;
    base.load(store.rec[r]!, cur);
    const p = store.rec[r + 1]!;
    addSteps(cur, cms[(p / nNl) | 0]!, 1);
    addSteps(cur, nls[p % nNl]!, 1);
    addSteps(cur, ads[store.rec[r + 2]!]!, 1);
    let m = 0;
    for (let i = 0; i < cur.nt; i++) {
      const s = cur.touched[i]!;
      if (cur.c[s] === 0) continue;
      let q = m++;
      while (q > 0 && rank[order[q - 1]!]! > rank[s]!) {
        order[q] = order[q - 1]!;
        q--;
      }
      order[q] = s;
    }
    if (o + m * 16 + 1 > buf.length) {
      const b2 = new Uint8Array(buf.length * 2 + m * 16);
      b2.set(buf.subarray(0, o));
      buf = b2;
    }
    for (let i = 0; i < m; i++) {
      const s = order[i]!;
      const nm = nameBytes[s]!;
      for (let j = 0; j < nm.length; j++) buf[o++] = nm[j]!;
      let n = cur.c[s]!;
      if (n === 1) continue;
      if (n < 0) {
        buf[o++] = 45; // '-' (only for absurd wrapped counts, as String(n) would print)
        n = -n;
      }
      let nd = 0;
      do {
        digits[nd++] = 48 + (n % 10);
        n = Math.floor(n / 10);
      } while (n > 0);
      while (nd > 0) buf[o++] = digits[--nd]!;
    }
    buf[o++] = 10;
  }
  return store.n === 0 ? [] : new TextDecoder('latin1').decode(buf.subarray(0, o - 1)).split('\n');
}

/**
 * `decoyAdducts` as a property computed on first read: a job with 14 M decoy slots would otherwise hold a
 * 14 M-entry array of string pointers that the annotation never reads (and every major GC would scan).
 */
function withLazyDecoyAdducts(t: Omit<IonTable, 'decoyAdducts'>, candidates: readonly string[], picks: Uint8Array): IonTable {
  let cached: string[] | null = null;
  Object.defineProperty(t, 'decoyAdducts', {
    enumerable: true,
    configurable: true,
    get(): string[] {
      if (cached === null) {
        cached = new Array<string>(picks.length);
        for (let q = 0; q < picks.length; q++) cached[q] = candidates[picks[q]!]!;
      }
      return cached;
    },
    set(v: string[]) {
      cached = v;
    },
  });
  return t as IonTable;
}
