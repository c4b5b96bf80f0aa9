/**
 * A figure as HTML: a <div> and the script that draws it with the page's
 * plotly.js (the notebooks' outputs, the static site's chapters).
 */
import type { Figure } from "./figures";

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
  "This Plotly figure is drawn by a script that has not run here. In Jupyter, trust the notebook (classic Notebook: " +
  "File > Trust Notebook; JupyterLab: Trust Notebook in the command palette), or run the cell.";
/** What it says instead when its script ran but plotly.js never came and the page offered no way to get it. */
const NO_PLOTLY =
  "This figure cannot be drawn: plotly.js is not in this page. In Jupyter, restart the kernel and run this cell " +
  "(the first figure after a restart brings plotly.js).";
const FETCHING = "Waiting for plotly.js...";
const NOTE_STYLE = "font:13px sans-serif;color:#777;margin:0;padding:0.5em 1em";

/**
 * A <div> plus the script that draws `figure` into it with `window.Plotly`.
 * The <div> has no height of its own until the figure is drawn, so a figure
 * that cannot be drawn leaves one line of text and no gap. The script waits
 * for plotly.js, which may come with a figure further down the page; after
 * 1.5 s it calls `window.backpropMoonsNeedPlotly()` if the page offers it
 * (src/notebook/display.ts), then waits as long as `window.backpropMoonsPlotlyPending`
 * says plotly.js is on its way, showing `window.backpropMoonsPlotlyStatus`.
 * If it never comes it says so: `window.backpropMoonsPlotlyFailure`, or after
 * 10 s without a helper, NO_PLOTLY. Frames, if any, are added for animations.
 */
export function figureDiv(figure: Figure, id = `plot-${Date.now().toString(36)}-${nextId++}`): string {
  const height = typeof figure.layout.height === "number" ? `${figure.layout.height}px` : "450px";
  return [
    `<div id="${escapeHtml(id)}" class="plotly-figure" style="width:100%;max-width:${escapeHtml(String(figure.layout.width ?? 720))}px">`,
    `<p style="${NOTE_STYLE}">${escapeHtml(NOT_DRAWN)}</p></div>`,
    `<script>(function(){var f=${scriptJson(figure)};var el=document.getElementById(${scriptJson(id)});var w=window,tries=0,shown=null;`,
    `function say(text){var p=document.createElement("p");p.style.cssText=${scriptJson(NOTE_STYLE)};p.textContent=text;el.replaceChildren(p);}`,
    // Ask for plotly.js only after 1.5 s: a carrier further down a page that is still loading comes first.
    `function draw(){if(!w.Plotly){if(tries>=15&&typeof w.backpropMoonsNeedPlotly==="function"){w.backpropMoonsNeedPlotly();}`,
    `if(w.backpropMoonsPlotlyPending){if(shown!==w.backpropMoonsPlotlyStatus){shown=w.backpropMoonsPlotlyStatus;say(shown||${scriptJson(FETCHING)});}}`,
    `else if(w.backpropMoonsPlotlyFailure){say(w.backpropMoonsPlotlyFailure);return;}`,
    `if(++tries<100||w.backpropMoonsPlotlyPending){setTimeout(draw,100);}else{say(${scriptJson(NO_PLOTLY)});}return;}`,
    `el.replaceChildren();el.style.height=${scriptJson(height)};`,
    `w.Plotly.newPlot(el,f.data,f.layout,Object.assign({responsive:true},f.config||{})).then(function(){if(f.frames){return w.Plotly.addFrames(el,f.frames);}});}`,
    `draw();})();</script>`,
  ].join("\n");
}
