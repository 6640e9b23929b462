// Sum-formula parser with the pyMSpec grammar (spec §2), which ims-cpp's own parser also follows:
//   formula  = complex ("." complex)* adduct*
//   complex  = number? fragment+
//   fragment = "(" fragment ")" number?  |  (Element number?)+
//   adduct   = ("+" | "-") complex
// Elements must be in the ims-cpp isotope table (the one the isotope calculator uses); the summed
// counts must be non-negative and not all zero.
import { ELEMENTS } from './elements.ts';

export const KNOWN_ELEMENTS: ReadonlySet<string> = new Set(ELEMENTS.keys());

/** ims-cpp reads counts digit by digit and refuses a number once it has reached 3000 before the
 *  next digit, i.e. any literal ≥ 30000; counts are stored as int16, so totals must stay ≤ 32767. */
const MAX_LITERAL = 29999;
const MAX_TOTAL = 32767;

export class FormulaError extends Error {
  readonly formula: string;
  constructor(formula: string, problem: string) {
    super(`invalid formula "${formula}": ${problem}`);
    this.name = 'FormulaError';
    this.formula = formula;
  }
}

type Counts = Map<string, number>;

function addInto(dst: Counts, src: Counts, mult: number): void {
  for (const [el, n] of src) dst.set(el, (dst.get(el) ?? 0) + n * mult);
}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  fail(problem: string, at = this.pos): never {
    throw new FormulaError(this.s, `${problem} at position ${at}`);
  }

  private eof(): boolean {
    return this.pos >= this.s.length;
  }

  private peek(): string {
    return this.s[this.pos] ?? '';
  }

  private isDigit(c: string): boolean {
    return c >= '0' && c <= '9';
  }

  private isUpper(c: string): boolean {
    return c >= 'A' && c <= 'Z';
  }

  private isLower(c: string): boolean {
    return c >= 'a' && c <= 'z';
  }

  /** Optional count; 1 when absent. */
  private number(): number {
    const start = this.pos;
    let v = 0;
    while (!this.eof() && this.isDigit(this.peek())) {
      v = v * 10 + (this.s.charCodeAt(this.pos) - 48);
      this.pos++;
      if (v > MAX_LITERAL) this.fail(`the number ${this.s.slice(start, this.pos)}… is too big (max ${MAX_LITERAL})`, start);
    }
    return this.pos === start ? 1 : v;
  }

  private element(into: Counts): void {
    const start = this.pos;
    this.pos++; // caller checked upper-case
    while (!this.eof() && this.isLower(this.peek())) this.pos++;
    const sym = this.s.slice(start, this.pos);
    if (!KNOWN_ELEMENTS.has(sym)) this.fail(`unknown element "${sym}"`, start);
    const n = this.number();
    into.set(sym, (into.get(sym) ?? 0) + n);
  }

  private fragment(into: Counts): void {
    const c = this.peek();
    if (c === '(') {
      const open = this.pos;
      this.pos++;
      if (this.eof()) this.fail('unexpected end after "("');
      const inner: Counts = new Map();
      this.fragment(inner);
      if (this.peek() !== ')') this.fail(`expected ")" closing the "(" at position ${open}`);
      this.pos++;
      addInto(into, inner, this.number());
    } else if (this.isUpper(c)) {
      while (!this.eof() && this.isUpper(this.peek())) this.element(into);
    } else if (this.eof()) {
      this.fail('unexpected end of formula');
    } else {
      this.fail(`unexpected character "${c}"`);
    }
  }

  private complex(into: Counts, mult: number): void {
    const local: Counts = new Map();
    const repeats = this.number();
    this.fragment(local);
    while (!this.eof()) {
      const c = this.peek();
      if (c === '.' || c === '+' || c === '-') break;
      this.fragment(local);
    }
    addInto(into, local, repeats * mult);
  }

  parse(): Counts {
    if (this.s.length === 0) throw new FormulaError(this.s, 'the formula is empty');
    const total: Counts = new Map();
    this.complex(total, 1);
    while (this.peek() === '.') {
      this.pos++;
      this.complex(total, 1);
    }
    while (!this.eof()) {
      const c = this.peek();
      if (c !== '+' && c !== '-') this.fail(`expected "+" or "-" but found "${c}"`);
      this.pos++;
      this.complex(total, c === '+' ? 1 : -1);
    }
    const out: Counts = new Map();
    for (const [el, n] of total) {
      if (n < 0) throw new FormulaError(this.s, `element ${el} occurs ${n} times (negative count)`);
      if (n > MAX_TOTAL) throw new FormulaError(this.s, `element ${el} occurs ${n} times (max ${MAX_TOTAL})`);
      if (n !== 0) out.set(el, n);
    }
    if (out.size === 0) throw new FormulaError(this.s, 'the formula is empty (all counts are zero)');
    return out;
  }
}

/** Element counts of a sum formula (zero counts dropped). Throws FormulaError. */
export function parseFormula(formula: string): Map<string, number> {
  return new Parser(formula).parse();
}
