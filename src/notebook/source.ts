/**
 * The TypeScript source of the library's own functions, for a notebook to
 * print. `String(fn)` is no use there: the kernel runs JavaScript compiled
 * from src/, so it shows `(0, linalg_1.matVec)(...)` instead of the code in
 * the repository. This reads the .ts file under src/ instead.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * The folder with the library's .ts files: this file's own folder's parent
 * when it holds them (the kernels compile src/ where it lies), else
 * src/ under the working directory (compiled into build/, or an ES module
 * without __dirname: the kernels start at the repository root).
 */
function sourceFolder(): string {
  const candidates = [
    ...(typeof __dirname === "string" ? [resolve(__dirname, ".."), resolve(__dirname, "..", "..", "..", "src")] : []),
    resolve(process.cwd(), "src"),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, "notebook", "source.ts")));
  if (!found) throw new Error(`librarySource: cannot find the library's TypeScript files (src/); looked in ${candidates.join(", ")}`);
  return found;
}

/** Every .ts file under `dir` (not .d.ts), sorted, so that the first match is always the same one. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Where the declaration starting at `start` ends: after the first line that closes it at bracket depth 0 with `}` or `;`. */
function declarationEnd(text: string, start: number): number {
  let depth = 0;
  let k = start;
  while (k < text.length) {
    const c = text[k];
    const next = text[k + 1];
    if (c === "/" && next === "/") {
      while (k < text.length && text[k] !== "\n") k++;
      continue;
    }
    if (c === "/" && next === "*") {
      const close = text.indexOf("*/", k + 2);
      k = close < 0 ? text.length : close + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      k++;
      while (k < text.length && text[k] !== c) k += text[k] === "\\" ? 2 : 1; // a template's ${...} never holds a backtick here
      k++;
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "\n" && depth === 0) {
      const line = text.slice(text.lastIndexOf("\n", k - 1) + 1, k).replace(/\/\/.*$/, "").trimEnd();
      if (line.endsWith("}") || line.endsWith(";")) return k;
    }
    k++;
  }
  return text.length;
}

/**
 * The TypeScript source of the function or constant `name` that a file under
 * src/ exports (`export function name`, `export const name = ...`), as it is
 * written there: `console.log(librarySource("hiddenLayerDelta"))`.
 */
export function librarySource(name: string): string {
  if (typeof name !== "string" || !IDENTIFIER.test(name)) throw new Error(`librarySource: name must be the name of an exported function, e.g. "hiddenLayerDelta", got ${JSON.stringify(name)}`);
  const declaration = new RegExp(`^export\\s+(?:(?:async\\s+)?function\\s*\\*?\\s*|(?:const|let|var)\\s+)${name.replace(/\$/g, "\\$")}(?![\\w$])`, "m");
  const folder = sourceFolder();
  for (const file of tsFiles(folder)) {
    const text = readFileSync(file, "utf8").replace(/\r\n/g, "\n");
    const match = declaration.exec(text);
    if (match) return text.slice(match.index, declarationEnd(text, match.index));
  }
  throw new Error(`librarySource: no file under ${folder} exports a function or constant named "${name}"`);
}
