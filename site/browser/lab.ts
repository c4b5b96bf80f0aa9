/**
 * The live lab: a CodeMirror 6 editor holding the two delta rules, Check and
 * Train buttons that run them in a Web Worker (src/ bundled), Stop that ends
 * the worker at once, live curves against the reference run (the ghost), a
 * live decision boundary, presets, and the rule in the URL hash.
 */
import { EditorView, basicSetup } from "codemirror";
import { EditorState, Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
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
  /** The most characters the editor holds (what the link can carry). */
  maxCodeChars: number;
}

const status: LabStatus = { ready: false, state: "idle", records: [], ghost: [], boundaryFrames: 0, code: () => editor.state.doc.toString(), maxCodeChars: 0 };
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
  hidden: $<HTMLSelectElement>("hidden"),
  updateBias: $<HTMLInputElement>("bias"),
};

/** A number setting: its field, its name in messages, and what the page accepts. */
interface NumberField {
  key: "learningRate" | "epochs" | "seed";
  input: HTMLInputElement;
  name: string;
  expected: string;
  ok(value: number): boolean;
}

// Inside what the worker's labSettings (src/lab/lab.ts) accepts, and narrower, so that a run in the
// page means something: above 10 every rule diverges, below 1e-6 nothing moves, 0 epochs is a single
// pass with one point per curve, and 10000 epochs already take several minutes here.
const NUMBER_FIELDS: readonly NumberField[] = [
  { key: "learningRate", input: $("lr"), name: "Learning rate", expected: "a number from 0.000001 to 10", ok: (v) => v >= 1e-6 && v <= 10 },
  { key: "epochs", input: $("epochs"), name: "Epochs", expected: "a whole number from 1 to 10000", ok: (v) => Number.isInteger(v) && v >= 1 && v <= 10_000 },
  { key: "seed", input: $("seed"), name: "Seed", expected: "a whole number from 0 to 4294967295", ok: (v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 32 - 1 },
];

const isHidden = (v: string | null): v is PageSettings["hidden"] => v === "sigmoid" || v === "tanh" || v === "relu";

/** `raw` as the field's value, or a message that names the field and says what it expects. */
function parseNumber(field: NumberField, raw: string): number | string {
  const value = raw.trim() === "" ? NaN : Number(raw);
  return field.ok(value) ? value : `${field.name} must be ${field.expected}; got ${raw.trim() === "" ? "nothing" : `"${raw}"`}.`;
}

/** The field's value, or its message. A number input reports "" for text it cannot read as a number: badInput tells it from an empty field. */
function readField(field: NumberField): number | string {
  if (field.input.validity.badInput) return `${field.name} must be ${field.expected}; what is typed there is not a number.`;
  return parseNumber(field, field.input.value);
}

/** Marks a field invalid with its message beside it, or clears the mark. */
function markField(field: NumberField, message: string | undefined): void {
  const note = $(`${field.input.id}-error`);
  note.textContent = message ?? "";
  note.hidden = message === undefined;
  if (message === undefined) field.input.removeAttribute("aria-invalid");
  else field.input.setAttribute("aria-invalid", "true");
}

function showSettings(s: PageSettings): void {
  for (const f of NUMBER_FIELDS) {
    f.input.value = String(s[f.key]);
    markField(f, undefined);
  }
  inputs.hidden.value = s.hidden;
  inputs.updateBias.checked = s.updateBias;
}

/** The settings in the form, or the messages of the fields that are wrong (each also shown at its field). */
function readSettings(): PageSettings | string[] {
  const errors: string[] = [];
  const numbers: Partial<Record<NumberField["key"], number>> = {};
  for (const f of NUMBER_FIELDS) {
    const value = readField(f);
    markField(f, typeof value === "string" ? value : undefined);
    if (typeof value === "string") errors.push(value);
    else numbers[f.key] = value;
  }
  const hidden = inputs.hidden.value;
  if (!isHidden(hidden)) errors.push(`Hidden activation must be sigmoid, tanh or relu; got "${hidden}".`);
  if (errors.length > 0 || !isHidden(hidden)) return errors;
  return { learningRate: numbers.learningRate!, epochs: numbers.epochs!, seed: numbers.seed!, hidden, updateBias: inputs.updateBias.checked };
}

/**
 * The most the editor holds. The link carries the rule as base64url of its UTF-8: at most 3 bytes per
 * character, 4/3 of that in base64, so 1.2 MB, well under the 2 MB Chromium allows for a URL.
 */
const MAX_CODE_CHARS = 300_000;
status.maxCodeChars = MAX_CODE_CHARS;

/** Base64url of the text's UTF-8, converted in chunks: spreading a whole large rule into String.fromCharCode overflows the stack (from about 150 kB). */
function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The text of base64url UTF-8, or undefined when it is not that (a link cut short or altered). */
function fromBase64Url(b64: string): string | undefined {
  try {
    const bytes = Uint8Array.from(atob(b64.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The hash names a preset when the code is one, else carries the code itself; then every valid setting that is not the article's. */
function writeHash(): void {
  const code = editor.state.doc.toString();
  const preset = PRESETS.find((p) => p.code === code);
  const params = new URLSearchParams();
  if (preset) params.set("preset", preset.id);
  else params.set("code", toBase64Url(code));
  for (const f of NUMBER_FIELDS) {
    const value = readField(f);
    if (typeof value === "number" && value !== ARTICLE_SETTINGS[f.key]) params.set(f.key, String(value));
  }
  if (inputs.hidden.value !== ARTICLE_SETTINGS.hidden) params.set("hidden", inputs.hidden.value);
  if (inputs.updateBias.checked !== ARTICLE_SETTINGS.updateBias) params.set("updateBias", String(inputs.updateBias.checked));
  history.replaceState(null, "", `#${params.toString()}`);
  inputs.preset.value = preset?.id ?? "";
}

/** The code and settings in the hash (a shared link), with the article's in place of what the link gets wrong, and a note for each. */
function readHash(): { code: string; settings: PageSettings; notes: string[] } {
  const params = new URLSearchParams(location.hash.slice(1));
  const settings: PageSettings = { ...ARTICLE_SETTINGS };
  const notes: string[] = [];
  let code = PRESETS[0].code;
  const preset = params.get("preset");
  const encoded = params.get("code");
  if (encoded !== null) {
    const decoded = fromBase64Url(encoded);
    if (decoded === undefined) notes.push("This link's rule (code=...) could not be decoded: the link was cut short or altered. The editor shows the article's rules instead.");
    else if (decoded.length > MAX_CODE_CHARS) notes.push(`This link's rule has ${decoded.length.toLocaleString("en")} characters, more than the editor holds (${MAX_CODE_CHARS.toLocaleString("en")}). The editor shows the article's rules instead.`);
    else code = decoded;
  } else if (preset !== null) {
    const found = presetById(preset);
    if (found) code = found.code;
    else notes.push(`This link asks for the preset "${preset}", which the lab does not have (it has ${PRESETS.map((p) => p.id).join(", ")}). The editor shows the article's rules instead.`);
  }
  for (const f of NUMBER_FIELDS) {
    const raw = params.get(f.key);
    if (raw === null) continue;
    const value = parseNumber(f, raw);
    if (typeof value === "number") settings[f.key] = value;
    else notes.push(`In this link: ${value} Using ${ARTICLE_SETTINGS[f.key]}.`);
  }
  const hidden = params.get("hidden");
  if (isHidden(hidden)) settings.hidden = hidden;
  else if (hidden !== null) notes.push(`In this link: the hidden activation must be sigmoid, tanh or relu; got "${hidden}". Using ${ARTICLE_SETTINGS.hidden}.`);
  const bias = params.get("updateBias");
  if (bias === "true" || bias === "false") settings.updateBias = bias === "true";
  else if (bias !== null) notes.push(`In this link: updateBias must be true or false; got "${bias}". Using ${ARTICLE_SETTINGS.updateBias}.`);
  return { code, settings, notes };
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
    // Before basicSetup's keymap, which would insert a line on Ctrl/Shift+Enter.
    Prec.highest(keymap.of([
      { key: "Mod-Enter", run: () => (train(), true) },
      { key: "Shift-Enter", run: () => (check(), true) },
      { key: "Escape", run: () => busy() && (stop(), true) }, // when idle, Escape keeps its editor meaning (closing a panel)
    ])),
    basicSetup,
    javascript({ typescript: true }),
    lintGutter(),
    // Refuse an edit past the size the link can carry, rather than let the address bar fall behind the editor.
    EditorState.transactionFilter.of((tr) => {
      if (!tr.docChanged || tr.newDoc.length <= MAX_CODE_CHARS) return tr;
      say(`Edit refused: the editor holds at most ${MAX_CODE_CHARS.toLocaleString("en")} characters (so that the link in the address bar can carry the rule); this edit would make it ${tr.newDoc.length.toLocaleString("en")}.`);
      return [];
    }),
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

/** A link opened in this tab (hashchange): its rule and settings replace the page's, or the page says why not. */
function loadHash(): void {
  const { code, settings, notes } = readHash();
  window.clearTimeout(hashTimer);
  if (code !== editor.state.doc.toString()) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: code } });
  showSettings(settings);
  writeHash();
  say(notes.length > 0 ? notes.join(" ") : "Loaded the rule and settings of the new link.");
}
window.addEventListener("hashchange", loadHash); // writeHash's replaceState fires none, so this is always someone else's link

inputs.preset.addEventListener("change", () => {
  const preset = presetById(inputs.preset.value);
  if (!preset) return;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: preset.code } });
  writeHash();
});
for (const f of NUMBER_FIELDS) {
  f.input.addEventListener("change", () => {
    const value = readField(f);
    markField(f, typeof value === "string" ? value : undefined);
    writeHash();
  });
  // While the field is marked, clear the mark as soon as its value is right.
  f.input.addEventListener("input", () => {
    if (f.input.hasAttribute("aria-invalid") && typeof readField(f) === "number") markField(f, undefined);
  });
}
for (const el of [inputs.hidden, inputs.updateBias]) el.addEventListener("change", writeHash);

// ------------------------------------------------------------------ messages and errors

function say(text: string): void {
  $("status").textContent = text;
}

const busy = (): boolean => status.state === "checking" || status.state === "training";

function setState(state: LabState): void {
  status.state = state;
  document.body.dataset.state = state;
  // aria-disabled, not disabled: a disabled button loses the focus (to <body>), and a keyboard
  // user who pressed Train or Stop would have to find their place again.
  $("check").setAttribute("aria-disabled", String(busy()));
  $("train").setAttribute("aria-disabled", String(busy()));
  $("stop").setAttribute("aria-disabled", String(!busy()));
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
    `<div class="table-scroll"><table><thead><tr><th>layer</th><th>delta</th><th>max |diff|</th><th>dL/dW</th><th>max |diff|</th><th>finite diff. max rel. error</th><th>verdict</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function check(): void {
  if (busy()) return; // the buttons stay clickable while aria-disabled
  const settings = readSettings();
  if (Array.isArray(settings)) return say(`Not checking: ${settings.join(" ")}`);
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

/** Narrower than this, the three panels side by side would be under 150 px each: they are stacked instead. */
const STACK_BELOW_PX = 640;
const stacked = (): boolean => livePlot.clientWidth < STACK_BELOW_PX;

/** trainingFigure's layout fitted to the page: its width, not the notebook's 980 px, and on a narrow screen the panels one above the other. */
function pageLayout(layout: Partial<PlotlyModule.Layout>): Partial<PlotlyModule.Layout> {
  const fitted = { ...layout, width: undefined, autosize: true };
  if (!stacked()) return { ...fitted, height: 420, margin: { ...layout.margin, b: 100 }, legend: { ...layout.legend, y: -0.28 } };
  const title = typeof layout.title === "object" ? layout.title.text ?? "" : String(layout.title ?? "");
  return {
    ...fitted,
    height: 1000,
    title: { text: title.replace(/^[^<]*/, "Your rules; the library's in grey") }, // the full title is wider than a phone
    margin: { ...layout.margin, l: 50, r: 10, b: 60 },
    legend: { ...layout.legend, y: -0.07 },
    xaxis: { ...layout.xaxis, domain: [0, 1], anchor: "y" },
    yaxis: { ...layout.yaxis, domain: [0.72, 1] },
    xaxis2: { ...layout.xaxis2, domain: [0, 1], anchor: "y2" },
    yaxis2: { ...layout.yaxis2, domain: [0.38, 0.62] },
    xaxis3: { ...layout.xaxis3, domain: [0, 1], anchor: "y3" },
    yaxis3: { ...layout.yaxis3, domain: [0, 0.3] },
  };
}
let drawnStacked: boolean | undefined;
// Crossing the width where the panels stack (a phone turned) needs a new layout, not just a resize.
window.addEventListener("resize", () => {
  if (drawnStacked !== undefined && drawnStacked !== stacked()) scheduleRedraw();
});

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
      drawnStacked = stacked();
      await P.react(livePlot, figure.data as PlotlyModule.Data[], pageLayout(figure.layout as Partial<PlotlyModule.Layout>), { responsive: true, displaylogo: false });
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

/** Empties the figure, so that a run that drew nothing does not stand beside the previous run's picture titled "Your rules". */
function clearFigure(): void {
  boundary = undefined;
  if (plotlyPromise) void plotlyPromise.then((P) => P.purge(livePlot));
}

function train(): void {
  if (busy()) return;
  const settings = readSettings();
  if (Array.isArray(settings)) return say(`Not training: ${settings.join(" ")}`);
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
      case "diverged": {
        status.records = m.records;
        finish("diverged");
        // Epoch N is the checkpoint that found it: at N itself for the first one, else somewhere since the previous one.
        const what = `Your rules produced ${m.nan ? "NaN" : "a loss that is not finite"} ${m.records.length === 0 ? "at" : "by"} epoch ${m.epoch}`;
        const smaller = `try a smaller learning rate (e.g. ${settings.learningRate / 10}), or Check the rules`;
        const last = m.records[m.records.length - 1];
        if (!last) {
          clearFigure();
          say(`${what} before the first checkpoint; nothing to draw. If the library's rules train at this learning rate, look at your rules; else ${smaller}.`);
        } else {
          say(`${what}; the figure ends at the last finite checkpoint, epoch ${last.epoch} (MSE ${last.mse.toFixed(6)}, test accuracy ${(last.accuracy * 100).toFixed(2)}%). To go further, ${smaller}.`);
          scheduleRedraw();
        }
        break;
      }
      case "error":
        finish("error");
        if (!boundary || boundary.z.length === 0) clearFigure();
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
// Outside the editor too (a button or a setting has the focus): Esc stops, Ctrl/Cmd+Enter trains.
// The editor's keymap has handled (and marked) the keys pressed in it.
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented) return;
  if (event.key === "Escape") stop();
  else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    train();
  }
});
setState("idle");
status.ready = true;
status.readyAtMs = performance.now();
// A link that could not be restored says so here, in place of "Ready".
say(initial.notes.length > 0 ? initial.notes.join(" ") : "Ready. Check compares your rules with the reference; Train trains the article's network with them.");
void plotly(); // start fetching plotly.js now that the editor is usable
