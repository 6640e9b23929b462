// Incremental SHA-1 (FIPS 180-4) in pure TypeScript: the imzML writer records the ibd's SHA-1 (IMS:1000091)
// and src/core may not use node:crypto. Not for security, only for file integrity.

export class Sha1 {
  private h = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  private block = new Uint8Array(64);
  private blockView = new DataView(this.block.buffer);
  private blockLen = 0;
  private total = 0; // bytes hashed so far
  private w = new Uint32Array(80);
  private done = false;

  update(data: Uint8Array): this {
    if (this.done) throw new Error('Sha1.update after digest: create a new Sha1 for new data');
    let i = 0;
    const n = data.length;
    this.total += n;
    if (this.blockLen > 0) {
      const take = Math.min(64 - this.blockLen, n);
      this.block.set(data.subarray(0, take), this.blockLen);
      this.blockLen += take;
      i = take;
      if (this.blockLen < 64) return this;
      this.compress(this.blockView, 0);
      this.blockLen = 0;
    }
    if (n - i >= 64) {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (; i + 64 <= n; i += 64) this.compress(view, i);
    }
    if (i < n) {
      this.block.set(data.subarray(i), 0);
      this.blockLen = n - i;
    }
    return this;
  }

  /** Lower-case hex digest (40 characters). */
  hex(): string {
    const bytes = this.digest();
    let s = '';
    for (const b of bytes) s += b.toString(16).padStart(2, '0');
    return s;
  }

  digest(): Uint8Array {
    if (!this.done) {
      const bitsHi = Math.floor((this.total * 8) / 2 ** 32);
      const bitsLo = (this.total * 8) >>> 0;
      this.block[this.blockLen++] = 0x80;
      if (this.blockLen > 56) {
        this.block.fill(0, this.blockLen);
        this.compress(this.blockView, 0);
        this.blockLen = 0;
      }
      this.block.fill(0, this.blockLen);
      this.blockView.setUint32(56, bitsHi);
      this.blockView.setUint32(60, bitsLo);
      this.compress(this.blockView, 0);
      this.done = true;
    }
    const out = new Uint8Array(20);
    const v = new DataView(out.buffer);
    for (let k = 0; k < 5; k++) v.setUint32(k * 4, this.h[k]);
    return out;
  }

  private compress(view: DataView, off: number): void {
    const w = this.w;
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(off + t * 4);
    for (let t = 16; t < 80; t++) {
      const v = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
      w[t] = (v << 1) | (v >>> 31);
    }
    let a = this.h[0], b = this.h[1], c = this.h[2], d = this.h[3], e = this.h[4];
    for (let t = 0; t < 80; t++) {
      let f: number, k: number;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const tmp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
    }
    this.h[0] += a; this.h[1] += b; this.h[2] += c; this.h[3] += d; this.h[4] += e;
  }
}

export function sha1Hex(data: Uint8Array): string {
  return new Sha1().update(data).hex();
}
