import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Figure } from "./figures";

let plotlySource: string | undefined;

/**
 * plotly.min.js from the plotly.js-dist-min package (4.8 MB), read once.
 * Resolved like `require` from this file where there is one (CommonJS: Node,
 * tslab); an ES module (Deno) has none and resolves from the working directory,
 * the repository root where the notebook kernels start.
 */
export function plotlyScript(): string {
  const resolver = typeof require === "function" ? require : createRequire(join(process.cwd(), "package.json"));
  plotlySource ??= readFileSync(resolver.resolve("plotly.js-dist-min/plotly.min.js"), "utf8");
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

/** What a figure's <div> says until plotly.js draws over it (and all it shows where scripts never run). */
const NOT_DRAWN =
  "This Plotly figure is drawn by a script. If this text stays, the page did not run it: " +
  "in Jupyter, trust the notebook (File > Trust Notebook) or run it from the top (Kernel > Restart & Run All).";
const NO_PLOTLY =
  "plotly.js is not loaded in this page (it travels with the first figure of a kernel session). " +
  "Run the notebook from the top: Kernel > Restart & Run All.";

/**
 * A <div> plus the script that draws `figure` into it with `window.Plotly`.
 * The script waits a few seconds for plotly.js, which may come with a figure
 * further down the page, and says so in the <div> if it never arrives.
 * Frames, if any, are added for animations.
 */
export function figureDiv(figure: Figure, id = `plot-${Date.now().toString(36)}-${nextId++}`): string {
  const height = typeof figure.layout.height === "number" ? `${figure.layout.height}px` : "450px";
  return [
    `<div id="${escapeHtml(id)}" class="plotly-figure" style="width:100%;max-width:${escapeHtml(String(figure.layout.width ?? 720))}px;height:${height}">`,
    `<p style="font:13px sans-serif;color:#777;padding:1em">${escapeHtml(NOT_DRAWN)}</p></div>`,
    `<script>(function(){var f=${scriptJson(figure)};var el=document.getElementById(${scriptJson(id)});var tries=0;`,
    `function draw(){if(!window.Plotly){if(++tries<100){setTimeout(draw,100);}else{el.firstChild.textContent=${scriptJson(NO_PLOTLY)};}return;}`,
    `el.textContent="";window.Plotly.newPlot(el,f.data,f.layout,Object.assign({responsive:true},f.config||{})).then(function(){if(f.frames){return window.Plotly.addFrames(el,f.frames);}});}`,
    `draw();})();</script>`,
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
