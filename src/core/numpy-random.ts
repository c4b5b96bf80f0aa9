import { RandomSource, polarNormalPair } from "./random";
import { MAX_ELEMENTS, describe, integerIn } from "./validate";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * NumPy's legacy `np.random.RandomState`, bit for bit: the Mersenne Twister
 * (MT19937) plus the exact recipes NumPy uses for doubles, gaussians and
 * shuffles. scikit-learn's `make_moons` and `train_test_split` draw from it,
 * so this is what lets the TypeScript dataset equal the article's points.
 */
export class RandomState implements RandomSource {
  private readonly mt = new Uint32Array(N);
  private index = N;
  private hasGauss = false;
  private gauss = 0;

  constructor(seed: number) {
    integerIn(seed, 0, 0xffffffff, "seed", "RandomState");
    // init_genrand from the reference MT19937 implementation.
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next raw 32-bit output of MT19937. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
        mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: a 53-bit double in [0, 1) built from two 32-bit outputs. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `standard_normal()` (legacy gauss): the polar method, returning f*x2 and caching f*x1. */
  normal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gauss;
    }
    const [z, next] = polarNormalPair(() => this.random());
    this.gauss = next;
    this.hasGauss = true;
    return z;
  }

  /** A uniform integer in [0, max], by masked rejection as NumPy's `random_interval` does. */
  interval(max: number): number {
    integerIn(max, 0, 0xffffffff, "max", "RandomState.interval");
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** `shuffle(x)` in place: Fisher-Yates from the last element down to the second. */
  shuffle<T>(x: T[] | Int32Array | Float64Array): void {
    if (!Array.isArray(x) && !(x instanceof Int32Array) && !(x instanceof Float64Array)) {
      throw new Error(`RandomState.shuffle: x must be an array, an Int32Array or a Float64Array, got ${describe(x)}`);
    }
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const tmp = x[i];
      x[i] = x[j];
      x[j] = tmp;
    }
  }

  /** `permutation(n)`: 0..n-1 shuffled. */
  permutation(n: number): Int32Array {
    integerIn(n, 0, MAX_ELEMENTS, "n", "RandomState.permutation");
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }
}
