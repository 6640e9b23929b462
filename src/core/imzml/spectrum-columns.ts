// The per-spectrum columns of the index while the XML is read: typed arrays that double when full (the spectrum
// count is known only at the end; spectrumList's count attribute is a hint that may be wrong).
import type { ArrayLayout } from './array-kind.ts';

export class SpectrumColumns {
  private cap = 1024;
  n = 0;
  x = new Int32Array(this.cap);
  y = new Int32Array(this.cap);
  mzOff = new Float64Array(this.cap);
  mzLen = new Float64Array(this.cap);
  mzEnc = new Float64Array(this.cap);
  inOff = new Float64Array(this.cap);
  inLen = new Float64Array(this.cap);
  inEnc = new Float64Array(this.cap);

  /** Makes room for `want` spectra. */
  reserve(want: number): void {
    if (want <= this.cap) return;
    let c = this.cap;
    while (c < want) c *= 2;
    const gi = (a: Int32Array) => { const b = new Int32Array(c); b.set(a); return b; };
    const gf = (a: Float64Array) => { const b = new Float64Array(c); b.set(a); return b; };
    this.x = gi(this.x); this.y = gi(this.y);
    this.mzOff = gf(this.mzOff); this.mzLen = gf(this.mzLen); this.mzEnc = gf(this.mzEnc);
    this.inOff = gf(this.inOff); this.inLen = gf(this.inLen); this.inEnc = gf(this.inEnc);
    this.cap = c;
  }

  push(x: number, y: number, m: ArrayLayout, t: ArrayLayout): void {
    const i = this.n;
    this.reserve(i + 1);
    this.x[i] = x; this.y[i] = y;
    this.mzOff[i] = m.offset; this.mzLen[i] = m.length; this.mzEnc[i] = m.enc;
    this.inOff[i] = t.offset; this.inLen[i] = t.length; this.inEnc[i] = t.enc;
    this.n++;
  }
}
