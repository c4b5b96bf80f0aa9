import { readFileSync } from "node:fs";
import type { Figure } from "./figures";

let plotlySource: string | undefined;

/** plotly.min.js from the plotly.js-dist-min package (4.8 MB), read once. */
export function plotlyScript(): string {
  plotlySource ??= readFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
  return plotlySource;
}

/** Text made safe to put in HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** JSON that can sit inside a <script> element: `<` is escaped so no string can close the tag. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

let nextId = 0;

/**
 * A <div> plus the script that draws `figure` into it with `window.Plotly`
 * (which the page must already have). Frames, if any, are added for animations.
 */
export function figureDiv(figure: Figure, id = `plot-${Date.now().toString(36)}-${nextId++}`): string {
  const height = typeof figure.layout.height === "number" ? `${figure.layout.height}px` : "450px";
  return [
    `<div id="${escapeHtml(id)}" class="plotly-figure" style="width:100%;max-width:${escapeHtml(String(figure.layout.width ?? 720))}px;height:${height}"></div>`,
    `<script>(function(){var f=${scriptJson(figure)};var el=document.getElementById(${scriptJson(id)});`,
    `window.Plotly.newPlot(el,f.data,f.layout,Object.assign({responsive:true},f.config||{})).then(function(){if(f.frames){return window.Plotly.addFrames(el,f.frames);}});})();</script>`,
  ].join("\n");
}

/** A standalone page with plotly.js inlined: opens offline, no CDN. */
export function standaloneHtml(figures: Figure[], title: string): string {
  if (figures.length === 0) throw new Error("standaloneHtml: figures must be non-empty");
  return [
    "<!DOCTYPE html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>`,
    `<script>${plotlyScript()}</script>`,
    ...figures.map((f) => figureDiv(f)),
    "</body></html>",
  ].join("\n");
}
