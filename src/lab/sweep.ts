/**
 * One training run described as plain data (`SweepRun`): the article's
 * network and data with a few settings changed (seed, learning rate,
 * activations, loss, your own rule or step as source text). Plain data, so a
 * worker (Node's threads in src/node/sweep-pool.ts, a browser's Web Worker)
 * can rebuild exactly the network this thread would have built: the results
 * are bit-identical to `runExperiment` here (tested).
 *
 * A delta rule or a whole step written in a notebook cell cannot travel to a
 * worker as a function; pass its source instead (`hiddenRule:
 * myRule.toString()`, `step: myStep.toString()`), which works when the
 * function uses nothing but its arguments and globals such as `Math` and
 * `Float64Array`.
 */
import type { HiddenDeltaRule, OutputDeltaRule } from "../core/delta-rules";
import { EpochRecord } from "../core/history";
import { NeuralNetwork, TrainingDivergedError, type TrainingStep, assertStep } from "../core/network";
import type { NetworkJSON } from "../core/network-json";
import { ArticleNetworkOptions, articleData, articleNetwork } from "./experiment";

/** One training run: the article's network (seed, activations, loss, bias updates as in articleNetwork) and data, with these changes. */
export interface SweepRun extends ArticleNetworkOptions {
  /** A name for the run in progress lines and figures; default built from the settings. */
  label?: string;
  /** Default 0.01, the article's. */
  learningRate?: number;
  /** Default 1000, the article's. */
  epochs?: number;
  /** Default 10, the article's. */
  recordEvery?: number;
  /** Source text of a HiddenDeltaRule, e.g. `myRule.toString()`, used instead of the library's rule. */
  hiddenRule?: string;
  /** Source text of an OutputDeltaRule, used instead of the library's rule. */
  outputRule?: string;
  /** make_moons' noise; default the article's 0.2. */
  noise?: number;
  /** make_moons' number of points (split 70 / 30); default the article's 2000. */
  points?: number;
  /** Source text of a whole TrainingStep (e.g. notebook 03's `backpropagationStep.toString()`), run for every sample instead of the library's step. */
  step?: string;
}

export interface SweepResult {
  index: number;
  run: SweepRun;
  label: string;
  records: EpochRecord[];
  /** The last record (for a diverged run: the last finite one, if any). */
  final: EpochRecord | undefined;
  /** When this run's training began (Date.now(), ms): runs overlap on the workers, and with whatever this thread does meanwhile. */
  startedAt: number;
  /** Wall-clock seconds of this run's training. */
  seconds: number;
  network: NetworkJSON;
  /** Set when the run diverged (TrainingDivergedError's message). */
  diverged?: string;
}

export interface SweepProgress {
  index: number;
  label: string;
  epoch: number;
  epochs: number;
}

const KEYS: readonly string[] = ["label", "seed", "numpySeed", "hidden", "layers", "output", "loss", "updateBias", "noise", "points", "learningRate", "epochs", "recordEvery", "hiddenRule", "outputRule", "step"];

/** The label a run gets when it has none: its settings that differ from the article's. */
export function runLabel(run: SweepRun): string {
  if (run.label !== undefined) return run.label;
  const parts: string[] = [];
  if (run.numpySeed !== undefined) parts.push(`numpy seed ${run.numpySeed}`);
  else parts.push(`seed ${run.seed ?? 1}`);
  if (run.layers !== undefined) parts.push(`${[2, ...run.layers, 2].join("-")} network`);
  if (run.hidden !== undefined) parts.push(typeof run.hidden === "string" ? run.hidden : run.hidden.join("/"));
  if (run.noise !== undefined) parts.push(`noise ${run.noise}`);
  if (run.points !== undefined) parts.push(`${run.points} points`);
  if (run.output !== undefined) parts.push(`output ${run.output}`);
  if (run.loss !== undefined) parts.push(run.loss);
  if (run.learningRate !== undefined) parts.push(`lr ${run.learningRate}`);
  if (run.updateBias) parts.push("bias updates");
  if (run.hiddenRule !== undefined) parts.push("own hidden rule");
  if (run.outputRule !== undefined) parts.push("own output rule");
  if (run.step !== undefined) parts.push("own step");
  return parts.join(", ");
}

function checkRun(run: SweepRun, name: string): void {
  if (run === null || typeof run !== "object" || Array.isArray(run)) throw new Error(`${name} must be an object like { seed: 3, learningRate: 0.01 }`);
  for (const key of Object.keys(run)) {
    if (!KEYS.includes(key)) throw new Error(`${name} has an unknown setting "${key}"; expected some of ${KEYS.join(", ")}`);
  }
  const positive = (v: unknown, what: string, integer: boolean, min: number) => {
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)))) {
      throw new Error(`${name}.${what} must be ${integer ? "an integer" : "a finite number"} >= ${min}${integer ? "" : " (and > 0)"}, got ${String(v)}`);
    }
  };
  positive(run.learningRate, "learningRate", false, Number.MIN_VALUE);
  positive(run.epochs, "epochs", true, 0);
  positive(run.recordEvery, "recordEvery", true, 1);
  if (run.label !== undefined && typeof run.label !== "string") throw new Error(`${name}.label must be a string`);
  for (const key of SOURCES) {
    if (run[key] !== undefined && typeof run[key] !== "string") {
      throw new Error(`${name}.${key} must be source text (myFunction.toString()), got ${typeof run[key]}`);
    }
  }
  try {
    installSources(articleNetwork(networkOptions(run)), run); // seeds, names, activations, layers, loss, sources
    if (run.noise !== undefined || run.points !== undefined) articleData({ noise: run.noise, points: run.points }); // the data's settings
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

function networkOptions(run: SweepRun): ArticleNetworkOptions {
  return { seed: run.seed, numpySeed: run.numpySeed, hidden: run.hidden, layers: run.layers, output: run.output, loss: run.loss, updateBias: run.updateBias };
}

/** The settings that carry a function as source text, and the arguments each function takes. */
const SOURCES = ["hiddenRule", "outputRule", "step"] as const;
const SIGNATURES: Record<(typeof SOURCES)[number], string> = { hiddenRule: "(layer, next)", outputRule: "(layer, target, loss)", step: "(layers, x, y, lr)" };

function compileSource(source: string, key: (typeof SOURCES)[number]): unknown {
  let fn: unknown;
  try {
    fn = new Function(`"use strict"; return (${source});`)();
  } catch (e) {
    throw new Error(`${key} does not compile as a function: ${(e as Error).message}`);
  }
  if (typeof fn !== "function") throw new Error(`${key} must be the source of a function ${SIGNATURES[key]} => { ... }`);
  return fn;
}

/** Puts the run's rules and step (given as source text) on the network; returns it. */
function installSources(nn: NeuralNetwork, run: SweepRun): NeuralNetwork {
  if (run.hiddenRule !== undefined) nn.deltaRules.hidden = compileSource(run.hiddenRule, "hiddenRule") as HiddenDeltaRule;
  if (run.outputRule !== undefined) nn.deltaRules.output = compileSource(run.outputRule, "outputRule") as OutputDeltaRule;
  if (run.step !== undefined) {
    const step = compileSource(run.step, "step");
    assertStep(step, "step");
    nn.step = step as TrainingStep;
  }
  return nn;
}

/**
 * One run, in this thread: build the network, train it, report. This is
 * what every worker runs too. `onEpoch` is called after every epoch.
 */
export function runExperiment(run: SweepRun, index = 0, onEpoch?: (epoch: number, epochs: number) => void, onRecord?: (record: EpochRecord) => void): SweepResult {
  checkRun(run, "runExperiment: run");
  const { split } = articleData({ noise: run.noise, points: run.points });
  const nn = installSources(articleNetwork(networkOptions(run)), run);
  const epochs = run.epochs ?? 1000;
  const records: EpochRecord[] = [];
  let diverged: string | undefined;
  const t0 = Date.now();
  try {
    nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, run.learningRate ?? 0.01, epochs, {
      recordEvery: run.recordEvery ?? 10,
      onRecord: (r) => {
        records.push(r);
        onRecord?.(r);
      },
      onEpoch,
    });
  } catch (e) {
    if (!(e instanceof TrainingDivergedError)) throw e;
    diverged = e.message;
  }
  const seconds = (Date.now() - t0) / 1000;
  return { index, run, label: runLabel(run), records, final: records[records.length - 1], startedAt: t0, seconds, network: nn.toJSON(), diverged };
}

/** Throws, naming the run and the setting, if any run is not a valid description; trains nothing. */
export function checkRuns(runs: readonly SweepRun[], where: string): void {
  if (!Array.isArray(runs) || runs.length === 0) throw new Error(`${where}: runs must be a non-empty array of runs like [{ seed: 1 }, { seed: 2 }]`);
  runs.forEach((run, i) => checkRun(run, `${where}: runs[${i}]`));
}

