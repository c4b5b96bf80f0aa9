/**
 * The lab's Web Worker: compiles the learner's rules or step, then checks
 * them (checkCandidate) or trains a network with them (startCandidate), both
 * from src/ itself, bundled by esbuild. It sends data (records, the
 * boundary's scores, every neuron's output of one hidden layer); the page
 * draws them.
 *
 * Training runs one epoch at a time and gives the worker's message queue a
 * turn every ~50 ms (a MessageChannel message, not SharedArrayBuffer, which
 * static hosts do not offer), so "pause", "resume", "step" (exactly one
 * epoch, then paused) and "neurons" (which layer to draw) are obeyed between
 * epochs. One worker does one job; Stop is worker.terminate(), so a rule that
 * never returns cannot freeze the page.
 */
import type { NeuralNetwork } from "../../src/core/network";
import { classOneScore, type Grid } from "../../src/figures/figures";
import { liveGrid } from "../../src/figures/live-figure";
import { neuronGrid, neuronOutputs } from "../../src/figures/neuron-view";
import { type Candidate, type CandidateTraining, type LabRun, labData, startCandidate } from "../../src/lab/lab";
import { checkCandidate } from "../../src/lab/lab-check";
import { compileRules, compileStep, runtimeError } from "./learner-code";
import type { FromWorker, RulesSource, ToWorker } from "./protocol";

/** The worker's global scope, as far as this file uses it (the page's tsconfig has the DOM lib, not WebWorker). */
const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: { data: ToWorker }) => void) | null };
const post = (message: FromWorker): void => scope.postMessage(message);

/** {} is the library's rules for checkCandidate and startCandidate. */
const candidateOf = (source: RulesSource): Candidate => (source.kind === "reference" ? {} : source.mode === "step" ? compileStep(source.code) : compileRules(source.code));

function check(job: Extract<ToWorker, { type: "check" }>): void {
  const check = checkCandidate(candidateOf(job.rules), job.settings);
  post({
    type: "check",
    report: {
      samples: check.samples,
      layers: check.layers.map((l) => ({ ...l, verdict: check.gradientCheck.layers[l.layer].verdict, maxRelativeError: check.gradientCheck.layers[l.layer].maxRelativeError })),
      verdict: check.gradientCheck.verdict,
      firstWrong: check.firstWrong,
      exact: check.layers.every((l) => [l.error, l.delta, l.gradient, l.biasGradient].every((a) => a === null || a.exact)),
      text: check.report(),
    },
  });
}

/** How long the worker trains before giving its message queue a turn. */
const SLICE_MS = 50;
/** A frame (boundary and neuron view) costs at most 1/19 of the time between frames: about 5 % of the run, as liveFrames (src/figures/live-figure.ts). */
const FRAME_BUDGET = 19;

/** The run in progress (or finished: its network still answers "neurons"). */
interface Session {
  training: CandidateTraining;
  network: NeuralNetwork;
  paused: boolean;
  finished: boolean;
  frameEveryMs: number;
  neurons: number | null;
  boundaryGrid: Grid;
  neuronPlane: Grid;
  lastFrame: number;
  frameCost: number;
}
let session: Session | undefined;

/** The boundary's scores and, when a layer is chosen, its neuron view, after `epoch`; timed, so that frames keep within their budget. */
function frame(s: Session, epoch: number): void {
  const t = performance.now();
  post({ type: "boundary", epoch, z: classOneScore(s.network, s.boundaryGrid) });
  if (s.neurons !== null && s.neurons < s.network.layers.length - 1) {
    post({ type: "neurons", epoch, layer: s.neurons, activation: s.network.layers[s.neurons].activation.name, z: neuronOutputs(s.network, s.neurons, s.neuronPlane) });
  }
  s.lastFrame = performance.now();
  s.frameCost = s.lastFrame - t;
}

function finish(s: Session, run: LabRun): void {
  s.finished = true;
  const records = run.history.records;
  // The page words the divergence itself (run.diverged speaks to the API's user), from run.divergence.
  if (run.divergence !== undefined) post({ type: "diverged", epoch: run.divergence.epoch, nan: Number.isNaN(run.divergence.loss), records });
  else post({ type: "done", records, seconds: run.seconds });
}

/** Runs the next epoch; true when the run is over (finished, diverged or failed). */
function advance(s: Session): boolean {
  let run: LabRun | undefined;
  try {
    run = s.training.next();
  } catch (e) {
    s.finished = true;
    post({ type: "error", error: runtimeError(e) });
    return true;
  }
  if (run) finish(s, run);
  return run !== undefined;
}

// A MessageChannel message is a task without setTimeout's clamping: the queue gets its turn, and training goes on at once after it.
const channel = new MessageChannel();
let scheduled = false;
channel.port1.onmessage = () => {
  scheduled = false;
  pump();
};
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  channel.port2.postMessage(null);
}

/** Epochs for about SLICE_MS, then a turn for the message queue, until the run is over or paused. */
function pump(): void {
  const s = session;
  if (!s || s.paused || s.finished) return;
  const start = performance.now();
  while (performance.now() - start < SLICE_MS) {
    if (advance(s)) return;
    if (s.paused) return;
  }
  schedule();
}

function train(job: Extract<ToWorker, { type: "train" }>): void {
  const { split } = labData(job.settings);
  const X = split.XTest;
  const boundaryGrid = liveGrid(X);
  post({ type: "setup", boundary: { xs: boundaryGrid.xs, ys: boundaryGrid.ys, points: { rows: X.rows, data: Array.from(X.data), labels: Array.from(split.yTest) } } });
  let s: Session | undefined;
  const training = startCandidate(candidateOf(job.rules), job.settings, {
    watch: () => ({
      recordEvery: 10,
      onRecord: (record) => post({ type: "record", record }),
      onEpoch: (epoch, maxEpochs) => {
        if (!s || s.frameEveryMs === Infinity) return;
        const now = performance.now();
        if (epoch === 0 || epoch === maxEpochs || now - s.lastFrame >= Math.max(s.frameEveryMs, FRAME_BUDGET * s.frameCost)) frame(s, epoch);
      },
    }),
  });
  s = {
    training, network: training.network, paused: false, finished: false,
    // Tolerant of a job without them (site/bench-browser.ts posts its own): no frames, no neuron view.
    frameEveryMs: typeof job.frameEveryMs === "number" ? job.frameEveryMs : Infinity, neurons: job.neurons ?? null,
    boundaryGrid, neuronPlane: neuronGrid(X), lastFrame: -Infinity, frameCost: 0,
  };
  session = s;
  pump();
}

scope.onmessage = (event) => {
  const job = event.data;
  try {
    const s = session;
    switch (job.type) {
      case "check":
        return check(job);
      case "train":
        return train(job);
      case "pause":
        if (!s || s.finished || s.paused) return;
        s.paused = true;
        post({ type: "paused", epochsDone: s.training.epoch });
        if (s.frameEveryMs !== Infinity && s.training.epoch > 0) frame(s, s.training.epoch - 1);
        return;
      case "resume":
        if (!s || s.finished || !s.paused) return;
        s.paused = false;
        return pump();
      case "step":
        if (!s || s.finished) return;
        s.paused = true;
        if (advance(s)) return;
        post({ type: "paused", epochsDone: s.training.epoch });
        if (s.frameEveryMs !== Infinity) frame(s, s.training.epoch - 1);
        return;
      case "neurons":
        if (!s) return;
        s.neurons = job.layer;
        if ((s.paused || s.finished) && s.frameEveryMs !== Infinity && s.training.epoch > 0) frame(s, s.training.epoch - 1);
        return;
    }
  } catch (e) {
    post({ type: "error", error: runtimeError(e) });
  }
};
