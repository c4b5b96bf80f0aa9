/**
 * The lab in a notebook, one call per cell: `await lab(myRules)` prints the
 * per-layer check against the library (src/lab/lab-check.ts), then trains with a
 * figure that redraws while it trains (src/figures/live-figure.ts, shown through
 * src/notebook/display.ts), the library's reference run drawn behind it in grey.
 *
 * Runs are cached for the kernel session (src/lab/lab-cache.ts): re-running a
 * cell whose candidate computes the same numbers with the same source and
 * settings trains nothing, and says why. A
 * reference run that is not cached yet trains on a worker thread beside the
 * learner's run (src/node/sweep-pool.ts), its records shared as they come.
 */
import { liveFigure, liveProgress } from "./display";
import { type Figure, classOneScore } from "../figures/figures";
import { TrainingHistory, formatRecord } from "../core/history";
import { type Candidate, type LabRun, type LabSettings, describeCandidate, shapeChangesText, isLibrary, labData, labNetwork, labSettings, trainCandidate } from "../lab/lab";
import { cachedRun, rememberRun } from "../lab/lab-cache";
import { checkCandidate } from "../lab/lab-check";
import { liveFrames, liveGrid, trainingFigure } from "../figures/live-figure";
import { NeuralNetwork } from "../core/network";
import { formatDuration } from "../lab/progress";
import { SharedRecords, sweep } from "../node/sweep-pool";

export interface LabOptions {
  /** The run's name in the figure and the messages; default from the candidate ("your hidden rule", "your step"). */
  label?: string;
  /** Print the per-layer check before training (default true). */
  check?: boolean;
}

const settingsText = (s: LabSettings): string =>
  `learning rate ${s.learningRate}, ${s.epochs} epochs, seed ${s.seed}${s.updateBias ? ", biases trained" : ""}${shapeChangesText(s)}`;

/** The reference run (the library's rules) as a LabRun, from a sweep's result. */
function referenceFromSweep(result: Awaited<ReturnType<typeof sweep>>[number], s: LabSettings): LabRun {
  return {
    label: "the library's rules",
    settings: s,
    history: TrainingHistory.fromJSON({ records: result.records }),
    network: NeuralNetwork.fromJSON(result.network),
    seconds: result.seconds,
    cached: false,
    ...(result.diverged === undefined ? {} : { diverged: result.diverged }),
  };
}

/** The final frame of a run (from the cache, or after training), with the reference behind it. */
function finalFigure(run: LabRun, reference: LabRun | undefined, title: string): Figure {
  const { split } = labData(run.settings);
  const grid = liveGrid(split.XTest);
  return trainingFigure({
    title,
    records: run.history.records,
    reference: reference?.history.records,
    epochs: run.settings.epochs,
    boundary: { grid, z: classOneScore(run.network, grid) },
    points: { X: split.XTest, y: split.yTest },
  });
}

function outcome(run: LabRun): string {
  const last = run.history.last;
  return run.diverged ? `DIVERGED (last finite record: ${last ? formatRecord(last) : "none"})` : last ? formatRecord(last) : "nothing recorded";
}

/**
 * What to tell a learner whose run diverged, beyond the message: whether the
 * library's rules train at the same settings (then the learning rate is not
 * the cause, the rule is).
 */
function divergenceAdvice(run: LabRun, reference: LabRun | undefined, candidate: Candidate): string {
  if (!run.diverged) return "";
  if (reference && !reference.diverged) {
    return `\n  The library's rules train at these very settings (${outcome(reference)}), so the learning rate is not the cause: look at ${describeCandidate(candidate)}; the check says which quantity of which layer differs first.`;
  }
  if (reference?.diverged) return "\n  The library's rules diverge at these settings too: the settings (the learning rate first) are the cause, not your rule.";
  return "";
}

/**
 * Checks `candidate` (your delta rules `{ output?, hidden? }`, or your whole
 * step `(layers, x, y, lr) => ...`) against the library's rules, then trains
 * it on the lesson's network and data with `settings` (default the lesson's),
 * drawing the curves and the decision boundary as it trains. Returns the run.
 * A run trained earlier in this kernel session from the same source and
 * settings, whose check computed the same numbers bit for bit, is shown again
 * instead of retrained (src/lab/lab-cache.ts), and the output says why.
 * `options.check: false` prints no table, but the check still runs (the cache
 * needs its numbers), so the candidate is called as often either way.
 */
export async function lab(candidate: Candidate, settings: Partial<LabSettings> = {}, options: LabOptions = {}): Promise<LabRun> {
  const s = labSettings(settings, "lab");
  labNetwork(candidate, s, "lab"); // refuses a bad candidate before anything runs
  const name = options.label ?? describeCandidate(candidate);
  const title = `${name}: ${settingsText(s)} (grey: the library's rules)`;
  const library = isLibrary(candidate);
  const check = library ? undefined : checkCandidate(candidate, s);
  if (check && (options.check ?? true)) console.log(check.report() + "\n");
  else if (check && check.calls > 0) console.log(`(The check before training called ${check.candidate} ${check.calls} time(s).)`);

  const cached = cachedRun(candidate, s, check);
  let reference = library ? undefined : cachedRun({}, s);
  if (cached) {
    console.log(`${name}: nothing trained now; this is the run with ${cached.reused}.\n  ${outcome(cached)}${divergenceAdvice(cached, reference, candidate)}`);
    liveFigure().update(finalFigure(cached, reference, title), true);
    return cached;
  }
  if (check && !check.repeatable) console.log(`${name}: gave different numbers for the same sample twice in the check, so it is trained now and its run is not kept for reuse.`);

  // The reference: cached, the candidate itself, or trained on a worker thread meanwhile.
  let shared: SharedRecords | undefined;
  let pending: Promise<LabRun> | undefined;
  if (!library && reference === undefined) {
    shared = new SharedRecords(1, SharedRecords.capacityFor(s.epochs, 10));
    const sh = shared;
    const run = {
      label: "reference", seed: s.seed, learningRate: s.learningRate, epochs: s.epochs, updateBias: s.updateBias,
      ...(s.hidden ? { hidden: s.hidden } : {}), ...(s.layers ? { layers: s.layers } : {}), ...(s.noise !== undefined ? { noise: s.noise } : {}), ...(s.points !== undefined ? { points: s.points } : {}),
    };
    pending = sweep([run], { workers: 1, shared: sh }).then(([r]) => {
      const run = referenceFromSweep(r, s);
      rememberRun({}, s, run); // even if this cell is interrupted meanwhile
      return run;
    });
    pending.catch(() => undefined); // reported where it is awaited
  }
  console.log(library ? `${name}: this run is the reference.` :
    reference ? "reference (the library's rules, same settings): from this session's cache." :
      "reference (the library's rules, same settings): not trained yet in this session; it trains on a second thread beside yours.");

  const { split } = labData(s);
  const figure = liveFigure();
  let draw = (): void => undefined;
  let final = false; // the last frame carries plotly.js when this figure is the session's carrier (liveFigure)
  let run: LabRun;
  try {
    run = trainCandidate(candidate, s, {
      label: name,
      watch: (network) => {
        const frames = liveFrames(network, { X: split.XTest, y: split.yTest }, (f) => figure.update(f, final), {
          title,
          epochs: s.epochs,
          reference: () => reference?.history.records ?? shared?.read(0) ?? [],
        });
        draw = frames.draw;
        const progress = liveProgress();
        return {
          onRecord: (r) => (progress.onRecord?.(r), frames.train.onRecord?.(r)),
          onEpoch: (e, m) => (progress.onEpoch?.(e, m), frames.train.onEpoch?.(e, m)),
        };
      },
    });
  } catch (e) {
    // Nothing is cached for this candidate: the error says which function threw, where (TrainingStepError).
    if (pending) await pending.catch(() => undefined);
    throw e;
  }
  if (pending) {
    try {
      reference = await pending;
    } catch (e) {
      console.log(`reference run failed on its thread: ${(e as Error).message}`);
    }
  }
  if (library) rememberRun({}, s, run);
  else rememberRun(candidate, s, run, check);
  final = true;
  draw(); // the last frame, with the whole reference (and after a divergence)
  console.log(`${name}: trained in ${formatDuration(run.seconds)} (now, not from the cache). ${outcome(run)}${divergenceAdvice(run, reference, candidate)}`);
  if (reference) console.log(`the library's rules:  ${outcome(reference)}`);
  return run;
}

/**
 * Every candidate trained with the same settings, in order, each with its
 * live figure, as `lab()` trains it (the check runs, without its table, so
 * each candidate is called as often as under `lab()`): those trained earlier
 * in this session come from the cache, and the table says so. Returns the runs.
 */
export async function compareCandidates(candidates: readonly { name: string; candidate: Candidate }[], settings: Partial<LabSettings> = {}): Promise<LabRun[]> {
  if (!Array.isArray(candidates) || candidates.length === 0) throw new Error("compareCandidates: candidates must be a non-empty array of { name, candidate }");
  const s = labSettings(settings, "compareCandidates");
  candidates.forEach(({ candidate }, i) => labNetwork(candidate, s, `compareCandidates: candidates[${i}]`));
  const runs: LabRun[] = [];
  for (const { name, candidate } of candidates) runs.push({ ...(await lab(candidate, s, { label: name, check: false })), label: name });
  const trained = runs.filter((r) => !r.cached).length;
  console.table(runs.map((r) => ({
    rules: r.label,
    "last record": r.history.last ? `epoch ${r.history.last.epoch}: MSE ${r.history.last.mse.toFixed(4)}, accuracy ${(r.history.last.accuracy * 100).toFixed(2)}%` : "none",
    outcome: r.diverged ? "diverged" : "finished",
    time: r.cached ? `cached (${formatDuration(r.seconds)})` : formatDuration(r.seconds),
  })));
  console.log(trained === 0 ? `Nothing trained: all ${runs.length} runs come from this session's cache (same source, settings and check numbers).` : `${trained} run(s) trained now, ${runs.length - trained} from this session's cache.`);
  return runs;
}
