/*
 * Sweeps: worker-thread results equal sequential runs bit for bit; the
 * article's network factory (seeds, NumPy seeds); the sweep CLI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SharedRecords, sweep } from "../src/node";
import { HiddenDeltaRule, SweepRun, articleNetwork, runExperiment } from "../src/index";
import { learnerHiddenDelta } from "../bench/learner-rule";
import { hiddenDeltaWithoutDerivative, maxRelDiff, readFixture, repoRoot } from "./helpers";

/** A wrong rule (f'(o) left out), as its source text travels to a worker. */
const noDerivative = hiddenDeltaWithoutDerivative;

const runs: SweepRun[] = [
  { seed: 1, epochs: 12 },
  { numpySeed: 3, epochs: 12 },
  { seed: 2, hidden: "tanh", loss: "softmax-cross-entropy", updateBias: true, learningRate: 0.05, epochs: 12, recordEvery: 4 },
  { seed: 1, epochs: 12, hiddenRule: noDerivative.toString(), label: "no f'(o)" },
  { seed: 1, hidden: "none", output: "none", learningRate: 10, epochs: 5 }, // diverges in epoch 0
];

test("sweep on worker threads equals runExperiment run after run, bit for bit, in the order of the runs", async () => {
  const progress = new Set<number>();
  const finished: number[] = [];
  const parallel = await sweep(runs, { workers: 2, onProgress: (p) => progress.add(p.index), onResult: (r) => finished.push(r.index) });
  const sequential = runs.map((run, i) => runExperiment(run, i));
  const strip = (rs: typeof parallel) => rs.map((r) => ({ ...r, startedAt: 0, seconds: 0 }));
  assert.deepEqual(strip(parallel), strip(sequential));
  assert.deepEqual(parallel.map((r) => r.index), [0, 1, 2, 3, 4]);
  assert.deepEqual([...finished].sort(), [0, 1, 2, 3, 4]);
  assert.ok(progress.size >= 1, "progress was reported");
  assert.equal(parallel[3].label, "no f'(o)");
  assert.notDeepEqual(parallel[3].records, parallel[0].records, "the rule's source really ran");
  assert.match(parallel[4].diverged ?? "", /the loss became NaN at epoch 0/);
  assert.equal(parallel[4].final, undefined);
  assert.equal(parallel[0].final!.epoch, 12);
});

test("workers: 0 runs in this thread with the same results", async () => {
  const inThread = await sweep(runs.slice(0, 2), { workers: 0 });
  assert.deepEqual(inThread.map((r) => r.records), runs.slice(0, 2).map((run, i) => runExperiment(run, i).records));
});

test("the learner's rule passed as source trains to the library's bits", async () => {
  const [library, learner] = await sweep([{ seed: 4, epochs: 3 }, { seed: 4, epochs: 3, hiddenRule: learnerHiddenDelta.toString() }]);
  assert.deepEqual(learner.records, library.records);
  assert.deepEqual(learner.network, library.network);
});

test("a worker takes its next run without waiting for this thread: runs start while this thread is busy training", async () => {
  const pending = sweep([{ seed: 1, epochs: 1 }, { seed: 2, epochs: 1 }, { seed: 3, epochs: 1 }], { workers: 1 });
  // Busy here without ever yielding to the event loop, as when notebook 07 trains its baseline in the kernel's thread.
  const busyUntil = Date.now() + 4000;
  while (Date.now() < busyUntil);
  const results = await pending;
  // One worker, three runs of a few hundredths of a second each: a worker handed its runs by this thread would have
  // started the second and third only after busyUntil.
  results.forEach((r) => assert.ok(r.startedAt < busyUntil, `${r.label} started ${r.startedAt - busyUntil} ms after this thread became free`));
});

test("a run that throws stops the sweep and names the run; no worker takes another run", async () => {
  const throwing = '(layer, next) => { throw new Error("my rule is unfinished"); }';
  const runs: SweepRun[] = [{ seed: 1, epochs: 1 }, { seed: 2, epochs: 1, hiddenRule: throwing, label: "unfinished" }, { seed: 3, epochs: 1 }];
  const started: number[] = [];
  await assert.rejects(
    sweep(runs, { workers: 1, onProgress: (p) => started.push(p.index) }),
    /sweep: run 1 \(unfinished\) failed: train: your hidden rule .* threw at epoch 0, training sample 0: Error: my rule is unfinished/,
  );
  assert.ok(!started.includes(2), "run 2 never started");
});

test("aborting options.signal stops a sweep: it rejects at once and starts no further run", async () => {
  const controller = new AbortController();
  const started = new Set<number>();
  const pending = sweep([{ seed: 1, epochs: 400 }, { seed: 2, epochs: 400 }], { workers: 1, signal: controller.signal, onProgress: (p) => started.add(p.index) });
  setTimeout(() => controller.abort(new Error("enough")), 300);
  const t0 = Date.now();
  await assert.rejects(pending, /sweep: stopped \(enough\)/);
  assert.ok(Date.now() - t0 < 5000, "it did not wait for the runs to finish");
  assert.ok(!started.has(1), "the second run never started");
  await assert.rejects(sweep([{ seed: 1 }], { signal: AbortSignal.abort() }), /sweep: stopped/);
  await assert.rejects(sweep([{ seed: 1 }], { workers: 0, signal: AbortSignal.abort() }), /sweep: stopped/);
});

test("articleNetwork({ numpySeed }) draws exactly the weights np.random.seed gives the Python lesson", () => {
  const numpy = readFixture<{ seed: number; initial: { weights: number[][][]; biases: number[][] } }>("numpy-history.json");
  const nn = articleNetwork({ numpySeed: numpy.seed });
  nn.layers.forEach((layer, l) => {
    assert.ok(maxRelDiff(layer.weights.data, numpy.initial.weights[l].flat()) <= 1e-14, `layer ${l} weights`);
    assert.ok(maxRelDiff(layer.bias, numpy.initial.biases[l]) <= 1e-15, `layer ${l} bias`);
  });
  assert.deepEqual(articleNetwork({ seed: 5 }).toJSON(), articleNetwork({ seed: 5 }).toJSON());
  assert.notDeepEqual(articleNetwork({ seed: 5 }).toJSON(), articleNetwork({ seed: 6 }).toJSON());
});

test("bad runs are rejected up front, naming the run and the setting", async () => {
  await assert.rejects(sweep([]), /sweep: runs must be a non-empty array/);
  await assert.rejects(sweep([{ seed: 1 }, { lr: 0.1 } as SweepRun]), /sweep: runs\[1\] has an unknown setting "lr"/);
  await assert.rejects(sweep([{ learningRate: -1 }]), /sweep: runs\[0\]\.learningRate must be a finite number/);
  await assert.rejects(sweep([{ epochs: 1.5 }]), /sweep: runs\[0\]\.epochs must be an integer >= 0/);
  await assert.rejects(sweep([{ seed: -3 }]), /sweep: runs\[0\]: articleNetwork: seed must be an integer/);
  await assert.rejects(sweep([{ hidden: "swish" as "relu" }]), /sweep: runs\[0\]: articleNetwork \(hidden layer 1\): activation must be one of/);
  await assert.rejects(sweep([{ hiddenRule: "not a function(" }]), /sweep: runs\[0\]: hiddenRule does not compile/);
  await assert.rejects(sweep([{ seed: 1 }], { workers: -1 }), /sweep: options.workers must be a non-negative integer/);
  await assert.rejects(sweep([{ seed: 1 }, { seed: 2 }], { shared: new SharedRecords(1, 10) }), /sweep: options\.shared must be a SharedRecords made for 2 run\(s\).*got one for 1 run\(s\)/);
  assert.throws(() => articleNetwork({ seed: 1, numpySeed: 1 }), /articleNetwork: give seed or numpySeed, not both/);
});

test("a rule that fails on the thread rejects the sweep, naming the run and why", async () => {
  // Compiles, but uses a variable that exists only in the cell it was written in.
  const outside = 0.5;
  const usesOutside: HiddenDeltaRule = (layer, next) => {
    for (let j = 0; j < layer.nNeurons; j++) layer.delta[j] = outside * next.delta[0];
  };
  await assert.rejects(
    sweep([{ seed: 1, epochs: 1 }, { seed: 2, epochs: 1, hiddenRule: usesOutside.toString(), label: "uses a cell variable" }], { workers: 2 }),
    /sweep: run 1 \(uses a cell variable\) failed: .*outside is not defined/,
  );
});

const cli = join(repoRoot, "build", "scripts", "sweep.js");

test("npm run sweep: one article line per run, a min/median/max summary and a strip plot", () => {
  const out = mkdtempSync(join(tmpdir(), "sweep-"));
  try {
    const r = spawnSync(process.execPath, [cli, "--seeds", "0-2", "--epochs", "4", "--out", join(out, "s.html")], { cwd: repoRoot, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    for (const s of [0, 1, 2]) assert.match(r.stdout, new RegExp(`^seed ${s}: Epoch: #4, MSE: \\d\\.\\d{6} Accuracy: \\d+\\.\\d{2}%`, "m"));
    assert.match(r.stdout, /^test accuracy over 3 run\(s\): min \d+\.\d{2}%, median \d+\.\d{2}%, max \d+\.\d{2}%$/m);
    assert.match(readFileSync(join(out, "s.html"), "utf8"), /Final test accuracy/);
    const numpy = spawnSync(process.execPath, [cli, "--numpy-seeds", "7", "--epochs", "0", "--workers", "0", "--out", join(out, "n.html")], { cwd: repoRoot, encoding: "utf8" });
    assert.equal(numpy.status, 0, numpy.stderr);
    assert.match(numpy.stdout, /^numpy seed 7: Epoch: #0, /m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("npm run sweep: bad flags exit 2 naming the flag", () => {
  for (const [args, message] of [
    [["--seeds", "3-1"], /--seeds: range 3-1 goes backwards/],
    [["--lr", "0"], /--lr must be a finite number > 0/],
    [["--activation", "swish"], /--activation must be among sigmoid, tanh, relu, none/],
    [["--seeds", "1", "--numpy-seeds", "1"], /give --seeds or --numpy-seeds, not both/],
    [["--bogus"], /Unknown option '--bogus'/],
  ] as [string[], RegExp][]) {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: "utf8" });
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Usage: npm run sweep/);
  }
});
