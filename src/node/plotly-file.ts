/** plotly.js read from its npm package, and pages that carry it: Node only (it reads a file). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Figure } from "../figures/figures";
import { escapeHtml, figureDiv } from "../figures/html";

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
