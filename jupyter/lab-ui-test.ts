/**
 * The notebooks in JupyterLab 4, driven the way a learner drives them:
 * JupyterLab's notebook page built from npm packages (jupyter/lab/, see its
 * src/index.js), served by Debian's jupyter_server 1.23 + jupyterlab_server
 * 2.16 (jupyter/lab/main.py) on 127.0.0.1 with the project kernel, in
 * headless Chromium (playwright-core), offline: the page may only talk to
 * the Jupyter server. The page is driven with the actions JupyterLab's menus
 * call (NotebookActions.runAll, clearOutputs, deleteCells, the context's save).
 *
 * Works on copies in <out>/work/notebooks/, with <out>/work/node_modules a
 * link to the project's node_modules: the server's root looks like the
 * project folder, where the README says to start Jupyter. The quick-look
 * epoch knobs (03, 04, 06, 07) go down to BACKPROP_QUICK_EPOCHS (200 when
 * unset), as in the classic UI test, which alone keeps 04 at full size for
 * its live-figure checks.
 *
 * For every notebook: Run All; no error output; every figure drawn; save;
 * the kernel shut down; reload; every figure drawn from the saved outputs.
 * Then the states of issue #19, each followed by save and reload, figure
 * drawn, on a notebook this test writes (STATES_NOTEBOOK: the project's
 * imports and three cells that show() a figure each; the states concern
 * which output carries plotly.js, not what the figures show, and this
 * notebook runs in a fraction of a lesson notebook's time):
 *  - Run All twice;
 *  - S1: outputs cleared and saved, Run All, reload WITHOUT saving (the
 *    kernel keeps running and thinks the page has plotly.js), run a later
 *    figure cell;
 *  - S2: Run All, clear the output that carries plotly.js, run another
 *    figure cell, save (the file then holds no plotly.js);
 *  - delete the cell whose output carries plotly.js, run another figure cell;
 * and the same notebook with the Plotly MIME renderer (jupyterlab-plotly):
 * Run All, save, reload, and S2.
 * Failures are screenshotted into <out>/. Exit code 1 on any failure.
 *
 *   node build/jupyter/lab-ui-test.js [--out output/lab-ui] [--port 8932] [NAME ...]
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../tools/shared/chromium";
import { numberFlag, parseCommandLine, repoRoot } from "../tools/shared/cli";
import { PLOTLY_CARRIER } from "../src/notebook/display";
import { PLOTLY_MIME, figureOutputs, listNotebooks, plotlyCarriers, readNotebook } from "../tools/shared/notebook-runner";
import { setQuickEpochs } from "./quick-epochs";
import { shutDownSessions, startJupyterServer } from "./jupyter-server";
import { UI_EPOCHS } from "./ui-test";

const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const LAB_DIR = join(repoRoot, "jupyter", "lab");

const USAGE = `Usage: node build/jupyter/lab-ui-test.js [--out DIR] [--port N] [notebook ...]

Runs the notebooks in JupyterLab 4 (the page of jupyter/lab/, built by
.ci/jupyterlab build) in headless Chromium (see the header of
jupyter/lab-ui-test.ts for every check).

  --out DIR   working copies, server log, screenshots of failures (default output/lab-ui)
  --port N    port of the Jupyter server on 127.0.0.1 (default 8932)`;

// ------------------------------------------------------------------ the server

async function startServer(out: string, work: string, port: number, token: string): Promise<ChildProcess> {
  if (!existsSync(join(LAB_DIR, "build", "bundle.js"))) throw new Error(`no ${relative(process.cwd(), join(LAB_DIR, "build", "bundle.js"))}: run .ci/jupyterlab build first`);
  const args = [join(LAB_DIR, "main.py"), "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0", `--ServerApp.token=${token}`, `--ServerApp.root_dir=${work}`, "--ServerApp.open_browser=False"];
  return startJupyterServer("the JupyterLab page's server", PYTHON, args, out, port, token);
}

function shutDownKernel(ctx: Ctx, path: string): Promise<void> {
  return shutDownSessions(ctx.port, ctx.token, path);
}

// ------------------------------------------------------------------ the page (scripts run in the browser, as text)

const LAB = "window.backpropLab";
const CELLS = `${LAB}.panel.content.widgets`;
const KERNEL = `(${LAB} && ${LAB}.panel.sessionContext.session && ${LAB}.panel.sessionContext.session.kernel)`;
const IDLE = `(${KERNEL} && ${KERNEL}.connectionStatus === "connected" && ${KERNEL}.status === "idle" && ${CELLS}.every((c) => c.model.type !== "code" || c.model.executionState !== "running"))`;

interface Ctx { context: BrowserContext; port: number; token: string; out: string; work: string }

async function waitForIdle(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.waitForFunction(IDLE, undefined, { timeout: Math.max(1000, deadline - Date.now()), polling: 250 });
    await page.waitForTimeout(750); // late outputs
    if (await page.evaluate(IDLE)) return;
  }
}

/** Opens (or reloads) the notebook's page and waits until its kernel is connected and idle. */
async function openPage(ctx: Ctx, path: string, renderer: boolean, page?: Page): Promise<Page> {
  if (page) await page.reload({ waitUntil: "load" });
  else {
    page = await ctx.context.newPage();
    page.on("dialog", (d) => void d.dismiss().catch(() => undefined));
    await page.goto(`http://127.0.0.1:${ctx.port}/backprop-lab/notebooks/${path.split("/").map(encodeURIComponent).join("/")}?token=${ctx.token}${renderer ? "&renderer=plotly" : ""}`, { waitUntil: "load" });
  }
  await page.waitForFunction(`window.backpropLabError || (${IDLE} && ${LAB}.panel.context.isReady)`, undefined, { timeout: 240_000, polling: 250 });
  const error = await page.evaluate("window.backpropLabError");
  if (error) throw new Error(`the page did not start: ${error}`);
  return page;
}

interface Census { expected: number; containers: number; drawn: number; errors: string[]; notes: string[] }

/**
 * Waits (up to timeoutMs) until every figure output is drawn, then counts:
 * figure outputs in the model, figures on the page and how many are drawn,
 * error outputs. With `renderer`, only the Plotly MIME renderer's count as drawn.
 */
async function census(page: Page, renderer: boolean, timeoutMs = 30_000): Promise<Census> {
  const count = `(() => {
    const expected = ${CELLS}.reduce((n, c) => { const o = c.model.outputs; let k = 0; for (let i = 0; o && i < o.length; i++) if (o.get(i).data[${JSON.stringify(PLOTLY_MIME)}]) k++; return n + k; }, 0);
    const errors = [];
    ${CELLS}.forEach((c) => { const o = c.model.outputs; for (let i = 0; o && i < o.length; i++) { const j = o.get(i).toJSON(); if (j.output_type === "error") errors.push(j.ename + ": " + j.evalue); } });
    // Our HTML figures, or (with the renderer, which then must draw them all) the Plotly MIME renderer's, which shows a PNG it made once a figure has one.
    const html = Array.from(document.querySelectorAll(".plotly-figure")), mime = Array.from(document.querySelectorAll(".jp-RenderedPlotly"));
    const isDrawn = (el) => (!${renderer} || el.classList.contains("jp-RenderedPlotly")) && ( el.querySelector(".main-svg") !== null || Array.from(el.querySelectorAll("img.plot-img")).some((i) => i.src.startsWith("data:image/png") && i.style.display !== "none"));
    const all = ${renderer} ? mime.concat(html) : html.concat(mime);
    return { expected, containers: all.length, drawn: all.filter(isDrawn).length, errors, notes: all.filter((el) => !isDrawn(el)).map((el) => el.textContent.trim().slice(0, 300)) };
  })()`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = (await page.evaluate(count)) as Census;
    if ((c.drawn === c.expected && c.containers === c.expected) || Date.now() > deadline) return c;
    await page.waitForTimeout(250);
  }
}

/** Indices of the code cells whose source matches `pattern` (default: those that call show(...)). */
async function figureCells(page: Page, pattern = /\bshow\(/): Promise<number[]> {
  return (await page.evaluate(`${CELLS}.map((c, i) => c.model.type === "code" && ${pattern}.test(c.model.sharedModel.getSource()) ? i : -1).filter((i) => i >= 0)`)) as number[];
}

/** A cell that draws: show(...), or the lab's live figures (04's lab(), 06's compareCandidates). */
const DRAWS = /\bshow\(|\bawait lab\(|\bcompareCandidates\(/;

/** Index of the cell whose output carries plotly.js, or -1. */
async function carrierCell(page: Page): Promise<number> {
  return (await page.evaluate(`${CELLS}.findIndex((c) => { const o = c.model.outputs; for (let i = 0; o && i < o.length; i++) { const h = o.get(i).data["text/html"]; if (typeof h === "string" && h.startsWith(${JSON.stringify(`<script ${PLOTLY_CARRIER}>`)})) return true; } return false; })`)) as number;
}

async function runAll(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.evaluate(`${LAB}.runAll()`);
  await waitForIdle(page, 15 * 60_000);
  return (Date.now() - t0) / 1000;
}

async function runCell(page: Page, index: number): Promise<void> {
  await page.evaluate(`${LAB}.runCell(${index})`);
  await waitForIdle(page, 5 * 60_000);
}

// ------------------------------------------------------------------ checks

interface Report { name: string; failures: string[]; lines: string[] }

class Checker {
  readonly report: Report;
  /** Requests for plotly.min.js from the project's files, counted per page. */
  private loads = new WeakMap<Page, number>();
  constructor(private ctx: Ctx, readonly path: string, private renderer: boolean, label: string) {
    this.report = { name: label, failures: [], lines: [] };
  }

  async open(page?: Page): Promise<Page> {
    const fresh = page === undefined;
    page = await openPage(this.ctx, this.path, this.renderer, page);
    if (fresh) page.on("request", (r) => { if (r.url().includes("/files/node_modules/plotly.js-dist-min/plotly.min.js")) this.loads.set(page!, (this.loads.get(page!) ?? 0) + 1); });
    this.loads.set(page, 0);
    return page;
  }

  async fail(page: Page | undefined, step: string, why: string): Promise<void> {
    this.report.failures.push(`${step}: ${why}`);
    if (page) await page.screenshot({ path: join(this.ctx.out, `${this.report.name.replace(/[^\w.-]+/g, "_")}-${step.replace(/[^\w.-]+/g, "_")}.png`), fullPage: true }).catch(() => undefined);
  }

  /** Every figure output drawn, no error output; returns the census. */
  async drawn(page: Page, step: string): Promise<Census> {
    const c = await census(page, this.renderer);
    if (c.errors.length > 0) await this.fail(page, step, `${c.errors.length} error output(s): ${c.errors.join(" | ").slice(0, 600)}`);
    const noneExpected = c.expected === 0 && (await figureCells(page, DRAWS)).length > 0; // a notebook with figure cells shows figures
    if (noneExpected || c.drawn !== c.expected || c.containers !== c.expected) {
      await this.fail(page, step, `${c.drawn}/${c.containers} figures drawn, ${c.expected} figure outputs${c.notes.length ? `; not drawn: ${c.notes.join(" | ")}` : ""}`);
    }
    return c;
  }

  /** File > Save, then the saved file's size and plotly.js carriers. */
  async save(page: Page): Promise<{ bytes: number; carriers: number; figures: number }> {
    await page.evaluate(`${LAB}.save()`);
    const file = join(this.ctx.work, this.path);
    const nb = readNotebook(file);
    return { bytes: statSync(file).size, carriers: plotlyCarriers(nb), figures: figureOutputs(nb).length };
  }

  /** Save, (optionally) shut the kernel down, reload: every saved figure drawn again. */
  async saveAndReload(page: Page, step: string, shutDown: boolean): Promise<string> {
    const saved = await this.save(page);
    if (shutDown) await shutDownKernel(this.ctx, this.path);
    await this.open(page);
    const c = await this.drawn(page, `${step} + save + reload`);
    if (c.expected !== saved.figures) await this.fail(page, `${step} + save + reload`, `the saved file has ${saved.figures} figure outputs, the reloaded page ${c.expected}`);
    return `saved ${(saved.bytes / 1e6).toFixed(2)} MB with ${saved.carriers} plotly.js carrier(s); after reload ${c.drawn}/${c.expected} drawn, plotly.js loaded from the project's files ${this.loads.get(page) ?? 0} time(s)`;
  }

  async step(label: string, body: () => Promise<string>): Promise<void> {
    const t0 = Date.now();
    try {
      this.report.lines.push(`${label}: ${await body()} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    } catch (e) {
      await this.fail(undefined, label, (e as Error).message.split("\n")[0]);
    }
  }
}

/** Run All, figures drawn, save, kernel shut down, reload, figures drawn from the saved outputs. */
async function checkNotebook(ctx: Ctx, path: string, renderer: boolean): Promise<{ checker: Checker; page?: Page }> {
  const checker = new Checker(ctx, path, renderer, `${basename(path)}${renderer ? " (Plotly MIME renderer)" : ""}`);
  let page: Page | undefined;
  await checker.step("Run All", async () => {
    page = await checker.open();
    const seconds = await runAll(page);
    const c = await checker.drawn(page, "run-all");
    const after = await checker.saveAndReload(page, "run-all", true);
    return `${seconds.toFixed(1)} s, ${c.drawn}/${c.expected} figures drawn; ${after}`;
  });
  return { checker, page };
}

/** The states of issue #19 on one notebook (page: after checkNotebook, kernel restarted by the reload). */
async function checkStates(checker: Checker, page: Page, renderer: boolean): Promise<void> {
  const figures = await figureCells(page);
  const later = figures[figures.length - 1];
  if (!renderer) {
    await checker.step("Run All twice", async () => {
      await runAll(page);
      await runAll(page);
      await checker.drawn(page, "run-all-twice");
      return checker.saveAndReload(page, "run-all-twice", false);
    });
    await checker.step("S1: reload without saving, run a later figure cell", async () => {
      await page.evaluate(`${LAB}.NotebookActions.clearAllOutputs(${LAB}.panel.content)`);
      await checker.save(page);
      await runAll(page);
      await checker.open(page); // no save: the page has no plotly.js, the kernel thinks it has
      await runCell(page, later);
      const c = await checker.drawn(page, "S1");
      return `cell ${later}: ${c.drawn}/${c.expected} drawn; ${await checker.saveAndReload(page, "S1", false)}`;
    });
  }
  await checker.step("S2: clear the carrier's output, run another figure cell", async () => {
    await runAll(page);
    const carrier = await carrierCell(page);
    if (carrier < 0) throw new Error("after Run All no output carries plotly.js");
    await page.evaluate(`${LAB}.clearOutput(${carrier})`);
    const other = figures.find((i) => i !== carrier)!;
    await runCell(page, other);
    const c = await checker.drawn(page, "S2");
    return `carrier cell ${carrier} cleared, cell ${other} run: ${c.drawn}/${c.expected} drawn; ${await checker.saveAndReload(page, "S2", false)}`;
  });
  if (!renderer) {
    await checker.step("delete the carrier's cell, run another figure cell", async () => {
      await runAll(page);
      const carrier = await carrierCell(page);
      if (carrier < 0) throw new Error("after Run All no output carries plotly.js");
      await page.evaluate(`${LAB}.deleteCell(${carrier})`);
      const other = (await figureCells(page))[0];
      await runCell(page, other);
      const c = await checker.drawn(page, "delete-carrier");
      return `cell ${carrier} deleted, cell ${other} run: ${c.drawn}/${c.expected} drawn; ${await checker.saveAndReload(page, "delete-carrier", false)}`;
    });
  }
}

// ------------------------------------------------------------------ the states notebook

const STATES_NOTEBOOK = "figure-states.ipynb";

/** Writes the states notebook: the project's imports, then three cells that each show a figure; kernel metadata from `like`. */
function writeStatesNotebook(file: string, like: string): void {
  let id = 0;
  const code = (source: string) => ({ cell_type: "code", id: `states-${id++}`, execution_count: null, metadata: {}, outputs: [], source });
  const figure = (title: string, y: string) => code(`show(lineFigure(xs, xs.map((x) => ${y}), { title: "${title}", xTitle: "x", yTitle: "y" }));`);
  const nb = {
    cells: [
      code(`import { lineFigure } from "./src/index";\nimport { show } from "./src/notebook";\nconst xs = [0, 1, 2, 3, 4];`),
      figure("first figure", "x * x"),
      figure("second figure", "Math.sqrt(x)"),
      figure("third figure", "-x"),
    ],
    metadata: readNotebook(like).metadata, // the project kernel
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine("lab-ui-test", USAGE, { allowPositionals: true, options: { out: { type: "string" }, port: { type: "string" } } });
  let port: number;
  let notebooks: string[];
  try {
    port = numberFlag("port", values.port, 8932, (p) => Number.isInteger(p) && p > 0 && p < 65536, "a port number");
    notebooks = listNotebooks(positionals);
  } catch (e) {
    console.error(`lab-ui-test: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const out = resolve(values.out ?? join(repoRoot, "output", "lab-ui"));
  const work = join(out, "work");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(work, "notebooks"), { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(work, "node_modules"));
  for (const nb of notebooks) {
    copyFileSync(nb, join(work, "notebooks", basename(nb)));
    setQuickEpochs(join(work, "notebooks", basename(nb)), UI_EPOCHS); // 03, 04, 06 and 07 (jupyter/ui-test.ts, UI_EPOCHS)
  }
  const token = randomBytes(16).toString("hex");
  const t0 = Date.now();
  const server = await startServer(out, work, port, token);
  const browser = await launchChromium();
  const reports: Report[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(90_000);
    context.setDefaultNavigationTimeout(120_000);
    // Offline: the page may talk to the local Jupyter server only.
    await context.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort("blockedbyclient")));
    const ctx: Ctx = { context, port, token, out, work };
    const print = (r: Report): void => {
      console.log(`${r.failures.length === 0 ? "ok" : "FAILED"} ${r.name}`);
      for (const line of r.lines) console.log(`   ${line}`);
      for (const f of r.failures) console.log(`   FAILED ${f}`);
    };
    for (const nb of notebooks) {
      const path = `notebooks/${basename(nb)}`;
      const { checker, page } = await checkNotebook(ctx, path, false);
      await page?.close().catch(() => undefined);
      await shutDownKernel(ctx, path);
      reports.push(checker.report);
      print(checker.report);
    }
    // The states, without and with the Plotly MIME renderer, each on a fresh copy of the states notebook.
    for (const renderer of [false, true]) {
      const path = `notebooks/${STATES_NOTEBOOK}`;
      writeStatesNotebook(join(work, path), notebooks[0]);
      const { checker, page } = await checkNotebook(ctx, path, renderer);
      if (page) await checkStates(checker, page, renderer);
      await page?.close().catch(() => undefined);
      await shutDownKernel(ctx, path);
      reports.push(checker.report);
      print(checker.report);
    }
  } finally {
    await browser.close();
    server.kill("SIGTERM");
  }
  const failed = reports.filter((r) => r.failures.length > 0).length;
  console.log(`lab-ui-test: ${reports.length - failed}/${reports.length} notebooks ok in ${((Date.now() - t0) / 1000).toFixed(0)} s (screenshots of failures, server log: ${relative(process.cwd(), out) || out})`);
  process.exit(failed > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`lab-ui-test: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  });
}
