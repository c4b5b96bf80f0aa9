/**
 * The notebook side: the ONLY module that knows about Jupyter/tslab.
 * tslab's public `display` sends one MIME type per call, so a figure would
 * arrive as three separate outputs; tslab's internal `lastWriteDisplayData`
 * hook sends a whole bundle, and this file is the one place that uses it.
 */
import * as tslabJupyter from "tslab/dist/jupyter";
import type { Figure } from "./figures";
import { EpochRecord, formatRecord } from "./history";
import { figureDiv, plotlyScript } from "./html";
import type { TrainOptions } from "./network";
import { formatProgress } from "./progress";

export type MimeBundle = Record<string, unknown>;

function writer(): typeof tslabJupyter.lastWriteDisplayData {
  const write = tslabJupyter.lastWriteDisplayData;
  if (typeof write !== "function") {
    throw new Error("display: no notebook kernel is running. Call this from a cell of a tslab notebook (kernel \"TypeScript (backprop-moons)\"); outside Jupyter, export figures with standaloneHtml() instead.");
  }
  return write;
}

/** Sends one display_data output holding every MIME type of `bundle` (or updates the output `displayId`). */
export function displayBundle(bundle: MimeBundle, options: { displayId?: string; update?: boolean } = {}): void {
  writer()(
    {
      // tslab types bundle values as strings; JSON MIME types must stay objects.
      data: bundle as unknown as Parameters<typeof tslabJupyter.lastWriteDisplayData>[0]["data"],
      metadata: {},
      transient: options.displayId ? { display_id: options.displayId } : {},
    },
    options.update === true,
  );
}

/**
 * What the kernel launcher (jupyter/tslab-kernel.ts) and this module share.
 * tslab compiles src/ for the cells separately from build/src/, so the two
 * are different module instances: the state lives on globalThis under this
 * one key, and both sides reach it only through `kernelState()`.
 */
export const KERNEL_STATE_KEY = Symbol.for("backprop-moons.kernelState");

export interface KernelState {
  /** Whether plotly.js went out with a figure that the page still has. */
  plotlySent: boolean;
}

export function kernelState(): KernelState {
  const g = globalThis as unknown as Record<symbol, KernelState | undefined>;
  return (g[KERNEL_STATE_KEY] ??= { plotlySent: false });
}

/**
 * Shows a Plotly figure as ONE output: the Plotly MIME type (JupyterLab with
 * the plotly extension, VS Code), HTML that draws offline (plotly.js is
 * inlined with the first figure after the page connected to the kernel;
 * later figures reuse window.Plotly), and a text summary.
 */
export function show(figure: Figure): void {
  const title = figure.layout.title;
  const name = typeof title === "string" ? title : title?.text ?? "figure";
  const state = kernelState();
  const html = (state.plotlySent ? "" : `<script>${plotlyScript()}</script>\n`) + figureDiv(figure);
  displayBundle({
    "application/vnd.plotly.v1+json": { data: figure.data, layout: figure.layout, ...(figure.config ? { config: figure.config } : {}), ...(figure.frames ? { frames: figure.frames } : {}) },
    "text/html": html,
    "text/plain": `<Plotly figure: ${name}, ${figure.data.length} trace(s)>`,
  });
  state.plotlySent = true;
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
 * the latest `Epoch: #.., MSE: .. Accuracy: ..`) instead of printing a wall
 * of text. Updates are throttled so a 15 s run sends a few dozen messages.
 * Usage: `nn.train(XTrain, XTest, yTrain, yTest, 0.01, 1000, liveProgress())`.
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
      line.update(`${formatProgress(epoch + 1, maxEpochs + 1, (now - start) / 1000)}\n${latest}`);
    },
  };
}
