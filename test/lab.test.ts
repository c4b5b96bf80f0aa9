/*
 * The lab: a learner's whole step trains (and is what runs, sample by
 * sample), the per-layer check against the library, the live frames, the
 * run cache, and the one-call `lab()` on a stand-in kernel.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import ts from "typescript";
import { HiddenDeltaRule, NeuralNetwork, TrainingStep, articleData, articleNetwork, gradientCheck, hiddenLayerDelta, oneHot } from "../src/index";
import { LESSON_SETTINGS, cachedRun, labCache, labNetwork, labSettings, runKey, trainCandidate } from "../src/lab/lab";
import { agreement, checkCandidate } from "../src/lab/lab-check";
import { codeOf } from "../src/lab/runs";
import { liveFrames, trainingFigure } from "../src/figures/live-figure";
import { SharedRecords, sweep } from "../src/node/sweep-pool";
import { runExperiment } from "../src/lab/sweep";
import { backpropagationStep } from "../bench/learner-step";
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

test("bench/learner-step.ts is notebook 03's backpropagationStep as committed (the bench and these tests use what learners read)", () => {
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
  assertRejects(() => labSettings({ epochs: -1 }, "lab"), "lab", /settings\.epochs must be an integer >= 0/);
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
  const lines = broken.report().split("\n");
  assert.match(lines.find((l) => l.startsWith("layers[2] dL/dW"))!, /NO\s+NO\s+\d\.\de-\d+\s+wrong/);
  assert.match(lines.find((l) => l.startsWith("layers[3] dL/dW"))!, /yes\s+yes\s+0\s+good/);
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

test("runs are cached by source and settings: a re-defined function with the same text is the same candidate", () => {
  const s = short(1);
  const a: HiddenDeltaRule = (layer, next) => hiddenLayerDelta(layer, next);
  const b: HiddenDeltaRule = (layer, next) => hiddenLayerDelta(layer, next);
  assert.equal(runKey({ hidden: a }, s), runKey({ hidden: b }, s));
  assert.notEqual(runKey({ hidden: a }, s), runKey({ hidden: a }, { ...s, seed: 2 }));
  assert.equal(runKey({}, s), runKey({ hidden: hiddenLayerDelta }, s), "the library's own rule is the reference");
  labCache().clear();
  assert.equal(cachedRun({ hidden: b }, s), undefined);
  const run = trainCandidate({ hidden: a }, s);
  assert.equal(run.cached, false);
  const again = cachedRun({ hidden: b }, s)!;
  assert.equal(again.cached, true);
  assert.deepEqual(again.history.toJSON(), run.history.toJSON());
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
    assert.ok(logs.some((l) => /layers\[3\] dL\/dW\s+yes/.test(l)) && logs.some((l) => /trains on a second thread/.test(l)));
    logs.length = 0;
    sent.length = 0;
    const again = await lab({ hidden: forgotDerivative }, s);
    assert.equal(again.cached, true);
    assert.ok(logs.some((l) => /nothing trained now/.test(l)));
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
  } finally {
    console.log = log;
    delete g.Deno;
  }
});
