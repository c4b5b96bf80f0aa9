/**
 * The browser kernel's display: what src/notebook/display.ts is on tslab and
 * Deno, with the same exported functions, sending Jupyter display messages
 * through the kernel worker (channel.ts) instead of tslab's or Deno's hook.
 * A figure is ONE output whose bundle holds the Plotly MIME type
 * (`application/vnd.plotly.v1+json`, drawn by the page's renderer with the
 * project's plotly.js) and a text summary; there is no HTML copy of
 * plotly.js to carry, since the page has it. The build bundles this file in
 * place of src/notebook/display.ts (lite/build.mjs), so src/notebook/lab-cell.ts
 * runs unchanged on it.
 */
import type { Figure } from "../../src/figures/figures";
import { type EpochRecord, formatRecord } from "../../src/core/history";
import type { TrainOptions } from "../../src/core/network";
import { formatProgress } from "../../src/lab/progress";
import { currentCell, post } from "./channel";

export type MimeBundle = Record<string, unknown>;

/** Sends one display_data output holding every MIME type of `bundle` (or updates the output `displayId`). */
export function displayBundle(bundle: MimeBundle, options: { displayId?: string; update?: boolean } = {}): void {
  post({ type: "display", id: currentCell(), data: bundle, ...(options.displayId ? { displayId: options.displayId } : {}), update: options.update === true });
}

/** A figure's MIME bundle: the Plotly MIME type and a text summary (`carrier` is accepted for tslab's signature; the page has plotly.js). */
export function figureBundle(figure: Figure, _carrier = false): MimeBundle {
  const title = figure.layout.title;
  const name = typeof title === "string" ? title : title?.text ?? "figure";
  return {
    "application/vnd.plotly.v1+json": { data: figure.data, layout: figure.layout, ...(figure.config ? { config: figure.config } : {}), ...(figure.frames ? { frames: figure.frames } : {}) },
    "text/plain": `<Plotly figure: ${name}, ${figure.data.length} trace(s)>`,
  };
}

/** Shows a Plotly figure as one output. */
export function show(figure: Figure): void {
  displayBundle(figureBundle(figure));
}

/** A figure redrawn in place: the first `update` shows it, later ones replace it (update_display_data). */
export function liveFigure(): { update(figure: Figure, final?: boolean): void } {
  const displayId = `live-figure-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  let created = false;
  return {
    update(figure: Figure) {
      displayBundle(figureBundle(figure), { displayId, update: created });
      created = true;
    },
  };
}

/** A text output that can be rewritten in place: the first `update` creates it, later ones replace it. */
export function liveText(): { update(text: string): void } {
  const displayId = `live-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  let created = false;
  return {
    update(text: string) {
      displayBundle({ "text/plain": text }, { displayId, update: created });
      created = true;
    },
  };
}

/**
 * Training callbacks that keep ONE live line up to date (progress bar, ETA,
 * the latest `Epoch: #.., MSE: .. Accuracy: ..`), as on tslab. It also tells
 * the page which epoch runs, so that an interrupt can say where it stopped.
 */
export function liveProgress(options: { everyMs?: number; onRecord?: (record: EpochRecord) => void } = {}): TrainOptions {
  const line = liveText();
  const everyMs = options.everyMs ?? 250;
  const start = Date.now();
  let lastShown = -Infinity;
  let latest = "";
  return {
    onRecord(record) {
      latest = formatRecord(record);
      options.onRecord?.(record);
    },
    onEpoch(epoch, maxEpochs) {
      const now = Date.now();
      const finished = epoch === maxEpochs;
      if (!finished && now - lastShown < everyMs) return;
      lastShown = now;
      post(finished ? { type: "training", done: true } : { type: "training", epoch, maxEpochs });
      line.update(`${formatProgress(epoch + 1, maxEpochs + 1, (now - start) / 1000)}\n${latest}`);
    },
  };
}
