// A minimal, strict-enough XML tag scanner for imzML: works on bytes chunk by chunk (the document is never one
// string), reports start/end tags with lazily decoded attributes, skips text, comments, CDATA and processing
// instructions, and never expands entities (a DOCTYPE with an internal subset or ENTITY is refused; in attribute
// values only the five predefined entities and character references are decoded, anything else is an error).
// All markup is ASCII, so scanning bytes works for UTF-8 and ISO-8859-1 alike; only the attribute values asked
// for are decoded. It replaces saxes for the per-spectrum index because it is several times faster (measured in
// bench/ingest.ts) while checking what the index needs: tag nesting, attribute syntax, entity references, and a
// document that ends inside markup or with open tags.

/** A well-formedness problem; `offset` is the byte position in the document. */
export class XmlSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

export interface XmlHandlers {
  /** `attrs` is valid only during the call. A self-closing tag gets no close() call. */
  open(name: string, attrs: XmlAttrs, selfClosing: boolean): void;
  close(name: string): void;
  /** The raw text of `<!DOCTYPE ...>` (from after the keyword); may throw to refuse it. */
  doctype?(text: string): void;
}

const LT = 60, GT = 62, SLASH = 47, QMARK = 63, BANG = 33, EQ = 61, DQ = 34, SQ = 39, AMP = 38;
const isWs = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

const latin1 = new TextDecoder('latin1');

/** Decodes ASCII bytes to a string (short values; avoids a native TextDecoder call per value). */
function ascii(b: Uint8Array, s: number, e: number): string {
  const n = e - s;
  if (n <= 0) return '';
  if (n === 1) return String.fromCharCode(b[s]);
  if (n < 64) return String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
  return latin1.decode(b.subarray(s, e));
}

/** Interns short ASCII strings (tag names, attribute values that repeat: accessions, param names, "true"). */
class Interner {
  private readonly map = new Map<number, string>();
  get(b: Uint8Array, s: number, e: number): string {
    const n = e - s;
    if (n > 40) return ascii(b, s, e);
    let h = 0x811c9dc5 ^ n;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 16777619);
    h >>>= 0;
    const hit = this.map.get(h);
    if (hit !== undefined && hit.length === n) {
      let same = true;
      for (let i = 0; i < n; i++) if (hit.charCodeAt(i) !== b[s + i]) { same = false; break; }
      if (same) return hit;
    }
    const str = ascii(b, s, e);
    if (hit === undefined && this.map.size < 1 << 16) this.map.set(h, str);
    return str;
  }
}

const PREDEFINED: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" });

/** Attributes of the current start tag as byte ranges; values are decoded on request. */
export class XmlAttrs {
  /** [nameStart, nameEnd, valueStart, valueEnd, unused] per attribute. */
  private r = new Int32Array(5 * 16);
  n = 0;
  buf: Uint8Array = new Uint8Array(0);
  base = 0;
  constructor(private readonly decoder: TextDecoder, private readonly interner: Interner) {}

  push(ns: number, ne: number, vs: number, ve: number, flags: number): void {
    if (5 * (this.n + 1) > this.r.length) { const r = new Int32Array(this.r.length * 2); r.set(this.r); this.r = r; }
    const o = 5 * this.n++;
    this.r[o] = ns; this.r[o + 1] = ne; this.r[o + 2] = vs; this.r[o + 3] = ve; this.r[o + 4] = flags;
  }

  /** The decoded value of attribute `name`, or undefined. */
  get(name: string): string | undefined {
    const b = this.buf, r = this.r, len = name.length;
    for (let k = 0; k < this.n; k++) {
      const o = 5 * k;
      const ns = r[o];
      if (r[o + 1] - ns !== len) continue;
      let same = true;
      for (let i = 0; i < len; i++) if (b[ns + i] !== name.charCodeAt(i)) { same = false; break; }
      if (same) return this.value(r[o + 2], r[o + 3]);
    }
    return undefined;
  }

  /** Number(value ?? '') without building a string for plain decimal integers (offsets, lengths, x/y). */
  number(name: string): number {
    const b = this.buf, r = this.r, len = name.length;
    for (let k = 0; k < this.n; k++) {
      const o = 5 * k;
      const ns = r[o];
      if (r[o + 1] - ns !== len) continue;
      let same = true;
      for (let i = 0; i < len; i++) if (b[ns + i] !== name.charCodeAt(i)) { same = false; break; }
      if (!same) continue;
      let s = r[o + 2];
      const e = r[o + 3];
      if (e > s && e - s <= 16) {
        const neg = b[s] === 45;
        if (neg) s++;
        let v = 0;
        let ok = s < e;
        for (let i = s; i < e; i++) {
          const d = b[i] - 48;
          if (d < 0 || d > 9) { ok = false; break; }
          v = v * 10 + d;
        }
        if (ok && v <= Number.MAX_SAFE_INTEGER) return neg ? -v : v;
      }
      return Number(this.value(r[o + 2], e));
    }
    return 0;
  }

  private value(s: number, e: number): string {
    const b = this.buf;
    let flags = 0;
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c === AMP) flags |= F_AMP;
      else if (c >= 0x80) flags |= F_HIGH;
      else if (c === 10 || c === 13 || c === 9) flags |= F_WS;
    }
    if (flags === 0) return this.interner.get(b, s, e);
    let v = flags & F_HIGH ? this.decoder.decode(b.subarray(s, e)) : ascii(b, s, e);
    // XML attribute-value normalisation: line ends and tabs become spaces.
    if (flags & F_WS) v = v.replace(/\r\n?/g, '\n').replace(/[\n\t]/g, ' ');
    if (flags & F_AMP) {
      v = v.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (_, ref: string) => {
        if (ref[0] !== '#') return PREDEFINED[ref];
        return String.fromCodePoint(ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
      });
    }
    return v;
  }
}

const F_AMP = 1, F_HIGH = 2, F_WS = 4;

/** Feed bytes with write(); call end() after the last chunk. */
export class XmlScanner {
  private carry: Uint8Array | null = null;
  /** Document offset of the first byte of the next buffer processed. */
  private offset = 0;
  private readonly stack: string[] = [];
  private readonly attrs: XmlAttrs;
  private readonly names = new Interner();
  private seenRoot = false;
  private started = false;

  constructor(private readonly h: XmlHandlers, encoding: 'utf-8' | 'latin1') {
    this.attrs = new XmlAttrs(new TextDecoder(encoding), new Interner());
  }

  private err(msg: string, at: number): never {
    throw new XmlSyntaxError(msg, this.offset + at);
  }

  write(chunk: Uint8Array): void {
    let b = chunk;
    if (this.carry) {
      b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry);
      b.set(chunk, this.carry.length);
      this.carry = null;
    }
    let i = 0;
    if (!this.started && b.length >= 3) {
      this.started = true;
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3; // UTF-8 byte-order mark
    }
    const done = this.scan(b, i);
    if (done < b.length) this.carry = b.slice(done);
    this.offset += done;
  }

  /**
   * Scans `b`, which starts at document offset `offset` (the caller re-reads from offset + the returned count, so
   * an incomplete construct at the end of a chunk costs a small re-read instead of a copy). Returns the number of
   * bytes consumed; 0 means one construct is longer than `b` (read a bigger chunk).
   */
  feed(b: Uint8Array, offset: number): number {
    this.offset = offset;
    let i = 0;
    if (offset === 0 && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3; // UTF-8 byte-order mark
    this.started = true;
    const done = this.scan(b, i);
    this.carry = done < b.length ? b.subarray(done) : null;
    return done;
  }

  /** Checks that the document ended cleanly (no open tags, no cut markup). */
  end(): void {
    if (this.carry && this.carry.length) {
      let k = 0;
      while (k < this.carry.length && isWs(this.carry[k])) k++;
      if (k < this.carry.length) this.err(`the document ends inside markup ('${latin1.decode(this.carry.subarray(k, k + 40))}…')`, k);
    }
    if (this.stack.length) this.err(`the document ends with unclosed tags (<${this.stack.slice(-3).join('>, <')}>)`, this.carry?.length ?? 0);
    if (!this.seenRoot) this.err('the document has no root element', 0);
  }

  /** Scans complete constructs from i; returns the index where an incomplete construct starts (or b.length). */
  private scan(b: Uint8Array, i: number): number {
    const n = b.length;
    const stack = this.stack;
    // Every '&' outside comments/CDATA/PIs is checked to start a predefined entity or a character reference; the
    // next one is found with a native search, so the per-byte loops below need not look for it.
    let amp = b.indexOf(AMP, i);
    if (amp < 0) amp = n;
    let lt = b.indexOf(LT, i);
    while (true) {
      if (lt < 0) {
        while (amp < n) { if (!this.checkEntity(b, amp, n)) return amp; amp = b.indexOf(AMP, amp + 1); if (amp < 0) amp = n; }
        return n;
      }
      i = lt;
      // entity references in the text before this markup
      while (amp < i) { if (!this.checkEntity(b, amp, n)) return amp; amp = b.indexOf(AMP, amp + 1); if (amp < 0) amp = n; }
      if (i + 1 >= n) return i;
      const c = b[i + 1];
      if (c === SLASH) {
        // end tag
        let j = i + 2;
        const ns = j;
        while (j < n && !isWs(b[j]) && b[j] !== GT) j++;
        const ne = j;
        while (j < n && isWs(b[j])) j++;
        if (j >= n) return i;
        if (b[j] !== GT) this.err(`unexpected character '${String.fromCharCode(b[j])}' in an end tag`, j);
        const name = this.names.get(b, ns, ne);
        const open = stack.pop();
        if (open !== name) this.err(open === undefined ? `end tag </${name}> without a start tag` : `end tag </${name}> does not match <${open}>`, i);
        this.h.close(name);
        i = j + 1;
        lt = b.indexOf(LT, i);
        continue;
      }
      if (c === QMARK) {
        // processing instruction / XML declaration
        let j = i + 2;
        while (true) {
          j = b.indexOf(QMARK, j);
          if (j < 0 || j + 1 >= n) return i;
          if (b[j + 1] === GT) break;
          j++;
        }
        i = j + 2;
        if (amp < i) { amp = b.indexOf(AMP, i); if (amp < 0) amp = n; }
        lt = b.indexOf(LT, i);
        continue;
      }
      if (c === BANG) {
        if (i + 4 > n) return i;
        if (b[i + 2] === 45 && b[i + 3] === 45) {
          // comment: skip to -->
          const j = findClose(b, i + 4, n, 45); // '-->'
          if (j < 0) return i;
          i = j + 3;
          if (amp < i) { amp = b.indexOf(AMP, i); if (amp < 0) amp = n; }
          lt = b.indexOf(LT, i);
          continue;
        }
        if (i + 9 > n) return i;
        if (latin1.decode(b.subarray(i + 2, i + 9)) === '[CDATA[') {
          if (!stack.length) this.err('CDATA outside the root element', i);
          const j = findClose(b, i + 9, n, 93); // ']]>'
          if (j < 0) return i;
          i = j + 3;
          if (amp < i) { amp = b.indexOf(AMP, i); if (amp < 0) amp = n; }
          lt = b.indexOf(LT, i);
          continue;
        }
        if (latin1.decode(b.subarray(i + 2, i + 9)) === 'DOCTYPE') {
          if (this.seenRoot) this.err('DOCTYPE after the root element', i);
          // Up to the first '>' unless an internal subset '[' comes first (refused by the handler or here).
          let j = i + 9;
          let q = 0;
          while (j < n) {
            const d = b[j];
            if (q) { if (d === q) q = 0; } else if (d === DQ || d === SQ) q = d; else if (d === 91 || d === GT) break;
            j++;
          }
          if (j >= n) return i;
          const text = latin1.decode(b.subarray(i + 9, j + 1));
          if (this.h.doctype) this.h.doctype(text);
          if (b[j] === 91) this.err('a DOCTYPE with an internal subset (entity declarations) is not accepted', j);
          i = j + 1;
          if (amp < i) { amp = b.indexOf(AMP, i); if (amp < 0) amp = n; }
          lt = b.indexOf(LT, i);
          continue;
        }
        this.err(`unexpected markup '<!${latin1.decode(b.subarray(i + 2, i + 9))}'`, i);
      }
      // start tag
      const nextLt = b.indexOf(LT, i + 1);
      let j = i + 1;
      const ns = j;
      while (j < n) {
        const d = b[j];
        if (d === 32 || d === GT || d === SLASH || d === 10 || d === 13 || d === 9) break;
        j++;
      }
      if (j >= n) return i;
      if (j === ns) this.err(`'<' not followed by a tag name`, i);
      const nameEnd = j;
      const attrs = this.attrs;
      attrs.n = 0;
      let selfClosing = false;
      while (true) {
        while (j < n && isWs(b[j])) j++;
        if (j >= n) return i;
        const d = b[j];
        if (d === GT) { j++; break; }
        if (d === SLASH) {
          if (j + 1 >= n) return i;
          if (b[j + 1] !== GT) this.err(`'/' not followed by '>' in a tag`, j);
          selfClosing = true;
          j += 2;
          break;
        }
        // attribute name
        const as = j;
        while (j < n) {
          const e = b[j];
          if (e === EQ || e === 32 || e === GT || e === SLASH || e === DQ || e === SQ || e === 10 || e === 13 || e === 9) break;
          j++;
        }
        if (j >= n) return i;
        const ae = j;
        if (ae === as) this.err(`unexpected character '${String.fromCharCode(b[j])}' in a tag`, j);
        while (j < n && isWs(b[j])) j++;
        if (j >= n) return i;
        if (b[j] !== EQ) this.err(`attribute without '=' value in <${latin1.decode(b.subarray(ns, nameEnd))}>`, j);
        j++;
        while (j < n && isWs(b[j])) j++;
        if (j >= n) return i;
        const q = b[j];
        if (q !== DQ && q !== SQ) this.err(`attribute value not quoted in <${latin1.decode(b.subarray(ns, nameEnd))}>`, j);
        const vs = ++j;
        while (j < n && b[j] !== q) j++;
        if (j >= n) return i;
        attrs.push(as, ae, vs, j, 0);
        j++;
        const nx = b[j];
        if (j < n && !isWs(nx) && nx !== GT && nx !== SLASH) this.err(`no space between attributes in <${latin1.decode(b.subarray(ns, nameEnd))}>`, j);
      }
      // a '<' before the tag's end lies inside a name or an attribute value
      if (nextLt >= 0 && nextLt < j) this.err(`'<' inside a tag or an attribute value`, nextLt);
      while (amp < j) { if (!this.checkEntity(b, amp, n)) return i; amp = b.indexOf(AMP, amp + 1); if (amp < 0) amp = n; }
      const name = this.names.get(b, ns, nameEnd);
      if (!stack.length && this.seenRoot) this.err(`a second root element <${name}>`, i);
      this.seenRoot = true;
      attrs.buf = b;
      if (!selfClosing) stack.push(name);
      this.h.open(name, attrs, selfClosing);
      i = j;
      lt = nextLt;
    }
  }

  /** An '&' in an attribute value must start a predefined entity or a character reference; nothing is expanded. */
  private checkEntity(b: Uint8Array, j: number, n: number): boolean {
    let k = j + 1;
    while (k < n && k - j < 12 && b[k] !== 59 /* ; */) k++;
    if (k >= n) return false; // incomplete: checked again when the rest arrives
    const ref = latin1.decode(b.subarray(j + 1, k));
    if (b[k] !== 59 || !(ref in PREDEFINED || /^#(x[0-9a-fA-F]{1,6}|[0-9]{1,7})$/.test(ref))) {
      this.err(`undefined entity reference '&${ref.replace(/[^\w#].*$/, '')}…' (only &amp; &lt; &gt; &quot; &apos; and character references are allowed; entities are never expanded)`, j);
    }
    return true;
  }
}

/** Index of the terminator `c c >` (comment `-->`, CDATA `]]>`) at or after `from` within b[0..n), or -1 when the
 * chunk ends first (the caller re-reads with more data). */
function findClose(b: Uint8Array, from: number, n: number, c: number): number {
  let j = from;
  while (true) {
    j = b.indexOf(c, j);
    if (j < 0 || j + 2 >= n) return -1;
    if (b[j + 1] === c && b[j + 2] === GT) return j;
    j++;
  }
}
