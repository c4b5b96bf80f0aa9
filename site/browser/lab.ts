/**
 * The live lab: a CodeMirror 6 editor holding the two delta rules, Check and
 * Train buttons that run them in a Web Worker (src/ bundled), Stop that ends
 * the worker at once, live curves against the reference run (the ghost), a
 * live decision boundary, presets, and the rule in the URL hash.
 */
import { EditorView, basicSetup } from "codemirror";
import { javascript } from "@codemirror/lang-javascript";
import { ensureSyntaxTree } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import type * as PlotlyModule from "plotly.js";
import type { EpochRecord } from "../../src/core/history";
import { trainingFigure } from "../../src/figures/live-figure";
import { Matrix } from "../../src/core/matrix";
import { PRESETS, presetById } from "./presets";
import { ARTICLE_SETTINGS } from "./protocol";
import type { BoundarySetup, CheckReport, CodeError, FromWorker, PageSettings, RulesSource, ToWorker } from "./protocol";

type Plotly = typeof PlotlyModule;
type LabState = "idle" | "checking" | "training" | "done" | "stopped" | "diverged" | "error";

/** What the page exposes for its browser test and for the curious (window.lab). */
interface LabStatus {
  ready: boolean;
  state: LabState;
  records: EpochRecord[];
  ghost: EpochRecord[];
  report?: CheckReport;
  error?: CodeError;
  seconds?: number;
  boundaryFrames: number;
  /** Milliseconds from navigation start to the editor accepting input. */
  readyAtMs?: number;
  /** The editor's text. */
  code(): string;
}

const status: LabStatus = { ready: false, state: "idle", records: [], ghost: [], boundaryFrames: 0, code: () => editor.state.doc.toString() };
(window as unknown as { lab: LabStatus }).lab = status;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`lab.html has no #${id}`);
  return el as T;
};

// ------------------------------------------------------------------ plotly.js, loaded after the editor is usable

let plotlyPromise: Promise<Plotly> | undefined;
function plotly(): Promise<Plotly> {
  plotlyPromise ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "assets/plotly.min.js";
    script.onload = () => resolve((window as unknown as { Plotly: Plotly }).Plotly);
    script.onerror = () => reject(new Error("assets/plotly.min.js did not load"));
    document.head.appendChild(script);
  });
  return plotlyPromise;
}

// ------------------------------------------------------------------ settings and the URL hash

const inputs = {
  preset: $<HTMLSelectElement>("preset"),
  learningRate: $<HTMLInputElement>("lr"),
  epochs: $<HTMLInputElement>("epochs"),
  seed: $<HTMLInputElement>("seed"),
  hidden: $<HTMLSelectElement>("hidden"),
  updateBias: $<HTMLInputElement>("bias"),
};

function showSettings(s: PageSettings): void {
  inputs.learningRate.value = String(s.learningRate);
  inputs.epochs.value = String(s.epochs);
  inputs.seed.value = String(s.seed);
  inputs.hidden.value = s.hidden;
  inputs.updateBias.checked = s.updateBias;
}

/** The settings in the form, or a message naming the field that is wrong. */
function readSettings(): PageSettings | string {
  const learningRate = Number(inputs.learningRate.value);
  const epochs = Number(inputs.epochs.value);
  const seed = Number(inputs.seed.value);
  if (!(learningRate > 0 && learningRate <= 1e6)) return `Learning rate must be a number in (0, 1e6], got "${inputs.learningRate.value}"`;
  if (!Number.isInteger(epochs) || epochs < 0 || epochs > 100000) return `Epochs must be an integer from 0 to 100000, got "${inputs.epochs.value}"`;
  if (!Number.isSafeInteger(seed) || seed < 0) return `Seed must be a non-negative integer, got "${inputs.seed.value}"`;
  const hidden = inputs.hidden.value;
  if (hidden !== "sigmoid" && hidden !== "tanh" && hidden !== "relu") return `Hidden activation must be sigmoid, tanh or relu, got "${hidden}"`;
  return { learningRate, epochs, seed, hidden, updateBias: inputs.updateBias.checked };
}

const toBase64Url = (text: string): string => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromBase64Url = (b64: string): string => new TextDecoder().decode(Uint8Array.from(atob(b64.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)));

/** The hash names a preset when the code is one, else carries the code itself; settings follow. */
function writeHash(): void {
  const code = editor.state.doc.toString();
  const preset = PRESETS.find((p) => p.code === code);
  const params = new URLSearchParams();
  if (preset) params.set("preset", preset.id);
  else params.set("code", toBase64Url(code));
  const s = readSettings();
  if (typeof s !== "string") {
    (Object.keys(ARTICLE_SETTINGS) as (keyof PageSettings)[]).forEach((key) => {
      if (s[key] !== ARTICLE_SETTINGS[key]) params.set(key, String(s[key]));
    });
  }
  history.replaceState(null, "", `#${params.toString()}`);
  inputs.preset.value = preset?.id ?? "";
}

/** The code and settings in the hash (a shared link), or the article's rules. */
function readHash(): { code: string; settings: PageSettings; note?: string } {
  const params = new URLSearchParams(location.hash.slice(1));
  const settings: PageSettings = { ...ARTICLE_SETTINGS };
  let code = PRESETS[0].code;
  let note: string | undefined;
  const preset = params.get("preset");
  const encoded = params.get("code");
  if (encoded !== null) {
    try {
      code = fromBase64Url(encoded);
    } catch {
      note = "The link's code could not be decoded; showing the article's rules.";
    }
  } else if (preset !== null) {
    code = presetById(preset)?.code ?? code;
    if (!presetById(preset)) note = `No preset "${preset}"; showing the article's rules.`;
  }
  const number = (key: keyof PageSettings): number | undefined => (params.has(key) ? Number(params.get(key)) : undefined);
  settings.learningRate = number("learningRate") ?? settings.learningRate;
  settings.epochs = number("epochs") ?? settings.epochs;
  settings.seed = number("seed") ?? settings.seed;
  const hidden = params.get("hidden");
  if (hidden === "sigmoid" || hidden === "tanh" || hidden === "relu") settings.hidden = hidden;
  if (params.has("updateBias")) settings.updateBias = params.get("updateBias") === "true";
  return { code, settings, note };
}

// ------------------------------------------------------------------ the editor

for (const p of PRESETS) inputs.preset.add(new Option(p.label, p.id));
inputs.preset.add(new Option("(your edit)", ""));

const initial = readHash();
let hashTimer = 0;
const editor = new EditorView({
  doc: initial.code,
  parent: $("editor"),
  extensions: [
    basicSetup,
    javascript({ typescript: true }),
    lintGutter(),
    EditorView.updateListener.of((update) => {
      if (!update.docChanged) return;
      clearError();
      status.report = undefined;
      $("report").textContent = ""; // a report on other code would mislead
      window.clearTimeout(hashTimer);
      hashTimer = window.setTimeout(writeHash, 300);
    }),
  ],
});
showSettings(initial.settings);
writeHash();
if (initial.note) say(initial.note);

inputs.preset.addEventListener("change", () => {
  const preset = presetById(inputs.preset.value);
  if (!preset) return;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: preset.code } });
  writeHash();
});
for (const el of [inputs.learningRate, inputs.epochs, inputs.seed, inputs.hidden, inputs.updateBias]) el.addEventListener("change", writeHash);

// ------------------------------------------------------------------ messages and errors

function say(text: string): void {
  $("status").textContent = text;
}

function setState(state: LabState): void {
  status.state = state;
  document.body.dataset.state = state;
  const busy = state === "checking" || state === "training";
  $<HTMLButtonElement>("check").disabled = busy;
  $<HTMLButtonElement>("train").disabled = busy;
  $<HTMLButtonElement>("stop").disabled = !busy;
}

function clearError(): void {
  status.error = undefined;
  $("error").textContent = "";
  $("error").hidden = true;
  editor.dispatch(setDiagnostics(editor.state, []));
}

/**
 * Where the editor's own parser (Lezer's TypeScript grammar) first fails, or
 * undefined. Sucrase backtracks out of a failed arrow function and reports
 * its start; Lezer's error recovery marks the token itself.
 */
function firstParseError(): { line: number; column: number } | undefined {
  const tree = ensureSyntaxTree(editor.state, editor.state.doc.length, 500);
  let at: number | undefined;
  tree?.iterate({
    enter: (node) => {
      if (at !== undefined) return false;
      if (node.type.isError) at = node.from;
      return undefined;
    },
  });
  if (at === undefined) return undefined;
  const line = editor.state.doc.lineAt(at);
  return { line: line.number, column: at - line.from + 1 };
}

/** The error in the panel under the editor and, when it has a line, underlined at that line in the editor. */
function showError(reported: CodeError): void {
  const error = reported.phase === "syntax" ? { ...reported, ...(firstParseError() ?? {}) } : reported;
  status.error = error;
  const doc = editor.state.doc;
  const where = error.line !== undefined && error.line >= 1 && error.line <= doc.lines ? doc.line(error.line) : undefined;
  $("error").textContent = `${where ? `Line ${error.line}${error.column ? `, column ${error.column}` : ""}: ` : ""}${error.message}`;
  $("error").hidden = false;
  if (where) {
    const from = Math.min(where.to, where.from + Math.max(0, (error.column ?? 1) - 1));
    const to = from < where.to ? where.to : Math.min(doc.length, from + 1);
    editor.dispatch(setDiagnostics(editor.state, [{ from: from === to && from > where.from ? from - 1 : from, to, severity: "error", message: error.message }]));
    editor.dispatch({ selection: { anchor: from }, scrollIntoView: true });
  }
}

// ------------------------------------------------------------------ workers

let worker: Worker | undefined;
let ghostWorker: Worker | undefined;

function startWorker(job: ToWorker, onMessage: (m: FromWorker) => void): Worker {
  const w = new Worker("assets/worker.js");
  w.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
  w.onerror = (event) => {
    event.preventDefault();
    finish("error");
    showError({ phase: "runtime", message: event.message || "the worker failed" });
  };
  w.postMessage(job);
  return w;
}

function stopWorkers(): void {
  worker?.terminate();
  ghostWorker?.terminate();
  worker = ghostWorker = undefined;
}

function finish(state: LabState): void {
  stopWorkers();
  setState(state);
}

function rules(): RulesSource {
  return { kind: "code", code: editor.state.doc.toString() };
}

// ------------------------------------------------------------------ Check

const fmt = (v: number): string => (Number.isNaN(v) ? "NaN" : v === 0 ? "0" : v.toExponential(2));

/** checkCandidate's per-layer table: delta and dL/dW against the library's (exact, approximate, max |diff|), and the finite-difference verdict. */
function showReport(report: CheckReport): void {
  const agreement = (a: CheckReport["layers"][number]["delta"]): string =>
    a === null ? `<td colspan="2">(not returned)</td>` : `<td>${a.exact ? "exact" : a.approximate ? "approx." : "<b>differs</b>"}</td><td>${fmt(a.maxDiff)}</td>`;
  const rows = report.layers.map((l) => {
    const ok = (l.verdict === "good" || l.verdict === "acceptable") && l.gradient.approximate && (l.delta === null || l.delta.approximate);
    return `<tr class="${ok ? "pass" : "fail"}" data-layer="${l.layer}"><td>layers[${l.layer}] (${l.shape})</td>${agreement(l.delta)}${agreement(l.gradient)}<td>${fmt(l.maxRelativeError)}</td><td class="verdict">${l.verdict}</td></tr>`;
  });
  $("report").innerHTML =
    `<p>Your rules against the library's on training samples ${report.samples.join(", ")}, from the same weights; then finite differences on sample ${report.samples[0]}: <b>${report.verdict}</b>. A flagged layer whose layer above passes is where the error starts (it travels backwards).</p>` +
    `<table><thead><tr><th>layer</th><th>delta</th><th>max |diff|</th><th>dL/dW</th><th>max |diff|</th><th>finite diff. max rel. error</th><th>verdict</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function check(): void {
  const settings = readSettings();
  if (typeof settings === "string") return say(settings);
  stopWorkers();
  clearError();
  status.report = undefined;
  setState("checking");
  say("Checking your rules against the reference...");
  worker = startWorker({ type: "check", rules: rules(), settings }, (m) => {
    if (m.type === "check") {
      status.report = m.report;
      showReport(m.report);
      say(`Check done: ${m.report.verdict}.`);
      finish("done");
    } else if (m.type === "error") {
      finish("error");
      showError(m.error);
      say("Check stopped: your code failed (see the message under the editor).");
    }
  });
}

// ------------------------------------------------------------------ Train: curves and boundary

const livePlot = $("live-plot");
let redrawPending = false;
let boundary: { setup: BoundarySetup; X: Matrix; z: number[][] } | undefined;
let epochsOfRun = 0;

/** Redraws the live figure (src/figures/live-figure.ts's trainingFigure) at the next animation frame. */
function scheduleRedraw(): void {
  if (redrawPending || !boundary || boundary.z.length === 0) return;
  redrawPending = true;
  requestAnimationFrame(() => {
    redrawPending = false;
    const b = boundary;
    if (!b) return;
    const figure = trainingFigure({
      title: "Your rules (blue, red) and the library's (grey)",
      records: status.records,
      reference: status.ghost,
      epochs: epochsOfRun,
      boundary: { grid: { xs: b.setup.xs, ys: b.setup.ys, points: new Matrix(0, 2) }, z: b.z },
      points: { X: b.X, y: b.setup.points.labels },
    });
    void plotly().then(async (P) => {
      // The page's width, not the notebook's 980 px.
      const layout = {
        ...figure.layout, width: undefined, autosize: true, height: 420,
        margin: { ...figure.layout.margin, b: 100 }, legend: { ...figure.layout.legend, y: -0.28 },
      } as Partial<PlotlyModule.Layout>;
      await P.react(livePlot, figure.data as PlotlyModule.Data[], layout, { responsive: true, displaylogo: false });
      status.boundaryFrames++;
    });
  });
}

let referenceRun: Promise<EpochRecord[]> | undefined;
const sameAsArticle = (s: PageSettings): boolean => s.learningRate === ARTICLE_SETTINGS.learningRate && s.seed === ARTICLE_SETTINGS.seed && s.hidden === ARTICLE_SETTINGS.hidden && s.updateBias === ARTICLE_SETTINGS.updateBias && s.epochs <= ARTICLE_SETTINGS.epochs;

/** The ghost: the library's rules with the same settings; precomputed in Node for the article's settings, else trained beside yours. */
function startGhost(settings: PageSettings): void {
  status.ghost = [];
  if (sameAsArticle(settings)) {
    referenceRun ??= fetch("assets/reference.json").then((r) => r.json() as Promise<{ records: EpochRecord[] }>).then((r) => r.records);
    void referenceRun.then((records) => {
      if (status.state !== "training" && status.state !== "done") return;
      status.ghost = records.filter((r) => r.epoch <= settings.epochs);
      scheduleRedraw();
    });
    return;
  }
  ghostWorker = startWorker({ type: "train", rules: { kind: "reference" }, settings, boundaryEveryMs: Infinity }, (m) => {
    if (m.type === "record") {
      status.ghost.push(m.record);
      scheduleRedraw();
    }
  });
}

function train(): void {
  const settings = readSettings();
  if (typeof settings === "string") return say(settings);
  stopWorkers();
  clearError();
  status.records = [];
  status.seconds = undefined;
  status.report = undefined;
  $("report").textContent = "";
  boundary = undefined;
  epochsOfRun = settings.epochs;
  setState("training");
  say("Training...");
  const t0 = performance.now();
  startGhost(settings);
  worker = startWorker({ type: "train", rules: rules(), settings, boundaryEveryMs: 250 }, (m) => {
    switch (m.type) {
      case "setup":
        boundary = { setup: m.boundary, X: new Matrix(m.boundary.points.rows, 2, Float64Array.from(m.boundary.points.data)), z: [] };
        break;
      case "boundary":
        if (boundary) boundary.z = m.z;
        scheduleRedraw();
        break;
      case "record": {
        status.records.push(m.record);
        const r = m.record;
        say(`Training... epoch ${r.epoch} of ${settings.epochs}: MSE ${r.mse.toFixed(6)}, test accuracy ${(r.accuracy * 100).toFixed(2)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        scheduleRedraw();
        break;
      }
      case "done": {
        status.records = m.records;
        status.seconds = m.seconds;
        const last = m.records[m.records.length - 1];
        say(`Done: ${m.records.length} records, final MSE ${last.mse.toFixed(6)}, test accuracy ${(last.accuracy * 100).toFixed(2)}%, ${m.seconds.toFixed(1)} s of training in this browser.`);
        worker?.terminate();
        worker = undefined;
        setState("done");
        scheduleRedraw();
        break;
      }
      case "diverged":
        status.records = m.records;
        finish("diverged");
        say(m.message);
        scheduleRedraw();
        break;
      case "error":
        finish("error");
        showError(m.error);
        say("Training stopped: your code failed (see the message under the editor).");
        break;
      case "check":
        break;
    }
  });
}

function stop(): void {
  if (status.state !== "training" && status.state !== "checking") return;
  const last = status.records[status.records.length - 1];
  finish("stopped");
  say(last ? `Stopped after epoch ${last.epoch} (the worker was terminated).` : "Stopped (the worker was terminated).");
}

$("check").addEventListener("click", check);
$("train").addEventListener("click", train);
$("stop").addEventListener("click", stop);
setState("idle");
status.ready = true;
status.readyAtMs = performance.now();
say("Ready. Check compares your rules with the reference; Train trains the article's network with them.");
void plotly(); // start fetching plotly.js now that the editor is usable
