/**
 * Failed cells in the learner's language: the one place that reads what
 * tslab reports about a failed cell and turns it into a Jupyter error
 * (ename, evalue, traceback). Used by the kernel launcher and by the
 * in-process notebook runner.
 *
 * tslab's executor reports through the `console` it is given:
 * `error(errorObject)` for a runtime error (including an interrupt) and
 * `error("%s%d:%d - %s", file, line, column, message)` per TypeScript
 * diagnostic (lines already counted in the cell). `captureReports` stands in
 * for that console; `describeFailure` writes the error:
 *  - a runtime error: `Name: message`, then the frames in src/ (function and
 *    file) and the cell's own line number and source line; frames of tslab,
 *    the kernel launcher, Node and other packages are left out;
 *  - TypeScript diagnostics: `line 3, column 7: message` and the source line;
 *  - an interrupt: one line saying what stopped, at which epoch if a
 *    training was running, and what state the network is left in.
 */
import { format, inspect } from "node:util";

export interface ErrorFields {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface Diagnostic { file: string; line: number; column: number; message: string }

/** What tslab reported about one cell. */
export interface Reports {
  errors: unknown[];
  diagnostics: Diagnostic[];
  /** Any other console.error text. */
  other: string[];
}

/** A console for tslab's createExecutor that keeps its error reports (`take()` returns and clears them). */
export function captureReports(log: (...args: unknown[]) => void): { console: { log(...a: unknown[]): void; error(...a: unknown[]): void }; take(): Reports } {
  let reports: Reports = { errors: [], diagnostics: [], other: [] };
  return {
    console: {
      log,
      error(...args: unknown[]) {
        if (args[0] === "%s%d:%d - %s" && args.length === 5) {
          reports.diagnostics.push({ file: String(args[1]).trim(), line: Number(args[2]), column: Number(args[3]), message: String(args[4]) });
        } else if (args.length === 1 && typeof args[0] === "object" && args[0] !== null) {
          reports.errors.push(args[0]);
        } else {
          reports.other.push(format(...args));
        }
      },
    },
    take() {
      const taken = reports;
      reports = { errors: [], diagnostics: [], other: [] };
      return taken;
    },
  };
}

/** Reports about a cell that still succeeded (a module cell's diagnostics), as stderr text ("" if none). */
export function reportsText(reports: Reports): string {
  const lines = [...reports.diagnostics.map((d) => `${d.file ? `${d.file} ` : ""}${d.line}:${d.column} - ${d.message}`), ...reports.other, ...reports.errors.map((e) => inspect(e))];
  return lines.length > 0 ? lines.join("\n") + "\n" : "";
}

/** The cell as the learner wrote it, and the JavaScript tslab ran for it (if known). */
export interface CellCode {
  code: string;
  js?: string;
}

/** A training in progress when the cell stopped (see src/notebook/display.ts liveProgress). */
export interface TrainingProgress {
  epoch: number;
  maxEpochs: number;
}

const INTERRUPTED = /^(Script execution was interrupted by `?SIGINT`?|Interrupted asynchronously)$/; // vm (sync), tslab (top-level await)

export function isInterrupt(error: unknown): boolean {
  return error instanceof Error && INTERRUPTED.test(error.message);
}

/** The one line an interrupt prints. */
export function interruptLine(training?: TrainingProgress): string {
  if (!training) return "Interrupted: the cell was stopped before it finished.";
  return (
    `Interrupted: training stopped in epoch ${training.epoch + 1} of ${training.maxEpochs} ` +
    `(epochs 0-${training.epoch} done); the network keeps the weights it had reached, partway through that epoch.`
  );
}

/** Turns tslab's reports about a failed cell into a Jupyter error. */
export function describeFailure(reports: Reports, cell: CellCode, root: string, training?: TrainingProgress): ErrorFields {
  const error = reports.errors[0];
  if (error !== undefined) {
    if (isInterrupt(error)) return { ename: "Interrupted", evalue: interruptLine(training), traceback: [interruptLine(training)] };
    return runtimeError(error, cell, root);
  }
  if (reports.diagnostics.length > 0) return compileError(reports.diagnostics, cell.code);
  const text = reports.other.join("\n").trim() || "the cell failed (tslab reported nothing)";
  return { ename: "Error", evalue: text.split("\n")[0], traceback: text.split("\n") };
}

function compileError(diagnostics: Diagnostic[], code: string): ErrorFields {
  const lines = code.split("\n");
  const traceback = diagnostics.flatMap((d) => {
    const where = d.file ? `${d.file} line ${d.line}, column ${d.column}` : `line ${d.line}, column ${d.column}`;
    const source = d.file ? [] : [`    ${lines[d.line - 1]?.trim() ?? ""}`];
    return [`TypeScript: ${where}: ${d.message}`, ...source];
  });
  return { ename: "TypeScript", evalue: diagnostics.map((d) => d.message).join("; "), traceback };
}

const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

function runtimeError(error: unknown, cell: CellCode, root: string): ErrorFields {
  if (!(error instanceof Error)) {
    const text = typeof error === "string" ? error : inspect(error);
    return { ename: "Error", evalue: text, traceback: [`thrown: ${text}`] };
  }
  const ename = error.name || "Error";
  const head = `${ename}: ${error.message}`.split("\n");
  const frames: string[] = [];
  const srcPrefix = `${root.replace(/\\/g, "/")}/src/`;
  let inCell = 0;
  for (const line of String(error.stack ?? "").split("\n")) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const [, fn, file, lineNo, col] = m;
    let shown: string | undefined;
    if (file === "evalmachine.<anonymous>") {
      inCell++;
      const at = cellLine(cell, Number(lineNo), Number(col)); // none for tslab's own wrapper line
      if (at) shown = `    at line ${at.line} of the cell: ${at.source}`;
    } else if (file.replace(/\\/g, "/").startsWith(srcPrefix)) {
      shown = `    in ${fn ?? "(anonymous)"} (src/${file.replace(/\\/g, "/").slice(srcPrefix.length).replace(/\.js$/, ".ts")})`;
    }
    if (shown && frames[frames.length - 1] !== shown) frames.push(shown);
  }
  if (inCell > 0 && !frames.some((f) => f.startsWith("    at line "))) frames.push("    in the cell (line not found)");
  return { ename, evalue: error.message, traceback: [...head, ...frames] };
}

const JS_ONLY = new Set(["exports", "require", "default", "void", "__esModule", "Object", "defineProperty"]);

/** Identifiers, numbers and string literals of a line, without the names the JavaScript translation adds. */
function tokens(text: string): string[] {
  const found = text.match(/[A-Za-z_$][\w$]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g) ?? [];
  return found.filter((t) => !JS_ONLY.has(t) && !/^[\w$]+_\d+$/.test(t) && !/^__tslab/.test(t));
}

/**
 * The cell line (1-based) that JavaScript line `jsLine`, column `jsCol` of
 * tslab's translation came from. tslab keeps no source map, so the match is
 * by the names, numbers and strings the two lines share, those from the
 * error's column on weighing most; ties go to the line nearest the same
 * relative position. Undefined when nothing matches.
 */
export function cellLine(cell: CellCode, jsLine: number, jsCol: number): { line: number; source: string } | undefined {
  const lines = cell.code.split("\n");
  if (cell.js === undefined) return undefined;
  const jsLines = cell.js.split("\n");
  const text = jsLines[jsLine - 1] ?? "";
  // Line 1 also holds tslab's wrapper "(function(exports, require) { ", so its column is not the code's.
  const focus = tokens(jsLine === 1 ? text : text.slice(Math.max(0, jsCol - 1))).slice(0, 8);
  const all = tokens(text);
  if (all.length === 0) return undefined;
  const expected = ((jsLine - 1) / Math.max(1, jsLines.length - 1)) * Math.max(0, lines.length - 1);
  let best: { line: number; score: number; distance: number } | undefined;
  lines.forEach((source, i) => {
    const trimmed = source.trim();
    if (!trimmed || trimmed.startsWith("//")) return;
    const have = new Set(tokens(source));
    const score = 2 * focus.filter((t) => have.has(t)).length + all.filter((t) => have.has(t)).length;
    const distance = Math.abs(i - expected);
    if (score > 0 && (!best || score > best.score || (score === best.score && distance < best.distance))) best = { line: i + 1, score, distance };
  });
  return best && { line: best.line, source: lines[best.line - 1].trim() };
}

interface Converter { convert(prevDecl: string, src: string): { output?: string } }

/**
 * tslab's converter set with the node converter's output recorded: the
 * JavaScript of the last cell converted (`js()`), for cellLine.
 */
export function recordJs<C extends { node: Converter }>(convs: C): { convs: C; js(): string | undefined; reset(): void } {
  let last: string | undefined;
  let from: Converter | undefined;
  let wrapped: Converter | undefined;
  const proxy = new Proxy(convs, {
    get(target, prop) {
      if (prop !== "node") return Reflect.get(target, prop, target) as unknown;
      const node = target.node; // tslab creates it lazily, once
      if (node !== from) {
        from = node;
        wrapped = Object.assign(Object.create(node) as Converter, {
          convert(prevDecl: string, src: string) {
            const out = node.convert(prevDecl, src);
            last = out.output;
            return out;
          },
        });
      }
      return wrapped;
    },
  });
  return { convs: proxy, js: () => last, reset: () => void (last = undefined) };
}
