import { describe, integerIn, numberIn } from "../core/validate";

/**
 * Seconds as "1m 05s" or "7.2s". NaN and Infinity mean "not known yet" (an
 * ETA before the first epoch) and print as "?"; a negative duration or a
 * non-number is an error.
 */
export function formatDuration(seconds: number): string {
  if (typeof seconds !== "number" || seconds < 0) {
    throw new Error(`formatDuration: seconds must be a number >= 0 (NaN or Infinity for "unknown"), got ${describe(seconds)}`);
  }
  if (!Number.isFinite(seconds)) return "?";
  // Round first, then split: 59.96 s is "1m 00s" (not "60.0s"), 119.7 s is "2m 00s" (not "1m 60s").
  const tenths = Math.round(seconds * 10);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, "0")}s`;
}

/**
 * A one-line progress bar for training, e.g.
 * `[##########----------]  50% epoch 500/1000  elapsed 7.1s  ETA 7.1s`.
 * `done` counts finished passes out of `total`; `width` is the bar's length in characters.
 */
export function formatProgress(done: number, total: number, elapsedSeconds: number, width = 24): string {
  integerIn(total, 1, Number.MAX_SAFE_INTEGER, "total", "formatProgress");
  integerIn(done, 0, total, "done", "formatProgress");
  numberIn(elapsedSeconds, 0, Number.MAX_VALUE, "elapsedSeconds", "formatProgress");
  integerIn(width, 1, 1000, "width", "formatProgress");
  const fraction = done / total;
  const filled = Math.round(fraction * width);
  const eta = done > 0 ? (elapsedSeconds * (total - done)) / done : NaN;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% epoch ${done}/${total}  elapsed ${formatDuration(elapsedSeconds)}  ETA ${formatDuration(eta)}`;
}
