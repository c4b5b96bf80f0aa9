/**
 * The kernel: a Web Worker that runs notebook cells. The page's half
 * (lite/page/kernel.js, a JupyterLite BaseKernel) sends each execute request
 * here; this file compiles the cell (transform.ts: Sucrase, then a rewrite so
 * that names persist across cells and top-level await works), runs it, and
 * posts its output back (protocol.ts) as it comes: console lines while the
 * cell runs, display messages (display.ts), the result, an error at the
 * cell's line.
 *
 * What a cell may import: "./src/index" (the library, src/index.ts, bundled
 * as it is), "./src/notebook" (notebook.ts: the browser edition of
 * src/notebook.ts), "fs"/"node:fs" and "path"/"node:path" (fs.ts).
 */
import * as library from "../../src/index";
import { currentCell, post, setCurrentCell } from "./channel";
import * as fsShim from "./fs";
import { format, inspect, table } from "./inspect";
import * as notebookApi from "./notebook";
import type { ToWorker } from "./protocol";
import { stopAllSweeps } from "./sweep";
import { CellSyntaxError, IMPORT_FUNCTION, compileCell } from "./transform";

const started = performance.now();
const scope = globalThis as unknown as Record<string, unknown> & { onmessage: ((e: { data: ToWorker }) => void) | null };

// ---- modules
const MODULES: Record<string, unknown> = {
  "src/index": library,
  src: library,
  "src/notebook": notebookApi,
  fs: fsShim.fsModule,
  path: fsShim.pathModule,
};
function importModule(specifier: string): unknown {
  let name = specifier.replace(/^node:/, "").replace(/\\/g, "/");
  name = name.replace(/^(\.\.?\/)+/, "").replace(/\.(ts|js)$/, "").replace(/\/index$/, "/index");
  const found = MODULES[name] ?? (name.endsWith("/index") ? undefined : MODULES[`${name}/index`]);
  if (found === undefined) {
    throw new Error(`Cannot find module '${specifier}': in the browser, a cell can import "./src/index" (the library), "./src/notebook" (show, lab, saveRun, ...), "fs" and "path"`);
  }
  return found;
}
scope[IMPORT_FUNCTION] = importModule;
scope.__liteCwd = () => "/"; // process.cwd() in bundled src/ (lite/build.mjs defines it so)

// ---- console: every line goes to the running cell's output as it is written
const write = (name: "stdout" | "stderr") => (...args: unknown[]) => post({ type: "stream", id: currentCell(), name, text: format(...args) + "\n" });
const counts = new Map<string, number>();
const timers = new Map<string, number>();
const cellConsole = {
  log: write("stdout"), info: write("stdout"), debug: write("stdout"),
  warn: write("stderr"), error: write("stderr"), trace: write("stderr"),
  dir: (v: unknown) => write("stdout")(inspect(v)),
  table: (data: unknown, columns?: string[]) => write("stdout")(table(data, columns)),
  assert: (ok: unknown, ...args: unknown[]) => { if (!ok) write("stderr")("Assertion failed" + (args.length ? `: ${format(...args)}` : "")); },
  count: (label = "default") => { const n = (counts.get(label) ?? 0) + 1; counts.set(label, n); write("stdout")(`${label}: ${n}`); },
  time: (label = "default") => void timers.set(label, performance.now()),
  timeEnd: (label = "default") => { const t = timers.get(label); if (t !== undefined) write("stdout")(`${label}: ${(performance.now() - t).toFixed(3)}ms`); timers.delete(label); },
  group: write("stdout"), groupEnd: () => undefined,
};
Object.assign(console, cellConsole);

// ---- errors, in the learner's terms (as jupyter/tslab-patches.ts and tools/shared/cell-errors.ts do on tslab)
const sources = new Map<string, { code: string; count: number }>(); // cell file -> its code
const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

function frames(error: Error, cellFile: string): string[] {
  const out: string[] = [];
  const stacks = [String(error.stack ?? "")];
  for (let cause = (error as { cause?: unknown }).cause; cause instanceof Error; cause = (cause as { cause?: unknown }).cause) stacks.unshift(String(cause.stack ?? ""));
  for (const stack of stacks) {
    for (const line of stack.split("\n")) {
      const m = FRAME.exec(line);
      if (!m) continue;
      const [, fn, file, lineNo] = m;
      const cell = sources.get(file);
      let shown: string | undefined;
      if (cell) {
        const source = cell.code.split("\n")[Number(lineNo) - 1]?.trim() ?? "";
        shown = file === cellFile ? `    at line ${lineNo} of the cell: ${source}` : `    at line ${lineNo} of the cell run as [${cell.count}]: ${source}`;
      } else if (fn && /kernel\.js$/.test(file) && !/^(__cell|execute|async)/.test(fn)) {
        shown = `    in ${fn.replace(/^(async |new )/, "")}`;
      }
      if (shown && out[out.length - 1] !== shown) out.push(shown);
    }
  }
  return out;
}

function describeError(error: unknown, code: string, cellFile: string): { ename: string; evalue: string; traceback: string[] } {
  if (error instanceof CellSyntaxError) {
    const source = code.split("\n")[error.line - 1]?.trim() ?? "";
    return { ename: "SyntaxError", evalue: error.message, traceback: [`SyntaxError: ${error.message}`, `    at line ${error.line}, column ${error.column + 1} of the cell: ${source}`] };
  }
  if (!(error instanceof Error)) {
    const text = typeof error === "string" ? error : inspect(error);
    return { ename: "Error", evalue: text, traceback: [`thrown: ${text}`] };
  }
  const ename = error.name || "Error";
  return { ename, evalue: error.message, traceback: [...`${ename}: ${error.message}`.split("\n"), ...frames(error, cellFile)] };
}

// ---- running cells, one at a time
let interruptRunning: (() => void) | undefined;
let queue: Promise<void> = Promise.resolve();
let cells = 0;

async function execute(request: Extract<ToWorker, { type: "execute" }>): Promise<void> {
  const { id, code } = request;
  setCurrentCell(id);
  cells++;
  const name = `cell-${cells}`;
  sources.set(`${name}.ts`, { code, count: request.count });
  try {
    await fsShim.refresh();
    const compiled = compileCell(code, name);
    const run = (0, eval)(compiled.js) as () => Promise<unknown>;
    const interrupted = new Promise<never>((_, reject) => {
      interruptRunning = () => reject(Object.assign(new Error("Interrupted: the cell was stopped before it finished."), { name: "Interrupted" }));
    });
    const result = await Promise.race([run(), interrupted]);
    await fsShim.flush();
    if (result !== undefined) post({ type: "result", id, data: { "text/plain": inspect(result) } });
    post({ type: "done", id, status: "ok" });
  } catch (error) {
    await fsShim.flush().catch(() => undefined);
    const described = (error as Error)?.name === "Interrupted"
      ? { ename: "Interrupted", evalue: (error as Error).message, traceback: [(error as Error).message] }
      : describeError(error, code, `${name}.ts`);
    post({ type: "error", id, ...described });
    post({ type: "done", id, status: "error" });
  } finally {
    interruptRunning = undefined;
  }
}

(globalThis as unknown as { addEventListener(t: string, f: (e: { reason?: unknown; preventDefault(): void }) => void): void }).addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  const text = e.reason instanceof Error ? `${e.reason.name}: ${e.reason.message}` : inspect(e.reason);
  post({ type: "stream", id: currentCell(), name: "stderr", text: `Unhandled promise rejection: ${text}\n` });
});

scope.onmessage = ({ data }) => {
  if (data.type === "interrupt") {
    stopAllSweeps();
    interruptRunning?.();
    return;
  }
  if (data.type === "execute") queue = queue.then(() => execute(data));
};

post({ type: "ready", ms: performance.now() - started });
