// Seeded pseudo-random numbers for the simulator. Our own small generator (xoshiro128** state seeded through
// splitmix32) so that a dataset is reproducible from its seed on every platform, independent of Math.random.

/** splitmix32 step: a good 32-bit mixer; used to expand seeds and to derive independent sub-streams. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** 32-bit hash of a string (FNV-1a then mixed): turns text seeds and stream labels into numbers. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

const TWO_POW_32 = 4294967296;

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare = NaN;

  /** `seed` and every entry of `stream` select an independent sequence (e.g. seed 7, stream [pixelIndex]). */
  constructor(seed: number, ...stream: number[]) {
    this.reseed(seed, ...stream);
  }

  /** Restarts the generator in place (no allocation: the simulator reseeds once per pixel). */
  reseed(seed: number, ...stream: number[]): void {
    let s = mix32(seed >>> 0 ^ 0x5bd1e995);
    for (const v of stream) s = mix32(s ^ mix32(v >>> 0));
    this.a = mix32(s);
    this.b = mix32(this.a ^ 0x1b873593);
    this.c = mix32(this.b ^ 0xcc9e2d51);
    this.d = mix32(this.c ^ 0x85ebca6b);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
    this.spare = NaN;
  }

  /** Uniform 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in (0, 1]: safe under log(). */
  nextOpen(): number {
    return (this.nextU32() + 1) / TWO_POW_32;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia polar method; the second value is kept for the next call). */
  normal(): number {
    if (this.spare === this.spare) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /**
   * Fast approximate standard normal from one 32-bit draw through a quantile table (65,536 equiprobable bins,
   * linearly interpolated; tails truncated at about ±4.3 sd). Plenty for simulated noise, ~5× cheaper than normal().
   */
  fastNormal(): number {
    const u = this.nextU32();
    const i = u >>> 16;
    const f = (u & 0xffff) / 65536;
    const q = quantiles();
    return q[i]! + (q[i + 1]! - q[i]!) * f;
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return -Math.log(this.nextOpen());
  }

  /** Log-uniform in [lo, hi] (lo > 0): spreads values evenly over orders of magnitude. */
  logUniform(lo: number, hi: number): number {
    return lo * Math.exp(Math.log(hi / lo) * this.next());
  }

  /** Fisher–Yates shuffle of `a` in place. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let QUANTILES: Float64Array | null = null;

/** Normal quantiles at k/65536, k = 0..65536 (ends clamped), by inverting a finely integrated CDF once. */
function quantiles(): Float64Array {
  if (QUANTILES) return QUANTILES;
  const n = 65536;
  const q = new Float64Array(n + 1);
  const lo = -6, hi = 6, steps = 1 << 20;
  const h = (hi - lo) / steps;
  const pdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  let cdf = 0; // mass below -6 (~1e-9) is ignored
  let k = 1;
  let prev = pdf(lo);
  for (let s = 1; s <= steps && k < n; s++) {
    const x = lo + s * h;
    const cur = pdf(x);
    const next = cdf + 0.5 * (prev + cur) * h; // trapezoid rule
    while (k < n && next >= k / n) {
      q[k] = x - h + (h * (k / n - cdf)) / (next - cdf); // linear inside the step
      k++;
    }
    cdf = next;
    prev = cur;
  }
  q[0] = 2 * q[1]! - q[2]!;
  q[n] = -q[0]!;
  QUANTILES = q;
  return q;
}
