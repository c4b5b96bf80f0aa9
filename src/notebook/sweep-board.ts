/**
 * Sweeps in a notebook, for notebook 07: runs trained on worker threads
 * (src/node/sweep-pool.ts) with a text board of their progress, written
 * through any `{ update(text) }` (e.g. display.ts's liveText).
 */
import { type ComparedRun, fromSweepResult } from "../lab/compare";
import { formatDuration, formatProgress } from "../lab/progress";
import { type SweepProgress, type SweepResult, type SweepRun, checkRuns, runLabel } from "../lab/sweep";
import { type SweepOptions, sweep } from "../node/sweep-pool";

const percent = (v: number): string => `${(100 * v).toFixed(2)}%`;

/** The sweep's runs as text, one line each: a progress bar while it trains, its final record once done. */
function board(labels: string[], progress: (SweepProgress | undefined)[], done: (SweepResult | undefined)[], elapsed: number): string {
  const width = Math.max(...labels.map((l) => l.length));
  const lines = labels.map((label, i) => {
    const r = done[i];
    if (r) return `${label.padEnd(width)}  done in ${formatDuration(r.seconds)}, ${r.diverged ? "DIVERGED" : `final test accuracy ${percent(r.final?.accuracy ?? NaN)}`}`;
    const p = progress[i];
    return `${label.padEnd(width)}  ${p ? formatProgress(p.epoch + 1, p.epochs + 1, elapsed) : "waiting for a free core"}`;
  });
  return `${lines.join("\n")}\n${done.filter(Boolean).length} of ${labels.length} runs done, ${formatDuration(elapsed)} so far`;
}

/** A sweep that is training in the background (see `startSweep`). */
export interface RunningSweep {
  /**
   * Waits for every run, writing the progress board to `out` from now on,
   * and resolves with the runs in the order given to `startSweep`. Can be
   * awaited again (by a later cell): it then resolves at once.
   */
  finished(out: { update(text: string): void }): Promise<ComparedRun[]>;
}

/** The sweep `startSweep` started last, while it trains. */
let latest: AbortController | undefined;

/**
 * Starts `sweep(runs)` (worker threads, one per core) and returns at once,
 * so this thread can do something else meanwhile: notebook 07 trains its
 * baseline while the workers train every other run. The runs are checked
 * now (a bad setting throws here); a failure during training is reported
 * where `finished` is awaited. A sweep started earlier by `startSweep` that
 * is still training is stopped first (its `finished` rejects, saying so):
 * re-running the notebook cell that started it must not leave the old runs
 * holding the cores.
 */
export function startSweep(runs: readonly SweepRun[], options: Pick<SweepOptions, "workers"> = {}): RunningSweep {
  checkRuns(runs, "startSweep");
  latest?.abort(new Error("a newer startSweep replaced it"));
  const controller = new AbortController();
  latest = controller;
  return launch(runs, { ...options, signal: controller.signal }, () => {
    if (latest === controller) latest = undefined;
  });
}

/**
 * `sweep(runs)` (worker threads, one per core) with a progress board written
 * to `out` a few times a second; resolves with the runs in the given order.
 * It leaves a sweep started by `startSweep` running.
 */
export async function sweepWithProgress(runs: readonly SweepRun[], out: { update(text: string): void }, options: Pick<SweepOptions, "workers"> = {}): Promise<ComparedRun[]> {
  checkRuns(runs, "sweepWithProgress");
  return launch(runs, options, () => undefined).finished(out);
}

/** Starts the sweep; the board goes to whichever `out` `finished` was last given. */
function launch(runs: readonly SweepRun[], options: Pick<SweepOptions, "workers" | "signal">, ended: () => void): RunningSweep {
  const labels = runs.map(runLabel);
  const progress: (SweepProgress | undefined)[] = runs.map(() => undefined);
  const done: (SweepResult | undefined)[] = runs.map(() => undefined);
  const start = Date.now();
  let out: { update(text: string): void } | undefined;
  let shownAt = 0;
  const refresh = (force: boolean) => {
    const now = Date.now();
    if (out === undefined || (!force && now - shownAt < 250)) return;
    shownAt = now;
    out.update(board(labels, progress, done, (now - start) / 1000));
  };
  const training = sweep(runs, {
    ...options,
    onProgress: (p) => {
      progress[p.index] = p;
      refresh(false);
    },
    onResult: (r) => {
      done[r.index] = r;
      refresh(true);
    },
  });
  // Handled here, so a failure is not an unhandled rejection while other cells run: `finished` reports it.
  training.then(ended, ended);
  return {
    async finished(display) {
      out = display;
      refresh(true);
      const results = await training;
      refresh(true);
      return results.map(fromSweepResult);
    },
  };
}

