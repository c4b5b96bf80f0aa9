import { test } from "node:test";
import assert from "node:assert/strict";
import { TrainingHistory, articleData, articleNetwork } from "../src/index";
import { logScale } from "../src/figures/figures";
import { startSweep, sweepWithProgress } from "../src/notebook/sweep-board";
import { comparedRun, escapeEpoch, median, summaryRow } from "../src/lab/compare";

const history = TrainingHistory.fromJSON({
  records: [
    { epoch: 0, mse: 0.25, accuracy: 0.5 },
    { epoch: 10, mse: 0.1, accuracy: 0.89 },
    { epoch: 20, mse: 0.05, accuracy: 0.95 },
  ],
});

test("escapeEpoch is the first record strictly above the threshold, or never", () => {
  assert.equal(escapeEpoch(history, 0.93), 20);
  assert.equal(escapeEpoch(history, 0.95), "never");
});

test("summaryRow and comparedRun report the last record", () => {
  const run = comparedRun("a run", history, 1.234);
  assert.equal(run.finalAccuracy, 0.95);
  assert.deepEqual(summaryRow(run, 0.93), { run: "a run", "final accuracy": "95.00%", "final MSE": 0.05, "escape epoch": 20, seconds: 1.2 });
  assert.equal(summaryRow(comparedRun("x", history, 1, "diverged"), 0.93)["final accuracy"], "diverged");
});

test("median of odd and even counts; an empty list is refused", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /median: values must be non-empty/);
});

test("logScale puts the y axis on a log scale and keeps its title", () => {
  const figure = logScale({ data: [], layout: { yaxis: { title: { text: "MSE" } } } });
  assert.equal(figure.layout.yaxis?.type, "log");
  assert.deepEqual((figure.layout.yaxis?.title as { text: string }).text, "MSE");
});

test("sweepWithProgress returns the runs in order, equal to training them here, and ends with a board of final lines", async () => {
  const texts: string[] = [];
  const runs = await sweepWithProgress([{ seed: 2, epochs: 3, label: "two" }, { seed: 1, epochs: 3 }], { update: (t) => texts.push(t) }, { workers: 0 });
  assert.deepEqual(runs.map((r) => r.label), ["two", "seed 1"]);
  const { split } = articleData();
  const here = articleNetwork({ seed: 2 }).train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.01, 3);
  assert.deepEqual(runs[0].history.records, here.records);
  const last = texts[texts.length - 1];
  assert.match(last, /two\s+done in .*final test accuracy \d+\.\d\d%/);
  assert.match(last, /2 of 2 runs done/);
});

test("startSweep returns at once, shows nothing until finished(out) is awaited, and reports a failure only there", async () => {
  assert.throws(() => startSweep([{ seed: 1, epochs: -1 }]), /startSweep: runs\[0\]\.epochs must be an integer >= 0/);
  const running = startSweep([{ seed: 2, epochs: 2, label: "two" }, { seed: 3, epochs: 2 }], { workers: 1 });
  const early: string[] = [];
  await new Promise((resolve) => setTimeout(resolve, 300)); // progress arrives meanwhile, with no display to write to
  const runs = await running.finished({ update: (t) => early.push(t) });
  assert.deepEqual(runs.map((r) => r.label), ["two", "seed 3"]);
  assert.match(early[early.length - 1], /2 of 2 runs done/);
  const again: string[] = [];
  assert.deepEqual((await running.finished({ update: (t) => again.push(t) })).map((r) => r.finalAccuracy), runs.map((r) => r.finalAccuracy));
  assert.match(again[again.length - 1], /2 of 2 runs done/, "a later cell awaiting it again gets the board at once");

  const failing = startSweep([{ seed: 1, epochs: 1, hiddenRule: '() => { throw new Error("not yet"); }', label: "mine" }], { workers: 1 });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // it fails meanwhile: no unhandled rejection (the test runner would report one)
  await assert.rejects(failing.finished({ update: () => undefined }), /sweep: run 0 \(mine\) failed: train: your hidden rule \(network\.deltaRules\.hidden\) in layers\[2\] .* threw at epoch 0, training sample 0: Error: not yet/);
});

test("startSweep stops the sweep it started before, if that one still trains; sweepWithProgress leaves it running", async () => {
  const quiet = { update: () => undefined };
  const old = startSweep([{ seed: 1, epochs: 400 }, { seed: 2, epochs: 400 }], { workers: 1 }); // several seconds
  const replacing = startSweep([{ seed: 3, epochs: 1 }], { workers: 1 });
  await assert.rejects(old.finished(quiet), /sweep: stopped \(a newer startSweep replaced it\)/);
  const [third] = await replacing.finished(quiet);
  assert.equal(third.label, "seed 3");

  const background = startSweep([{ seed: 4, epochs: 2 }], { workers: 1 });
  const [awaited] = await sweepWithProgress([{ seed: 5, epochs: 2 }], quiet, { workers: 1 });
  assert.equal(awaited.label, "seed 5");
  assert.equal((await background.finished(quiet))[0].label, "seed 4");
  await assert.rejects(sweepWithProgress([{ seed: 1, learningRate: 0 }], quiet), /sweepWithProgress: runs\[0\]\.learningRate must be/);
});
