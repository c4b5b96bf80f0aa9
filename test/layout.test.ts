/**
 * The layout rules, checked on the sources:
 * - the core (src/) imports nothing outside src/;
 * - a tool folder (scripts/, jupyter/, bench/, site/) imports the core, the
 *   shared tooling (tools/shared/) and its own files, never another tool's
 *   folder; tools/shared/ imports no tool folder;
 * - `npm test` stays fast: a test directly in test/ neither executes a
 *   notebook nor opens Chromium (those go in test/notebooks/, which
 *   `npm run test:notebooks` runs).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { repoRoot } from "./helpers";

const TOOL_FOLDERS = ["scripts", "jupyter", "bench", "site"];

/** Every .ts file under `dir` (skipping node_modules and separately built front ends with their own package.json). */
function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || existsSync(join(path, "package.json"))) continue;
      out.push(...tsFiles(path));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The relative module specifiers a file imports (import/export ... from, import(), require()). */
export function relativeImports(source: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*)["']/gm;
  for (const m of source.matchAll(pattern)) specs.push(m[1]);
  return specs;
}

/** The repository's top folder (or "tools/shared") that a file lies in. */
function area(file: string): string {
  const parts = relative(repoRoot, file).split(sep);
  return parts[0] === "tools" && parts[1] === "shared" ? "tools/shared" : parts[0];
}

function violations(folders: string[], allowed: (from: string, to: string) => boolean): string[] {
  const found: string[] = [];
  for (const folder of folders) {
    for (const file of tsFiles(join(repoRoot, folder))) {
      for (const spec of relativeImports(readFileSync(file, "utf8"))) {
        const target = resolve(dirname(file), spec);
        const from = area(file);
        const to = area(target);
        if (!allowed(from, to)) found.push(`${relative(repoRoot, file)} imports ${spec} (${to}/)`);
      }
    }
  }
  return found;
}

test("relativeImports finds import, export-from, dynamic import and require, and skips packages", () => {
  const source = [
    `import { a } from "../src/index";`,
    `import type { B } from './b';`,
    `export { c } from "../tools/shared/cli";`,
    `import "./side-effect";`,
    `const d = require("../scripts/cli");`,
    `const e = await import("../jupyter/deno");`,
    `import fc from "fast-check";`,
    `import { join } from "node:path";`,
  ].join("\n");
  assert.deepEqual(relativeImports(source), ["../src/index", "./b", "../tools/shared/cli", "./side-effect", "../scripts/cli", "../jupyter/deno"]);
});

test("the core (src/) imports nothing outside src/", () => {
  assert.deepEqual(violations(["src"], (_from, to) => to === "src"), []);
});

test("no tool imports another tool's folder: scripts/, jupyter/, bench/ and site/ share code through tools/shared/ (and the core)", () => {
  const found = violations([...TOOL_FOLDERS, "tools"], (from, to) => to === from || to === "src" || to === "tools/shared");
  assert.deepEqual(found, [], "move what two tools share into tools/shared/ and import it from there");
});

test("npm test stays fast: no test directly in test/ executes a notebook or opens Chromium (put those in test/notebooks/)", () => {
  const heavy = /\brunNotebooks?\s*\(|\blaunchChromium\s*\(|["']playwright-core["']|\bchromium\.launch\s*\(/;
  const found = readdirSync(join(repoRoot, "test"))
    .filter((f) => f.endsWith(".test.ts") && f !== "layout.test.ts")
    .filter((f) => heavy.test(readFileSync(join(repoRoot, "test", f), "utf8")));
  assert.deepEqual(found, [], "these files belong in test/notebooks/ (npm run test:notebooks)");
});
