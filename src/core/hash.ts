// Fast non-cryptographic 64-bit FNV-1a hashing for cache keys (dataset, DB and parameter fingerprints).
// Two 32-bit lanes keep it in plain number arithmetic (no BigInt on the hot path).

export class Hasher {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193 ^ 0x5bd1e995;

  bytes(b: Uint8Array): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < b.length; i++) {
      h1 = Math.imul(h1 ^ b[i], 0x01000193);
      h2 = Math.imul(h2 ^ b[i], 0x5bd1e995) ^ (h2 >>> 15);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  string(s: string): this {
    return this.bytes(new TextEncoder().encode(`${s.length}:${s}`));
  }

  number(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    return this.bytes(b);
  }

  typed(a: ArrayBufferView): this {
    this.number(a.byteLength);
    return this.bytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  hex(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }
}

export function hashStrings(parts: (string | number)[]): string {
  const h = new Hasher();
  for (const p of parts) {
    if (typeof p === 'number') h.number(p);
    else h.string(p);
  }
  return h.hex();
}
