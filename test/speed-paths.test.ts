/*
 * The fused training step (src/fast-step.ts) against the reference step in
 * NeuralNetwork (computeDeltas, then every weight update). Wrapping the
 * article's hidden rule in a new function makes a network take the
 * reference path while computing the same thing, so the two can be compared.
 * `backpropagation` always runs the reference step; `train` runs the fused
 * one after a probe step shows they agree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Activation,
  ActivationLike,
  HiddenDeltaRule,
  Layer,
  LossLike,
  Matrix,
  NeuralNetwork,
  SeededRandom,
  hiddenLayerDelta,
  makeMoons,
  meanSquaredError,
  oneHot,
  outputLayerDelta,
  trainTestSplit,
} from "../src/index";
import { forwardUnrolled, fusedStep } from "../src/fast-step";
import { maxRelDiff, readFixture } from "./helpers";

const { X, y } = makeMoons();
const split = trainTestSplit(X, y);

/** Same computation as `hiddenLayerDelta`, but not the same function: forces the reference path. */
const referenceHidden: HiddenDeltaRule = (layer, next) => hiddenLayerDelta(layer, next);

interface Config {
  sizes: number[];
  activations: ActivationLike[];
  loss?: LossLike;
  updateBias?: boolean;
}

function build(config: Config, seed: number, reference: boolean): NeuralNetwork {
  const random = new SeededRandom(seed);
  const nn = new NeuralNetwork({ loss: config.loss, updateBias: config.updateBias });
  for (let l = 0; l + 1 < config.sizes.length; l++) {
    nn.addLayer(new Layer(config.sizes[l], config.sizes[l + 1], config.activations[l], undefined, undefined, random));
  }
  if (reference) nn.deltaRules.hidden = referenceHidden;
  return nn;
}

const softsign: Activation = { name: "softsign", fn: (z) => z / (1 + Math.abs(z)), derivative: (o) => (1 - Math.abs(o)) ** 2 };

const configs: Record<string, Config> = {
  "article 2-25-50-25-2 sigmoid": { sizes: [2, 25, 50, 25, 2], activations: ["sigmoid", "sigmoid", "sigmoid", "sigmoid"] },
  "tanh/relu hidden, linear output, softmax cross-entropy, bias updates": {
    sizes: [2, 7, 9, 3, 2],
    activations: ["tanh", "relu", "tanh", "none"],
    loss: "softmax-cross-entropy",
    updateBias: true,
  },
  "custom activation (softsign), odd widths": { sizes: [2, 13, 5, 11, 2], activations: [softsign, softsign, "sigmoid", "sigmoid"] },
  "one hidden layer": { sizes: [2, 3, 2], activations: ["relu", "sigmoid"] },
  "no hidden layer": { sizes: [2, 2], activations: ["sigmoid"] },
};

for (const [name, config] of Object.entries(configs)) {
  test(`fast and reference paths agree on one step: ${name}`, () => {
    const fast = build(config, 21, false);
    const ref = build(config, 21, true);
    const x = [0.7, -0.3];
    const target = [0, 1];
    fusedStep(fast, Float64Array.from(x), 0, Float64Array.from(target), 0.05);
    ref.backpropagation(x, target, 0.05);
    fast.layers.forEach((layer, l) => {
      const other = ref.layers[l];
      assert.ok(maxRelDiff(layer.weights.data, other.weights.data) <= 1e-12, `layer ${l} weights`);
      assert.ok(maxRelDiff(layer.bias, other.bias) <= 1e-12, `layer ${l} bias`);
      assert.ok(maxRelDiff(layer.delta, other.delta) <= 1e-12, `layer ${l} delta`);
      assert.ok(maxRelDiff(layer.error, other.error) <= 1e-12, `layer ${l} error`);
      assert.ok(maxRelDiff(layer.lastActivation, other.lastActivation) <= 1e-12, `layer ${l} output`);
    });
  });

  test(`fast and reference paths give identical histories and weights over 3 epochs: ${name}`, () => {
    const run = (reference: boolean) => {
      const nn = build(config, 5, reference);
      const history = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.05, 3, { recordEvery: 1 });
      return { history: history.toJSON(), network: nn.toJSON() };
    };
    const fast = run(false);
    assert.deepEqual(fast, run(true));
    const mse = fast.history.records.map((r) => r.mse);
    assert.ok(mse.every(Number.isFinite), "finite MSE");
  });
}

test("the article's network: fast and reference paths both match NumPy over the first 60 epochs, bit for bit alike", () => {
  interface Fixture {
    learningRate: number;
    architecture: [number, number][];
    initial: { weights: number[][][]; biases: number[][] };
    history: { epochs: number[]; mse: number[]; accuracy: number[] };
  }
  const numpy = readFixture<Fixture>("numpy-history.json");
  const run = (reference: boolean) => {
    const nn = new NeuralNetwork();
    numpy.architecture.forEach(([nIn, nOut], l) => nn.addLayer(new Layer(nIn, nOut, "sigmoid", numpy.initial.weights[l], numpy.initial.biases[l])));
    if (reference) nn.deltaRules.hidden = referenceHidden;
    return nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, numpy.learningRate, numpy.history.epochs.length - 1, { recordEvery: 1 });
  };
  const fast = run(false);
  const ref = run(true);
  assert.deepEqual(fast.mse, ref.mse);
  assert.deepEqual(fast.accuracy, ref.accuracy);
  for (const h of [fast, ref]) {
    assert.ok(maxRelDiff(h.mse, numpy.history.mse) <= 1e-9);
    assert.deepEqual(h.accuracy, numpy.history.accuracy);
  }
});

test("a replaced hidden rule is called as written (reference path) and still trains", () => {
  const nn = build(configs["article 2-25-50-25-2 sigmoid"], 3, false);
  let calls = 0;
  nn.deltaRules.hidden = (layer, next) => {
    calls++;
    hiddenLayerDelta(layer, next);
  };
  const before = meanSquaredError(nn.predict(split.XTrain), oneHot(split.yTrain, 2));
  const history = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 5, { recordEvery: 5 });
  assert.equal(calls, 6 * split.XTrain.rows * 3, "once per hidden layer per step");
  assert.ok(history.last!.mse < 0.5 * before && history.last!.accuracy > 0.8, `MSE ${before} -> ${history.last!.mse}, accuracy ${history.last!.accuracy}`);

  // A wrong rule really changes training: the fast path is not used behind its back.
  const wrong = build(configs["article 2-25-50-25-2 sigmoid"], 3, false);
  wrong.deltaRules.hidden = (layer) => layer.delta.fill(0);
  const first = Array.from(wrong.layers[0].weights.data);
  wrong.backpropagation([0.5, 0.5], [1, 0], 0.5);
  assert.deepEqual(Array.from(wrong.layers[0].weights.data), first, "zero deltas leave the first layer alone");
});

test("a replaced output rule runs on the fast path too", () => {
  const config = configs["article 2-25-50-25-2 sigmoid"];
  let calls = 0;
  const counted = (nn: NeuralNetwork) => {
    nn.deltaRules.output = (layer, target, loss) => {
      calls++;
      outputLayerDelta(layer, target, loss);
    };
    return nn;
  };
  const fast = counted(build(config, 8, false));
  fast.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 1);
  assert.equal(calls, 2 + 2 * split.XTrain.rows, "the probe's two steps, then two epochs");
  const ref = build(config, 8, true);
  ref.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 1);
  assert.deepEqual(fast.toJSON(), ref.toJSON());
});

test("a custom activation trains (moons, 1 hidden softsign layer)", () => {
  const random = new SeededRandom(4);
  const nn = new NeuralNetwork();
  nn.addLayer(new Layer(2, 16, softsign, undefined, undefined, random));
  nn.addLayer(new Layer(16, 2, "sigmoid", undefined, undefined, random));
  const history = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 20, { recordEvery: 20 });
  assert.ok(history.last!.mse < history.mse[0], `MSE ${history.mse[0]} -> ${history.last!.mse}`);
  assert.ok(history.last!.accuracy > 0.8, `accuracy ${history.last!.accuracy}`);
});

test("computeDeltas runs the current rules, fills every error and delta, and never changes a weight", () => {
  const nn = build(configs["article 2-25-50-25-2 sigmoid"], 9, false);
  const weights = JSON.stringify(nn.toJSON());
  nn.computeDeltas(new Float64Array([0.3, -0.8]), 0, new Float64Array([1, 0]));
  assert.equal(JSON.stringify(nn.toJSON()), weights);
  const deltas = nn.layers.map((layer) => Array.from(layer.delta));
  assert.ok(nn.layers.every((layer) => layer.delta.some((d) => d !== 0) && layer.error.some((e) => e !== 0)));
  let calls = 0;
  nn.deltaRules.hidden = (layer, next) => {
    calls++;
    hiddenLayerDelta(layer, next);
  };
  nn.computeDeltas(new Float64Array([0.3, -0.8]), 0, new Float64Array([1, 0]));
  assert.equal(calls, 3);
  assert.deepEqual(nn.layers.map((layer) => Array.from(layer.delta)), deltas);
  assert.equal(JSON.stringify(nn.toJSON()), weights);
});

test("Layer.forward and its unrolled copy (blocks of 8, 2, 1 neurons) equal the plain loop bit for bit, for every width up to 19", () => {
  const random = new SeededRandom(12);
  for (let nOut = 1; nOut <= 19; nOut++) {
    for (const nIn of [1, 2, 5]) {
      for (const activation of ["sigmoid", "tanh", "relu", "none", softsign] as ActivationLike[]) {
        const layer = new Layer(nIn, nOut, activation, undefined, undefined, random);
        const x = Float64Array.from({ length: nIn + 3 }, () => random.normal());
        const offset = 2;
        const out = layer.forward(x, offset, new Float64Array(nOut + 1), 1);
        const f = layer.activation.fn;
        const expected = new Float64Array(nOut);
        for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) expected[j] += x[offset + i] * layer.weights.get(i, j);
        for (let j = 0; j < nOut; j++) expected[j] = f(expected[j] + layer.bias[j]);
        assert.equal(out[0], 0, "nothing written before outOffset");
        assert.deepEqual(Array.from(out.subarray(1)), Array.from(expected), `${nIn} -> ${nOut} ${layer.activation.name}`);
        assert.deepEqual(Array.from(forwardUnrolled(layer, x, offset)), Array.from(expected), `unrolled ${nIn} -> ${nOut} ${layer.activation.name}`);
      }
    }
  }
});

test("predict and feedForward on a batch equal one feedForward per row", () => {
  const nn = build(configs["tanh/relu hidden, linear output, softmax cross-entropy, bias updates"], 6, false);
  const rows = split.XTest.selectRows([0, 1, 2, 3, 4, 5, 6]);
  const batch = nn.predict(rows);
  assert.deepEqual(nn.feedForward(rows).toArray(), batch.toArray());
  for (let r = 0; r < rows.rows; r++) assert.deepEqual(Array.from(nn.feedForward(rows.row(r))), Array.from(batch.row(r)));
  const p = nn.probabilitiesOf(rows);
  for (let r = 0; r < rows.rows; r++) {
    const row = Array.from(p.row(r));
    assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-15, "softmax rows sum to 1");
  }
  assert.ok(p instanceof Matrix);
});

test("an edit to the reference code reaches training: the probe sends train down the edited path", () => {
  // Stands in for a learner editing Layer.forward in src/layer.ts: o = f(0.5 z + b).
  const config = configs["article 2-25-50-25-2 sigmoid"];
  const plain = build(config, 3, false).train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 1).toJSON();
  const original = Layer.prototype.forward;
  Layer.prototype.forward = function (this: Layer, input: Float64Array, offset = 0, out: Float64Array = this.lastActivation, outOffset = 0) {
    const halved = Float64Array.from({ length: this.nInput }, (_, i) => 0.5 * input[offset + i]);
    return original.call(this, halved, 0, out, outOffset);
  };
  try {
    const edited = build(config, 3, false).train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 1).toJSON();
    const expected = build(config, 3, true).train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 1).toJSON();
    assert.notDeepEqual(edited, plain, "the edit changed nothing: training ignored it");
    assert.deepEqual(edited, expected, "training ran the edited reference step");
  } finally {
    Layer.prototype.forward = original;
  }
});
