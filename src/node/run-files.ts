/**
 * Runs kept in files: notebook 04 saves its run to output/run.json, notebook
 * 05 loads it (src/lab/runs.ts says what a run record holds). Saving first
 * deletes the previous run, so an older run can never be shown as the
 * current one.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Split } from "../core/data";
import type { TrainingHistory } from "../core/history";
import type { Matrix } from "../core/matrix";
import type { NeuralNetwork, TrainOptions } from "../core/network";
import { LESSON_SETTINGS, type LabRun } from "../lab/lab";
import { type Run, type RunSettings, type TrainingOutcome, lessonNetwork, runFromSaved, savedRunOf, timedTraining } from "../lab/runs";

/** Where notebook 04 saves its run and notebook 05 looks for it. */
export const RUN_FILE = "output/run.json";

export interface SaveOptions {
  /** Default RUN_FILE. */
  file?: string;
  /** Who trained it, e.g. "notebook 04" (the default). */
  madeBy?: string;
}

function writeRun(network: NeuralNetwork, settings: RunSettings, outcome: TrainingOutcome, options: SaveOptions): Run {
  const file = options.file ?? RUN_FILE;
  const saved = savedRunOf(network, settings, outcome, options.madeBy);
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true });
  writeFileSync(file, JSON.stringify(saved, null, 1));
  return { saved, network, history: outcome.history };
}

/**
 * Runs `training` (a call of `network.train`) and saves the run to `file`,
 * deleting the previous run there first. A divergence is saved and returned
 * as outcome "diverged" (with the history so far), not thrown, so the
 * notebook can show what happened; any other error is rethrown.
 */
export function recordRun(network: NeuralNetwork, settings: RunSettings, training: () => TrainingHistory, options: SaveOptions = {}): Run {
  rmSync(options.file ?? RUN_FILE, { force: true });
  return writeRun(network, settings, timedTraining(training), options);
}

/** Saves a run of the lab (`lab()` in a notebook) to `file` for notebook 05, in place of the previous one. */
export function saveRun(run: LabRun, options: SaveOptions = {}): Run {
  return writeRun(run.network, run.settings, run, options);
}

/**
 * Loads the run saved in `file`. With test data, also checks that the saved
 * network gives the test accuracy its history ends with (see runFromSaved).
 */
export function loadRun(file = RUN_FILE, test?: { XTest: Matrix; yTest: ArrayLike<number> }): Run {
  if (!existsSync(file)) throw new Error(`loadRun: no saved run at ${file}; notebook 04 saves one`);
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`loadRun: ${file} is not valid JSON (${(e as Error).message})`);
  }
  return runFromSaved(saved, file, test);
}

/**
 * The run saved in `file` (checked against the test data), or, if there is
 * none yet, the lesson's run trained now and saved there.
 */
export function savedOrLessonRun(data: Split, progress: TrainOptions = {}, file = RUN_FILE): Run {
  if (existsSync(file)) return loadRun(file, data);
  const network = lessonNetwork();
  const s = LESSON_SETTINGS;
  return recordRun(network, s, () => network.train(data.XTrain, data.XTest, data.yTrain, data.yTest, s.learningRate, s.epochs, progress), {
    file,
    madeBy: "notebook 05 (no saved run was found, so it trained the article's)",
  });
}
