/*
 * The training step: the three products in src/core/linalg.ts equal their plain
 * loops bit for bit, `train` runs exactly the network's own rules (a learner's
 * edit, in a cell or in src/, always reaches training), and a diverging run
 * stops with the weights of its last finite checkpoint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import ts from "typescript";
import {
  Activation,
  ActivationLike,
  HiddenDeltaRule,
  Layer,
  LossLike,
  Matrix,
  NeuralNetwork,
  SeededRandom,
  TrainingDivergedError,
  hiddenLayerDelta,
  makeMoons,
  meanSquaredError,
  oneHot,
  outputLayerDelta,
  trainTestSplit,
} from "../src/index";
import { addOuter, matVec, vecMat } from "../src/core/linalg";
import { learnerHiddenDelta } from "../bench/learner-rule";
import { repoRoot } from "./helpers";
import { cellSource, readNotebook } from "../tools/shared/notebook-runner";

const { X, y } = makeMoons();
const split = trainTestSplit(X, y);

interface Config {
  sizes: number[];
  activations: ActivationLike[];
  loss?: LossLike;
  updateBias?: boolean;
}

function build(config: Config, seed: number): NeuralNetwork {
  const random = new SeededRandom(seed);
  const nn = new NeuralNetwork({ loss: config.loss, updateBias: config.updateBias });
  for (let l = 0; l + 1 < config.sizes.length; l++) {
    nn.addLayer(new Layer(config.sizes[l], config.sizes[l + 1], config.activations[l], undefined, undefined, random));
  }
  return nn;
}

const softsign: Activation = { name: "softsign", fn: (z) => z / (1 + Math.abs(z)), derivative: (o) => (1 - Math.abs(o)) ** 2 };
const article: Config = { sizes: [2, 25, 50, 25, 2], activations: ["sigmoid", "sigmoid", "sigmoid", "sigmoid"] };

/** The article's hidden rule as a learner writes it in a cell (notebook 06): two plain loops. */
const plainHidden: HiddenDeltaRule = learnerHiddenDelta;

test("vecMat, matVec and addOuter equal their plain loops bit for bit, for every size up to 19 and with offsets", () => {
  const random = new SeededRandom(12);
  const fill = (n: number) => Float64Array.from({ length: n }, () => random.normal());
  for (let rows = 1; rows <= 19; rows++) {
    for (let cols = 1; cols <= 19; cols++) {
      const W = fill(rows * cols);
      const o = fill(rows + 3);
      const v = fill(cols);
      // z_j = sum_i o_i W_ij
      const z = new Float64Array(cols + 2);
      vecMat(o, 3, W, rows, cols, z, 1);
      const zPlain = new Float64Array(cols);
      for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) zPlain[j] += o[3 + i] * W[i * cols + j];
      assert.equal(z[0], 0, "nothing written before zOffset");
      assert.deepEqual(Array.from(z.subarray(1, cols + 1)), Array.from(zPlain), `vecMat ${rows}x${cols}`);
      // e_j = sum_k W_jk v_k
      const e = new Float64Array(rows);
      matVec(W, rows, cols, v, e);
      const ePlain = new Float64Array(rows);
      for (let j = 0; j < rows; j++) for (let k = 0; k < cols; k++) ePlain[j] += W[j * cols + k] * v[k];
      assert.deepEqual(Array.from(e), Array.from(ePlain), `matVec ${rows}x${cols}`);
      // W_ij += delta_j * o_i * lr
      const W2 = W.slice();
      addOuter(W2, rows, cols, o, 3, v, 0.37);
      const WPlain = W.slice();
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) WPlain[i * cols + j] += v[j] * o[3 + i] * 0.37;
      assert.deepEqual(Array.from(W2), Array.from(WPlain), `addOuter ${rows}x${cols}`);
    }
  }
});

test("Layer.forward equals the plain loop o_j = f(sum_i x_i W_ij + b_j) bit for bit, with offsets", () => {
  const random = new SeededRandom(13);
  for (let nOut = 1; nOut <= 19; nOut++) {
    for (const nIn of [1, 2, 5]) {
      for (const activation of ["sigmoid", "tanh", "relu", "none", softsign] as ActivationLike[]) {
        const layer = new Layer(nIn, nOut, activation, undefined, undefined, random);
        const x = Float64Array.from({ length: nIn + 3 }, () => random.normal());
        const out = layer.forward(x, 2, new Float64Array(nOut + 1), 1);
        const expected = new Float64Array(nOut);
        for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) expected[j] += x[2 + i] * layer.weights.get(i, j);
        for (let j = 0; j < nOut; j++) expected[j] = layer.activation.fn(expected[j] + layer.bias[j]);
        assert.equal(out[0], 0);
        assert.deepEqual(Array.from(out.subarray(1)), Array.from(expected), `${nIn} -> ${nOut} ${layer.activation.name}`);
      }
    }
  }
});

test("a learner's hidden rule in plain loops trains to the library's bits (article network, 3 epochs)", () => {
  const library = build(article, 5);
  const learner = build(article, 5);
  learner.deltaRules.hidden = plainHidden;
  const a = library.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.05, 3, { recordEvery: 1 });
  const b = learner.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.05, 3, { recordEvery: 1 });
  assert.deepEqual(b.toJSON(), a.toJSON());
  assert.deepEqual(learner.toJSON(), library.toJSON());
});

/** Clips every hidden delta to [-limit, limit]: the first samples never reach the limit. */
function clippedHidden(limit: number): HiddenDeltaRule {
  return (layer, next) => {
    hiddenLayerDelta(layer, next);
    for (let j = 0; j < layer.nNeurons; j++) layer.delta[j] = Math.max(-limit, Math.min(limit, layer.delta[j]));
  };
}

/** What `train` must equal: backpropagation called sample by sample. */
function handTrained(nn: NeuralNetwork, epochs: number, lr: number): NeuralNetwork {
  const targets = oneHot(split.yTrain, 2);
  for (let epoch = 0; epoch <= epochs; epoch++) {
    for (let s = 0; s < split.XTrain.rows; s++) nn.backpropagation(split.XTrain.row(s), targets.row(s), lr);
  }
  return nn;
}

test("the benchmark's learner-written rule is notebook 06's myHiddenDelta as committed (the bench times what learners start from)", () => {
  const code = (text: string) => text.replace(/\/\/.*$/gm, "").replace(/\s+/g, ""); // comments and spacing aside
  const cells = readNotebook(join(repoRoot, "notebooks", "06-derivations.ipynb")).cells.map(cellSource);
  const cell = cells.find((s) => s.includes("const myHiddenDelta"));
  assert.ok(cell, "06 has a cell defining myHiddenDelta");
  const body = /const myHiddenDelta: HiddenDeltaRule = (\(layer, next\) => \{[\s\S]*?\n\});/.exec(cell);
  assert.ok(body, "myHiddenDelta is an arrow function (layer, next) => { ... } closed on its own line");
  assert.equal(code(learnerHiddenDelta.toString()), code(body[1]));
});

test("an edit in a cell that shows only after the first samples reaches train (no probe, no silent fast path)", () => {
  const lr = 0.5;
  // The largest |hidden delta| of the first sample, and of the first epoch.
  const probe = build(article, 3);
  probe.computeDeltas(split.XTrain.data, 0, oneHot(split.yTrain, 2).row(0).slice());
  const firstSample = Math.max(...probe.layers.slice(0, 3).flatMap((l) => Array.from(l.delta, Math.abs)));
  const limit = firstSample * 1.5;

  const edited = build(article, 3);
  edited.deltaRules.hidden = clippedHidden(limit);
  let clipped = 0;
  const counting = build(article, 3);
  counting.deltaRules.hidden = (layer, next) => {
    clippedHidden(limit)(layer, next);
    for (const d of layer.delta) if (Math.abs(d) === limit) clipped++;
  };
  edited.train(split.XTrain, split.XTest, split.yTrain, split.yTest, lr, 1);
  handTrained(counting, 1, lr);
  assert.ok(clipped > 0, "the clip must act on some later sample, or this test proves nothing");
  assert.deepEqual(edited.toJSON(), counting.toJSON(), "train ran the edited rule, sample by sample");
  const plain = build(article, 3);
  plain.train(split.XTrain, split.XTest, split.yTrain, split.yTest, lr, 1);
  assert.notDeepEqual(edited.toJSON(), plain.toJSON(), "the edit changed the result");
});

test("an edit of src/core/delta-rules.ts that shows only after the first samples reaches train (edited copy of src/, recompiled)", () => {
  // A learner edits the readable rule in src/ and restarts the kernel. Here:
  // copy src/, clip the hidden delta inside hiddenLayerDelta, compile the copy
  // file by file, and train with it in a fresh process.
  const dir = mkdtempSync(join(os.tmpdir(), "backprop-edit-"));
  try {
    const src = join(repoRoot, "src");
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    for (const file of files) {
      let text = readFileSync(join(src, file), "utf8");
      if (file === join("core", "delta-rules.ts")) {
        const line = "  for (let j = 0; j < layer.nNeurons; j++) delta[j] = error[j] * fPrime(o[j]); // delta_j = error_j * f'(o_j)";
        assert.ok(text.includes(line), "the readable hidden rule's delta line (update this test if the rule was rewritten)");
        text = text.replace(line, `${line}\n  for (let j = 0; j < layer.nNeurons; j++) delta[j] = Math.max(-LIMIT, Math.min(LIMIT, delta[j]));`);
        text = text.replace("export const hiddenLayerDelta", "const LIMIT = Number(process.env.CLIP_LIMIT);\nexport const hiddenLayerDelta");
      }
      const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file.replace(/\.ts$/, ".js")), js);
    }
    // The copy finds seedrandom and friends in the repository's node_modules.
    const script = `
      const m = require(${JSON.stringify(join(dir, "index.js"))});
      const { X, y } = m.makeMoons();
      const s = m.trainTestSplit(X, y);
      const build = () => { const r = new m.SeededRandom(3); const nn = new m.NeuralNetwork();
        [[2,25],[25,50],[50,25],[25,2]].forEach(([a, b]) => nn.addLayer(new m.Layer(a, b, "sigmoid", undefined, undefined, r))); return nn; };
      const trained = build(); trained.train(s.XTrain, s.XTest, s.yTrain, s.yTest, 0.5, 1);
      const byHand = build(); const t = m.oneHot(s.yTrain, 2);
      for (let e = 0; e <= 1; e++) for (let k = 0; k < s.XTrain.rows; k++) byHand.backpropagation(s.XTrain.row(k), t.row(k), 0.5);
      process.stdout.write(JSON.stringify({ trained: trained.toJSON(), byHand: byHand.toJSON() }));`;
    const run = (limit: number) => JSON.parse(execFileSync(process.execPath, ["-e", script], { env: { ...process.env, CLIP_LIMIT: String(limit), NODE_PATH: join(repoRoot, "node_modules") }, encoding: "utf8", maxBuffer: 1 << 26 }));
    const probe = build(article, 3);
    probe.computeDeltas(split.XTrain.data, 0, oneHot(split.yTrain, 2).row(0).slice());
    const limit = 1.5 * Math.max(...probe.layers.slice(0, 3).flatMap((l) => Array.from(l.delta, Math.abs)));
    const edited = run(limit);
    const unedited = run(Infinity);
    const plain = build(article, 3);
    plain.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.5, 1);
    assert.deepEqual(unedited.trained, plain.toJSON(), "the recompiled copy without the clip is the library");
    assert.deepEqual(edited.trained, edited.byHand, "train ran the edited rule, sample by sample");
    assert.notDeepEqual(edited.trained, unedited.trained, "the edit changed the result");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("replaced rules are called as written, once per layer per step, and a wrong rule really changes training", () => {
  const nn = build(article, 3);
  let hidden = 0;
  let output = 0;
  nn.deltaRules = {
    output: (layer, target, loss) => {
      output++;
      outputLayerDelta(layer, target, loss);
    },
    hidden: (layer, next) => {
      hidden++;
      hiddenLayerDelta(layer, next);
    },
  };
  const before = meanSquaredError(nn.predict(split.XTrain), oneHot(split.yTrain, 2));
  const history = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 5, { recordEvery: 5 });
  assert.equal(hidden, 6 * split.XTrain.rows * 3, "once per hidden layer per step");
  assert.equal(output, 6 * split.XTrain.rows, "once per step");
  assert.ok(history.last!.mse < 0.5 * before && history.last!.accuracy > 0.8, `MSE ${before} -> ${history.last!.mse}, accuracy ${history.last!.accuracy}`);

  const wrong = build(article, 3);
  wrong.deltaRules.hidden = (layer) => layer.delta.fill(0);
  const first = Array.from(wrong.layers[0].weights.data);
  wrong.backpropagation([0.5, 0.5], [1, 0], 0.5);
  assert.deepEqual(Array.from(wrong.layers[0].weights.data), first, "zero deltas leave the first layer alone");
});

test("incomplete delta rules are rejected before any weight moves", () => {
  const nn = build(article, 3);
  const before = JSON.stringify(nn.toJSON());
  nn.deltaRules = { hidden: hiddenLayerDelta } as unknown as typeof nn.deltaRules;
  assert.throws(() => nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 1), /train: network\.deltaRules must be \{ output: .*got \{ hidden \}/);
  assert.throws(() => nn.backpropagation([0, 0], [1, 0], 0.1), /backpropagation: network\.deltaRules must be/);
  assert.equal(JSON.stringify(nn.toJSON()), before);
});

test("train equals backpropagation called sample by sample, for other activations, losses and bias updates", () => {
  const configs: Config[] = [
    { sizes: [2, 7, 9, 3, 2], activations: ["tanh", "relu", "tanh", "none"], loss: "softmax-cross-entropy", updateBias: true },
    { sizes: [2, 13, 5, 11, 2], activations: [softsign, softsign, "sigmoid", "sigmoid"] },
    { sizes: [2, 2], activations: ["sigmoid"] },
  ];
  for (const config of configs) {
    const trained = build(config, 21);
    trained.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.05, 2);
    assert.deepEqual(trained.toJSON(), handTrained(build(config, 21), 2, 0.05).toJSON(), config.sizes.join("-"));
  }
});

test("computeDeltas runs the current rules, fills every error and delta, and never changes a weight", () => {
  const nn = build(article, 9);
  const weights = JSON.stringify(nn.toJSON());
  nn.computeDeltas(new Float64Array([0.3, -0.8]), 0, new Float64Array([1, 0]));
  assert.equal(JSON.stringify(nn.toJSON()), weights);
  assert.ok(nn.layers.every((layer) => layer.delta.some((d) => d !== 0) && layer.error.some((e) => e !== 0)));
});

test("predict, feedForward and probabilitiesOf share one forward path", () => {
  const nn = build({ sizes: [2, 7, 9, 3, 2], activations: ["tanh", "relu", "tanh", "none"], loss: "softmax-cross-entropy" }, 6);
  const rows = split.XTest.selectRows([0, 1, 2, 3, 4, 5, 6]);
  const batch = nn.predict(rows);
  assert.deepEqual(nn.feedForward(rows).toArray(), batch.toArray());
  for (let r = 0; r < rows.rows; r++) assert.deepEqual(Array.from(nn.feedForward(rows.row(r))), Array.from(batch.row(r)));
  const p = nn.probabilitiesOf(rows);
  assert.ok(p instanceof Matrix);
  for (let r = 0; r < rows.rows; r++) assert.ok(Math.abs(p.get(r, 0) + p.get(r, 1) - 1) < 1e-15, "softmax rows sum to 1");
});

test("divergence: ReLU + softmax cross-entropy at learning rate 50 stops with an Error, the history so far, and the last finite checkpoint's weights", () => {
  const nn = build({ sizes: [2, 25, 50, 25, 2], activations: ["relu", "relu", "relu", "none"], loss: "softmax-cross-entropy" }, 1);
  const snapshots = new Map<number, string>();
  let error: unknown;
  try {
    nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 50, 10, {
      recordEvery: 1,
      onRecord: (r) => snapshots.set(r.epoch, JSON.stringify(nn.toJSON())),
    });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TrainingDivergedError, `expected TrainingDivergedError, got ${error}`);
  assert.ok(error.epoch <= 10);
  assert.match(error.message, /train: the loss became (NaN|Infinity|-Infinity) at epoch \d+ with learningRate 50/);
  assert.match(error.message, /smaller learning rate/);
  assert.equal(error.history.records.length, snapshots.size);
  assert.ok(error.history.mse.every(Number.isFinite));
  const restored = JSON.stringify(nn.toJSON());
  if (error.restoredEpoch === null) assert.equal(snapshots.size, 0);
  else assert.equal(restored, snapshots.get(error.restoredEpoch), "weights of the last finite checkpoint");
  assert.ok(nn.predict(split.XTest).data.every(Number.isFinite), "the restored network still predicts finite numbers");
});

test("divergence in the first epoch restores the weights the network had before train", () => {
  // A linear network with MSE at learning rate 10 overflows within epoch 0.
  const nn = build({ sizes: [2, 25, 50, 25, 2], activations: ["none", "none", "none", "none"] }, 1);
  const before = JSON.stringify(nn.toJSON());
  assert.throws(
    () => nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 10, 3),
    (e: unknown) => e instanceof TrainingDivergedError && e.epoch === 0 && e.restoredEpoch === null && e.history.records.length === 0 && /before train/.test(e.message),
  );
  assert.equal(JSON.stringify(nn.toJSON()), before);
});

test("startTraining, one epoch at a time with pauses between, is train: the same records and weights bit for bit; a done training refuses another epoch", async () => {
  const whole = build({ sizes: [2, 25, 50, 25, 2], activations: ["sigmoid", "sigmoid", "sigmoid", "sigmoid"] }, 1);
  const history = whole.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 12, { recordEvery: 5 });
  const stepped = build({ sizes: [2, 25, 50, 25, 2], activations: ["sigmoid", "sigmoid", "sigmoid", "sigmoid"] }, 1);
  const epochs: number[] = [];
  const training = stepped.startTraining(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.1, 12, { recordEvery: 5, onEpoch: (e) => void epochs.push(e) });
  assert.equal(training.epoch, 0);
  while (!training.done) {
    training.runEpoch();
    await new Promise((resolve) => setImmediate(resolve)); // a pause, as a page's worker makes to read its messages
  }
  assert.deepEqual(epochs, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.equal(training.epoch, 13);
  assert.deepEqual(training.history.toJSON(), history.toJSON());
  assert.deepEqual(stepped.toJSON(), whole.toJSON());
  assert.throws(() => training.runEpoch(), /startTraining: the training is done \(epochs 0\.\.12 ran\); start another/);
  assert.throws(() => stepped.startTraining(split.XTrain, split.XTest, split.yTrain, split.yTest, -1, 3), /startTraining: learningRate/);
});
