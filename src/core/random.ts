import seedrandom from "seedrandom";
import { describe } from "./validate";

/**
 * Where every random number in the project comes from. The article calls
 * `np.random.randn` / `np.random.rand`; here a layer asks a `RandomSource`,
 * so a learner can fix the seed (like `np.random.seed`) or swap in NumPy's
 * own generator (`RandomState`) to get NumPy's exact initial weights.
 */
export interface RandomSource {
  /** Uniform on [0, 1), like `np.random.rand()`. */
  random(): number;
  /** Standard normal N(0, 1), like `np.random.randn()`. */
  normal(): number;
}

/** The seed `npm run reproduce` and the notebooks use unless told otherwise. */
export const DEFAULT_SEED = 1;

/** What seedrandom takes as a seed here: any string, or a finite number. */
function isSeed(seed: unknown): seed is string | number {
  return typeof seed === "string" || (typeof seed === "number" && Number.isFinite(seed));
}

/** A `RandomSource` driven by seedrandom (ARC4): the same seed gives the same numbers on every machine. */
export class SeededRandom implements RandomSource {
  private readonly uniform: seedrandom.PRNG;
  private cachedNormal: number | null = null;

  constructor(readonly seed: string | number = DEFAULT_SEED) {
    if (!isSeed(seed)) {
      throw new Error(`SeededRandom: seed must be a finite number or a string, got ${describe(seed)}`);
    }
    this.uniform = seedrandom(String(seed));
  }

  random(): number {
    return this.uniform();
  }

  /** Two normals per polar draw; the second is kept for the next call. */
  normal(): number {
    if (this.cachedNormal !== null) {
      const z = this.cachedNormal;
      this.cachedNormal = null;
      return z;
    }
    const [z, next] = polarNormalPair(this.uniform);
    this.cachedNormal = next;
    return z;
  }
}

/**
 * Marsaglia's polar method, as NumPy's legacy gauss: draw (x1, x2) uniform in
 * the unit disc, f = sqrt(-2 ln(r^2) / r^2); returns [f x2, f x1] (NumPy hands
 * out f x2 first and caches f x1).
 */
export function polarNormalPair(uniform: () => number): [number, number] {
  let x1: number, x2: number, r2: number;
  do {
    x1 = 2 * uniform() - 1;
    x2 = 2 * uniform() - 1;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1 || r2 === 0);
  const f = Math.sqrt((-2 * Math.log(r2)) / r2);
  return [f * x2, f * x1];
}

let globalRandom: RandomSource = new SeededRandom(DEFAULT_SEED);

/**
 * Reseeds the generator that new layers draw their weights from, like
 * `np.random.seed(seed)`. Pass a `RandomSource` (e.g. `new RandomState(7)`)
 * to use another generator.
 */
export function setSeed(seed: string | number | RandomSource): void {
  if (typeof seed === "object" && seed !== null) {
    const source = seed as Partial<RandomSource>;
    if (typeof source.random !== "function" || typeof source.normal !== "function") {
      throw new Error(`setSeed: seed must be a number, a string or a RandomSource (an object with random() and normal() methods), got ${describe(seed)}`);
    }
    globalRandom = seed;
    return;
  }
  if (!isSeed(seed)) {
    throw new Error(`setSeed: seed must be a finite number, a string or a RandomSource, got ${describe(seed)}`);
  }
  globalRandom = new SeededRandom(seed);
}

/** The generator layers use when none is passed to them. */
export function defaultRandom(): RandomSource {
  return globalRandom;
}
