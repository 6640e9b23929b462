// Mersenne Twister MT19937 with numpy's *legacy* RandomState behaviour, so that decoy sampling picks
// exactly the adducts METASPACE picks (spec §3, §11). Facts from numpy's legacy sources:
//  - RandomState.seed(int) runs the reference `init_genrand` on the 32-bit seed (no init_by_array),
//    and the next draw regenerates the whole 624-word block;
//  - shuffle of a Python list walks i = n-1 … 1 and swaps x[i] with x[j], j = interval(i);
//  - interval(max) draws 32-bit words, masks them with the smallest all-ones mask ≥ max and rejects
//    values > max (for max < 2^32, which is all we need).

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class MT19937 {
  /** The 624-word state (`key` in numpy's get_state()). */
  readonly key = new Uint32Array(N);
  /** Index of the next word to temper; N means "regenerate first" (numpy's `pos`). */
  pos = N;

  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** numpy legacy `RandomState.seed(seed)` for an integer seed in [0, 2^32 − 1]. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`MT19937 seed must be an integer in [0, 2^32 - 1], got ${seed}`);
    }
    const mt = this.key;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
  }

  /** Regenerates the full block of 624 words (the "twist"). */
  private twist(): void {
    const mt = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** Next tempered 32-bit word, as an unsigned number in [0, 2^32). */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform integer in [0, max] by masked rejection (numpy legacy `random_interval`), max < 2^32. */
  interval(max: number): number {
    if (max === 0) return 0;
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(`MT19937.interval: max must be an integer in [0, 2^32 - 1], got ${max}`);
    }
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > max);
    return v;
  }

  /** In-place shuffle, identical to numpy legacy `RandomState.shuffle` on a Python list. */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = x[i]!;
      x[i] = x[j]!;
      x[j] = t;
    }
  }
}
