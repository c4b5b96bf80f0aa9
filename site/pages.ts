/** The site's HTML pages: one frame (header, navigation) around the index, the chapters and the lab. */
import { escapeHtml } from "../src/figures/html";

export interface ChapterLink {
  name: string;
  title: string;
  summary: string;
  figures: number;
}

export interface PageOptions {
  title: string;
  body: string;
  /** Extra tags for <head> (stylesheets). */
  head?: string;
  /** Scripts at the end of <body>, in order. */
  scripts?: string[];
  /** Attributes for <main>, e.g. the expected counts the browser test reads. */
  mainAttributes?: Record<string, string | number>;
  active?: "index" | "lab" | string;
}

export const SITE_TITLE = "Backpropagation by hand, in TypeScript";

export function page(options: PageOptions, chapters: ChapterLink[]): string {
  const nav = [
    `<a href="index.html"${options.active === "index" ? ' aria-current="page"' : ""}>Contents</a>`,
    ...chapters.map((c) => `<a href="${c.name}.html" title="${escapeHtml(c.title)}"${options.active === c.name ? ' aria-current="page"' : ""}>${escapeHtml(c.name.slice(0, 2))}</a>`),
    `<a href="lab.html"${options.active === "lab" ? ' aria-current="page"' : ""}>Lab</a>`,
  ].join("\n");
  const attrs = Object.entries(options.mainAttributes ?? {}).map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`).join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="assets/site.css">
${options.head ?? ""}
</head>
<body>
<header class="site"><a class="home" href="index.html">${escapeHtml(SITE_TITLE)}</a><nav>${nav}</nav></header>
<main${attrs}>
${options.body}
</main>
${(options.scripts ?? []).map((src) => `<script src="${escapeHtml(src)}"></script>`).join("\n")}
</body>
</html>
`;
}

export const KATEX_HEAD = `<link rel="stylesheet" href="assets/katex/katex.min.css">`;

/** Links above and below a chapter: the notebook it comes from, the lab, the neighbours. */
export function chapterLinks(chapter: ChapterLink, index: number, chapters: ChapterLink[], notebookUrl: string, labUrl: string, runUrl?: string): { top: string; bottom: string } {
  const prev = chapters[index - 1];
  const next = chapters[index + 1];
  const run = runUrl ? `<a class="run-notebook" href="${escapeHtml(runUrl)}">Run and edit in your browser</a> · ` : "";
  const top = `<p class="chapter-links">${run}<a href="${escapeHtml(notebookUrl)}">The notebook (${escapeHtml(chapter.name)}.ipynb)</a> · <a href="${escapeHtml(labUrl)}">Try the rules in the lab</a></p>`;
  const bottom = `<nav class="prev-next">${prev ? `<a href="${prev.name}.html">← ${escapeHtml(prev.title)}</a>` : "<span></span>"}${next ? `<a href="${next.name}.html">${escapeHtml(next.title)} →</a>` : `<a href="lab.html">The lab →</a>`}</nav>`;
  return { top, bottom };
}

/** The index's paragraph on the runnable notebooks (lite/, docs/lite.md), when the site carries them. */
export const RUNNABLE_NOTEBOOKS = `<p class="runnable">Every chapter is also a notebook you can <a href="lite/index.html">run and edit in this browser</a>: JupyterLab's notebook page with a TypeScript kernel that runs in the page itself, nothing to install, no server. Your edits stay in this browser; each notebook offers the lesson's version back and a download that opens unchanged in Jupyter with tslab.</p>`;

export function indexBody(chapters: ChapterLink[], runnable = false): string {
  const run = (c: ChapterLink) => (runnable ? ` · <a href="lite/${c.name}.html">run and edit</a>` : "");
  const items = chapters.map((c) => `<li><a href="${c.name}.html">${escapeHtml(c.title)}</a><div class="summary">${c.summary}</div><p class="meta">${c.figures} interactive figure${c.figures === 1 ? "" : "s"} · <a href="notebooks/${c.name}.ipynb">notebook</a>${run(c)}</p></li>`);
  return `<h1>${escapeHtml(SITE_TITLE)}</h1>
<p class="lead">A small fully connected network (2-25-50-25-2, sigmoid, squared error) learns to separate scikit-learn's two moons, and every gradient it follows is derived by hand, written in plain TypeScript, and checked. The chapters below are the project's notebooks, executed, with their printed output and their figures (drag, zoom, hover). In the <a href="lab.html">lab</a> you edit the two delta rules or the whole step yourself, or write them from a blank slate, check them against the reference and train with them, in this browser, with nothing to install.</p>
${runnable ? RUNNABLE_NOTEBOOKS : ""}
<h2>Roadmap</h2>
<ol class="roadmap">
${items.join("\n")}
<li class="lab-entry"><a href="lab.html">The lab</a><p>The delta rules, or the whole step of chapter 3, in an editor: <b>Check</b> compares them layer by layer with the library's and with finite differences and names the first wrong quantity, <b>Train</b> runs the training with them in a Web Worker (the same <code>src/</code> as the notebooks), with live curves, decision boundary and neuron view, pause and one epoch at a time. Change the layers, activations, noise and number of points as in TensorFlow Playground. Presets include blank rules and a blank step to write, and the broken rules of chapter 6.</p></li>
</ol>`;
}

/** A number setting of the lab, with the place under it where the page says what is wrong with its value. */
const numberField = (id: string, label: string, attributes: string): string =>
  `<div class="field"><label for="${id}">${label}</label> <input id="${id}" type="number" ${attributes} aria-describedby="${id}-error"><span id="${id}-error" class="field-error" hidden></span></div>`;

/** A text setting, with the place under it where the page says what is wrong with its value. */
const textField = (id: string, label: string, attributes: string): string =>
  `<div class="field"><label for="${id}">${label}</label> <input id="${id}" type="text" ${attributes} aria-describedby="${id}-error"><span id="${id}-error" class="field-error" hidden></span></div>`;

export function labBody(): string {
  return `<h1>The lab: your backpropagation, trained here</h1>
<p class="lead">The editor holds the two delta rules backpropagation runs for every layer (<a href="04-training.html">chapter 4</a>), or, in <i>step</i> mode, the whole step of <a href="03-model.html">chapter 3</a>. Edit them, or write them from a blank preset, <b>Check</b> them against the library's and finite differences (the check says which quantity of which layer is wrong first), and <b>Train</b> a network with them: the article's 2-25-50-25-2 on the two moons, or your own layers, activations and data. The library's run with the same settings is the grey ghost; <b>Pause</b>, <b>Resume</b> and <b>One epoch</b> work between epochs, and the neuron view shows every neuron of a hidden layer over the plane. The address bar carries your code and settings: share the link.</p>
<div class="lab">
  <div class="lab-left">
    <div class="toolbar">
      <label>Editor <select id="mode"><option value="rules">delta rules</option><option value="step">whole step</option></select></label>
      <label>Preset <select id="preset"></select></label>
    </div>
    <div class="toolbar">
      <button id="check" type="button" title="Check (Shift+Enter in the editor)" aria-keyshortcuts="Shift+Enter">Check</button>
      <button id="train" type="button" title="Train (Ctrl+Enter, or Cmd+Enter on a Mac)" aria-keyshortcuts="Control+Enter Meta+Enter">Train</button>
      <button id="pause" type="button" title="Pause the training between epochs" aria-disabled="true">Pause</button>
      <button id="resume" type="button" title="Resume a paused training" aria-disabled="true">Resume</button>
      <button id="step-epoch" type="button" title="Train exactly one more epoch, then stay paused" aria-disabled="true">One epoch</button>
      <button id="stop" type="button" title="Stop (Esc)" aria-keyshortcuts="Escape" aria-disabled="true">Stop</button>
    </div>
    <p class="hint">Keys: <kbd>Ctrl</kbd>/<kbd>Cmd</kbd>+<kbd>Enter</kbd> trains, <kbd>Shift</kbd>+<kbd>Enter</kbd> in the editor checks, <kbd>Esc</kbd> stops.</p>
    <div id="editor"></div>
    <pre id="error" class="error" hidden></pre>
  </div>
  <div class="lab-right">
    <fieldset class="settings"><legend>Training</legend>
      ${numberField("lr", "learning rate", 'step="any" min="0.000001" max="10"')}
      ${numberField("epochs", "epochs", 'step="1" min="1" max="10000"')}
      ${numberField("seed", "seed", 'step="1" min="0" max="4294967295"')}
      <label><input id="bias" type="checkbox"> train the biases</label>
    </fieldset>
    <fieldset class="settings"><legend>Network and data</legend>
      ${textField("layers", "hidden layers (widths)", 'inputmode="numeric" size="14" spellcheck="false" title="1 to 6 widths separated by commas, each 1 to 200"')}
      <label>hidden activation <select id="hidden"><option value="sigmoid">sigmoid</option><option value="tanh">tanh</option><option value="relu">relu</option><option value="" disabled>(per layer)</option></select></label>
      <div id="hidden-layers" class="per-layer" aria-label="each hidden layer's activation"></div>
      ${numberField("noise", "data noise", 'step="any" min="0" max="1"')}
      ${numberField("points", "points", 'step="1" min="20" max="10000"')}
    </fieldset>
    <p id="status" class="status" role="status"></p>
    <div id="report" class="report"></div>
  </div>
</div>
<div id="live-plot" class="plot"></div>
<div class="neuron-view"><label>Neuron view <select id="neurons"></select></label> <span class="hint">every neuron's output over the plane, for one hidden layer, redrawn with the figure (TensorFlow Playground's picture)</span>
<div id="neuron-view"><p id="neuron-legend" class="hint"></p><div id="neuron-maps" class="neuron-maps"></div></div></div>`;
}
