import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HiddenDeltaRule, Layer, NeuralNetwork } from "../src/index";

/** The repository root, from build/test/ (compiled) where the tests run. */
export const repoRoot = join(__dirname, "..", "..");

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", name), "utf8")) as T;
}

/** The article's 2-25-50-25-2 sigmoid network, weights from the current seed. */
export function articleNetwork(): NeuralNetwork {
  const nn = new NeuralNetwork();
  nn.addLayer(new Layer(2, 25, "sigmoid"));
  nn.addLayer(new Layer(25, 50, "sigmoid"));
  nn.addLayer(new Layer(50, 25, "sigmoid"));
  nn.addLayer(new Layer(25, 2, "sigmoid"));
  return nn;
}

/** Largest |actual - expected| / |expected| over two equally long arrays. */
export function maxRelDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-300));
  }
  return worst;
}

/**
 * The hidden rule with f'(o_j) left out (04's exercise 1), written out in
 * plain loops so that its source text alone runs, e.g. on a sweep's worker.
 */
export const hiddenDeltaWithoutDerivative: HiddenDeltaRule = (layer, next) => {
  for (let j = 0; j < layer.nNeurons; j++) {
    const Wj = next.weights.row(j);
    let sum = 0;
    for (let k = 0; k < next.nNeurons; k++) sum += Wj[k] * next.delta[k];
    layer.error[j] = sum;
    layer.delta[j] = sum;
  }
};
