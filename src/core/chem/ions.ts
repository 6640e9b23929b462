// Ion formula arithmetic exactly as METASPACE's engine does it (spec §3; MS `formula_parser.py`):
// the molecular formula is read with a flat element regex (no parentheses, no multipliers — the engine
// relies on DB validation), then chem_mod, neutral loss and adduct are applied in that order, every
// `±group` of each in sequence; any negative count rejects the ion; output is CHNOPS-ordered.

/** Why an ion formula could not be generated. */
export type IonRejection =
  | { kind: 'invalid-modifier'; modifier: string }
  | { kind: 'negative-count'; element: string; modifier: string }
  | { kind: 'no-elements' };

export class IonFormulaError extends Error {
  constructor(
    readonly formula: string,
    readonly modifiers: readonly string[],
    readonly rejection: IonRejection,
  ) {
    super(`ion of ${formula} with modifiers '${modifiers.join('')}' rejected: ${describeRejection(rejection)}`);
    this.name = 'IonFormulaError';
  }
}

export function describeRejection(r: IonRejection): string {
  switch (r.kind) {
    case 'invalid-modifier':
      return `modifier '${r.modifier}' is not a sequence of ±formula groups (e.g. +H, -H2O, -H2O+Na)`;
    case 'negative-count':
      return `applying '${r.modifier}' leaves a negative count of ${r.element}`;
    case 'no-elements':
      return 'no elements left';
  }
}

const MODIFIER_SYNTAX = /^([+-]([A-Z][a-z]*[0-9]*)+)+$/;
const ELEMENT_RE = /([A-Z][a-z]*)([0-9]*)/g;
const GROUP_RE = /([+-])([A-Za-z0-9]+)/g;
const CHNOPS = ['C', 'H', 'N', 'O', 'P', 'S'] as const;

/** True for the modifiers that change nothing: empty and METASPACE's `[M]+` / `[M]-`. */
export function isNoopModifier(m: string): boolean {
  return m === '' || m === '[M]+' || m === '[M]-';
}

/** Concatenation of the effective modifiers (MS `format_modifiers`), e.g. ('', '-H2O', '+Na') → '-H2O+Na'. */
export function formatModifiers(...mods: string[]): string {
  let s = '';
  for (const m of mods) if (!isNoopModifier(m)) s += m;
  return s;
}

/** True if `m` is a no-op or a valid `±group…` modifier string. */
export function isValidModifier(m: string): boolean {
  return isNoopModifier(m) || MODIFIER_SYNTAX.test(m);
}

/**
 * Element counts as the engine reads a molecular formula: `.` and `=` removed, then every `Xx123` match.
 * A repeated element keeps its LAST count (the engine builds a dict from the matches); callers that care
 * should validate formulas first (see moldb.ts, which warns about such formulas).
 */
export function readFormula(formula: string, into: Map<string, number> = new Map()): Map<string, number> {
  const clean = formula.replace(/[.=]/g, '');
  ELEMENT_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ELEMENT_RE.exec(clean)) !== null) {
    into.set(m[1]!, m[2] ? parseInt(m[2], 10) : 1);
  }
  return into;
}

/** Applies one modifier string to `counts` in place; returns a rejection or null. */
export function applyModifier(counts: Map<string, number>, modifier: string): IonRejection | null {
  if (isNoopModifier(modifier)) return null;
  if (!MODIFIER_SYNTAX.test(modifier)) return { kind: 'invalid-modifier', modifier };
  GROUP_RE.lastIndex = 0;
  let g: RegExpExecArray | null;
  while ((g = GROUP_RE.exec(modifier)) !== null) {
    const sign = g[1] === '+' ? 1 : -1;
    const part = g[2]!;
    // Inside one group, elements add up (the engine iterates the matches, no dict here).
    const el = /([A-Z][a-z]*)([0-9]*)/g;
    let e: RegExpExecArray | null;
    while ((e = el.exec(part)) !== null) {
      const sym = e[1]!;
      const n = e[2] ? parseInt(e[2], 10) : 1;
      const next = (counts.get(sym) ?? 0) + sign * n;
      counts.set(sym, next);
      if (sign < 0 && next < 0) return { kind: 'negative-count', element: sym, modifier };
    }
  }
  return null;
}

/** CHNOPS first, then the other symbols in code-point order; counts of 1 omitted, zeros dropped. */
export function formatCounts(counts: Map<string, number>): string {
  let s = '';
  for (const sym of CHNOPS) {
    const n = counts.get(sym) ?? 0;
    if (n !== 0) s += n === 1 ? sym : sym + n;
  }
  const rest: string[] = [];
  for (const sym of counts.keys()) {
    if (!(sym.length === 1 && 'CHNOPS'.includes(sym))) rest.push(sym);
  }
  rest.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const sym of rest) {
    const n = counts.get(sym)!;
    if (n !== 0) s += n === 1 ? sym : sym + n;
  }
  return s;
}

/** Ion formula for `formula` with `modifiers` applied in order, or the reason it is rejected. */
export function computeIonFormula(formula: string, modifiers: readonly string[]): string | IonRejection {
  const counts = new Map<string, number>();
  readFormula(formula, counts);
  for (const mod of modifiers) {
    const r = applyModifier(counts, mod);
    if (r) return r;
  }
  return finishIon(counts);
}

/** Canonical ion string of final counts, or the 'no-elements' rejection. */
export function finishIon(counts: Map<string, number>): string | IonRejection {
  let any = false;
  for (const n of counts.values()) if (n > 0) any = true;
  if (!any) return { kind: 'no-elements' };
  return formatCounts(counts);
}

/**
 * METASPACE ion formula (CHNOPS order) of `formula` after chem_mod, neutral loss and adduct, or null if
 * the combination is impossible (negative count, nothing left) or a modifier is malformed.
 */
export function generateIonFormula(
  formula: string,
  chemMod: string,
  neutralLoss: string,
  adduct: string,
): string | null {
  const r = computeIonFormula(formula, [chemMod, neutralLoss, adduct]);
  return typeof r === 'string' ? r : null;
}

/** Like generateIonFormula but throws IonFormulaError with the reason. */
export function generateIonFormulaOrThrow(formula: string, ...modifiers: string[]): string {
  const r = computeIonFormula(formula, modifiers);
  if (typeof r !== 'string') throw new IonFormulaError(formula, modifiers, r);
  return r;
}

/**
 * METASPACE's displayed ion string: molecular formula + effective modifiers + charge sign,
 * e.g. ('C6H12O6', '', '', '+Na', '+') → 'C6H12O6+Na+'.
 */
export function formatIon(
  formula: string,
  chemMod: string,
  neutralLoss: string,
  adduct: string,
  polarity: '+' | '-',
): string {
  return formula + formatModifiers(chemMod, neutralLoss, adduct) + polarity;
}

// ---------------------------------------------------------------------------------------------
// Fast path for whole ion tables (hundreds of thousands of ions): same rules as computeIonFormula,
// over interned element symbols and dense count vectors, with each modifier string parsed once.

/** Dense element counts plus the list of symbols touched (to reset and format only those). */
class CountVec {
  c = new Int32Array(64);
  mark = new Uint8Array(64);
  touched: number[] = [];

  grow(n: number): void {
    if (n <= this.c.length) return;
    const c = new Int32Array(n * 2);
    c.set(this.c);
    const m = new Uint8Array(n * 2);
    m.set(this.mark);
    this.c = c;
    this.mark = m;
  }

  add(sym: number, delta: number): number {
    if (!this.mark[sym]) {
      this.mark[sym] = 1;
      this.touched.push(sym);
    }
    return (this.c[sym]! += delta);
  }

  clear(): void {
    for (const s of this.touched) {
      this.c[s] = 0;
      this.mark[s] = 0;
    }
    this.touched.length = 0;
  }

  copyFrom(o: CountVec): void {
    this.clear();
    for (const s of o.touched) this.add(s, o.c[s]!);
  }
}

export class IonFormulaBuilder {
  private readonly symIds = new Map<string, number>();
  private readonly syms: string[] = [];
  /** Output order of each symbol: CHNOPS first, then code-point order (recomputed when symbols are added). */
  private rank = new Int32Array(0);
  private rankDirty = false;
  private readonly modCache = new Map<string, Int32Array | null>();
  private readonly base = new CountVec();
  private readonly pre = new CountVec();
  private readonly ion = new CountVec();
  private preOk = false;
  private readonly order: number[] = [];

  private sym(s: string): number {
    let id = this.symIds.get(s);
    if (id === undefined) {
      id = this.syms.length;
      this.symIds.set(s, id);
      this.syms.push(s);
      this.rankDirty = true;
      for (const v of [this.base, this.pre, this.ion]) v.grow(this.syms.length);
    }
    return id;
  }

  private ranks(): Int32Array {
    if (this.rankDirty) {
      const ids = this.syms.map((_, i) => i);
      const key = (s: string) => {
        const k = s.length === 1 ? 'CHNOPS'.indexOf(s) : -1;
        return k;
      };
      ids.sort((a, b) => {
        const sa = this.syms[a]!;
        const sb = this.syms[b]!;
        const ka = key(sa);
        const kb = key(sb);
        if (ka >= 0 || kb >= 0) return (ka < 0 ? 6 : ka) - (kb < 0 ? 6 : kb);
        return sa < sb ? -1 : sa > sb ? 1 : 0;
      });
      this.rank = new Int32Array(this.syms.length);
      ids.forEach((id, r) => (this.rank[id] = r));
      this.rankDirty = false;
    }
    return this.rank;
  }

  /** (symbol, delta) steps of a modifier in application order; null if malformed; empty for no-ops. */
  private compile(modifier: string): Int32Array | null {
    let steps = this.modCache.get(modifier);
    if (steps !== undefined) return steps;
    if (isNoopModifier(modifier)) steps = new Int32Array(0);
    else if (!MODIFIER_SYNTAX.test(modifier)) steps = null;
    else {
      const out: number[] = [];
      const groups = /([+-])([A-Za-z0-9]+)/g;
      let g: RegExpExecArray | null;
      while ((g = groups.exec(modifier)) !== null) {
        const sign = g[1] === '+' ? 1 : -1;
        const el = /([A-Z][a-z]*)([0-9]*)/g;
        let e: RegExpExecArray | null;
        while ((e = el.exec(g[2]!)) !== null) out.push(this.sym(e[1]!), sign * (e[2] ? parseInt(e[2], 10) : 1));
      }
      steps = Int32Array.from(out);
    }
    this.modCache.set(modifier, steps);
    return steps;
  }

  private apply(v: CountVec, steps: Int32Array): boolean {
    for (let i = 0; i < steps.length; i += 2) {
      const d = steps[i + 1]!;
      if (v.add(steps[i]!, d) < 0 && d < 0) return false;
    }
    return true;
  }

  /** Sets the molecular formula (read flat, as the engine does). */
  setFormula(formula: string): void {
    this.base.clear();
    const clean = formula.replace(/[.=]/g, '');
    const el = /([A-Z][a-z]*)([0-9]*)/g;
    let m: RegExpExecArray | null;
    while ((m = el.exec(clean)) !== null) {
      const s = this.sym(m[1]!);
      // Last occurrence wins (the engine builds a dict).
      this.base.add(s, (m[2] ? parseInt(m[2], 10) : 1) - this.base.c[s]!);
    }
    this.preOk = false;
  }

  /** Applies chem_mod and neutral loss; false if either is malformed or makes a count negative. */
  setPrefix(chemMod: string, neutralLoss: string): boolean {
    this.pre.copyFrom(this.base);
    const a = this.compile(chemMod);
    const b = this.compile(neutralLoss);
    this.preOk = a !== null && b !== null && this.apply(this.pre, a) && this.apply(this.pre, b);
    return this.preOk;
  }

  /** Ion formula for the current formula + prefix + adduct, or null when rejected. */
  withAdduct(adduct: string): string | null {
    if (!this.preOk) return null;
    const steps = this.compile(adduct);
    if (steps === null) return null;
    const v = this.ion;
    v.copyFrom(this.pre);
    if (!this.apply(v, steps)) return null;
    const rank = this.ranks();
    const order = this.order;
    order.length = 0;
    let any = false;
    for (const s of v.touched) {
      const n = v.c[s]!;
      if (n === 0) continue;
      if (n > 0) any = true;
      // insertion by rank (a handful of symbols)
      let p = order.length;
      order.push(s);
      while (p > 0 && rank[order[p - 1]!]! > rank[s]!) {
        order[p] = order[p - 1]!;
        p--;
      }
      order[p] = s;
    }
    if (!any) return null;
    let out = '';
    for (const s of order) {
      const n = v.c[s]!;
      out += n === 1 ? this.syms[s]! : this.syms[s]! + n;
    }
    return out;
  }
}
