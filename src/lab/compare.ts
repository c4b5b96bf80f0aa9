/**
 * Comparing training runs, for notebook 07: a run trained elsewhere (a
 * sweep's result) becomes a history again, and a few numbers summarise each
 * run.
 */
import { EpochRecord, TrainingHistory } from "../core/history";
import type { SweepResult } from "./sweep";

/** A finished run, as the comparisons use it. */
export interface ComparedRun {
  label: string;
  history: TrainingHistory;
  /** Test accuracy of the final network (the last record). */
  finalAccuracy: number;
  seconds: number;
  /** The divergence message, if the loss stopped being finite. */
  diverged?: string;
}

/** A history and its timing as a ComparedRun. */
export function comparedRun(label: string, history: TrainingHistory, seconds: number, diverged?: string): ComparedRun {
  return { label, history, finalAccuracy: history.last?.accuracy ?? NaN, seconds, ...(diverged === undefined ? {} : { diverged }) };
}

export function fromSweepResult(result: SweepResult): ComparedRun {
  return comparedRun(result.label, TrainingHistory.fromJSON({ records: result.records }), result.seconds, result.diverged);
}

const percent = (v: number): string => `${(100 * v).toFixed(2)}%`;

/** The first recorded epoch whose test accuracy is above `threshold`, or "never". */
export function escapeEpoch(history: TrainingHistory, threshold: number): number | "never" {
  const record = history.records.find((r: EpochRecord) => r.accuracy > threshold);
  return record ? record.epoch : "never";
}

/** One row of a comparison table. */
export function summaryRow(run: ComparedRun, threshold: number): Record<string, string | number> {
  return {
    run: run.label,
    "final accuracy": run.diverged ? "diverged" : percent(run.finalAccuracy),
    "final MSE": +(run.history.last?.mse ?? NaN).toFixed(5),
    "escape epoch": escapeEpoch(run.history, threshold),
    seconds: +run.seconds.toFixed(1),
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median: values must be non-empty");
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
