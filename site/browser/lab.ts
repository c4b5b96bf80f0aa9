/**
 * The live lab: a CodeMirror 6 editor holding the two delta rules or a whole
 * step (two modes), Check and Train buttons that run them in a Web Worker
 * (src/ bundled), Pause, Resume and one epoch at a time between epochs, Stop
 * that ends the worker at once, Playground's settings (data, layers,
 * activations), live curves against the reference run with the same
 * settings (the ghost), a live decision boundary, the neuron view of a
 * hidden layer, presets, and the code and settings in the URL hash.
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
import { type HiddenActivation, LAB_BOUNDS, shapeChangesText, labSettings } from "../../src/lab/lab";
import { PRESETS, firstPreset, presetById } from "./presets";
import { ARTICLE_SETTINGS } from "./protocol";
import type { BoundarySetup, CheckReport, CodeError, EditorMode, FromWorker, PageSettings, RulesSource, ToWorker } from "./protocol";

type Plotly = typeof PlotlyModule;
type LabState = "idle" | "checking" | "training" | "paused" | "done" | "stopped" | "diverged" | "error";

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
  /** What the editor holds: delta rules or a whole step. */
  mode: EditorMode;
  /** Epochs the current run has trained (0..epochsDone-1), as the worker last said (a frame, a pause, a step). */
  epochsDone: number;
  /** The settings of the ghost (reference) run now drawn, and where it comes from: computed by the build (Node) or trained in a second worker. */
  ghostSettings?: PageSettings;
  ghostFrom?: "build" | "worker";
  /** Neuron-view frames drawn, and the maps (one per neuron) in the last. */
  neuronFrames: number;
  neuronMaps: number;
}

const status: LabStatus = {
  ready: false, state: "idle", records: [], ghost: [], boundaryFrames: 0, code: () => editor.state.doc.toString(), maxCodeChars: 0, mode: "rules", epochsDone: 0, neuronFrames: 0, neuronMaps: 0,
};
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
  mode: $<HTMLSelectElement>("mode"),
  preset: $<HTMLSelectElement>("preset"),
  hidden: $<HTMLSelectElement>("hidden"),
  hiddenLayers: $("hidden-layers"),
  layers: $<HTMLInputElement>("layers"),
  updateBias: $<HTMLInputElement>("bias"),
  neurons: $<HTMLSelectElement>("neurons"),
};

/** A number setting: its field, its name in messages, and what the page accepts. */
interface NumberField {
  key: "learningRate" | "epochs" | "seed" | "noise" | "points";
  input: HTMLInputElement;
  name: string;
  expected: string;
  ok(value: number): boolean;
}

const B = LAB_BOUNDS;
const within = (v: number, [lo, hi]: readonly [number, number], integer: boolean): boolean => v >= lo && v <= hi && (!integer || Number.isInteger(v));

// Inside what the worker's labSettings (src/lab/lab.ts, LAB_BOUNDS) accepts, and for the first three narrower, so that a run
// in the page means something: above 10 every rule diverges, below 1e-6 nothing moves, 0 epochs is a single pass with one point
// per curve, and 10000 epochs already take several minutes here. Noise and points are LAB_BOUNDS' own.
const NUMBER_FIELDS: readonly NumberField[] = [
  { key: "learningRate", input: $("lr"), name: "Learning rate", expected: "a number from 0.000001 to 10", ok: (v) => v >= 1e-6 && v <= 10 },
  { key: "epochs", input: $("epochs"), name: "Epochs", expected: "a whole number from 1 to 10000", ok: (v) => Number.isInteger(v) && v >= 1 && v <= 10_000 },
  { key: "seed", input: $("seed"), name: "Seed", expected: "a whole number from 0 to 4294967295", ok: (v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 32 - 1 },
  { key: "noise", input: $("noise"), name: "Noise", expected: `a number from ${B.noise[0]} to ${B.noise[1]}`, ok: (v) => within(v, B.noise, false) },
  { key: "points", input: $("points"), name: "Points", expected: `a whole number from ${B.points[0]} to ${B.points[1]}`, ok: (v) => within(v, B.points, true) },
];

const ACTIVATIONS: readonly HiddenActivation[] = ["sigmoid", "tanh", "relu"];
const isActivation = (v: string | null): v is HiddenActivation => v !== null && (ACTIVATIONS as readonly string[]).includes(v);

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

const LAYERS_EXPECTED = `${B.hiddenLayers[0]} to ${B.hiddenLayers[1]} widths separated by commas, each a whole number from ${B.width[0]} to ${B.width[1]} (the lesson's: 25, 50, 25)`;

/** The hidden widths in `raw` ("25, 50, 25"), or a message that says what is expected. */
function parseLayers(raw: string): number[] | string {
  const parts = raw.split(",").map((p) => p.trim());
  const widths = parts.map((p) => (p === "" ? NaN : Number(p)));
  const ok = raw.trim() !== "" && within(widths.length, B.hiddenLayers, true) && widths.every((w) => within(w, B.width, true));
  return ok ? widths : `Hidden layers must be ${LAYERS_EXPECTED}; got ${raw.trim() === "" ? "nothing" : `"${raw}"`}.`;
}

/** Marks a control invalid with its message beside it (its -error element), or clears the mark. */
function markInput(input: HTMLElement, message: string | undefined): void {
  const note = $(`${input.id}-error`);
  note.textContent = message ?? "";
  note.hidden = message === undefined;
  if (message === undefined) input.removeAttribute("aria-invalid");
  else input.setAttribute("aria-invalid", "true");
}
const markField = (field: NumberField, message: string | undefined): void => markInput(field.input, message);

/** The per-layer activation menus, one per hidden layer. */
const layerMenus = (): HTMLSelectElement[] => Array.from(inputs.hiddenLayers.querySelectorAll("select"));

/** One activation menu per hidden layer (`n`), keeping the choices of the layers that stay; new layers take the "all layers" choice. */
function setLayerMenus(n: number): void {
  const menus = layerMenus();
  const fill = isActivation(inputs.hidden.value) ? inputs.hidden.value : menus[menus.length - 1]?.value ?? "sigmoid";
  for (let k = menus.length; k < n; k++) {
    const label = document.createElement("label");
    const select = document.createElement("select");
    select.id = `hidden-${k}`;
    for (const a of ACTIVATIONS) select.add(new Option(a, a));
    select.value = fill;
    select.addEventListener("change", () => {
      syncAllLayersMenu();
      writeHash();
    });
    label.append(`layer ${k + 1} `, select);
    inputs.hiddenLayers.append(label);
  }
  for (let k = menus.length - 1; k >= n; k--) menus[k].parentElement!.remove();
  syncAllLayersMenu();
  setNeuronMenu(n);
}

/** The "all hidden layers" menu shows their common activation, or "(per layer)" when they differ. */
function syncAllLayersMenu(): void {
  const values = layerMenus().map((m) => m.value);
  inputs.hidden.value = values.every((v) => v === values[0]) ? values[0] : "";
}

/** The neuron view's menu: none, or one of the `n` hidden layers (the choice kept while it exists). */
function setNeuronMenu(n: number): void {
  const before = inputs.neurons.value;
  const widths = parseLayers(inputs.layers.value);
  inputs.neurons.textContent = "";
  inputs.neurons.add(new Option("none", ""));
  for (let k = 0; k < n; k++) inputs.neurons.add(new Option(`hidden layer ${k + 1}${Array.isArray(widths) ? ` (${widths[k]} neurons)` : ""}`, String(k)));
  inputs.neurons.value = before !== "" && Number(before) < n ? before : before === "" && status.ready ? "" : "0";
}

function showSettings(s: PageSettings): void {
  for (const f of NUMBER_FIELDS) {
    f.input.value = String(s[f.key]);
    markField(f, undefined);
  }
  inputs.layers.value = s.layers.join(", ");
  markInput(inputs.layers, undefined);
  setLayerMenus(s.layers.length);
  layerMenus().forEach((m, k) => (m.value = s.hidden[k]));
  syncAllLayersMenu();
  inputs.updateBias.checked = s.updateBias;
}

/** The settings in the form, or the messages of the controls that are wrong (each also shown at its control). */
function readSettings(): PageSettings | string[] {
  const errors: string[] = [];
  const numbers: Partial<Record<NumberField["key"], number>> = {};
  for (const f of NUMBER_FIELDS) {
    const value = readField(f);
    markField(f, typeof value === "string" ? value : undefined);
    if (typeof value === "string") errors.push(value);
    else numbers[f.key] = value;
  }
  const layers = parseLayers(inputs.layers.value);
  markInput(inputs.layers, typeof layers === "string" ? layers : undefined);
  if (typeof layers === "string") errors.push(layers);
  else if (layerMenus().length !== layers.length) setLayerMenus(layers.length); // typed, and trained before the field's change event
  const hidden = layerMenus().map((m) => m.value);
  if (!hidden.every(isActivation)) errors.push(`Each hidden layer's activation must be ${ACTIVATIONS.join(", ")}; got ${hidden.join(", ")}.`);
  if (errors.length > 0 || typeof layers === "string") return errors;
  const settings: PageSettings = {
    learningRate: numbers.learningRate!, epochs: numbers.epochs!, seed: numbers.seed!, noise: numbers.noise!, points: numbers.points!,
    layers, hidden: hidden as HiddenActivation[], updateBias: inputs.updateBias.checked,
  };
  try {
    labSettings(settings, "the lab"); // what the worker will check: nothing the page lets through may be refused there
  } catch (e) {
    return [(e as Error).message];
  }
  return settings;
}

/** The hash's form of the hidden activations: one name when every layer has it, else one per layer. */
const hiddenParam = (hidden: readonly string[]): string => (hidden.every((h) => h === hidden[0]) ? hidden[0] : hidden.join(","));

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

/** The hash names a preset when the code is one, else carries the mode and the code itself; then every valid setting that is not the article's. */
function writeHash(): void {
  const code = editor.state.doc.toString();
  const preset = PRESETS.find((p) => p.mode === status.mode && p.code === code);
  const params = new URLSearchParams();
  if (preset) params.set("preset", preset.id);
  else {
    if (status.mode !== "rules") params.set("mode", status.mode);
    params.set("code", toBase64Url(code));
  }
  for (const f of NUMBER_FIELDS) {
    const value = readField(f);
    if (typeof value === "number" && value !== ARTICLE_SETTINGS[f.key]) params.set(f.key, String(value));
  }
  const layers = parseLayers(inputs.layers.value);
  if (Array.isArray(layers) && layers.join(",") !== ARTICLE_SETTINGS.layers.join(",")) params.set("layers", layers.join(","));
  const hidden = layerMenus().map((m) => m.value);
  if (hidden.some((h) => h !== "sigmoid")) params.set("hidden", hiddenParam(hidden));
  if (inputs.updateBias.checked !== ARTICLE_SETTINGS.updateBias) params.set("updateBias", String(inputs.updateBias.checked));
  history.replaceState(null, "", `#${params.toString()}`);
  inputs.preset.value = preset?.id ?? "";
}

/** The code, its mode and the settings in the hash (a shared link), with the article's in place of what the link gets wrong, and a note for each. */
function readHash(): { mode: EditorMode; code: string; settings: PageSettings; notes: string[] } {
  const params = new URLSearchParams(location.hash.slice(1));
  const settings: PageSettings = { ...ARTICLE_SETTINGS, layers: [...ARTICLE_SETTINGS.layers], hidden: [...ARTICLE_SETTINGS.hidden] };
  const notes: string[] = [];
  const modeParam = params.get("mode");
  let mode: EditorMode = "rules";
  if (modeParam === "rules" || modeParam === "step") mode = modeParam;
  else if (modeParam !== null) notes.push(`This link asks for the editor mode "${modeParam}", which the lab does not have (it has rules and step).`);
  const original = mode === "rules" ? "the article's rules" : "notebook 03's step";
  let code = firstPreset(mode).code;
  const preset = params.get("preset");
  const encoded = params.get("code");
  if (encoded !== null) {
    const decoded = fromBase64Url(encoded);
    if (decoded === undefined) notes.push(`This link's ${mode === "rules" ? "rule" : "step"} (code=...) could not be decoded: the link was cut short or altered. The editor shows ${original} instead.`);
    else if (decoded.length > MAX_CODE_CHARS) notes.push(`This link's code has ${decoded.length.toLocaleString("en")} characters, more than the editor holds (${MAX_CODE_CHARS.toLocaleString("en")}). The editor shows ${original} instead.`);
    else code = decoded;
  } else if (preset !== null) {
    const found = presetById(preset);
    if (found) {
      code = found.code;
      mode = found.mode;
    } else notes.push(`This link asks for the preset "${preset}", which the lab does not have (it has ${PRESETS.map((p) => p.id).join(", ")}). The editor shows ${original} instead.`);
  }
  for (const f of NUMBER_FIELDS) {
    const raw = params.get(f.key);
    if (raw === null) continue;
    const value = parseNumber(f, raw);
    if (typeof value === "number") settings[f.key] = value;
    else notes.push(`In this link: ${value} Using ${ARTICLE_SETTINGS[f.key]}.`);
  }
  const layersRaw = params.get("layers");
  if (layersRaw !== null) {
    const layers = parseLayers(layersRaw);
    if (Array.isArray(layers)) {
      settings.layers = layers;
      settings.hidden = layers.map(() => "sigmoid");
    } else notes.push(`In this link: ${layers} Using ${ARTICLE_SETTINGS.layers.join(", ")}.`);
  }
  const hiddenRaw = params.get("hidden");
  if (hiddenRaw !== null) {
    const list = hiddenRaw.split(",");
    const n = settings.layers.length;
    if (list.every(isActivation) && (list.length === 1 || list.length === n)) settings.hidden = list.length === 1 ? settings.layers.map(() => list[0]) : list;
    else notes.push(`In this link: the hidden activation must be ${ACTIVATIONS.join(", ")}, or one of them per hidden layer (${n}, separated by commas); got "${hiddenRaw}". Using sigmoid.`);
  }
  const bias = params.get("updateBias");
  if (bias === "true" || bias === "false") settings.updateBias = bias === "true";
  else if (bias !== null) notes.push(`In this link: updateBias must be true or false; got "${bias}". Using ${ARTICLE_SETTINGS.updateBias}.`);
  return { mode, code, settings, notes };
}

// ------------------------------------------------------------------ the editor

/** The preset menu: the presets of the editor's mode, and "(your edit)". */
function setPresetMenu(mode: EditorMode): void {
  inputs.preset.textContent = "";
  for (const p of PRESETS) if (p.mode === mode) inputs.preset.add(new Option(p.label, p.id));
  inputs.preset.add(new Option("(your edit)", ""));
}

const initial = readHash();
status.mode = initial.mode;
inputs.mode.value = initial.mode;
setPresetMenu(initial.mode);
/** What each mode's editor last held, so that switching back and forth keeps an edit. */
const codeByMode: Partial<Record<EditorMode, string>> = {};
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

/** Puts the editor in `mode` (rules or step), with its presets in the menu. */
function setMode(mode: EditorMode): void {
  status.mode = mode;
  inputs.mode.value = mode;
  setPresetMenu(mode);
}

/** A link opened in this tab (hashchange): its code and settings replace the page's, or the page says why not. */
function loadHash(): void {
  const { mode, code, settings, notes } = readHash();
  window.clearTimeout(hashTimer);
  setMode(mode);
  if (code !== editor.state.doc.toString()) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: code } });
  showSettings(settings);
  writeHash();
  say(notes.length > 0 ? notes.join(" ") : `Loaded the ${mode === "rules" ? "rules" : "step"} and settings of the new link.`);
}
window.addEventListener("hashchange", loadHash); // writeHash's replaceState fires none, so this is always someone else's link

inputs.mode.addEventListener("change", () => {
  const mode: EditorMode = inputs.mode.value === "step" ? "step" : "rules";
  if (mode === status.mode) return;
  codeByMode[status.mode] = editor.state.doc.toString();
  setMode(mode);
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: codeByMode[mode] ?? firstPreset(mode).code } });
  writeHash();
  say(mode === "step" ? "Step mode: the editor holds backpropagationStep(layers, x, y, lr), the whole step (notebook 03). Check and Train use it." : "Rules mode: the editor holds the two delta rules (notebook 04).");
});
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
inputs.layers.addEventListener("change", () => {
  const layers = parseLayers(inputs.layers.value);
  markInput(inputs.layers, typeof layers === "string" ? layers : undefined);
  if (Array.isArray(layers)) setLayerMenus(layers.length);
  writeHash();
});
inputs.layers.addEventListener("input", () => {
  if (inputs.layers.hasAttribute("aria-invalid") && Array.isArray(parseLayers(inputs.layers.value))) markInput(inputs.layers, undefined);
});
// "All hidden layers": sets every layer's menu.
inputs.hidden.addEventListener("change", () => {
  if (isActivation(inputs.hidden.value)) for (const m of layerMenus()) m.value = inputs.hidden.value;
  writeHash();
});
inputs.updateBias.addEventListener("change", writeHash);
inputs.neurons.addEventListener("change", () => {
  const layer = neuronLayer();
  (worker ?? finishedWorker)?.postMessage({ type: "neurons", layer } satisfies ToWorker);
  if (layer === null) clearNeurons();
});

// ------------------------------------------------------------------ messages and errors

function say(text: string): void {
  $("status").textContent = text;
}

/** A job is under way (a paused run too: Stop ends it, Train waits for it to end). */
const busy = (): boolean => status.state === "checking" || status.state === "training" || status.state === "paused";

function setState(state: LabState): void {
  status.state = state;
  document.body.dataset.state = state;
  // aria-disabled, not disabled: a disabled button loses the focus (to <body>), and a keyboard
  // user who pressed Train or Stop would have to find their place again.
  $("check").setAttribute("aria-disabled", String(busy()));
  $("train").setAttribute("aria-disabled", String(busy()));
  $("stop").setAttribute("aria-disabled", String(!busy()));
  $("pause").setAttribute("aria-disabled", String(state !== "training"));
  $("resume").setAttribute("aria-disabled", String(state !== "paused"));
  $("step-epoch").setAttribute("aria-disabled", String(state !== "training" && state !== "paused"));
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
/** The worker of the run that ended: its network still answers the neuron view's menu until the next job. */
let finishedWorker: Worker | undefined;

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
  finishedWorker?.terminate();
  worker = ghostWorker = finishedWorker = undefined;
}

function finish(state: LabState): void {
  stopWorkers();
  setState(state);
}

function rules(): RulesSource {
  return { kind: "code", mode: status.mode, code: editor.state.doc.toString() };
}

/** "rules" or "step": what the messages call the learner's code. */
const yours = (): string => (status.mode === "step" ? "step" : "rules");

// ------------------------------------------------------------------ Check

const fmt = (v: number): string => (Number.isNaN(v) ? "NaN" : v === 0 ? "0" : v.toExponential(2));
const QUANTITY_NAMES: Record<string, string> = { error: "error (-dL/do)", delta: "delta (-dL/dz)", "dL/dW": "weight gradient dL/dW", "dL/db": "bias gradient dL/db" };

/**
 * checkCandidate's per-layer table: each layer's error, delta, dL/dW and dL/db against the library's (exact, approximately,
 * or differs, with the largest difference), the finite-difference verdict, and, above it, the first quantity that is wrong.
 */
function showReport(report: CheckReport): void {
  type A = CheckReport["layers"][number]["delta"];
  const cell = (a: A, missing: string): string =>
    a === null ? `<td class="missing">${missing}</td>` : `<td class="${a.approximate ? "same" : "differs"}">${a.exact ? "exact" : a.approximate ? "approx." : "<b>differs</b>"} <span class="diff">${fmt(a.maxDiff)}</span></td>`;
  const rows = report.layers.map((l) => {
    const ok = (l.verdict === "good" || l.verdict === "acceptable") && [l.error, l.delta, l.gradient, l.biasGradient].every((a) => a === null || a.approximate);
    const first = report.firstWrong?.layer === l.layer ? ` data-first-wrong="${report.firstWrong.quantity}"` : "";
    return `<tr class="${ok ? "pass" : "fail"}" data-layer="${l.layer}"${first}><td>${l.label.replace(/^layers\[\d+\] /, `layers[${l.layer}]<br>`)}</td>${cell(l.error, "not written")}${cell(l.delta, "not returned")}${cell(l.gradient, "")}${cell(l.biasGradient, "no update")}<td>${fmt(l.maxRelativeError)}</td><td class="verdict">${l.verdict}</td></tr>`;
  });
  const w = report.firstWrong;
  const firstWrong = w === null
    ? `<p id="first-wrong" class="right">Right: every quantity of every layer is the library's${report.exact ? ", bit for bit" : " up to rounding"}. Train it.</p>`
    : `<p id="first-wrong" class="wrong">First wrong, from the output back: <b>${report.layers[w.layer].label}, its ${QUANTITY_NAMES[w.quantity]}</b>. ${w.layer === report.layers.length - 1 ? "The output layer's numbers are where backpropagation starts: every hidden layer's come from them, so fix this first." : "The error starts there and travels backwards, towards the input; the layers nearer the output are right."}</p>`;
  $("report").innerHTML =
    firstWrong +
    `<p>Your ${yours()} against the library's on training samples ${report.samples.join(", ")}, from the same weights; then finite differences on sample ${report.samples[0]}: <b>${report.verdict}</b>.</p>` +
    `<div class="table-scroll"><table><thead><tr><th>layer</th><th>error</th><th>delta</th><th>dL/dW</th><th>dL/db</th><th>finite diff. max rel. error</th><th>verdict</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>` +
    `<details><summary>The check's own report</summary><pre>${report.text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</pre></details>`;
}

function check(): void {
  if (busy()) return; // the buttons stay clickable while aria-disabled
  const settings = readSettings();
  if (Array.isArray(settings)) return say(`Not checking: ${settings.join(" ")}`);
  stopWorkers();
  clearError();
  status.report = undefined;
  setState("checking");
  say(`Checking your ${yours()} against the reference...`);
  worker = startWorker({ type: "check", rules: rules(), settings }, (m) => {
    if (m.type === "check") {
      status.report = m.report;
      showReport(m.report);
      const w = m.report.firstWrong;
      say(w === null ? `Check done: right, the library's numbers${m.report.exact ? " bit for bit" : " up to rounding"}; finite differences: ${m.report.verdict}.`
        : `Check done: ${m.report.verdict}; the first wrong quantity is ${m.report.layers[w.layer].label}, its ${QUANTITY_NAMES[w.quantity]}.`);
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
let settingsOfRun: PageSettings = ARTICLE_SETTINGS;

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
    title: { text: title.replace(/^[^<]*/, `Your ${yours()}; the library's in grey`) }, // the full title is wider than a phone
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
      title: `Your ${yours()} (blue, red) and the library's (grey)${shapeChangesText(settingsOfRun)}`,
      records: status.records,
      reference: status.ghost,
      epochs: settingsOfRun.epochs,
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

// ------------------------------------------------------------------ the neuron view

const neuronMaps = $("neuron-maps");
/** The newest neuron-view frame not yet painted (frames replace each other: only the newest is worth painting). */
let pendingNeurons: Extract<FromWorker, { type: "neurons" }> | undefined;

/** The hidden layer the neuron view shows, or null. */
function neuronLayer(): number | null {
  return inputs.neurons.value === "" ? null : Number(inputs.neurons.value);
}

/** The colour range of an activation's outputs: sigmoid 0..1, tanh -1..1, else (relu) what the layer's outputs span, as neuronViewFigure does. */
function outputRange(activation: string, z: number[][][]): [number, number] {
  if (activation === "sigmoid") return [0, 1];
  if (activation === "tanh") return [-1, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of z) for (const row of m) for (const v of row) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  return lo < hi ? [lo, hi] : [lo - 1, hi + 1];
}

/** Blue (low) through white to red (high), neuronViewFigure's reversed RdBu; NaN grey. */
function colour(t: number): [number, number, number] {
  if (!Number.isFinite(t)) return [150, 150, 150];
  const u = Math.min(1, Math.max(0, t));
  const [a, b, f] = u < 0.5 ? [[33, 102, 172], [247, 247, 247], u * 2] : [[247, 247, 247], [178, 24, 43], u * 2 - 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/**
 * Paints the newest frame: one small canvas per neuron, a pixel per grid point (16 x 16, scaled up by CSS).
 * Plotly's heat maps, one subplot per neuron, cost the page a few hundred ms a frame for 50 neurons; this costs well under one.
 */
function paintNeurons(): void {
  const m = pendingNeurons;
  pendingNeurons = undefined;
  if (!m || neuronLayer() !== m.layer) return;
  const n = m.z.length;
  const rows = m.z[0]?.length ?? 0;
  const cols = m.z[0]?.[0]?.length ?? 0;
  const canvases = Array.from(neuronMaps.querySelectorAll("canvas"));
  for (let j = canvases.length; j < n; j++) {
    const c = document.createElement("canvas");
    canvases.push(c);
    neuronMaps.append(c);
  }
  for (let j = canvases.length - 1; j >= n; j--) canvases.pop()!.remove();
  const [lo, hi] = outputRange(m.activation, m.z);
  canvases.forEach((c, j) => {
    if (c.width !== cols || c.height !== rows) (c.width = cols), (c.height = rows);
    c.title = `neuron ${j} of hidden layer ${m.layer + 1}`;
    const ctx = c.getContext("2d");
    if (!ctx) return;
    const image = ctx.createImageData(cols, rows);
    for (let r = 0; r < rows; r++) {
      const row = m.z[j][rows - 1 - r]; // z's rows go up the plane (over ys); a canvas's go down
      for (let k = 0; k < cols; k++) {
        const [R, G, Bl] = colour((row[k] - lo) / (hi - lo));
        const at = 4 * (r * cols + k);
        image.data[at] = R;
        image.data[at + 1] = G;
        image.data[at + 2] = Bl;
        image.data[at + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
  });
  $("neuron-legend").textContent = `Hidden layer ${m.layer + 1} after epoch ${m.epoch}: ${n} neurons, each one's output o (${m.activation}) over the plane, from ${+lo.toFixed(2)} (blue) to ${+hi.toFixed(2)} (red).`;
  $("neuron-view").hidden = false;
  status.neuronFrames++;
  status.neuronMaps = n;
}

function drawNeurons(m: Extract<FromWorker, { type: "neurons" }>): void {
  const waiting = pendingNeurons !== undefined;
  pendingNeurons = m;
  if (!waiting) requestAnimationFrame(paintNeurons);
}

function clearNeurons(): void {
  pendingNeurons = undefined;
  status.neuronMaps = 0;
  neuronMaps.textContent = "";
  $("neuron-legend").textContent = "";
}

// ------------------------------------------------------------------ the ghost: the library's run with the same settings

let referenceRun: Promise<EpochRecord[]> | undefined;
const sameList = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((v, k) => v === b[k]);
const sameAsArticle = (s: PageSettings): boolean =>
  s.learningRate === ARTICLE_SETTINGS.learningRate && s.seed === ARTICLE_SETTINGS.seed && s.updateBias === ARTICLE_SETTINGS.updateBias && s.epochs <= ARTICLE_SETTINGS.epochs &&
  sameList(s.layers, ARTICLE_SETTINGS.layers) && sameList(s.hidden, ARTICLE_SETTINGS.hidden) && s.noise === ARTICLE_SETTINGS.noise && s.points === ARTICLE_SETTINGS.points;

/** The ghost: the library's rules with the same settings; precomputed in Node for the article's settings, else trained beside yours in a second worker. */
function startGhost(settings: PageSettings): void {
  status.ghost = [];
  status.ghostSettings = settings;
  if (sameAsArticle(settings)) {
    status.ghostFrom = "build";
    referenceRun ??= fetch("assets/reference.json").then((r) => r.json() as Promise<{ records: EpochRecord[] }>).then((r) => r.records);
    void referenceRun.then((records) => {
      if (!busy() && status.state !== "done") return;
      status.ghost = records.filter((r) => r.epoch <= settings.epochs);
      scheduleRedraw();
    });
    return;
  }
  status.ghostFrom = "worker";
  ghostWorker = startWorker({ type: "train", rules: { kind: "reference" }, settings, frameEveryMs: Infinity, neurons: null }, (m) => {
    if (m.type === "record") {
      status.ghost.push(m.record);
      scheduleRedraw();
    } else if (m.type === "done" || m.type === "diverged" || m.type === "error") {
      ghostWorker?.terminate();
      ghostWorker = undefined;
    }
  });
}

/** Empties the figure, so that a run that drew nothing does not stand beside the previous run's picture titled "Your rules". */
function clearFigure(): void {
  boundary = undefined;
  if (plotlyPromise) void plotlyPromise.then((P) => P.purge(livePlot));
  clearNeurons();
}

// ------------------------------------------------------------------ Train, pause, resume, one epoch, stop

/** "epoch 41 of 0..1000": where a run is, as the page says it. */
const where = (): string => `${status.epochsDone} of ${settingsOfRun.epochs + 1} epochs trained (epochs 0 to ${settingsOfRun.epochs})`;

function train(): void {
  if (busy()) return;
  const settings = readSettings();
  if (Array.isArray(settings)) return say(`Not training: ${settings.join(" ")}`);
  stopWorkers();
  clearError();
  status.records = [];
  status.seconds = undefined;
  status.report = undefined;
  status.epochsDone = 0;
  $("report").textContent = "";
  boundary = undefined;
  settingsOfRun = settings;
  const neurons = neuronLayer();
  if (neurons === null) clearNeurons();
  setState("training");
  say("Training...");
  const t0 = performance.now();
  startGhost(settings);
  worker = startWorker({ type: "train", rules: rules(), settings, frameEveryMs: 400, neurons }, (m) => {
    switch (m.type) {
      case "setup":
        boundary = { setup: m.boundary, X: new Matrix(m.boundary.points.rows, 2, Float64Array.from(m.boundary.points.data)), z: [] };
        break;
      case "boundary":
        status.epochsDone = Math.max(status.epochsDone, m.epoch + 1);
        if (boundary) boundary.z = m.z;
        scheduleRedraw();
        break;
      case "neurons":
        if (neuronLayer() === m.layer) drawNeurons(m);
        break;
      case "paused":
        status.epochsDone = m.epochsDone;
        setState("paused");
        say(`Paused: ${where()}. Resume goes on; One epoch trains exactly one more.`);
        break;
      case "record": {
        status.records.push(m.record);
        status.epochsDone = Math.max(status.epochsDone, m.record.epoch + 1);
        const r = m.record;
        if (status.state === "training") say(`Training... epoch ${r.epoch} of ${settings.epochs}: MSE ${r.mse.toFixed(6)}, test accuracy ${(r.accuracy * 100).toFixed(2)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        scheduleRedraw();
        break;
      }
      case "done": {
        status.records = m.records;
        status.seconds = m.seconds;
        status.epochsDone = settings.epochs + 1;
        const last = m.records[m.records.length - 1];
        say(`Done: ${m.records.length} records, final MSE ${last.mse.toFixed(6)}, test accuracy ${(last.accuracy * 100).toFixed(2)}%, ${m.seconds.toFixed(1)} s of training in this browser.`);
        finishedWorker = worker; // kept for the neuron view's menu; ended by the next job
        worker = undefined;
        setState("done");
        scheduleRedraw();
        break;
      }
      case "diverged": {
        status.records = m.records;
        finish("diverged");
        // Epoch N is the checkpoint that found it: at N itself for the first one, else somewhere since the previous one.
        const what = `Your ${yours()} produced ${m.nan ? "NaN" : "a loss that is not finite"} ${m.records.length === 0 ? "at" : "by"} epoch ${m.epoch}`;
        const smaller = `try a smaller learning rate (e.g. ${settings.learningRate / 10}), or Check the ${yours()}`;
        const last = m.records[m.records.length - 1];
        if (!last) {
          clearFigure();
          say(`${what} before the first checkpoint; nothing to draw. If the library's rules train at this learning rate, look at your ${yours()}; else ${smaller}.`);
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

/** Pause: the worker stops between epochs and says where ("paused"); the state changes when it has. */
function pause(): void {
  if (status.state !== "training" || !worker) return;
  worker.postMessage({ type: "pause" } satisfies ToWorker);
  say("Pausing after this epoch...");
}

function resume(): void {
  if (status.state !== "paused" || !worker) return;
  worker.postMessage({ type: "resume" } satisfies ToWorker);
  setState("training");
  say(`Resumed: ${where()}...`);
}

/** Exactly one more epoch, then paused (a running run pauses first). */
function stepEpoch(): void {
  if ((status.state !== "training" && status.state !== "paused") || !worker) return;
  worker.postMessage({ type: "step" } satisfies ToWorker);
}

function stop(): void {
  if (!busy()) return;
  const last = status.records[status.records.length - 1];
  finish("stopped");
  say(last ? `Stopped after epoch ${last.epoch} (the worker was terminated).` : "Stopped (the worker was terminated).");
}

$("check").addEventListener("click", check);
$("train").addEventListener("click", train);
$("stop").addEventListener("click", stop);
$("pause").addEventListener("click", pause);
$("resume").addEventListener("click", resume);
$("step-epoch").addEventListener("click", stepEpoch);
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
say(initial.notes.length > 0 ? initial.notes.join(" ") : `Ready. Check compares your ${yours()} with the reference; Train trains a network with them (the settings beside the editor).`);
void plotly(); // start fetching plotly.js now that the editor is usable
