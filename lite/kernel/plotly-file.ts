/** plotlyScript and standaloneHtml in the browser kernel: plotly.min.js as the site ships it (read synchronously, as Node reads the file). */
import type { Figure } from "../../src/figures/figures";
import { escapeHtml, figureDiv } from "../../src/figures/html";

let plotlySource: string | undefined;

export function plotlyScript(): string {
  if (plotlySource === undefined) {
    const request = new XMLHttpRequest();
    request.open("GET", new URL("plotly.min.js", (globalThis as unknown as { location: { href: string } }).location.href).href, false);
    request.send();
    if (request.status !== 200) throw new Error(`plotlyScript: could not read plotly.min.js from the site (HTTP ${request.status})`);
    plotlySource = request.responseText;
  }
  return plotlySource;
}

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
