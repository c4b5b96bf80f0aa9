/**
 * The lab's run cache: re-running a cell whose candidate and settings did not
 * change shows the run trained before instead of training it again.
 *
 * What "did not change" means has to cover what the candidate DOES, not only
 * its text: a rule that multiplies by a constant from another cell has the
 * same source after that constant changed. So a candidate's run is keyed on
 * its source, the settings, AND the fingerprint of every number the check
 * (src/lab/lab-check.ts) saw it compute, bit for bit. A candidate that gave
 * different numbers for the same sample twice (it keeps state, or draws
 * random numbers) is never cached. The library's own rules ({}) depend only
 * on src/ and the settings.
 *
 * The cache keeps copies: the network it hands out can be trained further
 * without changing what the cache shows next time.
 *
 * It lives on globalThis, so every copy of this module in a kernel (tslab
 * compiles src/ once per importing cell's module graph) shares it.
 */
import { hiddenLayerDelta, outputLayerDelta } from "../core/delta-rules";
import { TrainingHistory } from "../core/history";
import { NeuralNetwork } from "../core/network";
import { type Candidate, LESSON_SHAPE, type LabRun, type LabSettings, hiddenActivations, isLibrary, labSettings } from "./lab";
import { type CandidateCheck, checkCandidate } from "./lab-check";

/** What the cache holds for one run. */
interface Entry {
  run: LabRun;
  /** When it finished training (Date.now()). */
  at: number;
}

const CACHE_KEY = Symbol.for("backprop-moons.labRuns");

/** The runs trained in this session (kernel or page), by `runKey`. */
export function labCache(): Map<string, Entry> {
  const g = globalThis as unknown as Record<symbol, Map<string, Entry> | undefined>;
  return (g[CACHE_KEY] ??= new Map());
}

/** The settings as text, absent ones filled in with the lesson's, so equal settings give equal text. */
function settingsKey(s: LabSettings): string {
  return JSON.stringify({
    learningRate: s.learningRate, epochs: s.epochs, seed: s.seed, updateBias: s.updateBias,
    hidden: hiddenActivations(s), layers: s.layers ?? LESSON_SHAPE.layers, noise: s.noise ?? LESSON_SHAPE.noise, points: s.points ?? LESSON_SHAPE.points,
  });
}

/**
 * What identifies a run: for the library's rules, the settings; for a
 * candidate of one's own, also the source text of its functions and the
 * fingerprint of what its check computed. Undefined when the run must not be
 * cached (the check found the candidate does not repeat itself).
 */
export function runKey(candidate: Candidate, settings: LabSettings, check?: Pick<CandidateCheck, "fingerprint" | "repeatable">): string | undefined {
  const s = settingsKey(settings);
  if (isLibrary(candidate)) return `library | ${s}`;
  if (!check) throw new Error("runKey: a candidate of your own needs its check (checkCandidate(candidate, settings)): its source alone does not say what it computes");
  if (!check.repeatable) return undefined;
  if (typeof candidate === "function") return `step ${String(candidate)} | ${s} | computes ${check.fingerprint}`;
  const source = (f: unknown, library: unknown) => (f === undefined || f === library ? "library" : String(f));
  return `output ${source(candidate.output, outputLayerDelta)} | hidden ${source(candidate.hidden, hiddenLayerDelta)} | ${s} | computes ${check.fingerprint}`;
}

/** A network with the same weights, activations, loss, rules and step, sharing no array with the original. */
export function copyNetwork(network: NeuralNetwork): NeuralNetwork {
  const copy = NeuralNetwork.fromJSON(network.toJSON(), { activations: network.layers.map((l) => l.activation), loss: network.loss });
  copy.deltaRules = { ...network.deltaRules };
  copy.step = network.step;
  return copy;
}

/** A run that shares no network or history with `run`. */
export function copyRun(run: LabRun): LabRun {
  return { ...run, settings: { ...run.settings }, history: TrainingHistory.fromJSON(run.history.toJSON()), network: copyNetwork(run.network) };
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

/**
 * The cached run of this candidate with these settings (a copy, marked
 * `cached`, with `reused` saying why it is believed to be the same), or
 * undefined. For a candidate of one's own, pass the check the lab made; if
 * none is given, this runs the check itself, which calls the candidate's
 * functions (see checkCandidate's `calls`).
 */
export function cachedRun(candidate: Candidate, settings: Partial<LabSettings>, check?: CandidateCheck): LabRun | undefined {
  const s = labSettings(settings, "cachedRun");
  const own = !isLibrary(candidate);
  const c = own ? (check ?? checkCandidate(candidate, s)) : undefined;
  const key = runKey(candidate, s, c);
  const entry = key === undefined ? undefined : labCache().get(key);
  if (!entry) return undefined;
  const why = own
    ? `the same source and settings, and the same numbers, bit for bit, on the check's training samples ${c!.samples.join(", ")} (fingerprint ${c!.fingerprint}), as the run trained ${ago(Date.now() - entry.at)} in this session`
    : `the library's rules with the same settings, trained ${ago(Date.now() - entry.at)} in this session`;
  return { ...copyRun(entry.run), cached: true, reused: why };
}

/** Keeps a copy of a run that trained to its end (finished or diverged) under its key; a run whose candidate does not repeat itself is not kept. */
export function rememberRun(candidate: Candidate, settings: LabSettings, run: LabRun, check?: CandidateCheck): void {
  const key = runKey(candidate, labSettings(settings, "rememberRun"), isLibrary(candidate) ? undefined : check);
  if (key !== undefined) labCache().set(key, { run: { ...copyRun(run), cached: false }, at: Date.now() });
}
