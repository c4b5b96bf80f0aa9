import { test } from "node:test";
import assert from "node:assert/strict";
import { Layer, Matrix, NeuralNetwork, RandomState, SeededRandom, makeMoons, setSeed, trainTestSplit } from "../src/index";
import { articleNetwork, maxRelDiff, readFixture } from "./helpers";

interface HistoryFixture {
  seed: number;
  learningRate: number;
  architecture: [number, number][];
  initial: { weights: number[][][]; biases: number[][] };
  singleStep: { x: number[]; yOnehot: number[]; learningRate: number; weights: number[][][]; delta: number[][] };
  weightsAfterEpoch0: number[][][];
  history: { epochs: number[]; mse: number[]; accuracy: number[] };
  withBiasUpdates: { history: { epochs: number[]; mse: number[]; accuracy: number[] } };
}

const numpy = readFixture<HistoryFixture>("numpy-history.json");
const { X, y } = makeMoons();
const split = trainTestSplit(X, y);

/** The article's network with the fixture's initial weights and biases. */
function networkFromFixture(options: { updateBias?: boolean } = {}): NeuralNetwork {
  const nn = new NeuralNetwork(options);
  numpy.architecture.forEach(([nIn, nOut], l) => nn.addLayer(new Layer(nIn, nOut, "sigmoid", numpy.initial.weights[l], numpy.initial.biases[l])));
  return nn;
}

test("NumPy's generator seeded like np.random.seed(7) gives the fixture's initial weights", () => {
  setSeed(new RandomState(numpy.seed));
  try {
    const nn = articleNetwork();
    nn.layers.forEach((layer, l) => {
      assert.ok(maxRelDiff(layer.weights.data, numpy.initial.weights[l].flat()) <= 1e-14, `layer ${l} weights`);
      assert.ok(maxRelDiff(layer.bias, numpy.initial.biases[l]) <= 1e-15, `layer ${l} bias`);
    });
  } finally {
    setSeed(1);
  }
});

test("one backpropagation step matches NumPy's weights and deltas", () => {
  const nn = networkFromFixture();
  const step = numpy.singleStep;
  nn.backpropagation(step.x, step.yOnehot, step.learningRate);
  nn.layers.forEach((layer, l) => {
    assert.ok(maxRelDiff(layer.weights.data, step.weights[l].flat()) <= 1e-12, `layer ${l} weights`);
    assert.ok(maxRelDiff(layer.delta, step.delta[l]) <= 1e-9, `layer ${l} delta`);
    assert.deepEqual(Array.from(layer.bias), numpy.initial.biases[l], "the article never updates biases");
  });
});

test("training history agrees with the article's NumPy code over the first 60 epochs", () => {
  const nn = networkFromFixture();
  const epochs = numpy.history.epochs.length - 1;
  const history = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, numpy.learningRate, epochs, { recordEvery: 1 });
  assert.deepEqual(history.epochs, numpy.history.epochs);
  const worst = maxRelDiff(history.mse, numpy.history.mse);
  assert.ok(worst <= 1e-9, `max relative MSE difference ${worst}`);
  assert.deepEqual(history.accuracy, numpy.history.accuracy);
});

test("weights after the first epoch match NumPy's", () => {
  const nn = networkFromFixture();
  nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, numpy.learningRate, 0);
  nn.layers.forEach((layer, l) => assert.ok(maxRelDiff(layer.weights.data, numpy.weightsAfterEpoch0[l].flat()) <= 1e-9, `layer ${l}`));
});

test("updateBias: true matches NumPy with `layer.bias += layer.delta * learning_rate`", () => {
  const nn = networkFromFixture({ updateBias: true });
  const expected = numpy.withBiasUpdates.history;
  const history = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, numpy.learningRate, expected.epochs.length - 1, { recordEvery: 1 });
  assert.ok(maxRelDiff(history.mse, expected.mse) <= 1e-9);
  assert.deepEqual(history.accuracy, expected.accuracy);
  assert.notDeepEqual(Array.from(nn.layers[0].bias), numpy.initial.biases[0]);
});

test("history: every recordEvery epochs from 0, plus the last epoch", () => {
  setSeed(6);
  const tiny = { X: split.XTrain.selectRows([0, 1, 2]), y: Array.from(split.yTrain.subarray(0, 3)) };
  assert.deepEqual(articleNetwork().train(tiny.X, tiny.X, tiny.y, tiny.y, 0.01, 25).epochs, [0, 10, 20, 25]);
  assert.deepEqual(articleNetwork().train(tiny.X, tiny.X, tiny.y, tiny.y, 0.01, 20).epochs, [0, 10, 20]);
  assert.deepEqual(articleNetwork().train(tiny.X, tiny.X, tiny.y, tiny.y, 0.01, 0).epochs, [0]);
  setSeed(1);
});

test("the same seed gives bit-identical weights and histories", () => {
  const run = (seed: number) => {
    setSeed(seed);
    const nn = articleNetwork();
    const h = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.01, 20, { recordEvery: 5 });
    return { history: h.toJSON(), weights: nn.toJSON() };
  };
  const a = run(3);
  const b = run(3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(run(4).history, a.history);
  setSeed(1);
});

test("SeededRandom: same seed, same stream; normals have mean 0 and variance 1", () => {
  const a = new SeededRandom("x");
  const b = new SeededRandom("x");
  const draws = Array.from({ length: 20000 }, () => a.normal());
  assert.deepEqual(Array.from({ length: 20000 }, () => b.normal()), draws);
  const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
  const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
});

test("feedForward handles one sample or a batch, and predict/accuracy agree with it", () => {
  setSeed(5);
  const nn = articleNetwork();
  const batch = nn.feedForward([[0.5, -0.2], [1, 1]]);
  assert.deepEqual(batch.shape, [2, 2]);
  assert.deepEqual(Array.from(nn.feedForward([1, 1])), Array.from(batch.row(1)));
  assert.deepEqual(nn.predict([[0.5, -0.2], [1, 1]]).toArray(), batch.toArray());
  const labels = [0, 1].map((i) => (batch.get(i, 0) >= batch.get(i, 1) ? 0 : 1));
  assert.equal(nn.accuracy(batch, labels), 1);
  assert.equal(nn.accuracy(batch, labels.map((c) => 1 - c)), 0);
  setSeed(1);
});

test("Layer: article initialisation, activations and derivatives from the output", () => {
  const layer = new Layer(3, 4, "sigmoid", undefined, undefined, new SeededRandom(9));
  assert.ok(layer.bias.every((b) => b >= 0 && b < 0.1));
  const o = layer.activate([0.1, 0.2, 0.3]);
  for (let j = 0; j < 4; j++) {
    let z = layer.bias[j];
    for (let i = 0; i < 3; i++) z += [0.1, 0.2, 0.3][i] * layer.weights.get(i, j);
    assert.ok(Math.abs(o[j] - 1 / (1 + Math.exp(-z))) < 1e-15);
  }
  assert.deepEqual(Array.from(layer.applyActivationDerivative([0.5, 0.25])), [0.25, 0.1875]);
  assert.deepEqual(Array.from(new Layer(1, 3, "relu", [[1, -1, 0]], [0, 0, 0]).activate([2])), [2, 0, 0]);
  assert.deepEqual(Array.from(new Layer(1, 2, "tanh", [[0, 1]], [0, 0]).applyActivationDerivative([0, 0.5])), [1, 0.75]);
  assert.deepEqual(Array.from(new Layer(1, 2, null, [[2, -3]], [1, 1]).activate([1])), [3, -2]);
  assert.deepEqual(Array.from(new Layer(1, 2, "none", [[2, -3]], [1, 1]).applyActivationDerivative([5, 7])), [1, 1]);
});

test("toJSON/fromJSON round-trips exactly, including after training", () => {
  setSeed(11);
  const nn = articleNetwork();
  nn.train(split.XTrain.selectRows([0, 1, 2, 3, 4]), split.XTest, Array.from(split.yTrain.subarray(0, 5)), split.yTest, 0.5, 3);
  const copy = NeuralNetwork.fromJSON(JSON.stringify(nn));
  assert.deepEqual(copy.toJSON(), nn.toJSON());
  assert.deepEqual(copy.predict(split.XTest).toArray(), nn.predict(split.XTest).toArray());
  assert.throws(() => NeuralNetwork.fromJSON("{not json"), /NeuralNetwork\.fromJSON: .*JSON/);
  assert.throws(() => NeuralNetwork.fromJSON('{"format":"other"}'), /NeuralNetwork\.fromJSON: json is missing the field version/);
  const broken = nn.toJSON();
  broken.layers[1].nInput = 24;
  assert.throws(() => NeuralNetwork.fromJSON(broken), /NeuralNetwork\.fromJSON: json\.layers\[1\]\.nInput must equal the previous layer's nNeurons = 25, got 24/);
  const lossless = nn.toJSON();
  lossless.loss = "hinge";
  assert.throws(() => NeuralNetwork.fromJSON(lossless), /NeuralNetwork\.fromJSON: json\.loss \(.*\): loss must be one of/);
  const unknown = nn.toJSON();
  unknown.layers[0].activation = "swish";
  assert.throws(() => NeuralNetwork.fromJSON(unknown), /NeuralNetwork\.fromJSON: json\.layers\[0\]: Layer: activation must be one of/);
  setSeed(1);
});

/** Runs `fn`, expects it to throw `pattern`, and checks the network's weights did not change. */
function assertRejectedUntouched(nn: NeuralNetwork, fn: () => unknown, pattern: RegExp): void {
  const before = JSON.stringify(nn);
  assert.throws(fn, pattern);
  assert.equal(JSON.stringify(nn), before);
}

test("bad input names the argument and leaves the network untouched", () => {
  setSeed(2);
  const nn = articleNetwork();
  const { XTrain, XTest, yTrain, yTest } = split;
  const train = (overrides: Partial<{ XTrain: unknown; XTest: unknown; yTrain: unknown; yTest: unknown; lr: unknown; epochs: unknown }>) => () =>
    nn.train(
      (overrides.XTrain ?? XTrain) as Matrix,
      (overrides.XTest ?? XTest) as Matrix,
      (overrides.yTrain ?? yTrain) as number[],
      (overrides.yTest ?? yTest) as number[],
      (overrides.lr ?? 0.01) as number,
      (overrides.epochs ?? 1) as number,
    );
  assertRejectedUntouched(nn, train({ lr: 0 }), /train: learningRate must be a finite number in \(0, 1000000\], got 0/);
  assertRejectedUntouched(nn, train({ lr: -0.1 }), /learningRate/);
  assertRejectedUntouched(nn, train({ lr: Infinity }), /learningRate/);
  assertRejectedUntouched(nn, train({ epochs: -1 }), /train: maxEpochs must be an integer in \[0, 1000000\], got -1/);
  assertRejectedUntouched(nn, train({ epochs: 2.5 }), /maxEpochs/);
  assertRejectedUntouched(nn, train({ XTrain: [[1, 2, 3]] }), /XTrain must have 2 features per sample \(the first layer's nInput\), got 3/);
  assertRejectedUntouched(nn, train({ XTrain: [] }), /XTrain must be a non-empty/);
  assertRejectedUntouched(nn, train({ XTrain: [[1, NaN]], yTrain: [0] }), /XTrain must contain only finite numbers/);
  assertRejectedUntouched(nn, train({ yTrain: Array.from(yTrain).slice(1) }), /yTrain must have one label per row of XTrain \(1400\), got 1399/);
  assertRejectedUntouched(nn, train({ yTrain: Array.from(yTrain, (c, i) => (i === 7 ? 2 : c)) }), /yTrain must hold integer class labels in \[0, 1\].*found 2 at index 7/);
  assertRejectedUntouched(nn, train({ yTest: Array.from(yTest, (c, i) => (i === 0 ? 0.5 : c)) }), /yTest must hold integer class labels/);
  assertRejectedUntouched(nn, () => nn.backpropagation([1, 2, 3], [1, 0], 0.1), /backpropagation: x must have 2 features/);
  assertRejectedUntouched(nn, () => nn.backpropagation([1, 2], [1, 0, 0], 0.1), /yOneHot must have nOutputs = 2 values, got 3/);
  assertRejectedUntouched(nn, () => nn.backpropagation([1, 2], [1, 0], NaN), /learningRate/);
  assertRejectedUntouched(nn, () => nn.feedForward([[1, 2, 3]]), /feedForward: X must have 2 features/);
  assertRejectedUntouched(nn, () => nn.addLayer(new Layer(3, 2, "sigmoid")), /addLayer: layer 4 expects nInput = 3, but the previous layer outputs nNeurons = 2/);
  assert.equal(nn.layers.length, 4);
  assert.throws(() => new NeuralNetwork().feedForward([1, 2]), /no layers yet; call addLayer first/);
  assert.throws(() => new Layer(2, 3, "swish" as "relu"), /activation must be one of "sigmoid", "tanh", "relu", "none" or an object/);
  assert.throws(() => new Layer(0, 3), /Layer: nInput must be an integer in \[1, 16777216\], got 0/);
  assert.throws(() => new Layer(2, 3, "sigmoid", [[1, 2, 3]]), /weights must be nInput x nNeurons = 2 x 3, got 1 x 3/);
  assert.throws(() => new Layer(2, 3, "sigmoid", undefined, [1, 2]), /bias must have nNeurons = 3 values, got 2/);
  assert.throws(() => new NeuralNetwork({ loss: "hinge" as "mse" }), /loss must be one of "mse", "softmax-cross-entropy"/);
  setSeed(1);
});
