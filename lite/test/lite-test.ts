/**
 * The browser edition in Chromium (docs/lite.md, `.ci/lite test`): the
 * built edition (lite/build/) served statically from a sub-path
 * (http://127.0.0.1:PORT/backprop-moons/lite/), every request outside the
 * site blocked, one browser profile for the whole run (so 05 finds the run
 * 04 saved). For each notebook 00-07: open its page, Run All (the epoch
 * knobs of 03, 06, 07 at BACKPROP_QUICK_EPOCHS, as CI's other quick stages;
 * 04 always at full size), then check
 *   - no error output, every code cell executed;
 *   - every Plotly output drawn (as many drawn plots as Plotly outputs);
 *     04's live figure redrawn while it trained;
 *   - the key printed numbers (the `Epoch: #N, MSE: x Accuracy: y%` lines,
 *     and the numbers of the cells that do not train) equal tslab's, from
 *     the executed notebooks in output/jupyter/ (CI's tslab stage) or
 *     output/notebooks/ (`npm run notebooks`), when there are any;
 *   - 04 ends at 97.67 % and 05 shows the run 04 saved.
 * Then, in one notebook: console output streams while a cell computes; an
 * error names the cell's line; an edit is saved, found after a reload, and
 * "reset to the lesson's version" removes it; a saved copy of an older
 * version makes the page say so; the downloaded .ipynb keeps the kernel
 * metadata; an endless loop is interrupted (the kernel restarted, saying
 * so), an awaiting cell is interrupted without a restart, and a cell runs
 * after each. Finally the 1e-12 test: a 50-epoch history trained in the page
 * (in the kernel, and in a sweep's nested worker) against Node's, here.
 *
 *   node lite/build-test/lite-test.js [--site DIR] [--only 01,04] [--out DIR] [--bench] [--no-notebooks] [--no-behaviour] [--no-same-numbers]
 *
 * --bench also times 04's 1000-epoch training (the lesson's run,
 * runExperiment) in the page's kernel and in Node, interleaved, and prints
 * the ratio (output/lite/bench.json).
 */
import { createServer } from "node:http";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../../tools/shared/chromium";
import { runExperiment } from "../../src/lab/sweep";
import type { EpochRecord } from "../../src/core/history";

const repo = resolve(__dirname, "..", "..");
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SITE = resolve(option("--site") ?? join(repo, "lite", "build"));
const OUT = resolve(option("--out") ?? join(repo, "output", "lite"));
const ONLY = option("--only")?.split(",");
const BENCH = argv.includes("--bench");
const NOTEBOOKS = !argv.includes("--no-notebooks");
const QUICK = process.env.BACKPROP_QUICK_EPOCHS?.trim() ? Number(process.env.BACKPROP_QUICK_EPOCHS) : undefined;
const PREFIX = "/backprop-moons/lite/";
const FULL_SIZE = new Set(["04-training"]); // watched at full size: 97.67 %

const failures: string[] = [];
const fail = (what: string) => {
  failures.push(what);
  console.log(`  FAIL ${what}`);
};
const ok = (what: string) => console.log(`  ok   ${what}`);
const check = (cond: boolean, what: string) => (cond ? ok(what) : fail(what));

// ---- the static server: the site under a sub-path, nothing else
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".json": "application/json", ".ipynb": "application/json", ".css": "text/css", ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".png": "image/png" };
const notFound: string[] = [];
function serve(): Promise<{ port: number; close(): void }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith(PREFIX)) {
      notFound.push(path);
      res.writeHead(404).end();
      return;
    }
    const file = resolve(SITE, "." + path.slice(PREFIX.length - 1));
    if (!file.startsWith(SITE) || !existsSync(file) || !statSync(file).isFile()) {
      notFound.push(path);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { connection: "close", "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ port: (server.address() as { port: number }).port, close: () => { server.close(); server.closeAllConnections(); } })));
}

// ---- tslab's outputs, to compare numbers with
interface NbOutput { output_type: string; text?: string | string[]; name?: string; data?: Record<string, unknown>; ename?: string; evalue?: string; traceback?: string[] }
interface NbCell { cell_type: string; source: string | string[]; outputs?: NbOutput[] }
const joinText = (t: unknown): string => (Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "");
function cellText(outputs: NbOutput[]): string {
  return outputs.map((o) => (o.output_type === "stream" ? joinText(o.text) : o.data && !o.data["application/vnd.plotly.v1+json"] ? joinText(o.data["text/plain"]) : "")).join("");
}
function tslabNotebook(name: string): { cells: NbCell[]; from: string } | undefined {
  for (const dir of [join(repo, "output", "jupyter"), join(repo, "output", "notebooks")]) {
    const file = join(dir, `${name}.ipynb`);
    if (existsSync(file)) return { cells: (JSON.parse(readFileSync(file, "utf8")) as { cells: NbCell[] }).cells, from: file };
  }
  return undefined;
}
const EPOCH_LINE = /Epoch: #\d+, MSE: [\d.]+ Accuracy: [\d.]+%/g;
/** The numbers of a cell's output that do not depend on time or date. */
function keyNumbers(text: string): string[] {
  const stable = text
    .replace(/\[[#-]+\]\s+\d+% epoch \d+\/\d+[^\n]*/g, "") // a live progress line (tslab's executed copies may not keep it)
    .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?( UTC)?/g, "")
    .replace(/\b\d+m \d+s\b|\b\d+(\.\d+)?\s?(ms|s)\b/g, "")
    .replace(/\(\d+(\.\d+)?s\)/g, "");
  return stable.match(/-?\d+\.\d+(e[+-]?\d+)?|\b\d{3,}\b/g) ?? [];
}

// ---- the page
interface CellReport { index: number; executed: boolean; errors: string[]; text: string; plotly: number; source: string }
async function openNotebook(context: BrowserContext, port: number, name: string): Promise<{ page: Page; shownMs: number }> {
  const page = await context.newPage();
  page.on("pageerror", (e) => fail(`${name}: page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`  (console error in ${name}: ${m.text().slice(0, 300)})`);
  });
  const t0 = Date.now();
  await page.goto(`http://127.0.0.1:${port}${PREFIX}${name}.html`);
  await page.waitForFunction(() => { const w = window as unknown as { backpropLite?: { ready?: boolean; error?: string } }; return w.backpropLite?.ready || w.backpropLite?.error; }, null, { timeout: 120_000 });
  const error = await page.evaluate(() => (window as unknown as { backpropLite: { error?: string } }).backpropLite.error);
  if (error) throw new Error(`${name}: the page failed: ${error}`);
  return { page, shownMs: Date.now() - t0 };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Lite = any;
const lite = (page: Page) => page.evaluateHandle(() => (window as unknown as { backpropLite: Lite }).backpropLite);

async function setQuick(page: Page, quick: number): Promise<number> {
  return page.evaluate((q) => {
    let n = 0;
    for (const c of (window as any).backpropLite.panel.content.widgets) {
      if (c.model.type !== "code") continue;
      const s: string = c.model.sharedModel.getSource();
      const t = s.replace(/^(const (?:[A-Z]+_)?EPOCHS = )(\d+)(;[^\n]*gives a quick look)/gm, (l: string, h: string, k: string, tail: string) => (Number(k) > q ? (n++, h + q + tail) : l));
      if (t !== s) c.model.sharedModel.setSource(t);
    }
    return n;
  }, quick);
}

async function cells(page: Page): Promise<CellReport[]> {
  return page.evaluate(() => {
    const out: CellReport[] = [];
    (window as any).backpropLite.panel.content.widgets.forEach((c: any, index: number) => {
      if (c.model.type !== "code") return;
      const outputs: NbOutput[] = c.model.outputs.toJSON();
      const j = (t: unknown) => (Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "");
      out.push({
        index,
        source: c.model.sharedModel.getSource(),
        executed: c.model.executionCount !== null,
        errors: outputs.filter((o) => o.output_type === "error").map((o) => (o.traceback?.length ? o.traceback : [`${o.ename}: ${o.evalue}`]).join("\n")),
        text: outputs.map((o) => (o.output_type === "stream" ? j(o.text) : o.data && !o.data["application/vnd.plotly.v1+json"] ? j(o.data["text/plain"]) : "")).join(""),
        plotly: outputs.filter((o) => o.data && o.data["application/vnd.plotly.v1+json"]).length,
      });
    });
    return out;
  }) as Promise<CellReport[]>;
}

async function runAll(page: Page, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  await page.evaluate(() => (window as any).backpropLite.kernelReady());
  const done = page.evaluate(() => (window as any).backpropLite.runAll());
  await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`Run All did not finish in ${timeoutMs / 1000} s`)), timeoutMs))]);
  return (Date.now() - t0) / 1000;
}

/** Runs `code` in a new cell at the end of the notebook; resolves with that cell's output text and errors. */
async function runCode(page: Page, code: string, options: { wait?: boolean } = {}): Promise<{ index: number }> {
  const index = await page.evaluate((code) => {
    const { panel, NotebookActions } = (window as any).backpropLite;
    const nb = panel.content;
    nb.activeCellIndex = nb.widgets.length - 1;
    NotebookActions.insertBelow(nb);
    NotebookActions.changeCellType(nb, "code");
    nb.activeCell.model.sharedModel.setSource(code);
    return nb.activeCellIndex;
  }, code);
  const run = page.evaluate((i) => (window as any).backpropLite.runCell(i), index);
  if (options.wait !== false) await run;
  else run.catch(() => undefined);
  return { index };
}
async function cellOutput(page: Page, index: number): Promise<{ text: string; errors: string; executed: boolean }> {
  return page.evaluate((i) => {
    const c = (window as any).backpropLite.panel.content.widgets[i];
    const outputs: NbOutput[] = c.model.outputs.toJSON();
    const j = (t: unknown) => (Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "");
    return {
      text: outputs.map((o) => (o.output_type === "stream" ? j(o.text) : o.data ? j(o.data["text/plain"]) : "")).join(""),
      errors: outputs.filter((o) => o.output_type === "error").map((o) => (o.traceback?.length ? o.traceback : [`${o.ename}: ${o.evalue}`]).join("\n")).join("\n"),
      executed: c.model.executionCount !== null,
    };
  }, index);
}
const kernelStatus = (page: Page): Promise<string> => page.evaluate(() => (window as any).backpropLite.panel.sessionContext.session?.kernel?.status ?? "none");
async function waitFor(page: Page, what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await fn()) return true;
    await page.waitForTimeout(200);
  }
  fail(`timed out waiting for ${what}`);
  return false;
}

// ---- one notebook
const summary: Record<string, unknown>[] = [];
async function notebook(context: BrowserContext, port: number, name: string): Promise<void> {
  console.log(`\n== ${name}${FULL_SIZE.has(name) || QUICK === undefined ? " (full size)" : ` (epoch knobs at ${QUICK})`}`);
  const { page, shownMs } = await openNotebook(context, port, name);
  const knobs = !FULL_SIZE.has(name) && QUICK !== undefined ? await setQuick(page, QUICK) : 0;
  const seconds = await runAll(page, 15 * 60_000);
  await page.waitForTimeout(500);
  const report = await cells(page);
  const notRun = report.filter((c) => !c.executed).map((c) => c.index);
  check(notRun.length === 0, `every code cell ran (${report.length}), in ${seconds.toFixed(1)} s, page shown in ${(shownMs / 1000).toFixed(1)} s`);
  if (notRun.length) console.log(`       not run: cells ${notRun.join(", ")}`);
  const errors = report.filter((c) => c.errors.length > 0);
  check(errors.length === 0, "no error output");
  for (const c of errors) console.log(`       cell ${c.index}: ${c.errors.join("\n").split("\n").slice(0, 6).join("\n         ")}`);
  const plotly = report.reduce((s, c) => s + c.plotly, 0);
  await waitFor(page, "every figure drawn", async () => (await page.evaluate(() => document.querySelectorAll(".lite-plotly [data-drawn]").length)) >= plotly, 30_000);
  const drawn = await page.evaluate(() => document.querySelectorAll(".lite-plotly [data-drawn]").length);
  check(drawn === plotly, `every figure drawn: ${drawn} drawn, ${plotly} Plotly output(s)`);

  // key numbers against tslab's
  const tslab = tslabNotebook(name);
  const lines = report.flatMap((c) => c.text.match(EPOCH_LINE) ?? []);
  if (tslab) {
    const tslabCells = tslab.cells.filter((c) => c.cell_type === "code");
    const tslabLines = new Set(tslabCells.flatMap((c) => cellText(c.outputs ?? []).match(EPOCH_LINE) ?? []));
    const quickRun = knobs > 0;
    // At full size every Epoch line must be tslab's; at quick epochs, those of epochs 0-QUICK only where tslab prints them.
    const comparable = quickRun ? lines.filter((l) => tslabLines.has(l) || Number(/#(\d+)/.exec(l)![1]) === 0) : lines;
    const missing = comparable.filter((l) => !tslabLines.has(l));
    check(missing.length === 0, `${comparable.length} "Epoch:" line(s) equal to tslab's (${tslab.from.replace(repo + "/", "")})${missing.length ? `; not in tslab's: ${missing.slice(0, 3).join(" | ")}` : ""}`);
    // The other numbers, cell by cell, for the cells that do not train (and all cells of a full-size run),
    // where tslab ran the same source (the executed copies may be older than the notebooks).
    let compared = 0;
    let noisy = 0;
    const differing: string[] = [];
    // In a quick run, a cell whose source differs from tslab's (a lowered epoch knob) changes what every later cell computes:
    // from there on nothing is compared (tslab's copy may be at full size, as CI's nbconvert stage runs it).
    let knobSeen = false;
    report.forEach((c, k) => {
      const t = tslabCells[k];
      if (knobSeen) return;
      if (!t || joinText(t.source) !== c.source) {
        if (quickRun) knobSeen = true;
        return; // tslab ran another version of this cell
      }
      const theirs = cellText(t.outputs ?? []);
      if (quickRun && (/Epoch|epoch|trained|training/.test(theirs + c.text))) return;
      if (/^\s*$/.test(theirs)) return; // tslab's copy has no output here (not run there, or only a figure)
      const a = keyNumbers(c.text);
      const b = keyNumbers(theirs);
      // Finite-difference errors (below 1e-6) are made of last bits, where Chromium's V8 and Node's differ
      // (Math.exp: the 50-epoch history differs by 4e-16), and so is which entry a check finds worst;
      // numbers computed from them agree to about 9 digits, hence the 1e-6 below.
      if ([...a, ...b].some((x) => Math.abs(Number(x)) > 0 && Math.abs(Number(x)) < 1e-6)) {
        noisy++;
        return;
      }
      compared++;
      const same = a.length === b.length && a.every((x, i) => x === b[i] || Math.abs(Number(x) - Number(b[i])) <= 1e-6 * Math.abs(Number(b[i])));
      if (!same) differing.push(`cell ${c.index}: page [${a.join(" ").slice(0, 160)}] tslab [${b.join(" ").slice(0, 160)}]`);
    });
    check(differing.length === 0, `the numbers of ${compared} cell output(s) equal tslab's${noisy ? ` (${noisy} printing finite-difference errors below 1e-6 not compared)` : ""}`);
    for (const d of differing.slice(0, 5)) console.log(`       ${d}`);
  } else console.log(`  (no executed copy of ${name} in output/jupyter/ or output/notebooks/: numbers not compared with tslab's)`);

  const row: Record<string, unknown> = { notebook: name, seconds, shownMs, cells: report.length, figures: drawn, knobs, lastEpochLine: lines[lines.length - 1] };
  if (name === "04-training") {
    const all = report.map((c) => c.text).join("\n");
    check(/Epoch: #1000, MSE: 0\.024548 Accuracy: 97\.67%/.test(all), "04 reaches the lesson's Epoch: #1000, MSE: 0.024548 Accuracy: 97.67%");
    const live = await page.evaluate(() => Math.max(0, ...Array.from(document.querySelectorAll(".lite-plotly [data-drawn]")).map((e) => Number((e as HTMLElement).dataset.drawn))));
    check(live >= 3, `04's live figure redrawn while it trained (${live} draws)`);
    const trained = /trained in ([^(]+?) \(now/.exec(all);
    row.trainedIn = trained?.[1];
  }
  if (name === "05-plots") {
    const first = report.map((c) => c.text).join("\n");
    check(/run:\s+notebook 04/.test(first) && !/no saved run was found/.test(first), "05 shows the run notebook 04 saved in this browser");
  }
  summary.push(row);
  await page.close();
}

// ---- the kernel's behaviour, in notebook 01's page
async function behaviour(context: BrowserContext, port: number): Promise<void> {
  console.log("\n== the kernel and the page (in 01-dataset)");
  let { page } = await openNotebook(context, port, "01-dataset");
  await page.evaluate(() => (window as any).backpropLite.kernelReady());

  // console output streams while a cell computes without pause
  const streaming = await runCode(page, 'console.log("first line");\nconst until = Date.now() + 3000;\nwhile (Date.now() < until) {}\nconsole.log("second line");', { wait: false });
  const streamed = await waitFor(page, "the first line while the cell runs", async () => {
    const out = await cellOutput(page, streaming.index);
    const status = await kernelStatus(page);
    if (process.env.LITE_DEBUG) console.log(`    streaming: ${JSON.stringify(out.text)} ${status}`);
    return out.text.includes("first line") && !out.text.includes("second line");
  }, 10_000);
  if (streamed) ok("console output streams while a cell runs (the first line shown while the kernel is busy)");
  await waitFor(page, "the cell to finish", async () => (await cellOutput(page, streaming.index)).text.includes("second line"), 20_000);

  // an error names the cell's line
  const broken = await runCode(page, 'const fine = 1;\nconst layer = null as unknown as { W: number };\nconsole.log(layer.W);');
  const err = (await cellOutput(page, broken.index)).errors;
  check(/TypeError/.test(err) && /at line 3 of the cell: console\.log\(layer\.W\);/.test(err), `an error names the cell's line (${err.split("\n").slice(0, 2).join(" / ")})`);
  const syntax = await runCode(page, 'const a = 1;\nconst b = ;');
  const serr = (await cellOutput(page, syntax.index)).errors;
  check(/SyntaxError/.test(serr) && /line 2/.test(serr), `a syntax error names its line (${serr.split("\n").slice(0, 2).join(" / ")})`);

  // a name persists across cells, re-running a cell does not fail, top-level await, the last expression is the result
  const persist = await runCode(page, "const kept = await Promise.resolve(41);\nclass Box { constructor(readonly v: number) {} }\nfunction twice(n: number) { return 2 * n; }");
  await page.evaluate((i) => (window as any).backpropLite.runCell(i), persist.index); // again: no redeclaration error
  const use = await runCode(page, "new Box(twice(kept) - 41).v");
  const useOut = await cellOutput(page, use.index);
  check((await cellOutput(page, persist.index)).errors === "" && useOut.text.trim() === "41", `bindings persist across cells, a cell re-runs, top-level await, the last expression shown (${useOut.text.trim() || useOut.errors})`);

  // interrupt: an endless loop (the worker is restarted, and says so), then a cell runs
  const loop = await runCode(page, "while (true) {}", { wait: false });
  await waitFor(page, "the kernel busy", async () => (await kernelStatus(page)) === "busy", 10_000);
  await page.waitForTimeout(1000);
  await page.evaluate(() => (window as any).backpropLite.interrupt());
  await waitFor(page, "the interrupted loop's output", async () => (await cellOutput(page, loop.index)).errors !== "", 15_000);
  const loopErr = (await cellOutput(page, loop.index)).errors;
  check(/the kernel was restarted: run the cells above again/.test(loopErr), `an endless loop is interrupted: "${loopErr.split("\n")[0]}"`);
  check(await page.evaluate(() => !!document.querySelector(".lite-restarted")), "the page says the kernel was restarted");
  const after = await runCode(page, "1 + 1");
  check((await cellOutput(page, after.index)).text.trim() === "2", "a cell runs after the interrupt");

  // interrupt while a cell awaits: stopped in place, no restart
  const restartsBefore = await page.evaluate(() => (window as any).backpropLite.restarts.length);
  await runCode(page, "const survivor = 7;");
  const waiting = await runCode(page, "await new Promise(() => undefined);", { wait: false });
  await waitFor(page, "the kernel busy", async () => (await kernelStatus(page)) === "busy", 10_000);
  await page.evaluate(() => (window as any).backpropLite.interrupt());
  await waitFor(page, "the awaiting cell's output", async () => (await cellOutput(page, waiting.index)).errors !== "", 15_000);
  const survivor = await runCode(page, "survivor");
  const restartsAfter = await page.evaluate(() => (window as any).backpropLite.restarts.length);
  check(restartsAfter === restartsBefore && (await cellOutput(page, survivor.index)).text.trim() === "7", "a cell that awaits is interrupted in place: the kernel keeps its state");

  // download: the kernel metadata as committed
  const [download] = await Promise.all([page.waitForEvent("download"), page.evaluate(() => (window as any).backpropLite.download())]);
  const downloaded = JSON.parse(readFileSync(await download.path(), "utf8")) as { metadata: unknown; cells: unknown[] };
  const committed = JSON.parse(readFileSync(join(repo, "notebooks", "01-dataset.ipynb"), "utf8")) as { metadata: unknown };
  check(JSON.stringify(downloaded.metadata) === JSON.stringify(committed.metadata), `the downloaded .ipynb keeps the notebook's metadata (${JSON.stringify((committed.metadata as { kernelspec: unknown }).kernelspec)})`);

  // an edit survives a reload; reset brings the lesson's version back
  const marker = `// edited in the browser ${Date.now()}`;
  await page.evaluate((marker) => {
    const nb = (window as any).backpropLite.panel.content;
    const first = nb.widgets.find((c: any) => c.model.type === "code");
    first.model.sharedModel.setSource(marker + "\n" + first.model.sharedModel.getSource());
  }, marker);
  await page.evaluate(() => (window as any).backpropLite.save());
  await page.close();
  ({ page } = await openNotebook(context, port, "01-dataset"));
  const source = await page.evaluate(() => (window as any).backpropLite.panel.content.widgets.find((c: any) => c.model.type === "code").model.sharedModel.getSource());
  check(source.startsWith(marker), "an edit survives a reload");

  // a newer version on the site: the page says so
  await page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((ok, ko) => { const r = indexedDB.open("backprop-moons-lite", 1); r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
    const store = () => db.transaction("notebooks", "readwrite").objectStore("notebooks");
    const saved = await new Promise<any>((ok) => { const r = store().get("01-dataset.ipynb"); r.onsuccess = () => ok(r.result); });
    await new Promise((ok) => { const r = store().put({ ...saved, base: "an-older-version" }, "01-dataset.ipynb"); r.onsuccess = ok; });
  });
  await page.close();
  ({ page } = await openNotebook(context, port, "01-dataset"));
  const banner = await page.evaluate(() => document.querySelector(".lite-newer")?.textContent ?? "");
  check(/newer version/.test(banner), `an edited copy of an older version: the page says a newer one exists ("${banner.slice(0, 80)}...")`);
  await page.evaluate(() => (window as any).backpropLite.resetToLesson()).catch(() => undefined); // reloads the page
  await page.waitForFunction(() => (window as any).backpropLite?.ready, null, { timeout: 120_000 });
  const reset = await page.evaluate(() => (window as any).backpropLite.panel.content.widgets.find((c: any) => c.model.type === "code").model.sharedModel.getSource());
  check(!reset.includes("edited in the browser") && !(await page.evaluate(() => !!document.querySelector(".lite-newer"))), "reset to the lesson's version: the edit is gone, no banner");
  await page.close();
}

// ---- the same numbers as Node: a 50-epoch history, and the bench
function compareHistories(page: EpochRecord[], node: EpochRecord[]): { ok: boolean; maxRel: number; why: string } {
  if (page.length !== node.length) return { ok: false, maxRel: NaN, why: `${page.length} records against Node's ${node.length}` };
  let maxRel = 0;
  for (let i = 0; i < node.length; i++) {
    if (page[i].epoch !== node[i].epoch) return { ok: false, maxRel, why: `record ${i}: epoch ${page[i].epoch} against ${node[i].epoch}` };
    if (page[i].accuracy !== node[i].accuracy) return { ok: false, maxRel, why: `epoch ${node[i].epoch}: accuracy ${page[i].accuracy} against ${node[i].accuracy}` };
    maxRel = Math.max(maxRel, Math.abs(page[i].mse - node[i].mse) / Math.abs(node[i].mse));
  }
  return { ok: maxRel <= 1e-12, maxRel, why: `largest relative MSE difference ${maxRel.toExponential(2)}` };
}

async function sameNumbers(context: BrowserContext, port: number): Promise<void> {
  console.log("\n== a 50-epoch history in the page against Node's (1e-12)");
  const { page } = await openNotebook(context, port, "04-training");
  await page.evaluate(() => (window as any).backpropLite.kernelReady());
  const node = runExperiment({ epochs: 50 }).records;
  const cell = await runCode(page, [
    'import { runExperiment } from "./src/index";',
    'import { sweep } from "./src/notebook";',
    "const inKernel = runExperiment({ epochs: 50 }).records;",
    "const [inWorker] = await sweep([{ epochs: 50 }], { workers: 1 });",
    "console.log(JSON.stringify({ inKernel, inWorker: inWorker.records }));",
  ].join("\n"));
  const out = await cellOutput(page, cell.index);
  if (out.errors) fail(`the 50-epoch cell failed: ${out.errors}`);
  else {
    const { inKernel, inWorker } = JSON.parse(out.text) as { inKernel: EpochRecord[]; inWorker: EpochRecord[] };
    const a = compareHistories(inKernel, node);
    check(a.ok, `the kernel's 50-epoch history equals Node's within 1e-12 (${node.length} records; ${a.why})`);
    const b = compareHistories(inWorker, node);
    check(b.ok, `a sweep worker's 50-epoch history equals Node's within 1e-12 (${b.why})`);
    summary.push({ test: "1e-12", kernelMaxRel: a.maxRel, workerMaxRel: b.maxRel });
  }
  if (BENCH) {
    console.log("\n== bench: 04's 1000-epoch training (the lesson's run), page kernel against Node, interleaved");
    const timeNode = () => { const t = performance.now(); runExperiment({ epochs: 1000 }); return (performance.now() - t) / 1000; };
    const timePage = async () => {
      const c = await runCode(page, "const t0 = performance.now();\nrunExperiment({ epochs: 1000 });\nconsole.log((performance.now() - t0) / 1000);");
      return Number((await cellOutput(page, c.index)).text.trim());
    };
    const nodeTimes: number[] = [];
    const pageTimes: number[] = [];
    const runs = Number(option("--runs") ?? 1);
    for (let r = 0; r < runs; r++) {
      nodeTimes.push(timeNode());
      pageTimes.push(await timePage());
      console.log(`  run ${r + 1}: Node ${nodeTimes[r].toFixed(1)} s, page ${pageTimes[r].toFixed(1)} s`);
    }
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
    const ratio = median(pageTimes) / median(nodeTimes);
    console.log(`  browser kernel / Node = ${ratio.toFixed(2)}x (median of ${runs}: ${median(pageTimes).toFixed(1)} s against ${median(nodeTimes).toFixed(1)} s)`);
    summary.push({ bench: "04 training, 1000 epochs", nodeSeconds: nodeTimes, pageSeconds: pageTimes, ratio });
  }
  await page.close();
}

async function main(): Promise<void> {
  if (!existsSync(join(SITE, "kernel.js"))) throw new Error(`no built edition in ${SITE}: run .ci/lite build (or cd lite && npm run build)`);
  const server = await serve();
  const browser: Browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const blocked: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`http://127.0.0.1:${server.port}${PREFIX}`) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  const t0 = Date.now();
  try {
    if (NOTEBOOKS) {
      const names = readdirSync(join(SITE, "notebooks")).filter((f) => f.endsWith(".ipynb")).map((f) => f.replace(/\.ipynb$/, "")).sort()
        .filter((n) => !ONLY || ONLY.some((o) => n.startsWith(o)));
      for (const name of names) {
        try {
          await notebook(context, server.port, name);
        } catch (e) {
          fail(`${name}: ${(e as Error).message}`);
        }
      }
    }
    if (!argv.includes("--no-behaviour")) await behaviour(context, server.port).catch((e) => fail(`the kernel checks: ${(e as Error).stack}`));
    if (!argv.includes("--no-same-numbers")) await sameNumbers(context, server.port).catch((e) => fail(`the 1e-12 test: ${(e as Error).stack}`));
  } finally {
    await browser.close();
    server.close();
  }
  check(blocked.length === 0, `no request outside the site${blocked.length ? `: ${blocked.slice(0, 5).join(", ")}` : ""}`);
  const stray = notFound.filter((p) => !p.endsWith("favicon.ico"));
  check(stray.length === 0, `no request for a file the site lacks${stray.length ? `: ${stray.slice(0, 5).join(", ")}` : ""}`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, BENCH ? "bench.json" : "check.json"), JSON.stringify({ date: new Date().toISOString(), quickEpochs: QUICK ?? null, seconds: (Date.now() - t0) / 1000, summary, failures }, null, 1));
  console.log(`\n${failures.length === 0 ? "lite: all checks passed" : `lite: ${failures.length} check(s) FAILED`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (failures.length > 0) process.exitCode = 1;
}

main().then(
  // Exit now: a handle left open by Chromium's pipe or the server's sockets must not keep CI waiting.
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
