import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HiddenDeltaRule, Layer, NeuralNetwork, TrainingHistory, hiddenLayerDelta, makeMoons, trainTestSplit } from "../src/index";
import { loadRun, recordRun, saveRun, savedOrLessonRun } from "../src/node/run-files";
import { LESSON_RULE_FINGERPRINTS, LESSON_SETTINGS, compareWithLesson, describeRun, lessonNetwork, ruleFingerprint } from "../src/lab/runs";
import { cellSource, readNotebook } from "../tools/shared/notebook-runner";
import { repoRoot } from "./helpers";

const { X, y } = makeMoons(200, 0.2, 100);
const split = trainTestSplit(X, y, 0.3, 42);
const { XTrain, XTest, yTrain, yTest } = split;
const tempFile = () => join(mkdtempSync(join(tmpdir(), "runs-")), "run.json");
const short = { ...LESSON_SETTINGS, epochs: 3 };

test("recordRun saves settings, rules with their origin and source, date, history and network; loadRun restores them", () => {
  const file = tempFile();
  const nn = lessonNetwork();
  const own: HiddenDeltaRule = (layer, next) => hiddenLayerDelta(layer, next);
  nn.deltaRules = { output: nn.deltaRules.output, hidden: own };
  const before = Date.now();
  const run = recordRun(nn, short, () => nn.train(XTrain, XTest, yTrain, yTest, short.learningRate, short.epochs), { file });
  const saved = JSON.parse(readFileSync(file, "utf8"));
  assert.deepEqual(saved.settings, short);
  assert.equal(saved.rules.output.origin, "library");
  assert.equal(saved.rules.hidden.origin, "own");
  assert.match(saved.rules.hidden.source, /hiddenLayerDelta\)?\(layer, next\)/);
  assert.ok(Date.parse(saved.finishedAt) >= before - 1000);
  assert.equal(saved.outcome, "finished");

  const loaded = loadRun(file, split);
  assert.deepEqual(loaded.history.records, run.history.records);
  assert.deepEqual(loaded.network.predict(XTest).data, nn.predict(XTest).data);
  const text = describeRun(loaded);
  assert.match(text, /seed 1/);
  assert.match(text, /output: the library's outputLayerDelta; hidden: your own/);
  assert.match(text, /not the article's/); // 3 epochs
});

test("recordRun deletes the previous run first, so a failed training leaves nothing to mistake for it", () => {
  const file = tempFile();
  const nn = lessonNetwork();
  recordRun(nn, short, () => nn.train(XTrain, XTest, yTrain, yTest, 0.01, 1), { file });
  assert.ok(existsSync(file));
  assert.throws(() => recordRun(nn, short, () => { throw new Error("a bug in a cell"); }, { file }), /a bug in a cell/);
  assert.ok(!existsSync(file));
});

test("a divergence (an Error carrying the history) is saved as diverged, with its message, and not thrown", () => {
  const file = tempFile();
  const nn = lessonNetwork();
  const partial = new TrainingHistory();
  partial.add({ epoch: 0, mse: 0.25, accuracy: 0.5 });
  const run = recordRun(nn, short, () => {
    throw Object.assign(new Error("train: the loss became NaN at epoch 3"), { history: partial, epoch: 3 });
  }, { file });
  assert.equal(run.saved.outcome, "diverged");
  const loaded = loadRun(file);
  assert.equal(loaded.saved.message, "train: the loss became NaN at epoch 3");
  assert.match(describeRun(loaded), /DIVERGED/);
  assert.match(compareWithLesson(loaded), /diverged/);
});

test("loadRun refuses a file whose network does not give the accuracy its history ends with", () => {
  const file = tempFile();
  const nn = lessonNetwork();
  recordRun(nn, short, () => nn.train(XTrain, XTest, yTrain, yTest, 0.01, 2), { file });
  const saved = JSON.parse(readFileSync(file, "utf8"));
  saved.history.records[saved.history.records.length - 1].accuracy = 0.123;
  writeFileSync(file, JSON.stringify(saved));
  assert.throws(() => loadRun(file, split), /loadRun: the network in .* gives .* but its history ends at 12\.30%/);
  writeFileSync(file, "{}");
  assert.throws(() => loadRun(file), /is not a saved run \(format "backprop-moons\/run", version 1\)/);
  assert.throws(() => loadRun(join(file, "..", "missing.json")), /no saved run/);
});

test("compareWithLesson throws only for the lesson's settings with the library's rules below 97%", () => {
  const fake = (accuracy: number, hidden: "library" | "own", epochs = 1000, activation?: "sigmoid" | "tanh") => {
    const history = new TrainingHistory();
    history.add({ epoch: epochs, mse: 0.03, accuracy });
    const network = new NeuralNetwork().addLayer(new Layer(2, 2, "sigmoid"));
    const rules = { output: { origin: "library" as const, source: "" }, hidden: { origin: hidden, source: "" } };
    return {
      saved: {
        format: "backprop-moons/run" as const, version: 1 as const, madeBy: "test", settings: { ...LESSON_SETTINGS, epochs, ...(activation ? { hidden: activation } : {}) }, rules,
        finishedAt: new Date().toISOString(), seconds: 1, outcome: "finished" as const, history: history.toJSON(), network: network.toJSON(),
      },
      network,
      history,
    };
  };
  assert.throws(() => compareWithLesson(fake(0.9, "library")), /should reach at least 97%/);
  assert.match(compareWithLesson(fake(0.9767, "library")), /97\.67% with the article's settings and the library's rules/);
  assert.match(compareWithLesson(fake(0.8783, "own")), /fall short/);
  assert.match(compareWithLesson(fake(0.9767, "own")), /reproduce the article/);
  assert.match(compareWithLesson(fake(0.5, "library", 10)), /with your settings/);
  // tanh hidden layers are not the lesson's settings: below 97% is no library bug, and describeRun says so.
  assert.match(compareWithLesson(fake(0.9, "library", 1000, "tanh")), /with your settings/);
  assert.match(describeRun(fake(0.9, "library", 1000, "tanh")), /tanh hidden layers \(not the article's\)/);
  assert.match(compareWithLesson(fake(0.9767, "library", 1000, "sigmoid")), /with the article's settings/);
});

test("savedOrLessonRun loads a saved run and trains nothing", () => {
  const file = tempFile();
  const nn = lessonNetwork();
  recordRun(nn, short, () => nn.train(XTrain, XTest, yTrain, yTest, 0.01, 1), { file, madeBy: "a test" });
  const run = savedOrLessonRun(split, {}, file);
  assert.equal(run.saved.madeBy, "a test");
  assert.equal(run.history.last?.epoch, 1);
});

/** 04's committed rules, as the functions' source text (what a run records). */
function notebook04Rules(): { output: string; hidden: string } {
  const cells = readNotebook(join(repoRoot, "notebooks", "04-training.ipynb")).cells.map(cellSource);
  const rule = (name: string, type: string): string => {
    const m = new RegExp(`const ${name}: ${type} = (\\([^)]*\\) => \\{[\\s\\S]*?\\n\\});`).exec(cells.find((c) => c.includes(`const ${name}:`)) ?? "");
    assert.ok(m, `04 defines ${name} as an arrow function closed on its own line`);
    return m[1];
  };
  return { output: rule("myOutputDelta", "OutputDeltaRule"), hidden: rule("myHiddenDelta", "HiddenDeltaRule") };
}

test("LESSON_RULE_FINGERPRINTS are those of 04's committed rules; a run with them says 'the article's rules, as written in 04', an edit says 'your own'", () => {
  const rules = notebook04Rules();
  assert.deepEqual({ output: ruleFingerprint(rules.output), hidden: ruleFingerprint(rules.hidden) }, LESSON_RULE_FINGERPRINTS);
  const record = (output: string, hidden: string) => ({ output: { origin: "own" as const, source: output }, hidden: { origin: "own" as const, source: hidden } });
  const fake = (r: ReturnType<typeof record>) => {
    const history = new TrainingHistory();
    history.add({ epoch: 1000, mse: 0.024, accuracy: 0.9767 });
    const network = new NeuralNetwork().addLayer(new Layer(2, 2, "sigmoid"));
    return { saved: { format: "backprop-moons/run" as const, version: 1 as const, madeBy: "test", settings: { ...LESSON_SETTINGS }, rules: r, finishedAt: new Date().toISOString(), seconds: 1, outcome: "finished" as const, history: history.toJSON(), network: network.toJSON() }, network, history };
  };
  // Spacing and comments aside (the kernel compiles the cell), the same code is the lesson's.
  const respaced = rules.hidden.replace(/\/\/.*$/gm, "").replace(/ = /g, "=");
  assert.match(describeRun(fake(record(rules.output, respaced))), /rules:\s+the article's rules, as written in 04/);
  assert.match(compareWithLesson(fake(record(rules.output, rules.hidden))), /the article's rules/);
  const edited = rules.hidden.replace(/layer\.delta\[j\] = [^;]*;/, "layer.delta[j] = sum;");
  assert.notEqual(edited, rules.hidden);
  assert.match(describeRun(fake(record(rules.output, edited))), /output: the article's, as written in 04; hidden: your own/);
});

test("saveRun saves a lab run for notebook 05, with its rules", () => {
  const file = tempFile();
  const nn = lessonNetwork();
  const history = nn.train(XTrain, XTest, yTrain, yTest, 0.01, 1);
  const run = saveRun({ label: "x", settings: short, history, network: nn, seconds: 1, cached: false }, { file });
  assert.equal(loadRun(file).saved.rules.hidden.origin, "library");
  assert.deepEqual(run.history.records, history.records);
});
