/**
 * The notebooks in a real Jupyter client, driven the way a learner drives
 * them: Debian's classic Notebook server (jupyter-notebook 6.4) on
 * 127.0.0.1 with the project kernel, in headless Chromium (playwright-core).
 * Works on copies of notebooks/*.ipynb in <out>/notebooks/ (the committed
 * notebooks stay without outputs; the quick-look epoch knobs are lowered, 04's excepted, see quickKnobs).
 *
 * For every notebook: Cell > Run All, wait until the kernel is idle; no
 * error output; every figure drawn. Then, where the notebook has them
 * (found by the markers below, not by cell numbers):
 *  - HIDDEN_RULE_MARKERS (first notebook with them, 06): the learner's
 *    hidden delta rule is broken (every hidden delta doubled) and re-run; its
 *    gradient-check report must say "wrong" for every hidden layer and "good"
 *    for the output layer.
 * File > Save and Checkpoint; the saved file holds exactly one output
 * carrying plotly.js; the kernel is shut down; the page is reloaded; every
 * figure is drawn again from the saved outputs, without asking the kernel
 * for plotly.js. Then:
 *  - in the first notebook: Run All, clear every output, save, reload (the
 *    kernel keeps running, so it will not resend plotly.js), run a figure
 *    cell: the page must fetch plotly.js from the kernel once, draw, and
 *    save it with the figure; then a new cell that throws on its line 5 must
 *    report "at line 5 of the cell";
 *  - TRAIN_MARKER (first notebook with it, 04): during the first Run All,
 *    the live figure of that cell redraws several times while the cell runs,
 *    each frame with more epochs plotted than the one before; after the
 *    reload (a new kernel, nothing cached), Run All again and
 *    Kernel > Interrupt during training: the cell's error is one line
 *    naming the epoch; a cell run after it works.
 * Failures are screenshotted into <out>/. Exit code 1 on any failure.
 *
 *   node build/jupyter/ui-test.js [--out output/ui] [--port 8931] [NAME ...]
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../tools/shared/chromium";
import { numberFlag, parseCommandLine, repoRoot } from "../tools/shared/cli";
import { PLOTLY_MIME, cellSource, listNotebooks, plotlyCarriers, readNotebook } from "../tools/shared/notebook-runner";
import { quickEpochs, setQuickEpochs } from "./quick-epochs";
import { shutDownSessions, startJupyterServer } from "./jupyter-server";

/** Markers the notebooks must keep for these checks (see the header). */
export const TRAIN_MARKER = /saveRun\(await lab\(/; // one line: 04's full run, trained by lab() with its live figure and progress line
export const HIDDEN_RULE_MARKERS = { cell: /const myHiddenDelta\b[\s\S]*gradientCheck\([\s\S]*\.report\(\)/, line: /^(\s*)layer\.delta\[j\]\s*=.*;/m };
const JUPYTER = process.env.JUPYTER ?? "/usr/bin/jupyter";

const USAGE = `Usage: node build/jupyter/ui-test.js [--out DIR] [--port N] [notebook ...]

Runs the notebooks in Debian's classic Jupyter Notebook in headless Chromium
(see the header of jupyter/ui-test.ts for every check).

  --out DIR   working copies, server log, screenshots of failures (default output/ui)
  --port N    port of the Notebook server on 127.0.0.1 (default 8931)`;

interface NotebookReport {
  name: string;
  runAllSeconds: number;
  trainingSeconds?: number;
  figures: number;
  savedBytes: number;
  carriers: number;
  failures: string[];
  notes: string[];
}

// ------------------------------------------------------------------ the server

function startServer(out: string, work: string, port: number, token: string): Promise<ChildProcess> {
  return startJupyterServer("jupyter notebook", JUPYTER, ["notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`, `--notebook-dir=${work}`], out, port, token);
}

const shutDownKernel = shutDownSessions;

// ------------------------------------------------------------------ the page (scripts run in the browser, as text)

/** Resolves when the notebook is loaded and its kernel connected and idle. */
async function waitForKernel(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(
    `window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()
     && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null`,
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
}

/** Resolves when no cell is running and the kernel has been idle for a moment. */
async function waitForIdle(page: Page, timeoutMs: number): Promise<void> {
  const idle = `document.querySelectorAll(".code_cell.running").length === 0 && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.waitForFunction(idle, undefined, { timeout: Math.max(1000, deadline - Date.now()), polling: 250 });
    await page.waitForTimeout(750);
    if (await page.evaluate(idle)) return;
  }
}

/** Clicks a menu, then one of its items, as a learner does. */
async function menu(page: Page, top: string, item: string): Promise<void> {
  await page.click(top);
  await page.click(`${item} > a`);
}

interface PageFigures { containers: number; drawn: number; modelFigures: number; notes: string[] }

/** Waits (up to timeoutMs) until every figure container holds a drawn plot, then counts. */
async function figuresOnPage(page: Page, timeoutMs = 30_000): Promise<PageFigures> {
  const allDrawn = `Array.from(document.querySelectorAll(".plotly-figure")).every((el) => el.querySelector(".main-svg") !== null)`;
  await page.waitForFunction(allDrawn, undefined, { timeout: timeoutMs, polling: 250 }).catch(() => undefined);
  return (await page.evaluate(`(() => {
    const all = Array.from(document.querySelectorAll(".plotly-figure"));
    const modelFigures = Jupyter.notebook.get_cells().reduce((n, c) => n + ((c.output_area && c.output_area.outputs) || [])
      .filter((o) => o.data && o.data[${JSON.stringify(PLOTLY_MIME)}]).length, 0);
    return {
      containers: all.length,
      drawn: all.filter((el) => el.querySelector(".main-svg") !== null).length,
      modelFigures,
      notes: all.filter((el) => el.querySelector(".main-svg") === null).map((el) => el.textContent.trim().slice(0, 160)),
    };
  })()`)) as PageFigures;
}

/** The text of every error output on the page. */
async function errorOutputs(page: Page): Promise<string[]> {
  return (await page.evaluate(`Array.from(document.querySelectorAll(".output_error")).map((el) => el.textContent)`)) as string[];
}

/** Index of the first code cell whose source matches `pattern` (a RegExp source), or -1. */
async function findCell(page: Page, pattern: RegExp): Promise<number> {
  return (await page.evaluate(`Jupyter.notebook.get_cells().findIndex((c) => c.cell_type === "code" && new RegExp(${JSON.stringify(pattern.source)}, ${JSON.stringify(pattern.flags)}).test(c.get_text()))`)) as number;
}

/** Puts `code` into a new cell below `index` (or replaces cell `index`'s text), runs it, waits, returns its output text. */
async function runCell(page: Page, index: number, code: string, options: { insert: boolean; timeoutMs?: number }): Promise<{ text: string; errors: string[] }> {
  await page.evaluate(`(() => {
    const nb = Jupyter.notebook;
    const cell = ${options.insert ? `nb.insert_cell_below("code", ${index})` : `nb.get_cell(${index})`};
    cell.set_text(${JSON.stringify(code)});
    cell.execute();
  })()`);
  await waitForIdle(page, options.timeoutMs ?? 60_000);
  const at = options.insert ? index + 1 : index;
  return (await page.evaluate(`(() => {
    const el = Jupyter.notebook.get_cell(${at}).output_area.element[0];
    return { text: el.textContent, errors: Array.from(el.querySelectorAll(".output_error")).map((e) => e.textContent) };
  })()`)) as { text: string; errors: string[] };
}

// ------------------------------------------------------------------ one notebook

interface Ctx { browser: Browser; context: BrowserContext; port: number; token: string; work: string; out: string }

async function openNotebook(ctx: Ctx, name: string): Promise<Page> {
  const page = await ctx.context.newPage();
  page.on("dialog", (d) => void d.dismiss().catch(() => undefined));
  await page.goto(`http://127.0.0.1:${ctx.port}/notebooks/${encodeURIComponent(name)}?token=${ctx.token}`, { waitUntil: "load" });
  await waitForKernel(page);
  return page;
}


/** Which checks run on a notebook besides the common ones. */
interface Extra { errorLine: boolean; interrupt: boolean; brokenRule: boolean }

/** A notebook's code cells, for finding markers. */
const codeOf = (file: string): string[] => readNotebook(file).cells.filter((c) => c.cell_type === "code").map(cellSource);

async function checkNotebook(ctx: Ctx, file: string, extra: Extra): Promise<NotebookReport> {
  const name = basename(file);
  const report: NotebookReport = { name, runAllSeconds: NaN, figures: 0, savedBytes: 0, carriers: 0, failures: [], notes: [] };
  const fail = async (page: Page | undefined, step: string, why: string): Promise<void> => {
    report.failures.push(`${step}: ${why}`);
    if (page) await page.screenshot({ path: join(ctx.out, `${name.replace(/\.ipynb$/, "")}-${step}.png`), fullPage: true }).catch(() => undefined);
  };
  const opened = Date.now();
  let page: Page;
  try {
    page = await openNotebook(ctx, name);
  } catch (e) {
    await fail(undefined, "open", (e as Error).message.split("\n")[0]);
    return report;
  }
  const steps: string[] = [`open ${((Date.now() - opened) / 1000).toFixed(1)} s`];
  let stepStart = Date.now();
  const step = (label: string): void => {
    steps.push(`${label} ${((Date.now() - stepStart) / 1000).toFixed(1)} s`);
    stepStart = Date.now();
  };
  try {
    // Run All, as a learner does.
    const trainCell = extra.interrupt ? await findCell(page, TRAIN_MARKER) : -1;
    if (trainCell >= 0) await watchLiveFigure(page, trainCell);
    const t0 = Date.now();
    await menu(page, "#celllink", "#run_all_cells");
    await page.waitForTimeout(500);
    await waitForIdle(page, 15 * 60_000);
    report.runAllSeconds = (Date.now() - t0) / 1000;
    stepStart = Date.now();
    if (trainCell >= 0) await checkLiveFigure(page, report, fail);
    if (extra.interrupt) {
      // The training cell's own report: "took 35.3s" / "trained in 1m 05s" (formatDuration).
      const text = (await page.evaluate(`Jupyter.notebook.get_cell(${await findCell(page, TRAIN_MARKER)}).output_area.element[0].textContent`)) as string;
      const d = /(?:took|trained in) (?:(\d+)m )?(\d+(?:\.\d+)?)s\b/.exec(text);
      if (d) report.trainingSeconds = Number(d[1] ?? 0) * 60 + Number(d[2]);
    }
    const errors = await errorOutputs(page);
    if (errors.length > 0) await fail(page, "run-all", `${errors.length} error output(s): ${errors.map((e) => e.slice(0, 300)).join(" | ")}`);
    const unrun = (await page.evaluate(`Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code" && c.get_text().trim() && typeof c.input_prompt_number !== "number").length`)) as number;
    if (unrun > 0) await fail(page, "run-all", `${unrun} code cell(s) did not run`);
    const live = await figuresOnPage(page);
    report.figures = live.modelFigures;
    if (live.containers !== live.modelFigures || live.drawn !== live.containers) {
      await fail(page, "run-all", `${live.drawn}/${live.containers} figures drawn, ${live.modelFigures} figure outputs${live.notes.length ? `; not drawn: ${live.notes.join(" | ")}` : ""}`);
    }

    // Checks that need the state Run All left in the kernel.
    if (extra.brokenRule) {
      await checkBrokenRule(page, report, fail);
      step("broken rule");
    }

    // Save, shut the kernel down, reload: the saved outputs alone must draw every figure.
    report.carriers = await saveAndCountCarriers(ctx, page, name);
    report.savedBytes = statSync(join(ctx.work, name)).size;
    if (report.figures > 0 && report.carriers !== 1) await fail(page, "save", `the saved notebook has ${report.carriers} outputs carrying plotly.js, expected exactly 1`);
    step("save");
    await shutDownKernel(ctx.port, ctx.token, name);
    await page.reload({ waitUntil: "load" });
    await page.waitForFunction(`window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded`, undefined, { timeout: 60_000 });
    const reloaded = await figuresOnPage(page); // drawn from the saved outputs while the new kernel is still starting
    const fetches = (await page.evaluate(`window.backpropMoonsFetches || 0`)) as number;
    if (reloaded.drawn !== report.figures || reloaded.containers !== report.figures) {
      await fail(page, "reload", `${reloaded.drawn}/${reloaded.containers} figures drawn after save and reload, ${report.figures} expected${reloaded.notes.length ? `; not drawn: ${reloaded.notes.join(" | ")}` : ""}`);
    }
    if (fetches > 0) await fail(page, "reload", `the page asked the kernel for plotly.js ${fetches} time(s) although the saved outputs carry it`);
    step("shutdown + reload + figures");

    // After the reload: the classic Notebook 6.4.12 signs a saved notebook before nbformat adds the id of
    // a newly inserted cell, so a notebook saved with a new cell reopens untrusted (its figures then say
    // "trust the notebook"). Learners meet this too; here the new cells come after the save.
    if (extra.errorLine) {
      await waitForKernel(page, 240_000);
      if (report.figures > 0) {
        await checkFetch(ctx, page, report, fail);
        step("plotly.js on demand");
      }
      await checkErrorLine(page, fail);
      step("error line");
    }
    if (extra.interrupt) {
      await waitForKernel(page, 240_000);
      await checkInterrupt(page, report, fail);
      step("interrupt");
    }
    report.notes.push(`steps: ${steps.join(", ")}`);
  } catch (e) {
    await fail(page, "error", (e as Error).message.split("\n")[0]);
  } finally {
    await page.close().catch(() => undefined);
  }
  return report;
}

type Fail = (page: Page | undefined, step: string, why: string) => Promise<void>;

/** Saves (File > Save and Checkpoint) and returns how many outputs of the saved file carry plotly.js. */
async function saveAndCountCarriers(ctx: Ctx, page: Page, name: string): Promise<number> {
  await page.evaluate(`void (window.savedOnce = new Promise((resolve) => Jupyter.notebook.events.one("notebook_saved.Notebook", () => resolve(true))))`);
  await menu(page, "#filelink", "#save_checkpoint");
  await page.evaluate(`window.savedOnce`);
  return plotlyCarriers(readNotebook(join(ctx.work, name)));
}

/**
 * A page without plotly.js while the kernel thinks it sent it: Run All, clear
 * every output, save, reload (the kernel keeps running), run one figure cell.
 * The page must ask the kernel for plotly.js once, draw, and on the next save
 * put plotly.js into the figure's output.
 */
async function checkFetch(ctx: Ctx, page: Page, report: NotebookReport, fail: Fail): Promise<void> {
  await menu(page, "#celllink", "#run_all_cells");
  await page.waitForTimeout(500);
  await waitForIdle(page, 10 * 60_000);
  await page.evaluate(`Jupyter.notebook.clear_all_output()`);
  await saveAndCountCarriers(ctx, page, report.name);
  await page.reload({ waitUntil: "load" });
  await waitForKernel(page);
  const index = await findCell(page, /\bshow\(|\bawait lab\(/); // a cell that shows a figure (lab's comes from the session's cache)
  await page.evaluate(`Jupyter.notebook.get_cell(${index}).execute()`);
  await waitForIdle(page, 120_000);
  const drawn = await figuresOnPage(page, 60_000);
  const fetches = (await page.evaluate(`window.backpropMoonsFetches || 0`)) as number;
  const carriers = await saveAndCountCarriers(ctx, page, report.name);
  if (fetches !== 1 || drawn.containers === 0 || drawn.drawn !== drawn.containers || carriers !== 1) {
    await fail(page, "plotly-on-demand", `asked the kernel ${fetches} time(s) (1 expected), ${drawn.drawn}/${drawn.containers} drawn, ${carriers} carrier(s) saved (1 expected)`);
  } else report.notes.push("a page without plotly.js fetched it once from the kernel, drew, and saved it with the figure");
}

/** A runtime error in a new cell reports the cell's own line and source. */
async function checkErrorLine(page: Page, fail: Fail): Promise<void> {
  const last = ((await page.evaluate(`Jupyter.notebook.ncells()`)) as number) - 1;
  const code = ["const a = 1;", "const b = 2;", "// line 3", "if (a + b === 3) {", '  throw new Error("thrown on line 5");', "}"].join("\n");
  const { errors } = await runCell(page, last, code, { insert: true });
  const text = errors.join("\n");
  if (!/Error: thrown on line 5/.test(text) || !/at line 5 of the cell: throw new Error\("thrown on line 5"\);/.test(text) || /evalmachine|tslab|node:/.test(text)) {
    await fail(page, "error-line", `expected "at line 5 of the cell", no tslab or Node frames; got: ${JSON.stringify(text.slice(0, 500))}`);
  }
}

/**
 * Records, in the page, every frame of the live figure in cell `index` as it
 * is drawn (a frame replaces the output, so each has a new element): whether
 * the cell was still running and how many epochs its accuracy curve plots.
 */
async function watchLiveFigure(page: Page, index: number): Promise<void> {
  await page.evaluate(`(() => {
    const cell = Jupyter.notebook.get_cell(${index});
    const frames = (window.liveFrames = []);
    const seen = new Set();
    clearInterval(window.liveWatch);
    window.liveWatch = setInterval(() => {
      const running = cell.element[0].classList.contains("running");
      for (const el of cell.output_area.element[0].querySelectorAll(".plotly-figure")) {
        const trace = (el.data || []).find((d) => d.name === "test accuracy");
        if (!trace || seen.has(el.id) || !el.querySelector(".main-svg")) continue;
        seen.add(el.id);
        frames.push({ running, points: trace.x.length });
      }
    }, 100);
  })()`);
}

/** The live figure must have redrawn at least 3 times while its cell ran, each frame plotting as many epochs as the one before or more. */
async function checkLiveFigure(page: Page, report: NotebookReport, fail: Fail): Promise<void> {
  const frames = (await page.evaluate(`(clearInterval(window.liveWatch), window.liveFrames)`)) as { running: boolean; points: number }[];
  const live = frames.filter((f) => f.running).map((f) => f.points);
  const growing = live.length > 0 && live.every((p, k) => k === 0 || p >= live[k - 1]) && live[live.length - 1] > live[0];
  if (live.length < 3 || !growing) {
    await fail(page, "live-figure", `expected the training cell's figure to redraw at least 3 times while it ran, plotting more epochs over time; frames (running, records plotted): ${JSON.stringify(frames)}`);
  } else report.notes.push(`live figure: ${live.length} frames drawn while the cell ran, plotting ${live.join(", ")} records`);
}

/** Run All, Kernel > Interrupt during training: one line with the epoch; a cell run after it works. */
async function checkInterrupt(page: Page, report: NotebookReport, fail: Fail): Promise<void> {
  const train = await findCell(page, TRAIN_MARKER);
  // A fresh kernel: in the same session lab() would show the run it trained before instead of training.
  await page.evaluate(`Jupyter.notebook.kernel.restart()`);
  await page.waitForTimeout(1000);
  await waitForKernel(page, 240_000);
  await menu(page, "#celllink", "#run_all_cells");
  // Wait until training has run some epochs (the live progress line, "[###---]  2% epoch 21/1001", counts them).
  await page.waitForFunction(`(() => { const m = /% epoch (\\d+)\\/\\d+/.exec(Jupyter.notebook.get_cell(${train}).output_area.element[0].textContent); return m && Number(m[1]) >= 20; })()`, undefined, { timeout: 300_000, polling: 100 });
  await menu(page, "#kernellink", "#int_kernel");
  await waitForIdle(page, 60_000);
  const errors = (await page.evaluate(`Array.from(Jupyter.notebook.get_cell(${train}).output_area.element[0].querySelectorAll(".output_error")).map((e) => e.textContent.trim())`)) as string[];
  const line = errors[0] ?? "";
  if (errors.length !== 1 || line.includes("\n") || !/^Interrupted: training stopped in epoch \d+ of \d+ .*network keeps the weights/.test(line)) {
    await fail(page, "interrupt", `expected one one-line "Interrupted: training stopped in epoch N of M ..." error, got ${JSON.stringify(errors)}`);
  } else report.notes.push(`interrupt: ${line}`);
  const after = await runCell(page, train, 'console.log("kernel still runs cells:", 6 * 7);', { insert: true });
  if (after.errors.length > 0 || !after.text.includes("kernel still runs cells: 42")) await fail(page, "interrupt", `the cell run after the interrupt printed ${JSON.stringify(after.text.slice(0, 300))}`);
}

/** Break the learner's hidden delta rule: the report must blame hidden layers 1-3 and clear output layer 4. */
async function checkBrokenRule(page: Page, report: NotebookReport, fail: Fail): Promise<void> {
  const index = await findCell(page, HIDDEN_RULE_MARKERS.cell);
  const code = (await page.evaluate(`Jupyter.notebook.get_cell(${index}).get_text()`)) as string;
  const m = HIDDEN_RULE_MARKERS.line.exec(code);
  if (!m) return fail(page, "broken-rule", "the hidden-rule cell has no line `layer.delta[j] = ...;`");
  const broken = code.replace(HIDDEN_RULE_MARKERS.line, `${m[0]} layer.delta[j] *= 2; // broken on purpose`);
  const { text, errors } = await runCell(page, index, broken, { insert: false });
  const verdicts = new Map(Array.from(text.matchAll(/^\s*(\d+)\s+\d+x\d+\s+.*?\s(good|acceptable|suspicious|wrong)\s*$/gm), (v) => [Number(v[1]), v[2]]));
  // The hidden rule feeds every layer but the output layer: those must be wrong, the output layer good.
  const output = Math.max(...verdicts.keys());
  const right = verdicts.size >= 2 && [...verdicts].every(([layer, verdict]) => verdict === (layer === output ? "good" : "wrong"));
  if (errors.length > 0 || !right) {
    await fail(page, "broken-rule", `expected every hidden layer wrong and the output layer good, got ${JSON.stringify([...verdicts])}${errors.length ? `; errors: ${errors.join(" | ")}` : ""}`);
  } else report.notes.push(`broken hidden rule: layers ${[...verdicts].map(([l, v]) => `${l} ${v}`).join(", ")}`);
}

/**
 * The quick-look epoch knobs of 03, 04, 06 and 07 (jupyter/quick-epochs.ts) go
 * down to BACKPROP_QUICK_EPOCHS, 200 when it is unset, in the working copies:
 * the UI mechanics are the same, and the nbconvert stage runs every notebook
 * at full size. The classic test leaves the notebook it trains live (04,
 * TRAIN_MARKER) at full size: its live figure must redraw several times while
 * the cell runs, and the interrupt must land in the middle of training.
 */
export const UI_EPOCHS = quickEpochs() ?? 200;

function quickKnobs(work: string): void {
  for (const name of readdirSync(work).filter((f) => f.endsWith(".ipynb"))) {
    const file = join(work, name);
    if (readNotebook(file).cells.some((c) => c.cell_type === "code" && TRAIN_MARKER.test(cellSource(c)))) continue;
    setQuickEpochs(file, UI_EPOCHS);
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine("ui-test", USAGE, { allowPositionals: true, options: { out: { type: "string" }, port: { type: "string" } } });
  let port: number;
  let notebooks: string[];
  try {
    port = numberFlag("port", values.port, 8931, (p) => Number.isInteger(p) && p > 0 && p < 65536, "a port number");
    notebooks = listNotebooks(positionals);
  } catch (e) {
    console.error(`ui-test: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const out = resolve(values.out ?? join(repoRoot, "output", "ui"));
  const work = join(out, "notebooks");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const nb of notebooks) copyFileSync(nb, join(work, basename(nb)));
  quickKnobs(work);
  const token = randomBytes(16).toString("hex");
  const t0 = Date.now();
  const server = await startServer(out, work, port, token);
  let browser: Browser | undefined;
  const reports: NotebookReport[] = [];
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(90_000); // generous: CI machines are often shared
    context.setDefaultNavigationTimeout(120_000);
    // Offline: the page may talk to the local Notebook server only.
    await context.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort("blockedbyclient")));
    const ctx: Ctx = { browser, context, port, token, work, out };
    // The interrupt and the broken rule go to the first notebook with the marker (04 and 06 today).
    const withTraining = notebooks.find((nb) => codeOf(nb).some((c) => c.split("\n").some((line) => TRAIN_MARKER.test(line))));
    const withRule = notebooks.find((nb) => codeOf(nb).some((c) => HIDDEN_RULE_MARKERS.cell.test(c) && HIDDEN_RULE_MARKERS.line.test(c)));
    if (positionals.length === 0 && (!withTraining || !withRule)) {
      throw new Error(`no notebook has ${!withTraining ? `a line matching ${TRAIN_MARKER}` : `a cell matching ${HIDDEN_RULE_MARKERS.cell} with a line ${HIDDEN_RULE_MARKERS.line}`} (see the markers in jupyter/ui-test.ts)`);
    }
    for (const [i, nb] of notebooks.entries()) {
      const report = await checkNotebook(ctx, nb, { errorLine: i === 0, interrupt: nb === withTraining, brokenRule: nb === withRule });
      reports.push(report);
      const status = report.failures.length === 0 ? "ok" : "FAILED";
      console.log(
        `${status} ${report.name}: Run All ${report.runAllSeconds.toFixed(1)} s${report.trainingSeconds !== undefined ? ` (training ${report.trainingSeconds} s)` : ""}, ` +
          `${report.figures} figure(s) drawn live and after save + reload, saved ${(report.savedBytes / 1e6).toFixed(2)} MB with ${report.carriers} plotly.js carrier(s)`,
      );
      for (const n of report.notes) console.log(`   ${n}`);
      for (const f of report.failures) console.log(`   FAILED ${f}`);
    }
  } finally {
    await browser?.close();
    server.kill("SIGTERM");
  }
  const failed = reports.filter((r) => r.failures.length > 0).length;
  console.log(`ui-test: ${reports.length - failed}/${reports.length} notebooks ok in ${((Date.now() - t0) / 1000).toFixed(0)} s (screenshots of failures, server log: ${relative(process.cwd(), out) || out})`);
  process.exit(failed > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`ui-test: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  });
}
