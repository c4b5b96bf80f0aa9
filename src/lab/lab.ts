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

export interface LabSettings {
  learningRate: number;
  /** Epochs 0..epochs are trained, as the article's `range(max_epochs + 1)`. */
  epochs: number;
  /** The seed of the initial weights (the project's default generator). */
  seed: number;
  updateBias: boolean;
  /** Activation of the three hidden layers; absent: the lesson's sigmoid. */
  hidden?: Extract<ActivationName, "sigmoid" | "tanh" | "relu">;
}

/** The lesson's settings, with this project's default seed (the lesson sets none). */
export const LESSON_SETTINGS: Readonly<LabSettings> = Object.freeze({ learningRate: 0.01, epochs: 1000, seed: 1, updateBias: false });

/** What the lab trains: your delta rules (one left out is the library's), or your whole step. */
export type Candidate = Partial<DeltaRules> | TrainingStep;

/** ", tanh hidden layers" (or ReLU) when the settings replace the lesson's sigmoid hidden layers, else "": for the lines that describe a run. */
export function hiddenLayersText(settings: Pick<LabSettings, "hidden">): string {
  return settings.hidden === undefined || settings.hidden === "sigmoid" ? "" : `, ${settings.hidden} hidden layers`;
}

/** Settings with the lesson's defaults filled in, each checked. */
export function labSettings(settings: Partial<LabSettings> = {}, where = "labSettings"): LabSettings {
  if (settings === null || typeof settings !== "object") throw new Error(`${where}: settings must be an object like { epochs: 300, learningRate: 0.1 }, got ${describe(settings)}`);
  for (const key of Object.keys(settings)) {
    if (!(key in LESSON_SETTINGS) && key !== "hidden") throw new Error(`${where}: settings has an unknown key "${key}"; expected some of ${[...Object.keys(LESSON_SETTINGS), "hidden"].join(", ")}`);
  }
  const s = { ...LESSON_SETTINGS, ...settings };
  if (typeof s.learningRate !== "number" || !(s.learningRate > 0) || !Number.isFinite(s.learningRate)) throw new Error(`${where}: settings.learningRate must be a finite number > 0, got ${describe(s.learningRate)}`);
  if (!Number.isInteger(s.epochs) || s.epochs < 0) throw new Error(`${where}: settings.epochs must be an integer >= 0, got ${describe(s.epochs)}`);
  if (!Number.isInteger(s.seed) || s.seed < 0) throw new Error(`${where}: settings.seed must be an integer >= 0, got ${describe(s.seed)}`);
  if (typeof s.updateBias !== "boolean") throw new Error(`${where}: settings.updateBias must be true or false, got ${describe(s.updateBias)}`);
  if (s.hidden !== undefined && !["sigmoid", "tanh", "relu"].includes(s.hidden)) throw new Error(`${where}: settings.hidden must be "sigmoid", "tanh" or "relu", got ${describe(s.hidden)}`);
  return s;
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
  const nn = articleNetwork({ seed: s.seed, updateBias: s.updateBias, hidden: s.hidden });
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
  /** True when this run came from the cache instead of being trained now. */
  cached: boolean;
  /** For a cached run: why it is believed to be what training now would give. */
  reused?: string;
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
  settings = labSettings(settings, "trainCandidate"); // checked here too: Deno runs cells without type checks
  const nn = labNetwork(candidate, settings, "trainCandidate");
  const { split } = articleData();
  const start = Date.now();
  let history: TrainingHistory;
  let diverged: string | undefined;
  try {
    history = nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, settings.learningRate, settings.epochs, options.watch?.(nn));
  } catch (e) {
    if (!(e instanceof TrainingDivergedError)) throw e;
    history = e.history;
    diverged = e.message;
  }
  return { label: options.label ?? describeCandidate(candidate), settings, history, network: nn, seconds: (Date.now() - start) / 1000, cached: false, ...(diverged === undefined ? {} : { diverged }) };
}
