/*
 * The lab: a learner's whole step trains (and is what runs, sample by
 * sample), the per-layer check against the library, the live frames, the
 * run cache, and the one-call `lab()` on a stand-in kernel.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import ts from "typescript";
import { HiddenDeltaRule, NeuralNetwork, TrainingDivergedError, TrainingHistory, TrainingStep, TrainingStepError, articleData, articleNetwork, gradientCheck, hiddenLayerDelta, oneHot, outputLayerDelta } from "../src/index";
import { LESSON_SETTINGS, type LabSettings, shapeChangesText, labData, labNetwork, labSettings, startCandidate, trainCandidate } from "../src/lab/lab";
import { cachedRun, labCache, rememberRun, runKey } from "../src/lab/lab-cache";
import { agreement, checkCandidate } from "../src/lab/lab-check";
import { codeOf, describeRun, runFromSaved, savedRunOf } from "../src/lab/runs";
import { liveFrames, trainingFigure } from "../src/figures/live-figure";
import { SharedRecords, sweep } from "../src/node/sweep-pool";
import { runExperiment } from "../src/lab/sweep";
import { backpropagationStep } from "../tools/shared/learner-step";
import { cellSource, readNotebook } from "../tools/shared/notebook-runner";
import { repoRoot } from "./helpers";
import { assertRejects } from "./assert-rejects";

const { split } = articleData();
const short = (epochs: number) => ({ ...LESSON_SETTINGS, epochs, learningRate: 0.1 });

/** Notebook 03's cell defining backpropagationStep, compiled as the kernel compiles it (types stripped). */
function notebookStep(): { source: string; step: TrainingStep } {
  const cells = readNotebook(join(repoRoot, "notebooks", "03-model.ipynb")).cells.map(cellSource);
  const cell = cells.find((c) => /^function backpropagationStep\(/m.test(c));
  assert.ok(cell, "03 has a cell defining function backpropagationStep");
  const source = /^function backpropagationStep\([\s\S]*?\n\}/m.exec(cell)![0];
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  return { source, step: new Function(`${js}\nreturn backpropagationStep;`)() as TrainingStep };
}

const code = codeOf; // the code without comments and whitespace, as run records compare rules

test("tools/shared/learner-step.ts is notebook 03's backpropagationStep as committed (the bench and these tests use what learners read)", () => {
  assert.equal(code(backpropagationStep.toString()).replace(/^function/, ""), code(notebookStep().source).replace(/^function/, "").replace(/:readonlyLayer\[\]|:Float64Array\[\]|:Float64Array|:number/g, ""));
});

test("03's step as written trains to the library's history and weights bit for bit (3 epochs)", () => {
  for (const step of [backpropagationStep, notebookStep().step]) {
    const library = articleNetwork();
    const mine = articleNetwork();
    mine.step = step;
    const a = library.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.05, 3, { recordEvery: 1 });
    const b = mine.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.05, 3, { recordEvery: 1 });
    assert.deepEqual(b.toJSON(), a.toJSON());
    assert.deepEqual(mine.toJSON(), library.toJSON());
  }
});

test("an edit of the step that shows only after the first samples reaches train, sample by sample (no probe, no fast path)", () => {
  const lr = 0.1;
  // From the 700th call on, the edited step takes twice the learning rate.
  const edited = (): TrainingStep => {
    let calls = 0;
    return (layers, x, y, rate) => backpropagationStep(layers, x, y, ++calls > 700 ? 2 * rate : rate);
  };
  const trained = articleNetwork();
  trained.step = edited();
  trained.train(split.XTrain, split.XTest, split.yTrain, split.yTest, lr, 1);

  const byHand = articleNetwork();
  const step = edited();
  const targets = oneHot(split.yTrain, 2);
  for (let epoch = 0; epoch <= 1; epoch++) for (let s = 0; s < split.XTrain.rows; s++) step(byHand.layers, split.XTrain.row(s), targets.row(s), lr);
  assert.deepEqual(trained.toJSON(), byHand.toJSON(), "train ran the edited step for every sample");

  const plain = articleNetwork();
  plain.step = backpropagationStep;
  plain.train(split.XTrain, split.XTest, split.yTrain, split.yTest, lr, 1);
  assert.notDeepEqual(trained.toJSON(), plain.toJSON(), "the edit changed the result");
});

test("a step that is not a function of (layers, x, y, lr) is refused by name before any weight moves", () => {
  const nn = articleNetwork();
  const before = JSON.stringify(nn.toJSON());
  const train = () => nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 1);
  (nn as unknown as { step: unknown }).step = 42;
  assertRejects(train, "train", /network\.step must be null \(the library's step\) or a function \(layers, x, y, lr\) => \.\.\., got 42/);
  assertRejects(() => nn.backpropagation([0, 0], [1, 0], 0.1), "backpropagation", /network\.step must be null/);
  (nn as unknown as { step: unknown }).step = (layers: unknown, x: unknown) => [layers, x];
  assertRejects(train, "train", /network\.step must take the 4 arguments \(layers, x, y, lr\), got a function of 2 argument\(s\)/);
  assert.equal(JSON.stringify(nn.toJSON()), before);
  assertRejects(() => checkCandidate((() => undefined) as unknown as TrainingStep), "checkCandidate", /network\.step must take the 4 arguments/);
  assertRejects(() => checkCandidate({ hidden: "x" } as unknown as { hidden: HiddenDeltaRule }), "checkCandidate", /candidate\.hidden must be a HiddenDeltaRule/);
  assertRejects(() => checkCandidate({ hiden: hiddenLayerDelta } as unknown as { hidden: HiddenDeltaRule }), "checkCandidate", /unknown key "hiden"/);
  assertRejects(() => labSettings({ epochs: -1 }, "lab"), "lab", /settings\.epochs must be an integer from 0 to 100000, got -1/);
});

/** 03's step with the update's sign flipped: it climbs the loss. */
const climbingStep: TrainingStep = (layers, x, y, lr) => backpropagationStep(layers, x, y, -lr);

test("gradientCheck of a network with its own step checks the update the step makes", () => {
  const x = split.XTrain.row(0);
  const y = oneHot([split.yTrain[0]], 2).row(0);
  const nn = articleNetwork();
  nn.step = backpropagationStep;
  const good = gradientCheck(nn, x, y);
  assert.equal(good.verdict, "good");
  assert.ok(good.rows.every((r) => Number.isNaN(r.biasMaxRelErr)), "03's step never updates a bias: nothing to check there");
  assert.match(good.report(), /of the network's own step[\s\S]*not updated/);
  const weights = JSON.stringify(nn.toJSON());
  nn.step = climbingStep;
  const bad = gradientCheck(nn, x, y);
  assert.equal(bad.verdict, "wrong");
  assert.ok(bad.layers.every((l) => Math.abs(l.weights.maxRelativeError - 1) < 1e-12), "a flipped sign: relative error exactly 1");
  assert.equal(JSON.stringify(nn.toJSON()), weights, "the check put every weight back");
});

const forgotDerivative: HiddenDeltaRule = (layer, next) => {
  hiddenLayerDelta(layer, next);
  layer.delta.set(layer.error); // BUG: f'(o_j) forgotten
};

test("agreement: exact, approximate, and the largest difference; a NaN anywhere stays in maxDiff, a length mismatch is Infinity", () => {
  assert.deepEqual(agreement([1, 2], [1, 2]), { exact: true, approximate: true, maxDiff: 0 });
  const close = agreement([1, 2 + 1e-12], [1, 2]);
  assert.ok(!close.exact && close.approximate && close.maxDiff > 0 && close.maxDiff < 1e-11);
  assert.equal(agreement([1.5, 2], [1, 2]).approximate, false);
  for (const [a, b] of [[[NaN, 1], [0, 1]], [[0, NaN, 5], [0, 1, 1]], [[0, 5, NaN], [0, 1, 1]]]) {
    const r = agreement(a, b);
    assert.ok(Number.isNaN(r.maxDiff) && !r.exact && !r.approximate, `${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${JSON.stringify(r)}`);
  }
  assert.equal(agreement([1], [1, 2]).maxDiff, Infinity);
});

test("checkCandidate: 03's step is the library's bit for bit; a forgotten f' differs in the hidden layers only, and the report says so", () => {
  const same = checkCandidate(backpropagationStep);
  assert.ok(same.layers.every((l) => l.delta!.exact && l.gradient.exact && l.gradient.maxDiff === 0));
  assert.match(same.report(), /bit for bit/);
  const broken = checkCandidate({ hidden: forgotDerivative });
  assert.deepEqual(broken.layers.map((l) => [l.delta!.exact, l.gradient.approximate]), [[false, false], [false, false], [false, false], [true, true]]);
  assert.deepEqual(broken.gradientCheck.layers.map((l) => l.verdict), ["wrong", "wrong", "wrong", "good"]);
  const report = broken.report();
  /** The row of `quantity` under the heading of layers[l]. */
  const row = (l: number, quantity: string): string => {
    const lines = report.split("\n");
    const head = lines.findIndex((x) => x.startsWith(`layers[${l}] (`));
    return lines.slice(head + 1, head + 5).find((x) => x.trimStart().startsWith(quantity))!;
  };
  assert.match(report, /^layers\[0\] \(hidden layer 1 of 3, input side, 2x25\) <- x$/m, "rows labelled from the input side ...");
  assert.match(report, /^layers\[3\] \(the output layer, 25x2\) -> output$/m, "... to the output layer");
  assert.match(row(2, "dL/dW"), /NO\s+NO\s+\d\.\de-\d+\s+wrong/);
  assert.match(row(3, "dL/dW"), /yes\s+yes\s+0\s+good/);
  assert.match(row(2, "error (-dL/do)"), /yes\s+yes\s+0/, "layers[2]'s error comes from the output layer's delta, which is right");
  assert.match(row(2, "delta (-dL/dz)"), /NO\s+NO/);
  assert.match(row(2, "dL/db"), /NO\s+NO\s+\S+\s+wrong/, "the bias gradient, checked against finite differences too");
  assert.match(row(3, "dL/db"), /yes\s+yes\s+0\s+good/);
  assert.deepEqual(broken.firstWrong, { layer: 2, quantity: "delta" });
  assert.match(report, /The layer nearest the output that says NO is where the error starts \(it travels backwards, towards the input\): layers\[2\] \(hidden layer 3 of 3, 50x25\), its delta\./);
  assert.doesNotMatch(report, /highest layer/);
  const wrongOutput = checkCandidate({ output: (layer, target, loss) => {
    outputLayerDelta(layer, target, loss);
    layer.error.fill(0); // the error row is what the rule left in layer.error
  } });
  assert.deepEqual(wrongOutput.firstWrong, { layer: 3, quantity: "error" });
  const climbing = checkCandidate(climbingStep);
  assert.ok(climbing.layers.every((l) => l.delta!.exact && !l.gradient.approximate), "same deltas, opposite update");
});

/** 03's step as source text, its update's sign flipped (a step that uses nothing but its arguments travels as source). */
function flippedSource(): string {
  const source = backpropagationStep.toString();
  assert.ok(source.includes("* input[i] * lr;"), "the update line of 03's step");
  return source.replace("* input[i] * lr;", "* input[i] * -lr;");
}

test("a step travels to sweep workers as source and trains the same bits there; SharedRecords holds the records as they come", async () => {
  const inThread = runExperiment({ epochs: 2, learningRate: 0.1 });
  const own = runExperiment({ epochs: 2, learningRate: 0.1, step: backpropagationStep.toString() });
  assert.deepEqual(own.records, inThread.records);
  const shared = new SharedRecords(2, SharedRecords.capacityFor(2, 1));
  const results = await sweep([{ epochs: 2, learningRate: 0.1, recordEvery: 1, step: backpropagationStep.toString() }, { epochs: 2, learningRate: 0.1, recordEvery: 1, step: flippedSource() }], { workers: 1, shared });
  assert.deepEqual(shared.read(0), results[0].records);
  assert.deepEqual(shared.read(1), results[1].records);
  assert.notDeepEqual(results[1].records, results[0].records);
  assert.throws(() => runExperiment({ step: "(a, b) => a" }), /step: network\.step must take the 4 arguments/);
});

test("runs are cached by source, settings and what the check saw them compute: a re-defined function with the same text and numbers is the same candidate", () => {
  const s = short(1);
  const a: HiddenDeltaRule = (layer, next) => hiddenLayerDelta(layer, next);
  const b: HiddenDeltaRule = (layer, next) => hiddenLayerDelta(layer, next);
  const ca = checkCandidate({ hidden: a }, s);
  const cb = checkCandidate({ hidden: b }, s);
  assert.equal(ca.fingerprint, cb.fingerprint);
  assert.equal(runKey({ hidden: a }, s, ca), runKey({ hidden: b }, s, cb));
  assert.notEqual(runKey({ hidden: a }, s, ca), runKey({ hidden: a }, { ...s, seed: 2 }, checkCandidate({ hidden: a }, { ...s, seed: 2 })));
  assert.equal(runKey({}, s), runKey({ hidden: hiddenLayerDelta }, s), "the library's own rule is the reference");
  assert.throws(() => runKey({ hidden: a }, s), /runKey: a candidate of your own needs its check/);
  labCache().clear();
  assert.equal(cachedRun({ hidden: b }, s), undefined);
  const run = trainCandidate({ hidden: a }, s);
  rememberRun({ hidden: a }, s, run, ca);
  const again = cachedRun({ hidden: b }, s)!;
  assert.equal(again.cached, true);
  assert.match(again.reused!, /same source and settings, and the same numbers, bit for bit, on the check's training samples 0, 1, 2 \(fingerprint [0-9a-f]{8}\)/);
  assert.deepEqual(again.history.toJSON(), run.history.toJSON());
});

test("a captured constant that changed is not a cache hit: the same rule text with SCALE = 0.5 trains anew, to its own numbers", () => {
  const s = short(3);
  let SCALE = 1;
  const scaled: HiddenDeltaRule = (layer, next) => {
    hiddenLayerDelta(layer, next);
    for (let j = 0; j < layer.nNeurons; j++) layer.delta[j] *= SCALE;
  };
  labCache().clear();
  const first = checkCandidate({ hidden: scaled }, s);
  rememberRun({ hidden: scaled }, s, trainCandidate({ hidden: scaled }, s), first);
  assert.ok(cachedRun({ hidden: scaled }, s), "unchanged: the run is reused");
  SCALE = 0.5;
  const second = checkCandidate({ hidden: scaled }, s);
  assert.notEqual(second.fingerprint, first.fingerprint);
  assert.equal(cachedRun({ hidden: scaled }, s, second), undefined, "SCALE changed: the old run must not be shown as this one");
  const fresh = trainCandidate({ hidden: scaled }, s);
  const library = trainCandidate({}, s);
  assert.notDeepEqual(fresh.history.toJSON(), library.history.toJSON(), "and SCALE = 0.5 really trains to other numbers");
});

test("the cache keeps a copy: training the network it handed out further does not change the next cached run", () => {
  const s = short(2);
  labCache().clear();
  const run = trainCandidate({}, s);
  rememberRun({}, s, run);
  const weights = JSON.stringify(run.network.toJSON());
  run.network.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 3); // the learner trains the returned network on
  const first = cachedRun({}, s)!;
  assert.equal(JSON.stringify(first.network.toJSON()), weights, "what was remembered is the run as it ended");
  first.network.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 3);
  first.history.add({ epoch: 99, mse: 0, accuracy: 1 });
  const second = cachedRun({}, s)!;
  assert.equal(JSON.stringify(second.network.toJSON()), weights, "handing out a run hands out a copy");
  assert.deepEqual(second.history.toJSON(), run.history.toJSON());
  assert.equal(second.network.accuracy(second.network.predict(split.XTest), split.yTest), second.history.last!.accuracy, "network and history agree, as saveRun/loadRun require");
});

test("a stateful step: the check says how often it called it, sees it does not repeat itself, and the lab never reuses its run", () => {
  const s = short(1);
  let calls = 0;
  // A schedule that counts its calls: twice the rate from the 3rd call on.
  const schedule: TrainingStep = (layers, x, y, lr) => backpropagationStep(layers, x, y, ++calls > 2 ? 2 * lr : lr);
  const check = checkCandidate(schedule, s);
  assert.equal(check.calls, 5, "3 samples, the gradient check, and the first sample again");
  assert.equal(calls, 5);
  assert.equal(check.repeatable, false);
  assert.match(check.report(), /called your step 5 time\(s\) before any training/);
  assert.match(check.report(), /different numbers for the same sample twice/);
  assert.equal(runKey(schedule, s, check), undefined);
  labCache().clear();
  rememberRun(schedule, s, trainCandidate(schedule, s), check);
  assert.equal(labCache().size, 0, "nothing kept");
  const plain = checkCandidate(backpropagationStep, s);
  assert.ok(plain.repeatable && plain.calls === 5);
});

test("a rule that throws at its 500th call: train, trainCandidate and backpropagation say which rule, epoch, sample and layer, keep the message and the learner's line, and put the weights back", () => {
  let n = 0;
  const boom: HiddenDeltaRule = function boomRule(layer, next) {
    if (++n === 500) throw new Error("boom");
    hiddenLayerDelta(layer, next);
  };
  const nn = articleNetwork();
  nn.deltaRules.hidden = boom;
  const before = JSON.stringify(nn.toJSON());
  let error: unknown;
  try {
    nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.01, 2);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TrainingStepError, String(error));
  // 3 hidden layers per sample: the 500th call is sample 166's, at layers[1] (the rules run from the output back).
  assert.deepEqual([error.epoch, error.sample, error.layer, error.part], [0, 166, 1, "hidden rule"]);
  assert.match(error.message, /^train: your hidden rule \(network\.deltaRules\.hidden\) in layers\[1\] \(hidden layer 2 of 3, 25x50\) threw at epoch 0, training sample 166: Error: boom$/);
  assert.ok(error.cause instanceof Error && error.cause.message === "boom");
  assert.match(error.stack!, /at (Object\.)?boomRule/, "the learner's frame (the cell's line) is still in the stack");
  assert.equal(JSON.stringify(nn.toJSON()), before, "no half-trained weights: put back to before train");

  n = 0;
  assert.throws(() => trainCandidate({ hidden: boom }, short(2)), (e: unknown) => e instanceof TrainingStepError && e.epoch === 0 && e.sample === 166 && /boom/.test(e.message));
  const step: TrainingStep = (layers, x, y, lr) => {
    if (lr > 0) throw new RangeError("bad step");
    return backpropagationStep(layers, x, y, lr);
  };
  const other = articleNetwork();
  other.step = step;
  assert.throws(() => other.backpropagation([0, 0], [1, 0], 0.1), /^TrainingStepError: backpropagation: your step \(network\.step\) threw: RangeError: bad step/);
  assert.throws(() => checkCandidate(step), /checkCandidate \(the check before training\): your step \(network\.step\) threw on training sample 0: RangeError: bad step/);
});

test("divergence advice: a NaN after moderate weights points at the rule; within the first epoch it names both causes; grown weights point at the learning rate", () => {
  let calls = 0;
  const nanLater: HiddenDeltaRule = (layer, next) => {
    hiddenLayerDelta(layer, next);
    if (++calls > 3 * 1400 * 15 && layer.nNeurons === 50) layer.delta[0] = Math.log(-1); // NaN from epoch 15 on
  };
  const nn = articleNetwork();
  nn.deltaRules.hidden = nanLater;
  let error: unknown;
  try {
    nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.01, 40);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TrainingDivergedError);
  assert.equal(error.kind, "sudden");
  assert.match(error.message, /were moderate \(largest \|W\| \d/);
  assert.match(error.message, /arithmetic of a delta rule or step/);
  assert.doesNotMatch(error.message, /try a smaller learning rate/);
  const history = new TrainingHistory();
  history.add({ epoch: 10, mse: 0.2, accuracy: 0.8 });
  const grown = new TrainingDivergedError(20, Infinity, 0.5, 10, history, 3.2e5);
  assert.equal(grown.kind, "blow-up");
  assert.match(grown.message, /grown large \(largest \|W\| 3\.20e\+5 at epoch 10\).*try a smaller learning rate \(e\.g\. 0\.05\)/);
  const early = new TrainingDivergedError(0, NaN, 0.5, null, new TrainingHistory(), 1.9);
  assert.equal(early.kind, "first epoch");
  assert.match(early.message, /within the first epoch.*smaller learning rate.*or a delta rule or step computes NaN/);
});

test("liveFrames: a frame at epoch 0, then at most every everyMs, and after the last epoch, each with the records so far", () => {
  const s = short(4);
  const frames: number[] = [];
  const run = trainCandidate({}, s, { watch: (nn: NeuralNetwork) => liveFrames(nn, { X: split.XTest, y: split.yTest }, (f) => frames.push((f.data.find((d) => d.name === "test accuracy") as { x: number[] }).x.length), { title: "t", epochs: s.epochs, everyMs: Infinity }).train });
  assert.deepEqual(frames, [1, run.history.records.length], "epoch 0's frame at once (a first picture), then only the last epoch's when the interval never passes");
  frames.length = 0;
  trainCandidate({}, s, { watch: (nn: NeuralNetwork) => liveFrames(nn, { X: split.XTest, y: split.yTest }, (f) => frames.push((f.data.find((d) => d.name === "test accuracy") as { x: number[] }).x.length), { title: "t", epochs: s.epochs, everyMs: 0 }).train });
  // everyMs 0: as often as 19 frame-times apart allows; always epoch 0's and the last epoch's, never fewer records than before.
  assert.ok(frames.length >= 2 && frames.length <= 5 && frames[0] === 1 && frames[frames.length - 1] === 2 && frames.every((n, k) => k === 0 || n >= frames[k - 1]), String(frames));
  const fig = trainingFigure({ title: "t", records: run.history.records, reference: run.history.records.slice(0, 1), epochs: 4, boundary: { grid: { xs: [0, 1], ys: [0, 1], points: split.XTest }, z: [[0, 1], [1, 0]] }, points: { X: split.XTest, y: split.yTest } });
  assert.deepEqual(fig.data.map((d) => d.name), ["reference train MSE", "reference test accuracy", "train MSE", "test accuracy", "class-1 score", "class 0", "class 1"]);
});

test("labNetwork: the lesson's network with the candidate installed", () => {
  const nn = labNetwork(backpropagationStep, labSettings());
  assert.equal(nn.step, backpropagationStep);
  assert.deepEqual(nn.toJSON(), articleNetwork().toJSON());
});

test("lab() on a kernel: the check, then a live figure whose frames in between never carry plotly.js; re-running trains nothing and says so", async () => {
  const sent: { type: string; id?: string; html: string; traces?: { name: string; x: unknown[] }[] }[] = [];
  const g = globalThis as { Deno?: unknown };
  g.Deno = { jupyter: { broadcast: (type: string, content: { data: Record<string, unknown>; transient: { display_id?: string } }) => void sent.push({ type, id: content.transient.display_id, html: String(content.data["text/html"] ?? ""), traces: (content.data["application/vnd.plotly.v1+json"] as { data: { name: string; x: unknown[] }[] } | undefined)?.data }) } };
  const logs: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void logs.push(a.join(" "));
  try {
    const { lab } = await import("../src/notebook/lab-cell");
    const { kernelState } = await import("../src/notebook/display");
    labCache().clear();
    kernelState().plotlySent = false; // this live figure is the session's first: its carrier
    const s = short(20);
    const run = await lab({ hidden: forgotDerivative }, s);
    const figures = sent.filter((m) => m.traces && m.id?.startsWith("live-figure"));
    assert.ok(figures.length >= 2 && figures[0].type === "display_data" && figures.slice(1).every((m) => m.type === "update_display_data" && m.id === figures[0].id));
    const carries = (m: { html: string }): boolean => m.html.includes("<script data-backprop-moons-plotly");
    assert.ok(figures.slice(1, -1).every((m) => !carries(m)), "no frame between the first and the last carries plotly.js");
    assert.ok(carries(figures[0]) && carries(figures[figures.length - 1]), "the first and the final frame carry plotly.js: the live figure is the session's carrier");
    const last = figures[figures.length - 1].traces!;
    assert.equal(last.find((t) => t.name === "test accuracy")!.x.length, run.history.records.length);
    assert.equal(last.find((t) => t.name === "reference test accuracy")!.x.length, run.history.records.length, "the reference, trained on a worker meanwhile, is drawn whole at the end");
    assert.ok(logs.some((l) => /layers\[3\] \(the output layer[\s\S]*dL\/dW\s+yes/.test(l)) && logs.some((l) => /trains on a second thread/.test(l)));
    logs.length = 0;
    sent.length = 0;
    const again = await lab({ hidden: forgotDerivative }, s);
    assert.equal(again.cached, true);
    assert.ok(logs.some((l) => /nothing trained now; this is the run with the same source and settings, and the same numbers, bit for bit/.test(l)));
    assert.equal(sent.filter((m) => m.traces).length, 1, "the cached run's final frame");
    assert.deepEqual(cachedRun({}, s)!.history.records.length, run.history.records.length, "the reference is cached too");
    logs.length = 0;
    const { compareCandidates } = await import("../src/notebook/lab-cell");
    const both = await compareCandidates([{ name: "library", candidate: {} }, { name: "forgot", candidate: { hidden: forgotDerivative } }], s);
    assert.deepEqual(both.map((r) => [r.label, r.cached]), [["library", true], ["forgot", true]]);
    assert.ok(logs.some((l) => /Nothing trained: all 2 runs come from this session's cache/.test(l)));
    await assert.rejects(compareCandidates([{ name: "bad", candidate: { hidden: 3 } as unknown as { hidden: HiddenDeltaRule } }], s), /compareCandidates: candidates\[0\]: candidate\.hidden must be a HiddenDeltaRule/);

    // With tanh hidden layers the grey reference is the library's rules on the tanh network, not the sigmoid one.
    const tanh = { ...short(5), hidden: "tanh" as const };
    await lab({ hidden: forgotDerivative }, tanh);
    const reference = cachedRun({}, tanh)!;
    labCache().clear();
    assert.deepEqual(reference.history.toJSON(), trainCandidate({}, tanh).history.toJSON(), "the cached reference is the tanh network's run");
    assert.notDeepEqual(reference.history.toJSON(), trainCandidate({}, short(5)).history.toJSON(), "... which differs from the sigmoid network's");

    // A rule that throws mid-training: lab() says where, and caches nothing for it.
    labCache().clear();
    let n = 0;
    const boom: HiddenDeltaRule = (layer, next) => {
      if (++n === 500) throw new Error("boom");
      hiddenLayerDelta(layer, next);
    };
    await assert.rejects(lab({ hidden: boom }, short(3)), (e: unknown) => e instanceof TrainingStepError && e.epoch === 0 && /your hidden rule .* threw at epoch 0, training sample \d+: Error: boom/.test(e.message));
    assert.deepEqual([...labCache().keys()].filter((k) => !k.startsWith("library")), [], "nothing cached for the rule that threw");

    // A rule whose own arithmetic makes NaN: the advice points at the rule, since the library's rules train at these settings.
    logs.length = 0;
    const nanRule: HiddenDeltaRule = (layer, next) => {
      hiddenLayerDelta(layer, next);
      layer.delta[0] = 0 / 0;
    };
    const nanRun = await lab({ hidden: nanRule }, short(3));
    assert.ok(nanRun.diverged);
    assert.ok(logs.some((l) => /The library's rules train at these very settings .*so the learning rate is not the cause: look at your hidden rule/.test(l)), logs.join("\n"));

    // A step that counts its calls trains the same under lab() and compareCandidates (both run the check first, and say so).
    const counting = (): TrainingStep => {
      let calls = 0;
      return (layers, x, y, lr) => backpropagationStep(layers, x, y, ++calls > 1000 ? 2 * lr : lr);
    };
    labCache().clear();
    logs.length = 0;
    const viaLab = await lab(counting(), short(2));
    labCache().clear();
    const [viaCompare] = await compareCandidates([{ name: "counting", candidate: counting() }], short(2));
    assert.deepEqual(viaCompare.history.toJSON(), viaLab.history.toJSON());
    assert.ok(logs.some((l) => /called your step 5 time\(s\) before any training/.test(l)) && logs.some((l) => /\(The check before training called your step 5 time\(s\)\.\)/.test(l)), logs.join("\n"));
  } finally {
    console.log = log;
    delete g.Deno;
  }
});

test("Playground's settings: hidden widths, an activation per layer, the data's noise and size; the reference (runExperiment, as the sweep trains it) follows them", () => {
  const s = labSettings({ layers: [8, 8], hidden: ["tanh", "relu"], noise: 0.3, points: 400, epochs: 4, learningRate: 0.1 });
  const run = trainCandidate({}, s);
  assert.deepEqual(run.network.layers.map((l) => [l.nInput, l.nNeurons, l.activation.name]), [[2, 8, "tanh"], [8, 8, "relu"], [8, 2, "sigmoid"]]);
  const reference = runExperiment({ layers: [8, 8], hidden: ["tanh", "relu"], noise: 0.3, points: 400, epochs: 4, learningRate: 0.1 });
  assert.deepEqual(reference.records, run.history.records, "the grey run trains the same network on the same data");
  assert.equal(labData(s).split.XTest.rows, 120, "400 points, 30 % for the test");
  assert.notDeepEqual(trainCandidate({}, labSettings({ epochs: 4, learningRate: 0.1 })).history.records, run.history.records);
  assert.equal(shapeChangesText(s), ", 2-8-8-2 network, hidden tanh/relu, noise 0.3, 400 points");
  assert.equal(shapeChangesText(labSettings()), "");
  assert.equal(shapeChangesText(labSettings({ hidden: "tanh" })), ", tanh hidden layers");
  const check = checkCandidate({ hidden: forgotDerivative }, s);
  assert.equal(check.layers.length, 3);
  assert.match(check.report(), /layers\[1\] \(hidden layer 2 of 2, 8x8\)/);
  assert.notEqual(runKey({}, s), runKey({}, { ...s, noise: 0.25 }), "the cache tells data settings apart");
});

test("every setting out of bounds is refused, naming the setting and its range", () => {
  const bad: [Partial<LabSettings>, RegExp][] = [
    [{ learningRate: 0 }, /settings\.learningRate must be a number from 0\.000001 to 100, got 0/],
    [{ learningRate: 1000 }, /settings\.learningRate must be a number from 0\.000001 to 100, got 1000/],
    [{ epochs: 1.5 }, /settings\.epochs must be an integer from 0 to 100000/],
    [{ seed: -1 }, /settings\.seed must be an integer from 0 to 4294967295/],
    [{ layers: [] }, /settings\.layers must be the hidden layers' widths, 1 to 6 of them/],
    [{ layers: [25, 0] }, /settings\.layers\[1\] must be an integer from 1 to 200, got 0/],
    [{ layers: [8, 8], hidden: ["tanh"] }, /settings\.hidden must name one activation per hidden layer \(2\), got 1/],
    [{ hidden: "swish" as "tanh" }, /settings\.hidden must be "sigmoid", "tanh" or "relu"/],
    [{ noise: 2 }, /settings\.noise must be a number from 0 to 1, got 2/],
    [{ points: 10 }, /settings\.points must be an integer from 20 to 10000, got 10/],
    [{ points: 100.5 }, /settings\.points must be an integer from 20 to 10000/],
    [{ width: 3 } as unknown as Partial<LabSettings>, /unknown key "width"/],
  ];
  for (const [settings, message] of bad) assertRejects(() => labSettings(settings, "lab"), "lab", message);
});

test("a run saved with other data is checked on its own test data when loaded", () => {
  const s = labSettings({ noise: 0.3, points: 300, epochs: 2, learningRate: 0.1 });
  const run = trainCandidate({}, s);
  const saved = JSON.parse(JSON.stringify(savedRunOf(run.network, s, run)));
  const loaded = runFromSaved(saved, "a test run", split);
  assert.equal(loaded.history.last!.accuracy, run.history.last!.accuracy);
  assert.match(describeRun(loaded), /noise 0\.3, 300 points \(not the article's\)/);
});

test("blank slates get a verdict, not a crash: an empty hidden rule, an empty step, a half-written rule that throws", () => {
  const empty = checkCandidate({ hidden: () => undefined });
  assert.deepEqual(empty.firstWrong, { layer: 2, quantity: "error" }, "the empty rule's first wrong number: layer 2's error, next to the (library's) output layer");
  assert.match(empty.report(), /layers\[2\] \(hidden layer 3 of 3, 50x25\), its error\./);
  const blankStep = checkCandidate((_layers, _x, _y, _lr) => undefined);
  assert.deepEqual(blankStep.firstWrong, { layer: 3, quantity: "dL/dW" });
  assert.match(blankStep.report(), /error \(-dL\/do\)\s+\(not written by your step\)/);
  assert.match(blankStep.report(), /write each layer's error into layer\.error and its delta into layer\.delta/);
  assert.throws(() => checkCandidate({ hidden: (layer, next) => void (layer.delta[0] = (next as unknown as { foo: { bar: number } }).foo.bar) }),
    /checkCandidate \(the check before training\): your hidden rule \(network\.deltaRules\.hidden\) in layers\[2\] \(hidden layer 3 of 3, 50x25\) threw on training sample 0: TypeError/);
});

test("startCandidate, stepped epoch by epoch, gives trainCandidate's run; a diverging candidate comes back as a run with its divergence as data", () => {
  const s = labSettings({ epochs: 6, learningRate: 0.1, layers: [10, 10] });
  const whole = trainCandidate({ hidden: forgotDerivative }, s);
  const stepped = startCandidate({ hidden: forgotDerivative }, s);
  let run;
  let epochs = 0;
  while (!(run = stepped.next())) epochs++;
  assert.equal(epochs, 6, "epochs 0..5 return nothing, epoch 6 returns the run");
  assert.deepEqual(run.history.toJSON(), whole.history.toJSON());
  assert.deepEqual(run.network.toJSON(), whole.network.toJSON());
  const nan = startCandidate({ hidden: (layer, next) => (hiddenLayerDelta(layer, next), void (layer.delta[0] = NaN)) }, labSettings({ epochs: 30 }));
  let out;
  while (!(out = nan.next()));
  assert.ok(out.diverged && out.divergence && Number.isNaN(out.divergence.loss) && out.divergence.epoch === 0 && out.divergence.kind === "first epoch");
});

test("a half-written step (the output layer done, the hidden layers not yet) gets a verdict that points at the first hidden layer to write", () => {
  const half: TrainingStep = (layers, x, y, lr) => {
    for (let l = 0; l < layers.length; l++) layers[l].forward(l === 0 ? x : layers[l - 1].lastActivation);
    const out = layers[layers.length - 1];
    for (let k = 0; k < out.nNeurons; k++) {
      const ok = out.lastActivation[k];
      out.error[k] = y[k] - ok;
      out.delta[k] = out.error[k] * ok * (1 - ok);
    }
    const input = layers[layers.length - 2].lastActivation;
    for (let i = 0; i < out.nInput; i++) for (let j = 0; j < out.nNeurons; j++) out.weights.row(i)[j] += out.delta[j] * input[i] * lr;
    return layers.map((layer) => layer.delta);
  };
  const check = checkCandidate(half);
  assert.deepEqual(check.firstWrong, { layer: 2, quantity: "delta" }, "layer 2's error is not written yet (so not compared); its delta, returned, is the first wrong number");
  assert.match(check.report(), /layers\[2\] \(hidden layer 3 of 3, 50x25\)\n  error \(-dL\/do\)\s+\(not written by your step\)/);
  assert.match(check.report(), /layers\[3\] \(the output layer, 25x2\) -> output\n  error \(-dL\/do\)\s+yes/);
});
