/**
 * A training run kept together with what produced it: the settings, the
 * delta rules (the library's or the learner's own, with their source), when
 * it ended and how, its history and the trained network. Notebook 04 saves
 * one; notebook 05 loads it and says which run it shows. This file makes and
 * checks the record; where it is kept is the caller's (src/node/run-files.ts
 * writes it to a file).
 */
import { DeltaRules, hiddenLayerDelta, outputLayerDelta } from "../core/delta-rules";
import { articleNetwork } from "./experiment";
import { LESSON_SETTINGS, type LabSettings, shapeChangesText, labData } from "./lab";
import { EpochRecord, TrainingHistory, formatRecord } from "../core/history";
import type { Matrix } from "../core/matrix";
import { NeuralNetwork } from "../core/network";
import type { NetworkJSON } from "../core/network-json";
import { formatDuration } from "./progress";

/** A run's settings: the lab's (learning rate, epochs, seed, bias updates, and the hidden activation if not sigmoid). */
export type RunSettings = LabSettings;
export { LESSON_SETTINGS };

/** Which function computed one kind of delta (or the whole step): the library's own, or another one (its source as it was). */
export interface RuleRecord {
  origin: "library" | "own";
  source: string;
}

export interface SavedRun {
  format: "backprop-moons/run";
  version: 1;
  /** Who trained it, e.g. "notebook 04". */
  madeBy: string;
  settings: RunSettings;
  rules: { output: RuleRecord; hidden: RuleRecord; step?: RuleRecord };
  /** When training ended, ISO 8601 (UTC). */
  finishedAt: string;
  seconds: number;
  /** "diverged": the loss became NaN or infinite; the history stops at the last finite record. */
  outcome: "finished" | "diverged";
  message?: string;
  history: { records: EpochRecord[] };
  network: NetworkJSON;
}

/** A saved run with its network and history rebuilt. */
export interface Run {
  saved: SavedRun;
  network: NeuralNetwork;
  history: TrainingHistory;
}

function describeRule(rule: unknown, library: unknown): RuleRecord {
  return { origin: rule === library ? "library" : "own", source: String(rule) };
}

/** The rules (and own step, if any) a network trains with, as a run records them. */
export function recordRules(rules: DeltaRules, step: unknown = null): SavedRun["rules"] {
  return { output: describeRule(rules.output, outputLayerDelta), hidden: describeRule(rules.hidden, hiddenLayerDelta), ...(step ? { step: describeRule(step, null) } : {}) };
}

/**
 * The code of a function without comments and spacing: how a rule's source
 * is compared with the rules notebook 04 commits (its kernel compiles the
 * cell first, which keeps the code and may change only spacing).
 */
export function codeOf(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").replace(/\s+/g, "");
}

/** FNV-1a (32 bits) of the text, in hex: a short fingerprint. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Fingerprints of `codeOf` the two rules notebook 04 commits (`myOutputDelta`,
 * `myHiddenDelta`): they are the lesson's rules written out, so a run with
 * them unedited is the lesson's run. test/runs.test.ts recomputes them from
 * the notebook, so an edit of 04's rules must update them here.
 */
export const LESSON_RULE_FINGERPRINTS = { output: "0a862a78", hidden: "bf4a9640" } as const;

/** Whether a recorded rule is the library's, the lesson's as written in notebook 04, or the learner's own. */
export function ruleKind(kind: "output" | "hidden", rule: RuleRecord): "library" | "lesson" | "own" {
  if (rule.origin === "library") return "library";
  return fingerprint(codeOf(rule.source)) === LESSON_RULE_FINGERPRINTS[kind] ? "lesson" : "own";
}

/** The fingerprint `LESSON_RULE_FINGERPRINTS` holds for a rule's source. */
export function ruleFingerprint(source: string): string {
  return fingerprint(codeOf(source));
}

/** The history a divergence error carries (train throws one when the loss stops being finite), if `e` is such an error. */
function divergedHistory(e: unknown): TrainingHistory | undefined {
  const history = e instanceof Error ? (e as Error & { history?: unknown }).history : undefined;
  return history instanceof TrainingHistory ? history : undefined;
}

/** What one training call produced: its history, how long it took, and the message if it diverged. */
export interface TrainingOutcome {
  history: TrainingHistory;
  seconds: number;
  /** Set when the loss became NaN or infinite: the error's message; the history stops at the last finite record. */
  diverged?: string;
}

/**
 * Runs `training` (a call of `network.train`) and times it. A divergence is
 * returned (with the history so far), not thrown, so that a broken rule can
 * be shown beside working ones; any other error is rethrown.
 */
export function timedTraining(training: () => TrainingHistory): TrainingOutcome {
  const start = Date.now();
  try {
    const history = training();
    return { history, seconds: (Date.now() - start) / 1000 };
  } catch (e) {
    const history = divergedHistory(e);
    if (!history) throw e;
    return { history, seconds: (Date.now() - start) / 1000, diverged: (e as Error).message };
  }
}

/** The record of a run: the network as trained, its settings and rules, and the outcome of its training. */
export function savedRunOf(network: NeuralNetwork, settings: RunSettings, { history, seconds, diverged }: TrainingOutcome, madeBy = "notebook 04"): SavedRun {
  return {
    format: "backprop-moons/run",
    version: 1,
    madeBy,
    settings: { ...settings },
    rules: recordRules(network.deltaRules, network.step),
    finishedAt: new Date().toISOString(),
    seconds,
    outcome: diverged === undefined ? "finished" : "diverged",
    ...(diverged === undefined ? {} : { message: diverged }),
    history: history.toJSON(),
    network: network.toJSON(),
  };
}

/**
 * A saved run (`where` names it in errors, e.g. the file it came from) with
 * its network and history rebuilt. With test data, also checks that the
 * network gives the test accuracy its history ends with, so a network and a
 * history from different runs are never shown together (a run trained on
 * other data, `settings.noise` or `settings.points`, is checked on its own
 * test data instead).
 */
export function runFromSaved(value: unknown, where: string, test?: { XTest: Matrix; yTest: ArrayLike<number> }): Run {
  const saved = value as SavedRun;
  if (!saved || typeof saved !== "object" || saved.format !== "backprop-moons/run" || saved.version !== 1 || !saved.settings || !saved.rules || typeof saved.finishedAt !== "string") {
    throw new Error(`loadRun: ${where} is not a saved run (format "backprop-moons/run", version 1)`);
  }
  const history = TrainingHistory.fromJSON(saved.history);
  const network = NeuralNetwork.fromJSON(saved.network);
  if (test && history.last) {
    if (saved.settings.noise !== undefined || saved.settings.points !== undefined) test = labData(saved.settings).split;
    const accuracy = network.accuracy(network.predict(test.XTest), test.yTest);
    if (accuracy !== history.last.accuracy) {
      throw new Error(`loadRun: the network in ${where} gives ${(accuracy * 100).toFixed(2)}% test accuracy, but its history ends at ${(history.last.accuracy * 100).toFixed(2)}%: it was changed after it was saved`);
    }
  }
  return { saved, network, history };
}

/** Whether these are the lesson's settings (a hidden activation other than the lesson's sigmoid is not). */
export function isLessonSettings(settings: RunSettings): boolean {
  const l = LESSON_SETTINGS;
  return settings.learningRate === l.learningRate && settings.epochs === l.epochs && settings.seed === l.seed && settings.updateBias === l.updateBias &&
    shapeChangesText(settings) === "";
}

function rulesText(rules: SavedRun["rules"]): string {
  if (rules.step) return "your own whole step";
  const output = ruleKind("output", rules.output);
  const hidden = ruleKind("hidden", rules.hidden);
  if (output === "library" && hidden === "library") return "the library's outputLayerDelta and hiddenLayerDelta";
  if (output === "lesson" && hidden === "lesson") return "the article's rules, as written in 04";
  const one = (name: string, kind: string) => (kind === "library" ? `the library's ${name}` : kind === "lesson" ? "the article's, as written in 04" : "your own");
  return `output: ${one("outputLayerDelta", output)}; hidden: ${one("hiddenLayerDelta", hidden)}`;
}

/** Whether the run trained with the lesson's formulas: the library's rules or 04's unedited copies of them. */
function lessonRules(rules: SavedRun["rules"]): boolean {
  return !rules.step && ruleKind("output", rules.output) !== "own" && ruleKind("hidden", rules.hidden) !== "own";
}

function ago(iso: string, now: Date): string {
  const minutes = Math.round((now.getTime() - new Date(iso).getTime()) / 60000);
  if (!Number.isFinite(minutes)) return "";
  if (minutes < 1) return " (just now)";
  if (minutes < 120) return ` (${minutes} min ago)`;
  return ` (${Math.round(minutes / 60)} h ago)`;
}

/** A few lines saying which run this is: who made it and when, its settings and rules, how it ended. */
export function describeRun(run: Run, now = new Date()): string {
  const { saved, history } = run;
  const s = saved.settings;
  const settings = `learning rate ${s.learningRate}, ${s.epochs} epochs, seed ${s.seed}, biases ${s.updateBias ? "trained" : "fixed"}` +
    shapeChangesText(s) +
    (isLessonSettings(s) ? " (the article's)" : " (not the article's)");
  const last = history.last ? formatRecord(history.last) : "nothing recorded";
  const lines = [
    `run:      ${saved.madeBy}, finished ${saved.finishedAt.replace("T", " ").slice(0, 16)} UTC${ago(saved.finishedAt, now)}, trained in ${formatDuration(saved.seconds)}`,
    `settings: ${settings}`,
    `rules:    ${rulesText(saved.rules)}`,
    saved.outcome === "finished" ? `result:   ${last}` : `result:   DIVERGED; last finite record: ${last}\n          ${saved.message ?? ""}`,
  ];
  return lines.join("\n");
}

/**
 * What a run's final test accuracy means against the lesson's 97.67%. Throws
 * only when a run with the lesson's settings and the lesson's formulas (the
 * library's rules, or 04's unedited copies of them, recognised by their
 * fingerprints) misses 97%: then src/ is broken, not the learner's derivation.
 */
export function compareWithLesson(run: Run): string {
  const { saved, history } = run;
  const accuracy = history.last?.accuracy ?? NaN;
  const percent = `${(accuracy * 100).toFixed(2)}%`;
  const libraryRules = lessonRules(saved.rules);
  if (saved.outcome === "diverged") return `This run diverged (see its message); the article reaches 97.67%.`;
  if (!isLessonSettings(saved.settings)) return `Test accuracy ${percent} with your settings; the article's settings reach 97.67%.`;
  if (libraryRules && !(accuracy >= 0.97)) {
    throw new Error(`compareWithLesson: the article's settings with the article's rules (${rulesText(saved.rules)}) should reach at least 97% test accuracy, got ${percent}: something in src/ is broken`);
  }
  if (libraryRules) return `Test accuracy ${percent} with the article's settings and the ${rulesText(saved.rules).startsWith("the library's") ? "library's" : "article's"} rules (the article reports 97.67%).`;
  return `Test accuracy ${percent} with the article's settings and your rules (${rulesText(saved.rules)}); the library's rules reach 97.67% with these settings.` +
    (accuracy >= 0.97 ? " Your rules reproduce the article." : " Your rules fall short of the article's 97%: check them with the gradient check (notebooks 03 and 06).");
}

/** The lesson's network (2-25-50-25-2 sigmoid, or `settings.layers` and `settings.hidden`) with the library's rules, initial weights from `settings.seed`. */
export function lessonNetwork(settings: RunSettings = LESSON_SETTINGS): NeuralNetwork {
  return articleNetwork({ seed: settings.seed, updateBias: settings.updateBias, hidden: settings.hidden, layers: settings.layers });
}
