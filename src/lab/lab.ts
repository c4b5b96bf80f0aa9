/**
 * The lab: what a learner edits (delta rules, or a whole step) trained on the
 * lesson's network and data, beside the library's reference run. Nothing here
 * knows about Jupyter, files or threads, so the browser edition can use it
 * as it is; the notebook side is src/notebook/lab-cell.ts.
 *
 * Which runs may be shown again instead of retrained is src/lab/lab-cache.ts.
 */
import { type DeltaRules, type HiddenDeltaRule, type OutputDeltaRule, hiddenLayerDelta, outputLayerDelta } from "../core/delta-rules";
import type { ActivationName } from "../core/activation";
import { articleData, articleNetwork } from "./experiment";
import { TrainingHistory } from "../core/history";
import { NeuralNetwork, type TrainOptions, type TrainingStep, TrainingDivergedError, assertStep } from "../core/network";
import { describe } from "../core/validate";

/** The activations a hidden layer of the lab may have. */
export type HiddenActivation = Extract<ActivationName, "sigmoid" | "tanh" | "relu">;
const HIDDEN_ACTIVATIONS: readonly string[] = ["sigmoid", "tanh", "relu"];

export interface LabSettings {
  learningRate: number;
  /** Epochs 0..epochs are trained, as the article's `range(max_epochs + 1)`. */
  epochs: number;
  /** The seed of the initial weights (the project's default generator). */
  seed: number;
  updateBias: boolean;
  /** Activation of the hidden layers: one for all, or one per hidden layer; absent: the lesson's sigmoid. */
  hidden?: HiddenActivation | readonly HiddenActivation[];
  /** The hidden layers' widths; absent: the lesson's [25, 50, 25] (a 2-25-50-25-2 network). */
  layers?: readonly number[];
  /** make_moons' noise; absent: the lesson's 0.2. */
  noise?: number;
  /** make_moons' number of points (70 % train, 30 % test); absent: the lesson's 2000. */
  points?: number;
}

/** The lesson's settings, with this project's default seed (the lesson sets none). */
export const LESSON_SETTINGS: Readonly<LabSettings> = Object.freeze({ learningRate: 0.01, epochs: 1000, seed: 1, updateBias: false });

/** The lesson's hidden widths, data noise and number of points: what absent settings mean. */
export const LESSON_SHAPE = Object.freeze({ layers: Object.freeze([25, 50, 25]) as readonly number[], noise: 0.2, points: 2000 });

/** The range of every number the lab accepts (a page's controls show the same bounds). */
export const LAB_BOUNDS = Object.freeze({
  learningRate: [1e-6, 100],
  epochs: [0, 100000],
  seed: [0, 2 ** 32 - 1],
  hiddenLayers: [1, 6],
  width: [1, 200],
  noise: [0, 1],
  points: [20, 10000],
} as const);

/** What to know about a candidate: your delta rules (one left out is the library's), or your whole step. */
export type Candidate = Partial<DeltaRules> | TrainingStep;

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, k) => v === b[k]);

/** Each hidden layer's activation under these settings. */
export function hiddenActivations(settings: Pick<LabSettings, "hidden" | "layers">): HiddenActivation[] {
  const n = (settings.layers ?? LESSON_SHAPE.layers).length;
  const h = settings.hidden ?? "sigmoid";
  return typeof h === "string" ? Array<HiddenActivation>(n).fill(h) : [...h];
}

/**
 * What the settings change in the article's network and data, as the lines
 * that describe a run say it (", 2-8-8-2 network, tanh hidden layers, noise
 * 0.3, 500 points"), or "" for the lesson's.
 */
export function shapeChangesText(settings: Pick<LabSettings, "hidden" | "layers" | "noise" | "points">): string {
  const layers = settings.layers ?? LESSON_SHAPE.layers;
  const acts = hiddenActivations(settings);
  const parts: string[] = [];
  if (!sameList(layers, LESSON_SHAPE.layers)) parts.push(`${[2, ...layers, 2].join("-")} network`);
  if (acts.some((a) => a !== "sigmoid")) parts.push(acts.every((a) => a === acts[0]) ? `${acts[0]} hidden layers` : `hidden ${acts.join("/")}`);
  if (settings.noise !== undefined && settings.noise !== LESSON_SHAPE.noise) parts.push(`noise ${settings.noise}`);
  if (settings.points !== undefined && settings.points !== LESSON_SHAPE.points) parts.push(`${settings.points} points`);
  return parts.map((p) => `, ${p}`).join("");
}

const SETTING_KEYS = ["learningRate", "epochs", "seed", "updateBias", "hidden", "layers", "noise", "points"];

/** Settings with the lesson's defaults filled in, each checked against LAB_BOUNDS; the error names the setting and what it expects. */
export function labSettings(settings: Partial<LabSettings> = {}, where = "labSettings"): LabSettings {
  if (settings === null || typeof settings !== "object") throw new Error(`${where}: settings must be an object like { epochs: 300, learningRate: 0.1 }, got ${describe(settings)}`);
  for (const key of Object.keys(settings)) {
    if (!SETTING_KEYS.includes(key)) throw new Error(`${where}: settings has an unknown key "${key}"; expected some of ${SETTING_KEYS.join(", ")}`);
  }
  const s = { ...LESSON_SETTINGS, ...settings };
  const B = LAB_BOUNDS;
  const number = (v: unknown, [lo, hi]: readonly [number, number], integer: boolean): boolean =>
    typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi && (!integer || Number.isInteger(v));
  const range = (name: string, [lo, hi]: readonly [number, number], integer: boolean, got: unknown) =>
    new Error(`${where}: settings.${name} must be ${integer ? "an integer" : "a number"} from ${lo} to ${hi}, got ${describe(got)}`);
  if (!number(s.learningRate, B.learningRate, false)) throw range("learningRate", B.learningRate, false, s.learningRate);
  if (!number(s.epochs, B.epochs, true)) throw range("epochs", B.epochs, true, s.epochs);
  if (!number(s.seed, B.seed, true)) throw range("seed", B.seed, true, s.seed);
  if (typeof s.updateBias !== "boolean") throw new Error(`${where}: settings.updateBias must be true or false, got ${describe(s.updateBias)}`);
  if (s.layers !== undefined) {
    if (!Array.isArray(s.layers) || s.layers.length < B.hiddenLayers[0] || s.layers.length > B.hiddenLayers[1]) {
      throw new Error(`${where}: settings.layers must be the hidden layers' widths, ${B.hiddenLayers[0]} to ${B.hiddenLayers[1]} of them (the lesson's is [25, 50, 25]), got ${describe(s.layers)}`);
    }
    s.layers.forEach((w, k) => {
      if (!number(w, B.width, true)) throw range(`layers[${k}]`, B.width, true, w);
    });
  }
  const nHidden = (s.layers ?? LESSON_SHAPE.layers).length;
  if (s.hidden !== undefined) {
    const list = typeof s.hidden === "string" ? [s.hidden] : s.hidden;
    if (!Array.isArray(list) || list.some((a) => !HIDDEN_ACTIVATIONS.includes(a))) {
      throw new Error(`${where}: settings.hidden must be "sigmoid", "tanh" or "relu", or one of them per hidden layer, got ${describe(s.hidden)}`);
    }
    if (typeof s.hidden !== "string" && list.length !== nHidden) throw new Error(`${where}: settings.hidden must name one activation per hidden layer (${nHidden}), got ${list.length}`);
  }
  if (s.noise !== undefined && !number(s.noise, B.noise, false)) throw range("noise", B.noise, false, s.noise);
  if (s.points !== undefined && !number(s.points, B.points, true)) throw range("points", B.points, true, s.points);
  return s;
}

/** The data of these settings: make_moons with their noise and number of points (the lesson's by default), split 70 / 30 as the lesson does. */
export function labData(settings: Pick<LabSettings, "noise" | "points">): ReturnType<typeof articleData> {
  return articleData({ noise: settings.noise, points: settings.points });
}

/** Checks a candidate before anything trains; returns it as the rules or the step to install. */
function candidateParts(candidate: Candidate, where: string): { rules: DeltaRules; step: TrainingStep | null } {
  if (typeof candidate === "function") {
    assertStep(candidate, where);
    return { rules: { output: outputLayerDelta, hidden: hiddenLayerDelta }, step: candidate };
  }
  if (candidate === null || typeof candidate !== "object") {
    throw new Error(`${where}: candidate must be your rules { output?, hidden? } or your step (layers, x, y, lr) => ..., got ${describe(candidate)}`);
  }
  for (const key of Object.keys(candidate)) {
    if (key !== "output" && key !== "hidden") throw new Error(`${where}: candidate has an unknown key "${key}"; rules are { output?, hidden? }`);
  }
  const { output = outputLayerDelta, hidden = hiddenLayerDelta } = candidate;
  if (typeof output !== "function") throw new Error(`${where}: candidate.output must be an OutputDeltaRule (layer, target, loss) => void, got ${describe(output)}`);
  if (typeof hidden !== "function") throw new Error(`${where}: candidate.hidden must be a HiddenDeltaRule (layer, next) => void, got ${describe(hidden)}`);
  return { rules: { output: output as OutputDeltaRule, hidden: hidden as HiddenDeltaRule }, step: null };
}

/** The lesson's network (initial weights from `settings.seed`) with the candidate installed. */
export function labNetwork(candidate: Candidate, settings: LabSettings, where = "labNetwork"): NeuralNetwork {
  const s = labSettings(settings, where); // checked here too: Deno runs cells without type checks
  const { rules, step } = candidateParts(candidate, where);
  const nn = articleNetwork({ seed: s.seed, updateBias: s.updateBias, hidden: s.hidden, layers: s.layers });
  nn.deltaRules = rules;
  nn.step = step;
  return nn;
}

/** Whether the candidate is the library's own rules (the reference). */
export function isLibrary(candidate: Candidate): boolean {
  return typeof candidate !== "function" && (candidate.output ?? outputLayerDelta) === outputLayerDelta && (candidate.hidden ?? hiddenLayerDelta) === hiddenLayerDelta;
}

/** A short name: "your step", "your hidden rule", "the library's rules", ... */
export function describeCandidate(candidate: Candidate): string {
  if (typeof candidate === "function") return "your step";
  const own = (["output", "hidden"] as const).filter((k) => candidate[k] !== undefined && candidate[k] !== (k === "output" ? outputLayerDelta : hiddenLayerDelta));
  return own.length === 0 ? "the library's rules" : own.length === 2 ? "your output and hidden rules" : `your ${own[0]} rule`;
}

/** One training run of the lab. */
export interface LabRun {
  label: string;
  settings: LabSettings;
  history: TrainingHistory;
  /** The trained network (for a diverged run: the weights of its last finite record). */
  network: NeuralNetwork;
  seconds: number;
  /** The divergence message, when the loss stopped being finite. */
  diverged?: string;
  /** The same as data: the epoch whose loss was not finite, that loss (NaN or Infinity), and TrainingDivergedError's kind. */
  divergence?: { epoch: number; loss: number; kind: TrainingDivergedError["kind"] };
  /** True when this run came from the cache instead of being trained now. */
  cached: boolean;
  /** For a cached run: why it is believed to be what training now would give. */
  reused?: string;
}

/** A candidate's training in progress (`startCandidate`), one epoch at a time. */
export interface CandidateTraining {
  /** The network being trained (its weights move with each epoch). */
  network: NeuralNetwork;
  /** The next epoch to run. */
  readonly epoch: number;
  /**
   * Runs the next epoch; returns the run once the last epoch ran or the loss
   * stopped being finite (a divergence is returned, not thrown), else
   * undefined. A rule that throws is thrown (TrainingStepError).
   */
  next(): LabRun | undefined;
}

/**
 * `trainCandidate`, one epoch at a time, for a page's worker that pauses,
 * resumes and steps between epochs; `trainCandidate` is this, run to its end.
 */
export function startCandidate(candidate: Candidate, settings: LabSettings, options: { label?: string; watch?: (network: NeuralNetwork) => TrainOptions } = {}): CandidateTraining {
  settings = labSettings(settings, "trainCandidate"); // checked here too: Deno runs cells without type checks
  const nn = labNetwork(candidate, settings, "trainCandidate");
  const { split } = labData(settings);
  const training = nn.startTraining(split.XTrain, split.XTest, split.yTrain, split.yTest, settings.learningRate, settings.epochs, options.watch?.(nn), "train");
  let seconds = 0; // training time only: a paused run does not count its pauses
  const run = (extra: Partial<LabRun> = {}): LabRun =>
    ({ label: options.label ?? describeCandidate(candidate), settings, history: training.history, network: nn, seconds, cached: false, ...extra });
  return {
    network: nn,
    get epoch() {
      return training.epoch;
    },
    next() {
      const start = Date.now();
      try {
        training.runEpoch();
      } catch (e) {
        if (!(e instanceof TrainingDivergedError)) throw e;
        seconds += (Date.now() - start) / 1000;
        return run({ history: e.history, diverged: e.message, divergence: { epoch: e.epoch, loss: e.loss, kind: e.kind } });
      }
      seconds += (Date.now() - start) / 1000;
      return training.done ? run() : undefined;
    },
  };
}

/**
 * Trains the candidate on the lesson's data with these settings, in this
 * thread; `options.watch` may return `train`'s hooks for the network it is
 * given (e.g. to draw it as it trains). A divergence is returned
 * (`diverged`, with the history up to it), not thrown, so a broken rule can
 * be shown beside working ones. Any other error (a rule that throws) is
 * thrown, saying where (TrainingStepError).
 */
export function trainCandidate(candidate: Candidate, settings: LabSettings, options: { label?: string; watch?: (network: NeuralNetwork) => TrainOptions } = {}): LabRun {
  const training = startCandidate(candidate, settings, options);
  for (;;) {
    const run = training.next();
    if (run) return run;
  }
}
