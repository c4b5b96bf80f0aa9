/**
 * The lab's Web Worker: compiles the learner's rules, checks them or trains
 * the article's network with them, using src/ itself (bundled by esbuild).
 * One worker does one job; the page ends it with worker.terminate(), so a
 * rule that never returns cannot freeze the page.
 */
import { articleDeltaRules } from "../../src/delta-rules";
import type { DeltaRules } from "../../src/delta-rules";
import { articleData, articleNetwork } from "../../src/experiment";
import { classOneScore, gridAround } from "../../src/figures";
import { TrainingDivergedError } from "../../src/network";
import { checkRules } from "./layer-check";
import { compileRules, runtimeError } from "./learner-code";
import type { FromWorker, RulesSource, ToWorker } from "./protocol";

/** The worker's global scope, as far as this file uses it (the page's tsconfig has the DOM lib, not WebWorker). */
const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: { data: ToWorker }) => void) | null };
const post = (message: FromWorker): void => scope.postMessage(message);

/** Grid points per side of the live decision boundary (50 x 50 forward passes per frame). */
const BOUNDARY_RESOLUTION = 50;

function rulesFrom(source: RulesSource): DeltaRules {
  return source.kind === "reference" ? articleDeltaRules() : compileRules(source.code);
}

function run(job: ToWorker): void {
  const rules = rulesFrom(job.rules);
  if (job.type === "check") {
    post({ type: "check", report: checkRules(rules, job.settings) });
    return;
  }
  const s = job.settings;
  const { X, y, split } = articleData();
  const network = articleNetwork({ seed: s.seed, hidden: s.hidden, updateBias: s.updateBias });
  network.deltaRules = rules;
  const grid = gridAround(X, BOUNDARY_RESOLUTION);
  post({
    type: "setup",
    boundary: {
      xs: grid.xs,
      ys: grid.ys,
      points: { x: Array.from({ length: X.rows }, (_, i) => X.get(i, 0)), y: Array.from({ length: X.rows }, (_, i) => X.get(i, 1)), label: Array.from(y) },
    },
  });
  post({ type: "boundary", epoch: -1, z: classOneScore(network, grid) });
  let lastFrame = performance.now();
  const t0 = performance.now();
  try {
    const history = network.train(split.XTrain, split.XTest, split.yTrain, split.yTest, s.learningRate, s.epochs, {
      recordEvery: 10,
      onRecord: (record) => post({ type: "record", record }),
      onEpoch: (epoch) => {
        const now = performance.now();
        if (now - lastFrame >= job.boundaryEveryMs) {
          lastFrame = now;
          post({ type: "boundary", epoch, z: classOneScore(network, grid) });
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    post({ type: "boundary", epoch: s.epochs, z: classOneScore(network, grid) });
    post({ type: "done", records: history.records, seconds });
  } catch (e) {
    if (e instanceof TrainingDivergedError) {
      post({ type: "diverged", message: e.message, records: e.history.records });
      return;
    }
    throw e;
  }
}

scope.onmessage = (event) => {
  try {
    run(event.data);
  } catch (e) {
    post({ type: "error", error: runtimeError(e) });
  }
};
