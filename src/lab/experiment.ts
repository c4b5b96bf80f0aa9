/**
 * The article's experiment as two calls: its data and its network. Every
 * entry point (the CLI, the sweep, the benchmark, the notebooks) builds them
 * here, so "the article's network with seed 7" means the same weights
 * everywhere.
 */
import { ActivationName, resolveActivation } from "../core/activation";
import { Dataset, Split, makeMoons, trainTestSplit } from "../core/data";
import { Layer } from "../core/layer";
import { LossName, resolveLoss } from "../core/loss";
import { NeuralNetwork } from "../core/network";
import { RandomState } from "../core/numpy-random";
import { DEFAULT_SEED, RandomSource, SeededRandom } from "../core/random";

/** The article's layer sizes: 2 inputs, hidden layers of 25, 50 and 25 neurons, 2 outputs. */
export const ARTICLE_SIZES: readonly number[] = [2, 25, 50, 25, 2];

/** The article's data: make_moons(2000, noise 0.2, random_state 100), split 1400 / 600 (random_state 42); `noise` and `points` change those two. */
export function articleData(options: { noise?: number; points?: number } = {}): Dataset & { split: Split } {
  const data = makeMoons(options.points ?? 2000, options.noise ?? 0.2);
  return { ...data, split: trainTestSplit(data.X, data.y) };
}

export interface ArticleNetworkOptions {
  /** seedrandom seed for the initial weights (the project's default generator); default DEFAULT_SEED = 1. */
  seed?: number;
  /** Instead of `seed`: NumPy's generator, so the weights are exactly those the Python lesson draws after np.random.seed(numpySeed). */
  numpySeed?: number;
  /** Activation of the hidden layers, one for all or one per hidden layer; default "sigmoid". */
  hidden?: ActivationName | readonly ActivationName[];
  /** The hidden layers' widths; default the article's [25, 50, 25]. */
  layers?: readonly number[];
  /** Activation of the output layer; default "sigmoid", or "none" with the softmax-cross-entropy loss. */
  output?: ActivationName;
  loss?: LossName;
  updateBias?: boolean;
}

function assertSeed(value: unknown, name: string, max: number): void {
  if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max)) {
    throw new Error(`articleNetwork: ${name} must be an integer in [0, ${max}], got ${String(value)}`);
  }
}

/** The article's 2-25-50-25-2 network (or other hidden `layers`), its weights drawn from its own generator (the global one is left alone). */
export function articleNetwork(options: ArticleNetworkOptions = {}): NeuralNetwork {
  if (options === null || typeof options !== "object") throw new Error("articleNetwork: options must be an object");
  assertSeed(options.seed, "seed", Number.MAX_SAFE_INTEGER);
  assertSeed(options.numpySeed, "numpySeed", 2 ** 32 - 1); // np.random.seed's range
  if (options.seed !== undefined && options.numpySeed !== undefined) throw new Error("articleNetwork: give seed or numpySeed, not both");
  if (options.updateBias !== undefined && typeof options.updateBias !== "boolean") {
    throw new Error(`articleNetwork: updateBias must be true or false, got ${String(options.updateBias)}`);
  }
  const loss = resolveLoss(options.loss, "articleNetwork");
  const widths = options.layers ?? ARTICLE_SIZES.slice(1, -1);
  if (!Array.isArray(widths) || widths.length === 0) throw new Error(`articleNetwork: layers must be a non-empty array of hidden widths like [25, 50, 25], got ${String(widths)}`);
  const sizes = [ARTICLE_SIZES[0], ...widths, ARTICLE_SIZES[ARTICLE_SIZES.length - 1]];
  const names = typeof options.hidden === "string" || options.hidden === undefined ? widths.map(() => options.hidden ?? "sigmoid") : options.hidden;
  if (!Array.isArray(names) || names.length !== widths.length) throw new Error(`articleNetwork: hidden must be one activation, or one per hidden layer (${widths.length}), got ${String(options.hidden)}`);
  const hidden = names.map((name, l) => resolveActivation(name as ActivationName, `articleNetwork (hidden layer ${l + 1})`));
  const output = resolveActivation(options.output ?? (loss.name === "softmax-cross-entropy" ? "none" : "sigmoid"), "articleNetwork (output)");
  const random: RandomSource = options.numpySeed !== undefined ? new RandomState(options.numpySeed) : new SeededRandom(options.seed ?? DEFAULT_SEED);
  const nn = new NeuralNetwork({ loss, updateBias: options.updateBias ?? false });
  const last = sizes.length - 2;
  for (let l = 0; l <= last; l++) {
    nn.addLayer(new Layer(sizes[l], sizes[l + 1], l === last ? output : hidden[l], undefined, undefined, random));
  }
  return nn;
}
