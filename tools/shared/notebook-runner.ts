/**
 * Executes a tslab notebook without Jupyter: no Python, no ZeroMQ, just
 * tslab's own converter and executor (the code the kernel runs) in a Node
 * process whose cwd is the repository root, so cells import "./src/...".
 *
 * Each notebook runs in a fresh child process (`runNotebook`), as a fresh
 * kernel would: module state (seeded random streams, "plotly.js already
 * sent") starts clean, and tslab's process-wide hooks never mix notebooks.
 * The child writes the executed notebook (outputs and execution counts, like
 * `jupyter nbconvert --execute`) even when a cell fails; cells after the
 * first failing one are left unexecuted.
 */
import { fork } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { format, inspect, parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { repoRoot } from "./cli";
import { PLOTLY_CARRIER, beforeCell, kernelState } from "../../src/notebook/display";
import { captureReports, describeFailure, recordJs, reportsText } from "./cell-errors";

export const notebooksDir = join(repoRoot, "notebooks");
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

// ------------------------------------------------------------------ notebook JSON (nbformat 4)

export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string | string[] }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "execute_result"; data: Record<string, unknown>; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
  id?: string;
}

export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export const cellSource = (cell: Cell): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source ?? "");

export function readNotebook(file: string): Notebook {
  const nb = JSON.parse(readFileSync(file, "utf8")) as Notebook;
  if (!nb || !Array.isArray(nb.cells)) throw new Error(`${file}: not a notebook (no "cells" array)`);
  return nb;
}

/** The display_data outputs holding a Plotly figure, in order. */
export function figureOutputs(nb: Notebook): Extract<Output, { output_type: "display_data" }>[] {
  const found: Extract<Output, { output_type: "display_data" }>[] = [];
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) if (out.output_type === "display_data" && out.data && PLOTLY_MIME in out.data) found.push(out);
  }
  return found;
}

/** How many outputs carry plotly.js (src/notebook/display.ts sends it with one figure). */
export function plotlyCarriers(nb: Notebook): number {
  return figureOutputs(nb).filter((out) => {
    const html = out.data["text/html"];
    return (Array.isArray(html) ? html.join("") : String(html ?? "")).startsWith(`<script ${PLOTLY_CARRIER}>`);
  }).length;
}

/** notebooks/*.ipynb, or those matching `names` (a path, a file name, or a prefix such as "03"). */
export function listNotebooks(names: string[] = [], dir = notebooksDir): string[] {
  const all = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(dir, f)) : [];
  if (names.length === 0) return all;
  return names.map((name) => {
    if (name.endsWith(".ipynb") && existsSync(name)) return resolve(name);
    const matches = all.filter((f) => basename(f) === name || basename(f, ".ipynb") === name || basename(f).startsWith(name));
    if (matches.length === 1) return matches[0];
    const known = all.map((f) => basename(f)).join(", ") || "none";
    throw new Error(matches.length === 0 ? `no notebook matches "${name}" (notebooks: ${known})` : `"${name}" matches several notebooks: ${matches.map((f) => basename(f)).join(", ")}`);
  });
}

// ------------------------------------------------------------------ results

export interface CellFailure {
  /** Index in nb.cells (0-based, markdown cells included). */
  index: number;
  executionCount: number | null;
  source: string;
  ename: string;
  evalue: string;
  traceback: string[];
  /** What the cell wrote to stderr before failing. */
  stderr: string;
}

export interface NotebookResult {
  notebook: string;
  output: string;
  ok: boolean;
  /** Code cells executed (including a failing one). */
  executed: number;
  seconds: number;
  /** display_data outputs with the Plotly MIME type in the executed notebook. */
  figures: number;
  failure?: CellFailure;
}

export function formatFailure(result: NotebookResult): string {
  const f = result.failure;
  if (!f) return `${relative(process.cwd(), result.notebook)}: ok`;
  const where = f.index >= 0 ? `cell ${f.index}${f.executionCount !== null ? ` (execution [${f.executionCount}])` : ""}` : "notebook";
  const source = f.source.trim() ? `\n---- cell source ----\n${f.source.trimEnd()}` : "";
  const stderr = f.stderr.trim() ? `\n---- cell stderr ----\n${f.stderr.trimEnd()}` : "";
  return `${relative(process.cwd(), result.notebook)}: ${where} failed: ${f.ename}: ${f.evalue}${source}${stderr}\n---- tslab error ----\n${f.traceback.join("\n")}`;
}

// ------------------------------------------------------------------ in this process (the child)

interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  interrupt(): void;
  close(): void;
}
interface TslabConverter { close(): void; convert(prevDecl: string, src: string): { output?: string } }
interface DisplayMessage { data: Record<string, unknown>; metadata?: Record<string, unknown>; transient?: { display_id?: string } }

export interface ExecuteOptions {
  /** Per-cell limit in seconds (a synchronous loop is broken with SIGINT); 0 = none. */
  cellTimeout?: number;
  /** Called with progress lines ("[cell 3] ok (120 ms)") and, if `echo`, the cells' output. */
  log?: (line: string) => void;
  echo?: boolean;
  /** Run every code cell twice in a row (the outputs kept are the second run's): re-running a cell must be safe. */
  repeatCells?: boolean;
}

/**
 * Executes `input` in THIS process and writes the executed copy to `output`.
 * tslab installs process-wide hooks (process.stdout.write, the display hook),
 * so call it once per process, with process.cwd() = the repository root.
 */
export async function executeNotebookHere(input: string, output: string, options: ExecuteOptions = {}): Promise<NotebookResult> {
  const t0 = Date.now();
  const log = options.log ?? ((line: string) => void writeSync(2, line + "\n"));
  const root = process.cwd();
  const nb = readNotebook(input);
  const result: NotebookResult = { notebook: input, output, ok: true, executed: 0, seconds: 0, figures: 0 };

  const tslabDist = dirname(require.resolve("tslab/dist/main.js", { paths: [root] }));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { createConverter } = require(join(tslabDist, "converter.js")) as { createConverter(o: { isJS: boolean; isBrowser: boolean }): TslabConverter };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { createExecutor } = require(join(tslabDist, "executor.js")) as {
    createExecutor(root: string, convs: { node: TslabConverter; browser: TslabConverter; close(): void }, console: { log(...a: unknown[]): void; error(...a: unknown[]): void }): TslabExecutor;
  };
  // The same module instance that require("tslab") and src/notebook/display.ts use.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require(join(tslabDist, "jupyter.js")) as { lastWriteDisplayData: ((msg: DisplayMessage, update: boolean) => void) | null };

  let current: Output[] | null = null;
  const byDisplayId = new Map<string, Extract<Output, { output_type: "display_data" }>[]>();
  const addStream = (name: "stdout" | "stderr", text: string): void => {
    if (!current || !text) return;
    if (options.echo) log(text.replace(/\n$/, ""));
    const last = current[current.length - 1];
    if (last && last.output_type === "stream" && last.name === name) last.text = String(last.text) + text;
    else current.push({ output_type: "stream", name, text });
  };
  // What tslab's kernel does in handleExecuteImpl: cell output replaces process.std*.write.
  const streamWriter = (name: "stdout" | "stderr") =>
    ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error) => void), callback?: (err?: Error) => void): boolean => {
      addStream(name, typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8"));
      if (typeof encoding === "function") encoding();
      else callback?.();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = streamWriter("stdout");
  process.stderr.write = streamWriter("stderr");
  jupyter.lastWriteDisplayData = (msg, update) => {
    const id = msg.transient?.display_id;
    if (update) {
      // update_display_data: every output with this display_id shows the new data.
      for (const out of (id && byDisplayId.get(id)) || []) {
        out.data = msg.data;
        out.metadata = msg.metadata ?? {};
      }
      return;
    }
    if (!current) return;
    const out: Extract<Output, { output_type: "display_data" }> = { output_type: "display_data", data: msg.data, metadata: msg.metadata ?? {} };
    current.push(out);
    if (id) byDisplayId.set(id, [...(byDisplayId.get(id) ?? []), out]);
    if (options.echo) log(`[display ${Object.keys(msg.data).join(", ")}]`);
  };

  const nodeConverter = createConverter({ isJS: false, isBrowser: false });
  let browserConverter: TslabConverter | undefined;
  const convs = {
    node: nodeConverter,
    get browser() {
      return (browserConverter ??= createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      nodeConverter.close();
      browserConverter?.close();
    },
  };
  // The executor reports the last expression's value with log(value) and failures with error(...), read by cell-errors.ts.
  const capture = captureReports((...a) => addStream("stdout", format(...a) + "\n"));
  const recorder = recordJs(convs);
  const executor = createExecutor(root, recorder.convs, capture.console);
  let asyncFailure: unknown[] | null = null;
  process.on("uncaughtException", (e) => {
    asyncFailure ??= [e];
    addStream("stderr", `UncaughtException: ${inspect(e)}\n`);
  });
  process.on("unhandledRejection", (e) => {
    asyncFailure ??= [e];
    addStream("stderr", `UnhandledPromiseRejection: ${inspect(e)}\n`);
  });
  process.on("SIGINT", () => executor.interrupt()); // rejects a pending top-level await

  let count = 0;
  for (let i = 0; i < nb.cells.length; i++) {
    const cell = nb.cells[i];
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    if (result.failure || !cellSource(cell).trim()) {
      cell.execution_count = null; // like nbclient: empty cells are skipped; nothing runs after a failure
      continue;
    }
    cell.execution_count = ++count;
    result.executed++;
    current = cell.outputs;
    capture.take();
    recorder.reset();
    asyncFailure = null;
    const started = Date.now();
    // SIGINT from another thread interrupts even a synchronous loop (tslab runs cells with breakOnSigint).
    const watchdog = options.cellTimeout
      ? new Worker(`const { workerData } = require("node:worker_threads"); setTimeout(() => process.kill(workerData.pid, "SIGINT"), workerData.ms);`, { eval: true, workerData: { pid: process.pid, ms: options.cellTimeout * 1000 } })
      : null;
    let ok = true;
    try {
      for (let run = options.repeatCells ? 2 : 1; ok && run > 0; run--) {
        if (run === 1) cell.outputs.length = 0; // keep the last run's outputs
        beforeCell(cell.id ?? `cell-${i}`); // as nbclient does, the cell's id goes with each execution
        ok = await executor.execute(cellSource(cell));
      }
    } catch (e) {
      ok = false; // converter or executor internal error
      capture.console.error(e);
    } finally {
      await watchdog?.terminate();
    }
    await new Promise((r) => setImmediate(r)); // let already-queued callbacks report
    const reports = capture.take();
    if (ok && asyncFailure) {
      ok = false;
      reports.errors.push(...(asyncFailure as unknown[]));
    }
    const ms = Date.now() - started;
    if (ok) {
      addStream("stderr", reportsText(reports)); // what the executor reported about a cell that still ran
    } else {
      const timedOut = options.cellTimeout && ms >= options.cellTimeout * 1000 - 50;
      const eo: Extract<Output, { output_type: "error" }> = {
        output_type: "error",
        ...describeFailure(reports, { code: cellSource(cell), js: recorder.js() }, root, kernelState().training),
      };
      if (timedOut) eo.traceback.unshift(`cell timed out after ${options.cellTimeout} s and was interrupted`);
      const stderr = cell.outputs.map((o) => (o.output_type === "stream" && o.name === "stderr" ? String(o.text) : "")).join("");
      cell.outputs.push(eo);
      result.ok = false;
      result.failure = { index: i, executionCount: count, source: cellSource(cell), ename: eo.ename, evalue: eo.evalue, traceback: eo.traceback, stderr };
    }
    log(`[cell ${i}] ${ok ? "ok" : "FAILED"} (${ms} ms)`);
  }
  current = null;
  result.figures = figureOutputs(nb).length;
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, JSON.stringify(nb, null, 1) + "\n");
  executor.close(); // the converter's TypeScript watch program keeps the process alive otherwise
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}

// ------------------------------------------------------------------ from the parent

/** The first argument of the child process this file forks for each notebook. */
const CHILD_FLAG = "--child";

export interface RunOptions {
  /** Where executed copies go (default output/notebooks/). */
  outDir?: string;
  /** Per-cell limit in seconds (default 600). */
  cellTimeout?: number;
  /** Whole-notebook limit in seconds; the child is killed after it (default 1800). */
  timeout?: number;
  /** Progress lines from the child ("[cell 3] ok (120 ms)"), and its echoed output if `echo`. */
  onLine?: (line: string) => void;
  echo?: boolean;
  /** Run every code cell twice in a row. */
  repeatCells?: boolean;
}

/** Executes `notebook` in a fresh Node process (cwd = repository root) and writes `<outDir>/<name>.ipynb`. */
export function runNotebook(notebook: string, options: RunOptions = {}): Promise<NotebookResult> {
  const input = resolve(notebook);
  const output = join(resolve(options.outDir ?? join(repoRoot, "output", "notebooks")), basename(input));
  const args = [CHILD_FLAG, input, output, `--cell-timeout=${options.cellTimeout ?? 600}`, ...(options.echo ? ["--echo"] : []), ...(options.repeatCells ? ["--repeat-cells"] : [])];
  return new Promise((resolvePromise) => {
    const child = fork(__filename, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe", "ipc"] });
    let result: NotebookResult | undefined;
    let stderrTail = "";
    let pending = "";
    child.on("message", (m) => void (result = m as NotebookResult));
    child.stdout!.on("data", (d: Buffer) => void (stderrTail = (stderrTail + d.toString()).slice(-4000)));
    child.stderr!.on("data", (d: Buffer) => {
      const text = pending + d.toString();
      const lines = text.split("\n");
      pending = lines.pop()!;
      for (const line of lines) options.onLine?.(line);
      stderrTail = (stderrTail + d.toString()).slice(-4000);
    });
    const limit = options.timeout ?? 1800;
    const timer = setTimeout(() => child.kill("SIGKILL"), limit * 1000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (pending) options.onLine?.(pending);
      if (result) return resolvePromise(result);
      const why = signal === "SIGKILL" ? `killed after the ${limit} s notebook limit` : `runner exited with ${signal ?? `code ${code}`} before reporting`;
      resolvePromise({
        notebook: input, output, ok: false, executed: 0, seconds: 0, figures: 0,
        failure: { index: -1, executionCount: null, source: "", ename: "RunnerError", evalue: why, traceback: stderrTail.trim().split("\n"), stderr: "" },
      });
    });
  });
}

async function childMain(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "cell-timeout": { type: "string", default: "0" }, echo: { type: "boolean" }, "repeat-cells": { type: "boolean" } },
  });
  const [input, output] = positionals;
  let result: NotebookResult;
  try {
    result = await executeNotebookHere(input, output, { cellTimeout: Number(values["cell-timeout"]) || 0, echo: values.echo, repeatCells: values["repeat-cells"] });
  } catch (e) {
    const err = e as Error;
    result = {
      notebook: input, output, ok: false, executed: 0, seconds: 0, figures: 0,
      failure: { index: -1, executionCount: null, source: "", ename: err.name ?? "Error", evalue: err.message, traceback: String(err.stack ?? err).split("\n"), stderr: "" },
    };
  }
  // Exit explicitly: cells may leave timers or handles behind.
  if (process.send) process.send(result, () => process.exit(result.ok ? 0 : 1));
  else {
    writeSync(2, (result.ok ? `ok: wrote ${output}` : formatFailure(result)) + "\n");
    process.exit(result.ok ? 0 : 1);
  }
}

if (require.main === module && process.argv[2] === CHILD_FLAG) {
  childMain(process.argv.slice(3)).catch((e) => {
    writeSync(2, `notebook-runner internal error: ${(e as Error).stack}\n`);
    process.exit(3);
  });
}
