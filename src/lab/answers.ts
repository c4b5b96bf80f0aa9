/**
 * The notebooks' self-checks, kept out of the self-check cells.
 *
 * A self-check that computes its expected value in the cell shows the learner
 * the solution: the line that counts, finds or sums IS the answer. So a
 * self-check asks this module and gets back only true or false:
 *
 * - a number that is the same for everyone is stored as the SHA-256 digest
 *   of its canonical text, so not even this file spells it out;
 * - a function the learner writes (argmax, softmax, a derivative, a delta
 *   rule, a step) is checked by what it does: it is called on inputs and
 *   weights the notebook never shows, and compared with the library's own
 *   result within a relative tolerance, so that every correct way of writing
 *   it passes and numbers copied from the notebook's output do not;
 * - an answer that depends on the learner's own run (04, 05 and 07 read the
 *   runs the learner trained) is worked out here from those runs' histories.
 *
 * This hides the answers from sight, not from effort: anyone can try numbers
 * against `isAnswer`, or read the code below. The folded solutions are the
 * place to look them up.
 */
// SHA-256 from @noble/hashes (audited, no dependencies, plain JavaScript):
// the same digests as node:crypto, in Node, Deno and the browser alike.
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { escapeEpoch } from "./compare";
import { type ArticleNetworkOptions, articleData, articleNetwork } from "./experiment";
import { gradientCheck } from "./gradient-check";
import { type Activation, type ActivationLike, sigmoid } from "../core/activation";
import { type Split, makeMoons } from "../core/data";
import type { HiddenDeltaRule, OutputDeltaRule } from "../core/delta-rules";
import { type EpochRecord, TrainingHistory } from "../core/history";
import { Layer } from "../core/layer";
import { type LossName, softmax } from "../core/loss";
import { argmaxRow, oneHot } from "../core/metrics";
import { Matrix } from "../core/matrix";
import { NeuralNetwork } from "../core/network";
import { type RandomSource, SeededRandom } from "../core/random";

/** Exercises whose answer is a number the same for everyone, checked against a digest. */
type HashedExercise = "01-1" | "02-1" | "03-2";

/** Exercises whose answer is something the learner wrote (a function, a rule, a circle, runs), checked by what it does. */
type BehaviourExercise = "00-1" | "00-2" | "01-2" | "02-2" | "03-1" | "03-3" | "04-1" | "06-1" | "06-2" | "06-3" | "07-2";

/** Exercises whose answer does not depend on a run the learner trained (07-2's runs are checked against runs trained here). */
export type FixedExercise = HashedExercise | BehaviourExercise;

/** How an answer is written before hashing; undefined when it has the wrong form. */
const CANONICAL: Record<HashedExercise, (answer: unknown) => string | undefined> = {
  "01-1": (a) => (Number.isInteger(a) ? String(a) : undefined),                                       // a count
  "02-1": (a) => (isNumbers(a, 2) ? Array.from(a, (v) => v.toFixed(4)).join(",") : undefined),          // o to 4 decimals
  "03-2": (a) => (isNumbers(a, 2) && Array.from(a).every(Number.isInteger) ? Array.from(a).join(",") : undefined), // [weights, biases]
};

/** sha256(`${exercise}:${canonical answer}`) in hex. test/exercises-answers.test.ts computes each answer and checks it against its digest. */
const DIGESTS: Record<HashedExercise, string> = {
  "01-1": "c321eee869ec5b9595a1138d031dfa9e4233bbf50182679efa458700b6a73d94",
  "02-1": "1590d0c2289e69ec2f17b29d9e1cfa60caaa8a17b01f00964d5726f92747b4a0",
  "03-2": "5bb92816c02a4c2ef4e3d34b7739602739f5cc5544386bbad33d3aab0e84bb15",
};

/** A plain array or a typed array of `length` finite numbers. */
function isNumbers(a: unknown, length: number): a is ArrayLike<number> {
  if (!(Array.isArray(a) || ArrayBuffer.isView(a)) || (a as ArrayLike<unknown>).length !== length) return false;
  return Array.from(a as ArrayLike<unknown>).every((v) => typeof v === "number" && Number.isFinite(v));
}

/** The digest of `answer` for `exercise` (its canonical text hashed), or undefined if the answer has the wrong form. */
export function answerDigest(exercise: HashedExercise, answer: unknown): string | undefined {
  const canonical = CANONICAL[exercise];
  if (!canonical) throw new Error(`answerDigest: exercise must be one of ${Object.keys(CANONICAL).join(", ")}, got ${JSON.stringify(exercise)}`);
  const text = canonical(answer);
  return text === undefined ? undefined : bytesToHex(sha256(utf8ToBytes(`${exercise}:${text}`)));
}

// ---------------------------------------------------------------------------
// Checks by behaviour. Each is called with inputs and weights that no
// notebook shows, and compares with the library's result to a relative
// tolerance: a different order of operations passes, a wrong formula does not.

/** |a - b| <= rtol * |b| (or the very same double: 0, infinities). */
function close(a: number, b: number, rtol: number): boolean {
  return Object.is(a, b) || Math.abs(a - b) <= rtol * Math.abs(b);
}

function allClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < b.length; k++) if (typeof a[k] !== "number" || !close(a[k], b[k], rtol)) return false;
  return true;
}

/** Numbers in [lo, hi) from a seeded generator: inputs no notebook prints. */
function draws(random: RandomSource, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * random.random());
}

let data: Split | undefined;
/** The article's split, made once. */
function articleSplit(): Split {
  return (data ??= articleData().split);
}

/** Training sample n as (x, one-hot y), both fresh arrays. */
function sample(n: number, from: "train" | "test" = "train"): { x: Float64Array; y: Float64Array } {
  const s = articleSplit();
  const X = from === "train" ? s.XTrain : s.XTest;
  const labels = from === "train" ? s.yTrain : s.yTest;
  return { x: Float64Array.from(X.row(n)), y: Float64Array.from(oneHot([labels[n]], 2).row(0)) };
}

/** 00-1: argmax(v) is the index of the largest entry, the first one on ties (np.argmax), on vectors of every length. */
function checkArgmax(argmax: unknown): boolean {
  if (typeof argmax !== "function") return false;
  const random = new SeededRandom(20001);
  const cases: number[][] = [
    [0.3, -1.2, 4.5, 2.2],
    [2, 7, 7, 1, 7],                     // ties: the first
    [-8.5, -3.25, -3.25, -9],            // all negative, a tie
    [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],      // the last
    [9, 1, 2],                           // the first
    [5],
    [0.42, 0.41],
    [0.41, 0.42],
    [1e-300, 0, -1e-300, 1e-300],
    [3, 3, 3],
    draws(random, 17, -5, 5),
    draws(random, 40, 0, 1),
  ];
  return cases.every((v) => {
    const expected = argmaxRow(Matrix.from([v]), 0);
    return argmax(Float64Array.from(v)) === expected && argmax(v.slice()) === expected;
  });
}

/** 00-2: softmaxOf(z) returns p_k = e^(z_k) / Σ e^(z_m), to 1e-12 relative, for large and small z alike, and leaves z alone. */
function checkSoftmax(softmaxOf: unknown): boolean {
  if (typeof softmaxOf !== "function") return false;
  const random = new SeededRandom(20002);
  const cases: number[][] = [
    [0, 0], [1, 2, 3], [0.25], [3.5, -2.25, 0, 7.75, 7.75], [1000, 1001], [-1000, -1001, -999],
    [-400, 400], [1e-3, -1e-3], [-30, 0, 30], draws(random, 9, -6, 6), draws(random, 4, 500, 700),
  ];
  return cases.every((v) => {
    const z = Float64Array.from(v);
    const expected = new Float64Array(z.length);
    softmax(z, expected);
    const mine = softmaxOf(z) as unknown;
    return isNumbers(mine, z.length) && allClose(mine, expected, 1e-12) && z.every((value, k) => Object.is(value, v[k]));
  });
}

/** 01-2: every class-1 point of noiseless moons lies on the circle { centre: [x1, x2], radius }. */
function checkCircle(answer: unknown): boolean {
  if (answer === null || typeof answer !== "object") return false;
  const { centre, radius } = answer as { centre?: unknown; radius?: unknown };
  if (!isNumbers(centre, 2) || typeof radius !== "number" || !(radius > 0) || !Number.isFinite(radius)) return false;
  const { X, y } = articleDataNoiseless();
  for (let n = 0; n < X.rows; n++) {
    if (y[n] !== 1) continue;
    if (!close(Math.hypot(X.get(n, 0) - centre[0], X.get(n, 1) - centre[1]), radius, 1e-12)) return false;
  }
  return true;
}

let noiseless: { X: Matrix; y: ArrayLike<number> } | undefined;
/** 301 noiseless moons, drawn with another seed than the notebook's. */
function articleDataNoiseless(): { X: Matrix; y: ArrayLike<number> } {
  return (noiseless ??= makeMoons(301, 0, 7));
}

/** 02-2: an activation whose `derivative(o)` is f'(z) at o = f(z), for softplus f(z) = ln(1 + e^z): σ(z). */
function checkSoftplus(activation: unknown): boolean {
  if (!isActivation(activation)) return false;
  return [-6.2, -3.7, -1.3, -0.2, 0.9, 2.6, 5.1].every((z) => {
    const o = activation.fn(z);
    return close(activation.derivative(o), sigmoid.fn(z), 1e-9);
  });
}

function isActivation(a: unknown): a is Activation {
  return a !== null && typeof a === "object" && typeof (a as Activation).fn === "function" && typeof (a as Activation).derivative === "function";
}

type Step = (layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number) => unknown;

/** Every weight and bias of two networks within rtol. */
function sameParameters(a: NeuralNetwork, b: NeuralNetwork, rtol: number): boolean {
  return a.layers.length === b.layers.length &&
    a.layers.every((layer, l) => allClose(layer.weights.data, b.layers[l].weights.data, rtol) && allClose(layer.bias, b.layers[l].bias, rtol));
}

/** 03-1: a step that also updates the biases leaves the network as the library's `updateBias: true` step does, step after step. */
function checkBiasStep(step: unknown): boolean {
  if (typeof step !== "function") return false;
  const mine = articleNetwork({ seed: 30001 });
  const library = articleNetwork({ seed: 30001, updateBias: true });
  for (const [n, lr] of [[11, 0.2], [640, 0.05], [1333, 0.5]] as const) {
    const { x, y } = sample(n);
    (step as Step)(mine.layers, x.slice(), y.slice(), lr);
    library.backpropagation(x, y, lr);
    if (!sameParameters(mine, library, 1e-12)) return false;
  }
  return true;
}

/** 03-3: inputGradient(network, x, y) is dL/dx, -Σ_j W0_ij delta0_j, for networks and inputs the notebook never uses. */
function checkInputGradient(inputGradient: unknown): boolean {
  if (typeof inputGradient !== "function") return false;
  const cases: [seed: number, x: Float64Array, y: Float64Array][] = [
    [30002, sample(3, "test").x, sample(3, "test").y],
    [30003, sample(250, "test").x, sample(250, "test").y],
    [30004, Float64Array.from([2.5, -1.5]), Float64Array.from([0, 1])],
  ];
  return cases.every(([seed, x, y]) => {
    const reference = articleNetwork({ seed });
    reference.computeDeltas(x.slice(), 0, y.slice());
    const W0 = reference.layers[0].weights;
    const expected = Array.from({ length: W0.rows }, (_, i) => {
      let sum = 0;
      for (let j = 0; j < W0.cols; j++) sum += W0.get(i, j) * reference.layers[0].delta[j];
      return -sum;
    });
    const mine = (inputGradient as (network: NeuralNetwork, x: Float64Array, y: Float64Array) => unknown)(articleNetwork({ seed }), x.slice(), y.slice());
    return isNumbers(mine, expected.length) && allClose(mine, expected, 1e-9);
  });
}

/** 04-1: the hidden rule computes delta_j = Σ_k W_jk delta_k (next layer's W and deltas), without f'(o_j), on layers it has not seen. */
function checkForgottenDerivative(rule: unknown): boolean {
  if (typeof rule !== "function") return false;
  const random = new SeededRandom(40001);
  return [[7, 5, 3], [4, 6, 2]].every(([nIn, n, nNext]) => {
    const layer = new Layer(nIn, n, "sigmoid", undefined, undefined, random);
    const next = new Layer(n, nNext, "sigmoid", undefined, undefined, random);
    layer.lastActivation.set(draws(random, n, 0.05, 0.95));
    next.delta.set(draws(random, nNext, -0.3, 0.3));
    layer.error.fill(NaN); // a rule must write what it reads
    layer.delta.fill(NaN);
    (rule as HiddenDeltaRule)(layer, next);
    const expected = Array.from({ length: n }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < nNext; k++) sum += next.weights.get(j, k) * next.delta[k];
      return sum;
    });
    return allClose(layer.delta, expected, 1e-12);
  });
}

/** A network of these sizes (default the article's, 2-25-50-25-2) with these activations and loss, weights from `seed`. */
function networkOf(seed: number, hidden: ActivationLike, output: ActivationLike, loss: LossName = "mse", sizes: readonly number[] = [2, 25, 50, 25, 2]): NeuralNetwork {
  const random = new SeededRandom(seed);
  const nn = new NeuralNetwork({ loss });
  for (let l = 0; l + 1 < sizes.length; l++) nn.addLayer(new Layer(sizes[l], sizes[l + 1], l + 2 === sizes.length ? output : hidden, undefined, undefined, random));
  return nn;
}

/** 06-1, 06-2: the gradient check accepts the activation in the hidden layers, on networks and samples the notebook never uses. */
function checkHiddenActivation(activation: unknown, kinked: boolean): boolean {
  if (!isActivation(activation)) return false;
  const cases: [seed: number, n: number, sizes: number[]][] = [[60011, 17, [2, 12, 9, 2]], [60002, 901, [2, 25, 50, 25, 2]]];
  return cases.every(([seed, n, sizes]) => {
    const { x, y } = sample(n);
    const verdict = gradientCheck(networkOf(seed, activation, "sigmoid", "mse", sizes), x, y, kinked ? { epsilon: 1e-5 } : {}).verdict;
    return verdict === "good" || (kinked && verdict === "acceptable");
  });
}

/** 06-3: the gradient check accepts the output rule for softmax + cross-entropy (linear output layer), with two outputs and with three. */
function checkSoftmaxRule(rule: unknown): boolean {
  if (typeof rule !== "function") return false;
  const cases: [NeuralNetwork, Float64Array, Float64Array][] = [
    [networkOf(60013, "sigmoid", "none", "softmax-cross-entropy", [2, 12, 9, 2]), sample(333).x, sample(333).y],
    [networkOf(60004, "sigmoid", "none", "softmax-cross-entropy"), sample(1201).x, sample(1201).y],
    [networkOf(60005, "sigmoid", "none", "softmax-cross-entropy", [2, 6, 3]), Float64Array.from([0.7, -0.4]), Float64Array.from([0, 0, 1])],
  ];
  return cases.every(([nn, x, y]) => {
    nn.deltaRules.output = rule as OutputDeltaRule;
    return gradientCheck(nn, x, y).verdict === "good";
  });
}

const firstRecords = new Map<string, EpochRecord>();
/** The record of epoch 0 (one pass over the training set) of the article's network with these options at this rate, trained once per session. */
function firstRecord(network: ArticleNetworkOptions, rate: number): EpochRecord {
  const key = `${JSON.stringify(network)} | ${rate}`;
  let record = firstRecords.get(key);
  if (!record) {
    const s = articleSplit();
    record = articleNetwork(network).train(s.XTrain, s.XTest, s.yTrain, s.yTest, rate, 0).records[0];
    firstRecords.set(key, record);
  }
  return record;
}

/** The learning rates 07's exercise 2 asks for. */
const SWEEP_RATES = [0.003, 0.01, 0.03, 0.1];

/**
 * 07-2: one run per learning rate asked for (each run's first record is that
 * of the baseline's network trained at that rate, bit for bit, trained here
 * for one epoch), every run as long as the baseline, and the run at the
 * baseline's rate (0.01) the baseline itself, bit for bit.
 */
function checkLearningRateSweep(answer: unknown): boolean {
  if (answer === null || typeof answer !== "object") return false;
  const { runs, baseline, network = {} } = answer as { runs?: unknown; baseline?: unknown; network?: ArticleNetworkOptions };
  if (!Array.isArray(runs) || runs.length !== SWEEP_RATES.length || !(baseline instanceof TrainingHistory)) return false;
  const histories = runs.map((r) => (r !== null && typeof r === "object" ? (r as { history?: unknown }).history : undefined));
  if (!histories.every((h): h is TrainingHistory => h instanceof TrainingHistory && h.records.length === baseline.records.length && h.records.length > 0)) return false;
  const unmatched = [...histories];
  for (const rate of SWEEP_RATES) {
    const first = firstRecord(network, rate);
    const at = unmatched.findIndex((h) => Object.is(h.records[0].mse, first.mse) && Object.is(h.records[0].accuracy, first.accuracy));
    if (at < 0) return false;
    const [h] = unmatched.splice(at, 1);
    if (rate === 0.01 && !h.records.every((r, k) => Object.is(r.mse, baseline.records[k].mse) && Object.is(r.accuracy, baseline.records[k].accuracy))) return false;
  }
  return true;
}

const BEHAVIOUR: Record<BehaviourExercise, (answer: unknown) => boolean> = {
  "00-1": checkArgmax,
  "00-2": checkSoftmax,
  "01-2": checkCircle,
  "02-2": checkSoftplus,
  "03-1": checkBiasStep,
  "03-3": checkInputGradient,
  "04-1": checkForgottenDerivative,
  "06-1": (a) => checkHiddenActivation(a, false),
  "06-2": (a) => checkHiddenActivation(a, true),
  "06-3": checkSoftmaxRule,
  "07-2": checkLearningRateSweep,
};

/**
 * Whether `answer` is right for `exercise`. What each exercise's answer is:
 * 00-1 your argmax(v); 00-2 your softmaxOf(z); 01-1 a count; 01-2
 * { centre, radius }; 02-1 [o0, o1] to 4 decimals; 02-2 your softplus
 * activation; 03-1 your stepWithBias; 03-2 [weights, biases]; 03-3 your
 * inputGradient; 04-1 your hidden rule with f'(o_j) forgotten; 06-1 your
 * tanh; 06-2 your relu; 06-3 your softmax + cross-entropy output rule; 07-2
 * { runs, baseline, network }: your four runs, the baseline's history and
 * its network's seed setting.
 */
export function isAnswer(exercise: FixedExercise, answer: unknown): boolean {
  if (Object.prototype.hasOwnProperty.call(DIGESTS, exercise)) return answerDigest(exercise as HashedExercise, answer) === DIGESTS[exercise as HashedExercise];
  if (Object.prototype.hasOwnProperty.call(BEHAVIOUR, exercise)) return BEHAVIOUR[exercise as BehaviourExercise](answer);
  throw new Error(`isAnswer: exercise must be one of ${[...Object.keys(DIGESTS), ...Object.keys(BEHAVIOUR)].sort().join(", ")}, got ${JSON.stringify(exercise)}`);
}

// ---------------------------------------------------------------------------
// Answers read from the learner's own run.

/** The plateau is escaped at the first recorded epoch with test accuracy above this (notebooks 05 and 07 define and use it). */
export const ESCAPE_ACCURACY = 0.95;

/** Exercises whose answer is read from the learner's own run. */
export type RunExercise = "04-1" | "04-2" | "05-1" | "05-2";

const FROM_RUN: Record<RunExercise, (history: TrainingHistory, testSize: number) => number | undefined> = {
  "04-1": (h) => (h.last ? Math.round(h.last.accuracy * 10000) : undefined),   // final test accuracy, in hundredths of a percent (87.83% -> 8783)
  "04-2": (h) => {                                                           // the escape: first recorded epoch above 95%
    const epoch = escapeEpoch(h, ESCAPE_ACCURACY);
    return epoch === "never" ? undefined : epoch;
  },
  "05-1": (h) => h.records.find((r) => r.mse < 0.05)?.epoch,                 // first recorded epoch with MSE below 0.05
  "05-2": (h, n) => (h.last ? Math.round((1 - h.last.accuracy) * n) : undefined), // misclassified test points at the end
};

/** How a learner may write the answer, brought to FROM_RUN's form: an accuracy as 0.8783 or as 87.83 (percent); a count worked out in floating point (14.000000000000002). */
const AS_WRITTEN: Partial<Record<RunExercise, (answer: number) => number>> = {
  "04-1": (a) => Math.round((a > 1 ? a : a * 100) * 100),
  "05-2": (a) => (Math.abs(a - Math.round(a)) < 1e-6 ? Math.round(a) : a),
};

/** Whether `answer` is what `exercise` asks about the run whose history this is (`testSize`: test points, 600 here). */
export function isRunAnswer(exercise: RunExercise, history: TrainingHistory, answer: number, testSize = 600): boolean {
  const expected = FROM_RUN[exercise];
  if (!expected) throw new Error(`isRunAnswer: exercise must be one of ${Object.keys(FROM_RUN).join(", ")}, got ${JSON.stringify(exercise)}`);
  if (typeof answer !== "number" || !Number.isFinite(answer)) return false;
  const value = expected(history, testSize);
  const written = AS_WRITTEN[exercise]?.(answer) ?? answer;
  return value !== undefined && value === written;
}

/** 07-1: whether `answer` is the seed whose run got above `threshold` last, among the runs that did (ties: the first). */
export function isLastToEscape(runs: readonly { seed: number; history: TrainingHistory }[], threshold: number, answer: number): boolean {
  let last: { seed: number; epoch: number } | undefined;
  for (const { seed, history } of runs) {
    const epoch = escapeEpoch(history, threshold);
    if (epoch !== "never" && (!last || epoch > last.epoch)) last = { seed, epoch };
  }
  return last !== undefined && last.seed === answer;
}
