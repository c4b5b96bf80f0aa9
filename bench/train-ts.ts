/**
 * One TypeScript training run of the article's network, in its own process so
 * its peak RSS is its own. bench.ts spawns it; it also runs alone, e.g. for a
 * CPU profile:
 *
 *   node --cpu-prof --cpu-prof-dir=output build/bench/train-ts.js --epochs 100
 *
 * Prints one JSON line on stdout (and a human summary on stderr).
 */
import { performance } from "node:perf_hooks";
import { type Figure, Matrix, NeuralNetwork, gridAround } from "../src/index";
import {
  DEFAULT_EPOCHS,
  LEARNING_RATE,
  RECORD_EVERY,
  median,
  weightChecksum,
} from "./common";
import { articleData, articleNetwork } from "../src/index";
import { UsageError, intFlag, parseFlags } from "../tools/shared/cli";
import { learnerHiddenDelta } from "./learner-rule";
import { backpropagationStep } from "../tools/shared/learner-step";
import { liveFrames } from "../src/figures/live-figure";
import { figureBundle } from "../src/notebook/display";

const USAGE = `usage: node build/bench/train-ts.js [--epochs E] [--learner-rule | --learner-step] [--live] [--predict] [--help]
  --epochs E      epochs (E + 1 passes over the 1400 training samples, like the article); default ${DEFAULT_EPOCHS}
  --learner-rule  train with the hidden rule written in plain loops (bench/learner-rule.ts) instead of the library's
  --learner-step  train with notebook 03's whole step as written (tools/shared/learner-step.ts) instead of the library's
  --live          build the live figure's frames as lab() does (src/figures/live-figure.ts, at most every 0.4 s) and
                  serialize each as the MIME bundle a kernel sends (JSON of display.ts's figureBundle)
  --neurons L     with --live: also the neuron view of layer L (0 is the first hidden layer) with every frame, serialized the same way
  --predict    after training, also time predict() on the 600 test points and a 200x200 grid`;

/** Median milliseconds of one `predict(X)` call, after a few untimed warm-up calls. */
function timePredict(nn: NeuralNetwork, X: Matrix, warmup: number, calls: number): number {
  let sink = 0;
  for (let k = 0; k < warmup; k++) sink += nn.predict(X).data[0];
  const ms: number[] = [];
  for (let k = 0; k < calls; k++) {
    const cpu0 = process.cpuUsage(); // CPU time as well: less sensitive than wall time to other load on the machine
  const t0 = performance.now();
    sink += nn.predict(X).data[0];
    ms.push(performance.now() - t0);
  }
  if (!Number.isFinite(sink)) throw new Error("predict returned a non-finite value");
  return median(ms);
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes("--help")) {
    console.log(USAGE);
    return;
  }
  const flags = parseFlags(argv, { epochs: { type: "string" }, predict: { type: "boolean" }, "learner-rule": { type: "boolean" }, "learner-step": { type: "boolean" }, live: { type: "boolean" }, neurons: { type: "string" }, help: { type: "boolean" } }, "train-ts");
  const epochs = intFlag(flags.epochs, "epochs", 0, DEFAULT_EPOCHS);

  const { X, split } = articleData();
  const nn = articleNetwork();
  if (flags["learner-rule"]) nn.deltaRules.hidden = learnerHiddenDelta;
  if (flags["learner-step"]) nn.step = backpropagationStep;
  const initialChecksum = weightChecksum(nn);
  let frames = 0;
  let frameBytes = 0;
  const neuronLayer = flags.neurons === undefined ? undefined : intFlag(flags.neurons, "neurons", 0, 0);
  if (neuronLayer !== undefined && !flags.live) throw new UsageError("train-ts: --neurons goes with --live");
  let neuronBytes = 0;
  const live = flags.live
    ? liveFrames(nn, { X: split.XTest, y: split.yTest }, (figure) => {
        frames++;
        frameBytes += JSON.stringify(figureBundle(figure)).length;
      }, {
        title: "bench",
        epochs,
        ...(neuronLayer === undefined ? {} : { neurons: { layer: neuronLayer, onFrame: (figure: Figure) => void (neuronBytes += JSON.stringify(figureBundle(figure)).length) } }),
      }).train
    : {};

  const cpu0 = process.cpuUsage(); // CPU time as well: less sensitive than wall time to other load on the machine
  const t0 = performance.now();
  const history = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, LEARNING_RATE, epochs, { recordEvery: RECORD_EVERY, ...live });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // Peak RSS of the process up to the end of training (kilobytes on Linux), before predict allocates anything.
  const maxRssKB = process.resourceUsage().maxRSS;

  let predict: { testRows: number; testMsPerCall: number; gridRows: number; gridMsPerCall: number } | undefined;
  if (flags.predict) {
    const grid = gridAround(X, 200).points; // the decision-boundary grid, 200 x 200
    predict = {
      testRows: split.XTest.rows,
      testMsPerCall: timePredict(nn, split.XTest, 10, 100),
      gridRows: grid.rows,
      gridMsPerCall: timePredict(nn, grid, 2, 9),
    };
  }

  const last = history.last!;
  const result = {
    impl: `typescript${flags["learner-rule"] ? "-learner-rule" : flags["learner-step"] ? "-learner-step" : ""}${flags.live ? "-live" : ""}${neuronLayer !== undefined ? `-neurons-${neuronLayer}` : ""}`,
    ...(flags.live ? { frames, frameBytes } : {}),
    ...(neuronLayer !== undefined ? { neuronBytes } : {}),
    epochs,
    passes: epochs + 1,
    nTrain: split.XTrain.rows,
    seconds,
    cpuSeconds,
    maxRssKB,
    initialChecksum,
    finalChecksum: weightChecksum(nn),
    finalMse: last.mse,
    finalAccuracy: last.accuracy,
    history: { epochs: history.epochs, mse: history.mse, accuracy: history.accuracy },
    predict,
  };
  process.stderr.write(
    `train-ts: ${epochs} epochs in ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s${flags.live ? `, ${frames} frames` : ""}), peak RSS ${(maxRssKB / 1024).toFixed(1)} MB, ` +
      `epoch ${last.epoch} MSE ${last.mse.toFixed(6)} accuracy ${(last.accuracy * 100).toFixed(2)}%\n`,
  );
  process.stdout.write(JSON.stringify(result) + "\n");
}

try {
  main();
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  throw e;
}
