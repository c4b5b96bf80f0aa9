import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_SEED, makeMoons, setSeed, trainTestSplit } from "../../src/index";
import { articleNetwork } from "../helpers";

test("the article's full run (lr 0.01, 1000 epochs, default seed) reaches >= 97% test accuracy", () => {
  const { X, y } = makeMoons();
  const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y);
  setSeed(DEFAULT_SEED);
  const history = articleNetwork().train(XTrain, XTest, yTrain, yTest, 0.01, 1000);
  assert.equal(history.records.length, 101);
  assert.equal(history.last!.epoch, 1000);
  assert.ok(history.last!.accuracy >= 0.97, `final accuracy ${history.last!.accuracy}`);
  // The article's curve: MSE falls from about 0.25 to about 0.024.
  assert.ok(history.mse[0] > 0.2 && history.last!.mse < 0.03, `MSE ${history.mse[0]} -> ${history.last!.mse}`);
});
