/**
 * The notebook side: the ONLY module that knows about Jupyter and which
 * kernel runs the notebook. Both kernels can send a whole MIME bundle as one
 * output (a figure is one output, not three): on tslab through its internal
 * `lastWriteDisplayData` hook (its public `display` sends one MIME type per
 * call), on Deno through `Deno.jupyter.broadcast` (what
 * `Deno.jupyter.display(bundle, { raw: true })` sends, without its delay).
 */
import type * as TslabJupyter from "tslab/dist/jupyter";
import type { Figure } from "../figures/figures";
import { EpochRecord, formatRecord } from "../core/history";
import { figureDiv } from "../figures/html";
import { plotlyScript } from "../node/plotly-file";
import type { TrainOptions } from "../core/network";
import { formatProgress } from "../lab/progress";

export type MimeBundle = Record<string, unknown>;

interface DisplayMessage {
  bundle: MimeBundle;
  displayId?: string;
  update: boolean;
}

/** `Deno.jupyter` as far as this file uses it (lib.deno.d.ts, Deno 2.9). */
interface DenoJupyter {
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void> | void;
}

/** Deno's kernel, or undefined elsewhere (reading `Deno.jupyter` throws outside `deno jupyter`). */
function denoJupyter(): DenoJupyter | undefined {
  const deno = (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno;
  if (deno === undefined) return undefined;
  try {
    return typeof deno.jupyter?.broadcast === "function" ? deno.jupyter : undefined;
  } catch {
    return undefined;
  }
}

/**
 * tslab's hook, looked up when first needed rather than imported at the top:
 * under Deno this file is an ES module with no `require`, and tslab is not running.
 */
function tslabWriter(): typeof TslabJupyter.lastWriteDisplayData | undefined {
  if (typeof require !== "function") return undefined;
  const write = (require("tslab/dist/jupyter") as typeof TslabJupyter).lastWriteDisplayData;
  return typeof write === "function" ? write : undefined;
}

/**
 * `Deno.jupyter.broadcast` sends the message as `Deno.jupyter.display(bundle,
 * { raw: true })` would, minus display's `await` before sending: in Deno 2.9
 * broadcast sends at once, so a live progress line updates while a
 * synchronous training loop runs and outputs keep their order with
 * console.log (display's messages would all leave after the cell's code).
 * It is typed as returning a Promise: a rejection is reported on stderr
 * instead of becoming an unhandled rejection that ends the kernel.
 */
function sendWithDeno(jupyter: DenoJupyter, { bundle, displayId, update }: DisplayMessage): void {
  const content = { data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} };
  const sent = jupyter.broadcast(update ? "update_display_data" : "display_data", content);
  if (sent instanceof Promise) sent.catch((error: unknown) => console.error("display: Deno.jupyter.broadcast failed:", error));
}

function sendWithTslab(write: NonNullable<ReturnType<typeof tslabWriter>>, { bundle, displayId, update }: DisplayMessage): void {
  write(
    {
      // tslab types bundle values as strings; JSON MIME types must stay objects.
      data: bundle as unknown as Parameters<typeof write>[0]["data"],
      metadata: {},
      transient: displayId ? { display_id: displayId } : {},
    },
    update,
  );
}

function send(message: DisplayMessage): void {
  const deno = denoJupyter();
  if (deno) return sendWithDeno(deno, message);
  const tslab = tslabWriter();
  if (tslab) return sendWithTslab(tslab, message);
  throw new Error("display: no notebook kernel is running. Call this from a cell of a notebook (kernel \"TypeScript (backprop-moons)\" or \"TypeScript on Deno (backprop-moons)\"); outside Jupyter, export figures with standaloneHtml() instead.");
}

/** Sends one display_data output holding every MIME type of `bundle` (or updates the output `displayId`). */
export function displayBundle(bundle: MimeBundle, options: { displayId?: string; update?: boolean } = {}): void {
  send({ bundle, displayId: options.displayId, update: options.update === true });
}

/**
 * What the kernel launcher (jupyter/tslab-kernel.ts) and this module share.
 * tslab compiles src/ for the cells separately from build/src/, so the two
 * are different module instances: the state lives on globalThis under this
 * one key, and both sides reach it only through `kernelState()`.
 */
export const KERNEL_STATE_KEY = Symbol.for("backprop-moons.kernelState");

export interface KernelState {
  /** Whether plotly.js went out with a figure whose output the page still has. */
  plotlySent: boolean;
  /** The cell whose output carries plotly.js, when the client names cells (JupyterLab, nbclient). */
  plotlyCell?: string;
  /** The cell running now, when the client names it. */
  cell?: string;
  /** The training running now (kept by liveProgress), for the kernel's one-line interrupt message. */
  training?: { epoch: number; maxEpochs: number };
}

export function kernelState(): KernelState {
  const g = globalThis as unknown as Record<symbol, KernelState | undefined>;
  return (g[KERNEL_STATE_KEY] ??= { plotlySent: false });
}

/**
 * Called by the kernel before each cell with the ids the client puts in the
 * execute_request's metadata (JupyterLab and nbclient send `cellId` and
 * `deletedCells`; the classic Notebook sends neither). When the cell whose
 * output carries plotly.js runs again (its output is replaced) or is
 * deleted, the next figure carries plotly.js again.
 */
export function beforeCell(cellId?: string, deletedCells: readonly string[] = []): void {
  const state = kernelState();
  if (state.plotlyCell !== undefined && (state.plotlyCell === cellId || deletedCells.includes(state.plotlyCell))) {
    state.plotlySent = false;
    state.plotlyCell = undefined;
  }
  state.cell = cellId;
  state.training = undefined;
}

/** The attribute that marks the one <script> carrying plotly.js in a notebook: a carrier output starts with `<script ${PLOTLY_CARRIER}>`. */
export const PLOTLY_CARRIER = "data-backprop-moons-plotly";
/** The MIME type of plotly.js sent to a page that asked for it (never shown, never saved). */
const PLOTLY_JS_MIME = "application/x-backprop-moons-plotly-js";

/** What a page runs in the kernel to get plotly.js (tslab compiles it like a cell; the kernel's cwd is the repository root). */
const FETCH_CODE = 'import { sendPlotlyToPage } from "./src/notebook/display";\nsendPlotlyToPage();';

/**
 * Where plotly.min.js is, relative to a notebook in the project's notebooks/
 * folder. A page that has no plotly.js loads it from there through the
 * Jupyter server that serves the notebook (no request leaves that server):
 * JupyterLab rewrites a relative link in an output against the notebook's
 * folder (to /files/node_modules/...); in the classic Notebook the page
 * builds the same /files/ URL from the notebook's path; an HTML export
 * (nbconvert) saved next to the notebook finds the file beside it.
 */
export const PLOTLY_JS_FROM_NOTEBOOK = "../node_modules/plotly.js-dist-min/plotly.min.js";
/** The attribute of the hidden link to PLOTLY_JS_FROM_NOTEBOOK that every figure output holds. */
const PLOTLY_URL_ATTR = "data-backprop-moons-plotly-url";

/** Said under a figure when nothing brought plotly.js: HEAD + what failed (with the URL tried) + ADVICE. */
const CANNOT_DRAW_HEAD = "This figure cannot be drawn here: plotly.js is not in this page, and ";
const CANNOT_DRAW_ADVICE =
  ". In Jupyter: open the notebook from the project's notebooks/ folder with Jupyter started in the project folder " +
  "or a folder above it (figures then load plotly.js from the project's node_modules/), or restart the kernel and " +
  "run this cell (the first figure after a restart brings plotly.js).";

/**
 * Page-side help, sent with every figure (about 3 kB), run once per page.
 * When a figure finds no plotly.js in the page (the output that carried it
 * was cleared, or the page was reloaded without it) it calls
 * `backpropMoonsNeedPlotly()`, once per page:
 *  - in the classic Notebook it asks the kernel for plotly.js
 *    (`sendPlotlyToPage`), instead of the kernel re-sending 4.8 MB to every
 *    page that connects; when no kernel answers with it, as everywhere else:
 *  - it loads plotly.min.js from the project's files (PLOTLY_JS_FROM_NOTEBOOK,
 *    resolved as its comment says) with a <script> element.
 * In the classic Notebook it also keeps a copy of plotly.js from the carrier
 * output (or the kernel's answer), and before each save, if no output of the
 * notebook carries plotly.js any more (its cell was re-run, cleared or
 * deleted), it puts the copy into the first figure's output, so the saved
 * notebook draws when reopened, whatever order the cells ran in (the classic
 * Notebook does not tell the kernel which cell runs, so only the page can
 * know). JupyterLab gives output scripts no access to the notebook, so there
 * a notebook saved after its carrier was cleared holds no plotly.js, and its
 * figures load it from the project's files when reopened.
 * The page shows `backpropMoonsPlotlyStatus` while loading, and
 * `backpropMoonsPlotlyFailure` if nothing worked (see figureDiv).
 * The marker is split in the code so that this helper never looks like a carrier.
 */
const PAGE_HELPER = `<a hidden ${PLOTLY_URL_ATTR} href="${PLOTLY_JS_FROM_NOTEBOOK}"></a><script>(function(){var w=window,MARK="${PLOTLY_CARRIER.slice(0, 8)}"+"${PLOTLY_CARRIER.slice(8)}";
if(!w.backpropMoonsPlotlySource){var s=document.querySelectorAll("script["+MARK+"]");if(s.length)w.backpropMoonsPlotlySource=s[s.length-1].textContent;}
if(w.backpropMoonsHelper)return;w.backpropMoonsHelper=true;w.backpropMoonsFetches=0;w.backpropMoonsLoads=0;
var nb=w.Jupyter&&w.Jupyter.notebook;if(!nb||!nb.events)nb=null;var RAW=${JSON.stringify(PLOTLY_JS_FROM_NOTEBOOK)};
if(nb)nb.events.on("before_save.Notebook",function(){var src=w.backpropMoonsPlotlySource,first=null,carried=false;if(!src)return;
nb.get_cells().forEach(function(c){((c.output_area&&c.output_area.outputs)||[]).forEach(function(o){var h=o.data&&o.data["text/html"];if(Array.isArray(h))h=h.join("");if(typeof h!=="string")return;
if(h.indexOf("<script "+MARK)>=0)carried=true;else if(!first&&h.indexOf('class="plotly-figure"')>=0)first=o;});});
if(!carried&&first){var h=first.data["text/html"];first.data["text/html"]="<script "+MARK+">"+src+"<\\/script>\\n"+(Array.isArray(h)?h.join(""):h);}});
function url(){var links=document.querySelectorAll("a[${PLOTLY_URL_ATTR}]");for(var i=0;i<links.length;i++){var h=links[i].getAttribute("href");if(h&&h!==RAW)return h;}
if(nb){var dir=nb.notebook_path.split("/").slice(0,-1).map(encodeURIComponent).join("/");return new URL(nb.base_url+"files/"+(dir?dir+"/":"")+RAW,location.href).href;}
return new URL(RAW,document.baseURI).href;}
function done(failure){w.backpropMoonsPlotlyPending=false;w.backpropMoonsPlotlyStatus="";if(!w.Plotly)w.backpropMoonsPlotlyFailure=failure;}
function fromFiles(){var u=url(),el=document.createElement("script");w.backpropMoonsLoads++;w.backpropMoonsPlotlyStatus="Loading plotly.js from the project's files ("+u+")...";
var HEAD=${JSON.stringify(CANNOT_DRAW_HEAD)},ADVICE=${JSON.stringify(CANNOT_DRAW_ADVICE)};
el.onload=function(){done(HEAD+"the file loaded from "+u+" did not define it"+ADVICE);};el.onerror=function(){done(HEAD+"it could not be loaded from "+u+ADVICE);};el.src=u;document.head.appendChild(el);}
w.backpropMoonsNeedPlotly=function(){if(w.Plotly||w.backpropMoonsPlotlyPending||w.backpropMoonsPlotlyAsked)return;w.backpropMoonsPlotlyAsked=true;w.backpropMoonsPlotlyPending=true;
var k=nb&&nb.kernel;if(!k||!k.is_connected()){fromFiles();return;}w.backpropMoonsFetches++;w.backpropMoonsPlotlyStatus="Waiting for plotly.js from the kernel (after the cells queued before this request)...";
k.execute(${JSON.stringify(FETCH_CODE)},{iopub:{output:function(m){var d=m.content&&m.content.data,src=d&&d["${PLOTLY_JS_MIME}"];if(src&&!w.Plotly){(0,eval)(src);w.backpropMoonsPlotlySource=src;}}},
shell:{reply:function(){if(w.Plotly)done("");else fromFiles();}}},{silent:false,store_history:false});};})();</script>
`;

/** For a page that asked for plotly.js (see PAGE_HELPER): sends it to that request only; nothing is shown or saved. */
export function sendPlotlyToPage(): void {
  displayBundle({ [PLOTLY_JS_MIME]: plotlyScript(), "text/plain": "" });
}

/**
 * The carrier's script: plotly.js, run only in a page that has none yet. It
 * still holds all of plotly.js, so a saved notebook draws wherever it is
 * opened; but where the page already has it (the carrier's cell re-run, Run
 * All again, the live figure's final frame), starting plotly.js a second time
 * would cost seconds of the browser's time for nothing (about 1.7 s of main
 * thread in CI's headless Chromium, measured with performance.now()).
 */
export function carrierScript(): string {
  return `if (!window.Plotly) {\n${plotlyScript()}\n}`;
}

/**
 * A figure's MIME bundle: the Plotly MIME type (JupyterLab with the plotly
 * extension, VS Code), HTML that draws offline, and a text summary. With
 * `carrier`, the HTML starts with plotly.js itself (4.8 MB, carrierScript).
 */
export function figureBundle(figure: Figure, carrier = false): MimeBundle {
  const title = figure.layout.title;
  const name = typeof title === "string" ? title : title?.text ?? "figure";
  return {
    "application/vnd.plotly.v1+json": { data: figure.data, layout: figure.layout, ...(figure.config ? { config: figure.config } : {}), ...(figure.frames ? { frames: figure.frames } : {}) },
    "text/html": (carrier ? `<script ${PLOTLY_CARRIER}>${carrierScript()}</script>\n` : "") + PAGE_HELPER + figureDiv(figure),
    "text/plain": `<Plotly figure: ${name}, ${figure.data.length} trace(s)>`,
  };
}

/**
 * Shows a Plotly figure as ONE output (see figureBundle). plotly.js (4.8 MB)
 * is inlined in one output only: the first figure of a kernel session, or
 * the next one after that output's cell ran again or was deleted (see
 * beforeCell); later figures reuse window.Plotly.
 */
export function show(figure: Figure): void {
  const state = kernelState();
  displayBundle(figureBundle(figure, !state.plotlySent));
  if (!state.plotlySent) state.plotlyCell = state.cell;
  state.plotlySent = true;
}

/**
 * A figure redrawn in place: the first `update` shows it, later ones replace
 * it (update_display_data with its display id), e.g. a few times a second
 * while a network trains. When the page has no plotly.js yet, this output is
 * the session's carrier: its first frame brings plotly.js, the frames in
 * between do not (the page keeps window.Plotly), and the `final` frame
 * brings it again, so the saved output still draws when reopened. An
 * interrupted run ends without a final frame; its figure then loads
 * plotly.js as any figure whose page lacks it does (see PAGE_HELPER).
 */
export function liveFigure(): { update(figure: Figure, final?: boolean): void } {
  const displayId = `live-figure-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  let created = false;
  let carrier = false;
  return {
    update(figure: Figure, final = false) {
      if (!created) {
        const state = kernelState();
        carrier = !state.plotlySent;
        if (carrier) state.plotlyCell = state.cell;
        state.plotlySent = true;
      }
      displayBundle(figureBundle(figure, carrier && (!created || final)), { displayId, update: created });
      created = true;
    },
  };
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
      kernelState().training = epoch < maxEpochs ? { epoch, maxEpochs } : undefined;
      const now = Date.now();
      const finished = epoch === maxEpochs;
      if (!finished && now - lastShown < everyMs) return;
      lastShown = now;
      line.update(`${formatProgress(epoch + 1, maxEpochs + 1, (now - start) / 1000)}\n${latest}`);
    },
  };
}
