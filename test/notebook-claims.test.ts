/**
 * Numbers the notebooks state in their prose that no cell prints, measured
 * here so that a change in the library that makes them false fails a test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeMoons, oneHot, trainTestSplit } from "../src/index";
import { lessonNetwork } from "../src/runs";

const { X, y } = makeMoons(2000, 0.2, 100);
const { XTrain, yTrain } = trainTestSplit(X, y, 0.3, 42);

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
