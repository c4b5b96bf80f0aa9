/** Seconds as "1m 05s" or "7.2s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m ${String(Math.round(seconds - 60 * m)).padStart(2, "0")}s`;
}

/**
 * A one-line progress bar for training, e.g.
 * `[##########----------]  50% epoch 500/1000  elapsed 7.1s  ETA 7.1s`.
 * `done` counts finished passes out of `total`.
 */
export function formatProgress(done: number, total: number, elapsedSeconds: number, width = 24): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(fraction * width);
  const eta = done > 0 ? (elapsedSeconds * (total - done)) / done : NaN;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% epoch ${done}/${total}  elapsed ${formatDuration(elapsedSeconds)}  ETA ${formatDuration(eta)}`;
}
