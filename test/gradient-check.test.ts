import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Activation,
  ActivationLike,
  GradientCheckOptions,
  GradientCheckResult,
  HiddenDeltaRule,
  Layer,
  LossLike,
  NeuralNetwork,
  OutputDeltaRule,
  SeededRandom,
  GRADIENT_CHECK_THRESHOLDS,
  gradientCheck,
  gradientVerdict,
  relativeError,
  mse,
  setSeed,
  sigmoid,
} from "../src/index";
import { articleNetwork } from "./helpers";

/*
 * Bounds for correct rules. With the default fourth-order stencil (h = 1e-3)
 * every configuration must stay below 1e-6, as the issue asks. The textbook
 * two-point difference (order 2, h = 1e-5) carries a rounding noise of about
 * ulp(L) / h = 1e-11, which on the deep networks' ~1e-7 gradients reads as up
 * to ~1e-4: we assert it never looks worse than "acceptable".
 */
const TEXTBOOK: GradientCheckOptions = { order: 2 };

function network(sizes: number[], hidden: ActivationLike, output: ActivationLike, seed: number, loss?: LossLike): NeuralNetwork {
  const random = new SeededRandom(seed);
  const nn = new NeuralNetwork(loss === undefined ? {} : { loss });
  for (let l = 0; l + 1 < sizes.length; l++) {
    nn.addLayer(new Layer(sizes[l], sizes[l + 1], l + 2 === sizes.length ? output : hidden, undefined, undefined, random));
  }
  return nn;
}

/** A moons-like input and a random one-hot target, drawn from the seed. */
function sample(seed: number, nOutputs = 2): { x: number[]; y: number[] } {
  const random = new SeededRandom(`sample-${seed}`);
  const x = [random.random() * 3.5 - 1.25, random.random() * 2 - 0.75];
  const y = new Array<number>(nOutputs).fill(0);
  y[Math.floor(random.random() * nOutputs)] = 1;
  return { x, y };
}

/** z = o_prev W + b for every layer (f is not applied). */
function preActivations(nn: NeuralNetwork, x: number[]): Float64Array[] {
  const zs: Float64Array[] = [];
  let o = Float64Array.from(x);
  for (const layer of nn.layers) {
    const z = Float64Array.from(layer.bias);
    for (let i = 0; i < layer.nInput; i++) {
      for (let j = 0; j < layer.nNeurons; j++) z[j] += o[i] * layer.weights.get(i, j);
    }
    zs.push(z);
    o = z.map((v) => layer.activation.fn(v));
  }
  return zs;
}

interface Measured {
  typical: number;
  worst: number;
}

/** Runs the check on each seed; asserts both bounds; returns the default-options errors (median, max). */
function expectCorrect(make: (seed: number) => { nn: NeuralNetwork; x: number[]; y: number[] }, seeds: number[]): Measured {
  const errors: number[] = [];
  let strictWorst = 0;
  for (const seed of seeds) {
    const { nn, x, y } = make(seed);
    const byDefault = gradientCheck(nn, x, y);
    assert.ok(byDefault.maxRelativeError < 1e-6, `seed ${seed}: ${byDefault.report()}`);
    const textbook = gradientCheck(nn, x, y, TEXTBOOK);
    assert.ok(textbook.maxRelativeError < 1e-4, `seed ${seed}, order 2: ${textbook.report()}`);
    errors.push(byDefault.maxRelativeError);
    strictWorst = Math.max(strictWorst, textbook.maxRelativeError);
  }
  errors.sort((a, b) => a - b);
  const measured = { typical: errors[Math.floor(errors.length / 2)], worst: errors[errors.length - 1] };
  if (process.env.GRADIENT_CHECK_VERBOSE) console.log(`  median ${measured.typical.toExponential(2)}, worst ${measured.worst.toExponential(2)}; order 2 worst ${strictWorst.toExponential(2)}`);
  return measured;
}

function expectWrong(result: GradientCheckResult, what: string): void {
  assert.ok(result.maxRelativeError > 1e-2, `${what} was not caught: ${result.report()}`);
  assert.equal(result.verdict, "wrong");
}

const seeds = (n: number, from = 0): number[] => Array.from({ length: n }, (_, k) => from + k);

test("correct rules: the article's 2-25-50-25-2 sigmoid network with MSE", () => {
  expectCorrect((seed) => {
    setSeed(seed);
    return { nn: articleNetwork(), ...sample(seed) };
  }, seeds(10));
});

test("correct rules: small sigmoid networks with MSE, 20 seeds", () => {
  expectCorrect((seed) => ({ nn: network([2, 5, 4, 2], "sigmoid", "sigmoid", seed), ...sample(seed) }), seeds(20));
});

test("correct rules: tanh hidden layers, 20 seeds", () => {
  expectCorrect((seed) => ({ nn: network([2, 5, 4, 2], "tanh", "sigmoid", seed), ...sample(seed) }), seeds(20));
});

test("correct rules: relu hidden layers away from the kink, 20 seeds", () => {
  let skipped = 0;
  expectCorrect((seed) => {
    // Finite differences straddling z = 0 see the kink, not the derivative:
    // redraw the input until every hidden |z| is far beyond the steps (2h times the inputs).
    const nn = network([2, 6, 5, 2], "relu", "sigmoid", seed);
    for (let attempt = 0; ; attempt++) {
      const s = sample(seed * 1000 + attempt);
      const zs = preActivations(nn, s.x).slice(0, -1);
      if (zs.every((z) => z.every((v) => Math.abs(v) > 3e-2))) return { nn, ...s };
      skipped++;
    }
  }, seeds(20));
  assert.ok(skipped < 200, `resampled ${skipped} inputs`);
});

test("correct rules: softmax-cross-entropy with a linear output layer", () => {
  expectCorrect((seed) => ({ nn: network([2, 5, 4, 3], "tanh", "none", seed, "softmax-cross-entropy"), ...sample(seed, 3) }), seeds(20));
  expectCorrect((seed) => ({ nn: network([2, 25, 50, 25, 2], "sigmoid", "none", seed, "softmax-cross-entropy"), ...sample(seed) }), seeds(5, 100));
});

test("the gradient matches a hand derivation on a 1-1 linear layer", () => {
  // L = 1/2 (x w + b - y)^2, so dL/dw = (x w + b - y) x and dL/db = x w + b - y.
  const nn = new NeuralNetwork().addLayer(new Layer(1, 1, "none", [[0.7]], [0.2]));
  const result = gradientCheck(nn, [1.5], [2], { worst: 2 });
  const residual = 1.5 * 0.7 + 0.2 - 2;
  const w = result.worst.find((e) => e.parameter === "weight");
  const b = result.worst.find((e) => e.parameter === "bias");
  assert.ok(w && b);
  assert.ok(Math.abs(w.analytic - residual * 1.5) < 1e-15);
  assert.ok(Math.abs(w.numerical - residual * 1.5) < 1e-9);
  assert.ok(Math.abs(b.analytic - residual) < 1e-15);
  assert.ok(Math.abs(b.numerical - residual) < 1e-9);
});

test("at a relu kink the finite difference disagrees (why the relu test avoids |z| ~ 0)", () => {
  // z = x w + b = 0 exactly: backprop takes f'(0) = 0, the central difference on b sees slope 1/2.
  const nn = new NeuralNetwork().addLayer(new Layer(1, 1, "relu", [[1]], [0])).addLayer(new Layer(1, 1, "none", [[1]], [0]));
  const result = gradientCheck(nn, [0], [1]);
  assert.ok(result.layers[0].bias.maxRelativeError > 0.5, result.report());
  assert.match(result.report(), /relu has a kink at z = 0/);
  const smooth = new NeuralNetwork().addLayer(new Layer(1, 1, "tanh", [[1]], [0])).addLayer(new Layer(1, 1, "none", [[1]], [0]));
  assert.doesNotMatch(gradientCheck(smooth, [0], [1]).report(), /kink/);
});

// --- wrong derivations must be caught ---------------------------------------

const sigmoidWithWrongDerivative: Activation = { name: "sigmoid, f' = o", fn: sigmoid.fn, derivative: (o) => o };

/** Forgets f'(o): delta_j = sum_k W_jk delta_k. */
const hiddenWithoutDerivative: HiddenDeltaRule = (layer, next) => {
  const nK = next.nNeurons;
  for (let j = 0; j < layer.nNeurons; j++) {
    let sum = 0;
    for (let k = 0; k < nK; k++) sum += next.weights.data[j * nK + k] * next.delta[k];
    layer.error[j] = sum;
    layer.delta[j] = sum;
  }
};

/** Reads W_kj instead of W_jk (W stored as if it were nK x nJ). */
const hiddenWithWrongIndex: HiddenDeltaRule = (layer, next) => {
  const nJ = layer.nNeurons;
  for (let j = 0; j < nJ; j++) {
    let sum = 0;
    for (let k = 0; k < next.nNeurons; k++) sum += next.weights.data[k * nJ + j] * next.delta[k];
    layer.error[j] = sum;
    layer.delta[j] = sum * layer.activation.derivative(layer.lastActivation[j]);
  }
};

/** delta_k = (o_k - y_k) f'(o_k): the gradient, not the article's negative gradient. */
const outputWithWrongSign: OutputDeltaRule = (layer, target, loss) => {
  loss.outputError(layer.lastActivation, target, layer.error);
  for (let k = 0; k < layer.nNeurons; k++) {
    layer.delta[k] = -layer.error[k] * layer.activation.derivative(layer.lastActivation[k]);
  }
};

test("catches an activation whose derivative is wrong", () => {
  for (const seed of seeds(5)) {
    const nn = network([2, 5, 4, 2], sigmoidWithWrongDerivative, sigmoidWithWrongDerivative, seed);
    expectWrong(gradientCheck(nn, sample(seed).x, sample(seed).y), `f' = o (seed ${seed})`);
  }
});

test("catches a hidden delta rule that forgets f'(o), and points at the hidden layers", () => {
  for (const seed of seeds(5)) {
    const nn = network([2, 5, 4, 2], "sigmoid", "sigmoid", seed);
    nn.deltaRules.hidden = hiddenWithoutDerivative;
    const { x, y } = sample(seed);
    const result = gradientCheck(nn, x, y);
    expectWrong(result, `missing f'(o) (seed ${seed})`);
    assert.equal(result.layers[0].verdict, "wrong");
    assert.equal(result.layers[1].verdict, "wrong");
    assert.ok(result.layers[2].maxRelativeError < 1e-4, "the output layer's own rule is right");
    assert.ok(result.worst.every((e) => e.layer < 2));
  }
  setSeed(7);
  const article = articleNetwork();
  article.deltaRules.hidden = hiddenWithoutDerivative;
  expectWrong(gradientCheck(article, sample(7).x, sample(7).y), "missing f'(o) on the article network");
});

test("catches a hidden delta rule that uses the wrong weight index", () => {
  for (const seed of seeds(5)) {
    const nn = network([2, 5, 4, 2], "tanh", "sigmoid", seed);
    nn.deltaRules.hidden = hiddenWithWrongIndex;
    expectWrong(gradientCheck(nn, sample(seed).x, sample(seed).y), `W_kj for W_jk (seed ${seed})`);
  }
});

test("catches an output delta rule with the wrong sign", () => {
  for (const seed of seeds(5)) {
    const nn = network([2, 5, 4, 2], "sigmoid", "sigmoid", seed);
    nn.deltaRules.output = outputWithWrongSign;
    const result = gradientCheck(nn, sample(seed).x, sample(seed).y);
    expectWrong(result, `wrong sign (seed ${seed})`);
    assert.ok(Math.abs(result.layers[2].weights.maxRelativeError - 1) < 1e-6, "a = -n gives relative error 1");
  }
});

// --- the network is left as it was -------------------------------------------

function snapshot(nn: NeuralNetwork): Buffer[] {
  return nn.layers.flatMap((layer) => [Buffer.from(layer.weights.data.slice().buffer), Buffer.from(layer.bias.slice().buffer)]);
}

test("weights and biases are bit-identical after the check", () => {
  for (const seed of seeds(3)) {
    setSeed(seed);
    const nn = articleNetwork();
    const before = snapshot(nn);
    const { x, y } = sample(seed);
    gradientCheck(nn, x, y);
    const after = snapshot(nn);
    assert.equal(after.length, before.length);
    for (let k = 0; k < before.length; k++) assert.ok(before[k].equals(after[k]), `buffer ${k} changed (seed ${seed})`);
    // Layer buffers hold the unperturbed forward pass again.
    const output = nn.layers[nn.layers.length - 1].lastActivation.slice();
    assert.deepEqual(output, nn.feedForward(x));
  }
  // Values for which w + eps - eps (or += eps, -= 2 eps, += eps) does not give back w bit for bit.
  const nn = new NeuralNetwork()
    .addLayer(new Layer(2, 2, "sigmoid", [[1e-6, 0.7], [-0.45, 3e-7]], [0.7, 1e-6]))
    .addLayer(new Layer(2, 2, "sigmoid", [[0.7, 1e-6], [1e-6, 0.7]], [1e-6, 0.7]));
  const before = snapshot(nn);
  gradientCheck(nn, [0.3, -0.6], [1, 0]);
  snapshot(nn).forEach((buffer, k) => assert.ok(buffer.equals(before[k]), `buffer ${k} changed`));
});

test("weights are restored even when the loss throws mid-check", () => {
  let calls = 0;
  const flaky = { ...mse, name: "flaky", value: (o: Float64Array, t: Float64Array) => { if (++calls === 7) throw new Error("boom"); return mse.value(o, t); } };
  const nn = network([2, 5, 4, 2], "sigmoid", "sigmoid", 3, flaky);
  const before = snapshot(nn);
  assert.throws(() => gradientCheck(nn, [0.5, 0.5], [1, 0]), /boom/);
  snapshot(nn).forEach((buffer, k) => assert.ok(buffer.equals(before[k]), `buffer ${k} changed`));
});

// --- result shape and report -------------------------------------------------

test("rows, worst entries and the report", () => {
  const nn = network([2, 5, 4, 2], "sigmoid", "sigmoid", 11);
  const result = gradientCheck(nn, [0.3, -0.2], [0, 1], { worst: 4 });
  assert.deepEqual(result.rows.map((r) => r.shape), ["2x5", "5x4", "4x2"]);
  assert.deepEqual(JSON.parse(JSON.stringify(result.rows)), result.rows, "rows are plain data");
  assert.equal(result.maxRelativeError, Math.max(...result.rows.map((r) => Math.max(r.weightsMaxRelErr, r.biasMaxRelErr))));
  assert.equal(result.worst.length, 4);
  assert.equal(result.worst[0].relativeError, result.maxRelativeError);
  for (let k = 1; k < result.worst.length; k++) assert.ok(result.worst[k - 1].relativeError >= result.worst[k].relativeError);
  assert.equal(gradientCheck(nn, [0.3, -0.2], [0, 1], { worst: 0 }).worst.length, 0);

  const lines = result.report().split("\n");
  assert.match(lines[0], /max relative error \d\.\d\de-\d+ -> (good|acceptable)/);
  assert.match(lines[1], /layer\s+shape\s+weights max rel err\s+bias max rel err\s+verdict/);
  assert.match(lines[2], /^\s+0\s+2x5\s+\d\.\d\de-\d+\s+\d\.\d\de-\d+\s+(good|acceptable)$/);
  assert.match(lines[4], /^\s+2\s+4x2\s/);
  assert.ok(lines.some((l) => /W\[\d\]\[\d\]|b\[\d\]/.test(l)), "lists the worst entries");
});

test("verdict thresholds", () => {
  assert.equal(gradientVerdict(0), "good");
  assert.equal(gradientVerdict(9e-8), "good");
  assert.equal(gradientVerdict(1e-5), "acceptable");
  assert.equal(gradientVerdict(1e-3), "suspicious");
  assert.equal(gradientVerdict(0.5), "wrong");
  assert.equal(gradientVerdict(Number.NaN), "wrong");
});

// --- bad inputs ------------------------------------------------------------------

test("bad inputs are rejected with the argument and what was expected", () => {
  const nn = network([2, 3, 2], "sigmoid", "sigmoid", 1);
  const x = [0.1, 0.2];
  const y = [1, 0];
  assert.throws(() => gradientCheck(new NeuralNetwork(), x, y), /network has no layers/);
  assert.throws(() => gradientCheck({} as NeuralNetwork, x, y), /network must be a NeuralNetwork/);
  assert.throws(() => gradientCheck(nn, [1, 2, 3], y), /x must have nInputs = 2 values, got 3/);
  assert.throws(() => gradientCheck(nn, [1, Number.NaN], y), /x must contain only finite numbers/);
  assert.throws(() => gradientCheck(nn, [], y), /x must be non-empty/);
  assert.throws(() => gradientCheck(nn, x, [1, 0, 0]), /yOneHot must have nOutputs = 2 values, got 3/);
  assert.throws(() => gradientCheck(nn, x, [1, Infinity]), /yOneHot must contain only finite numbers/);
  for (const epsilon of [0, -1e-5, Number.NaN, Infinity]) {
    assert.throws(() => gradientCheck(nn, x, y, { epsilon }), /options\.epsilon must be a finite number > 0/);
  }
  assert.throws(() => gradientCheck(nn, x, y, { floor: 0 }), /options\.floor must be a finite number > 0/);
  assert.throws(() => gradientCheck(nn, x, y, { worst: 1.5 }), /options\.worst must be a non-negative integer, got 1\.5/);
  assert.throws(() => gradientCheck(nn, x, y, { worst: -1 }), /options\.worst must be a non-negative integer/);
  assert.throws(() => gradientCheck(nn, x, y, { epsilon: 2 }), /gradientCheck: options\.epsilon must be in \[1e-12, 1\], got 2/);
  assert.throws(() => gradientCheck(nn, x, y, { epsilon: 5e-324 }), /gradientCheck: options\.epsilon must be in \[1e-12, 1\], got 5e-324/);
  // A loss that overflows says nothing about the derivation: refused, and the network is given back as it was.
  assert.throws(() => gradientCheck(nn, x, [1e200, 0]), /gradientCheck: the loss is Infinity at this x and yOneHot/);
  assert.throws(() => gradientCheck(nn, x, y, { order: 3 as 2 }), /gradientCheck: options\.order must be 2 or 4, got 3/);
  // A misspelt option is an error, not a silent default.
  assert.throws(() => gradientCheck(nn, x, y, { eps: 1e-5 } as GradientCheckOptions), /gradientCheck: unknown option "eps"; the options are order, epsilon, floor, worst/);
  assert.throws(() => gradientCheck(nn, x, y, null as unknown as GradientCheckOptions), /gradientCheck: options must be an object, got null/);
  assert.throws(() => gradientCheck(nn, ["0.1", 0.2] as unknown as number[], y), /gradientCheck: x must contain only finite numbers, found "0.1" at flat index 0/);
  // The other exported helpers.
  assert.throws(() => gradientVerdict(-1), /gradientVerdict: maxRelativeError must be a number >= 0 \(or NaN\), got -1/);
  assert.throws(() => gradientVerdict("0" as unknown as number), /gradientVerdict: maxRelativeError .* got "0"/);
  assert.throws(() => relativeError(1, 1, 0), /relativeError: floor must be a finite number > 0, got 0/);
  assert.throws(() => relativeError(undefined as unknown as number, 1, 1e-7), /relativeError: analytic must be a number, got undefined/);
  assert.equal(relativeError(Number.NaN, 1, 1e-7), Infinity);
  assert.ok(Object.isFrozen(GRADIENT_CHECK_THRESHOLDS));
});
