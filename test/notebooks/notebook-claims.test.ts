/**
 * Numbers the notebooks state in their prose that no cell prints, measured
 * here so that a change in the library that makes them false fails a test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Activation, ActivationLike, Layer, LossLike, NeuralNetwork, OutputDeltaRule, TrainingHistory, argmaxRow, escapeEpoch, gradientCheck, makeMoons, oneHot,
  setSeed, sigmoid, softmax, trainTestSplit,
} from "../../src/index";
import { LESSON_SETTINGS, lessonNetwork } from "../../src/lab/runs";
import { hiddenDeltaWithoutDerivative } from "../helpers";

const { X, y } = makeMoons(2000, 0.2, 100);
const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, 0.3, 42);

test("05: at the initial weights (seed 1), layers[0]'s gradients are about 60 times smaller than layers[3]'s", () => {
  const nn = lessonNetwork();
  const targets = oneHot(yTrain, 2);
  const layers = nn.layers;
  const sums = layers.map(() => 0);
  for (let n = 0; n < XTrain.rows; n++) {
    const x = XTrain.row(n);
    nn.feedForward(x); // fills every layer's lastActivation
    nn.deltaRules.output(layers[layers.length - 1], targets.row(n), nn.loss);
    for (let l = layers.length - 2; l >= 0; l--) nn.deltaRules.hidden(layers[l], layers[l + 1]);
    layers.forEach((layer, l) => {
      const input = l === 0 ? x : layers[l - 1].lastActivation;
      let sum = 0;
      for (let i = 0; i < layer.nInput; i++) for (let j = 0; j < layer.nNeurons; j++) sum += Math.abs(input[i] * layer.delta[j]);
      sums[l] += sum / (layer.nInput * layer.nNeurons);
    });
  }
  const mean = sums.map((s) => s / XTrain.rows);
  // The notebook says: 7.8e-4 against 4.7e-2, about 60 times smaller.
  assert.equal(mean[0].toExponential(1), "7.8e-4");
  assert.equal(mean[3].toExponential(1), "4.7e-2");
  assert.ok(mean[3] / mean[0] > 55 && mean[3] / mean[0] < 65, `ratio ${mean[3] / mean[0]}`);
});

const sample = 2; // notebook 06 checks on training sample 2
const x = XTrain.row(sample);
const target = oneHot([yTrain[sample]], 2).row(0);

/** Notebook 06's articleNetwork: the lesson's shape with a chosen activation in the hidden and output layers and a loss. */
function network06(hidden: Activation, output: ActivationLike = "sigmoid", loss: LossLike = "mse"): NeuralNetwork {
  setSeed(1);
  const nn = new NeuralNetwork({ loss });
  [[2, 25], [25, 50], [50, 25]].forEach(([i, n]) => nn.addLayer(new Layer(i, n, hidden)));
  return nn.addLayer(new Layer(25, 2, output));
}

test("06: the folded solutions pass the gradient check (tanh good, ReLU acceptable at h 1e-5, softmax + cross-entropy good)", () => {
  const tanhSolution: Activation = { name: "tanh (solution)", fn: (z) => Math.tanh(z), derivative: (o) => 1 - o * o };
  assert.equal(gradientCheck(network06(tanhSolution), x, target).verdict, "good");
  const reluSolution: Activation = { name: "relu (solution)", fn: (z) => (z > 0 ? z : 0), derivative: (o) => (o > 0 ? 1 : 0) };
  assert.ok(["good", "acceptable"].includes(gradientCheck(network06(reluSolution), x, target, { epsilon: 1e-5 }).verdict));
  const softmaxSolution: OutputDeltaRule = (layer, y) => {
    const o = layer.lastActivation;
    const p = new Float64Array(o.length);
    softmax(o, p);
    for (let k = 0; k < layer.nNeurons; k++) {
      layer.error[k] = y[k] - p[k];
      layer.delta[k] = layer.error[k];
    }
  };
  const nn = network06(sigmoid, "none", "softmax-cross-entropy");
  nn.deltaRules.output = softmaxSolution;
  assert.equal(gradientCheck(nn, x, target).verdict, "good");
});

test("04 and 05: the measured numbers their exercises and 'Try it' lists quote (seed 1)", () => {
  const broken = lessonNetwork();
  broken.deltaRules.hidden = hiddenDeltaWithoutDerivative;
  const brokenLast = broken.train(XTrain, XTest, yTrain, yTest, 0.01, 1000).last!;
  assert.equal((brokenLast.accuracy * 100).toFixed(2), "87.83"); // 04, solution 1
  assert.equal(brokenLast.mse.toFixed(3), "0.120");

  // The escape (notebook 05's definition, 07's ESCAPE_ACCURACY): the first recorded epoch above 95%.
  const escape = (history: TrainingHistory) => escapeEpoch(history, 0.95);
  const withBias = lessonNetwork({ ...LESSON_SETTINGS, updateBias: true });
  assert.equal(escape(withBias.train(XTrain, XTest, yTrain, yTest, 0.01, 300)), 250); // 04 exercise 2, 05 "Try it", 07 section 4
  assert.equal(escape(lessonNetwork().train(XTrain, XTest, yTrain, yTest, 0.1, 110)), 100); // 05 "Try it", 06 section 5d, 07 exercise 2
});

test("05: untrained, the network puts every test point in class 0 (50.50%); after the first epoch, every one in class 1 (49.50%, MSE 0.249)", () => {
  const nn = lessonNetwork();
  const classOne = () => {
    const P = nn.predict(XTest);
    let n = 0;
    for (let i = 0; i < P.rows; i++) n += argmaxRow(P, i);
    return n;
  };
  assert.equal(classOne(), 0);
  assert.equal((nn.accuracy(nn.predict(XTest), yTest) * 100).toFixed(2), "50.50");
  const first = nn.train(XTrain, XTest, yTrain, yTest, 0.01, 0).records[0];
  assert.equal(classOne(), XTest.rows);
  assert.equal((first.accuracy * 100).toFixed(2), "49.50");
  assert.equal(first.mse.toFixed(3), "0.249");
});

test("06: the doubled output error escapes (above 95%) at epoch 80 (lr 0.1, seed 1), the library's rule at epoch 100", () => {
  const doubledError: OutputDeltaRule = (layer, y) => {
    const o = layer.lastActivation;
    for (let k = 0; k < layer.nNeurons; k++) {
      layer.error[k] = 2 * (y[k] - o[k]);
      layer.delta[k] = layer.error[k] * layer.activation.derivative(o[k]);
    }
  };
  const nn = lessonNetwork();
  nn.deltaRules.output = doubledError;
  assert.equal(escapeEpoch(nn.train(XTrain, XTest, yTrain, yTest, 0.1, 100), 0.95), 80);
});
