/**
 * The lab's Web Worker: compiles the learner's rules, then checks them
 * (checkCandidate) or trains the article's network with them
 * (trainCandidate), both from src/ itself, bundled by esbuild. It sends data
 * (records, the boundary's scores); the page builds the figure. One worker
 * does one job; the page ends it with worker.terminate(), so a rule that
 * never returns cannot freeze the page.
 */
import type { DeltaRules } from "../../src/core/delta-rules";
import { articleData } from "../../src/lab/experiment";
import { classOneScore } from "../../src/figures/figures";
import { trainCandidate } from "../../src/lab/lab";
import { checkCandidate } from "../../src/lab/lab-check";
import { liveGrid } from "../../src/figures/live-figure";
import { compileRules, runtimeError } from "./learner-code";
import type { FromWorker, RulesSource, ToWorker } from "./protocol";

/** The worker's global scope, as far as this file uses it (the page's tsconfig has the DOM lib, not WebWorker). */
const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: { data: ToWorker }) => void) | null };
const post = (message: FromWorker): void => scope.postMessage(message);

/** {} is the library's rules for checkCandidate and trainCandidate. */
const candidateOf = (source: RulesSource): Partial<DeltaRules> => (source.kind === "reference" ? {} : compileRules(source.code));

function run(job: ToWorker): void {
  const candidate = candidateOf(job.rules);
  if (job.type === "check") {
    const check = checkCandidate(candidate, job.settings);
    post({
      type: "check",
      report: {
        samples: check.samples,
        layers: check.layers.map((l) => ({ ...l, verdict: check.gradientCheck.layers[l.layer].verdict, maxRelativeError: check.gradientCheck.layers[l.layer].maxRelativeError })),
        verdict: check.gradientCheck.verdict,
        text: check.report(),
      },
    });
    return;
  }
  const { split } = articleData();
  const X = split.XTest;
  const grid = liveGrid(X);
  post({ type: "setup", boundary: { xs: grid.xs, ys: grid.ys, points: { rows: X.rows, data: Array.from(X.data), labels: Array.from(split.yTest) } } });
  let lastFrame = -Infinity;
  const result = trainCandidate(candidate, job.settings, {
    watch: (network) => ({
      recordEvery: 10,
      onRecord: (record) => post({ type: "record", record }),
      onEpoch: (epoch, maxEpochs) => {
        const now = performance.now();
        if (epoch === 0 || epoch === maxEpochs || now - lastFrame >= job.boundaryEveryMs) {
          lastFrame = now;
          post({ type: "boundary", epoch, z: classOneScore(network, grid) });
        }
      },
    }),
  });
  const records = result.history.records;
  // The page words the divergence itself (result.diverged speaks to the API's user: error.history, ...), from result.divergence.
  if (result.divergence !== undefined) post({ type: "diverged", epoch: result.divergence.epoch, nan: Number.isNaN(result.divergence.loss), records });
  else post({ type: "done", records, seconds: result.seconds });
}

scope.onmessage = (event) => {
  try {
    run(event.data);
  } catch (e) {
    post({ type: "error", error: runtimeError(e) });
  }
};
