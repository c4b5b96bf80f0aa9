/**
 * The layout rules, checked on the sources:
 * - src/ imports nothing outside src/, and inside it dependencies flow one
 *   way: core/ <- lab/ <- figures/ <- node/ <- notebook/ (a folder imports
 *   its own files and those to its left);
 * - the browser side (src/index.ts, core/, lab/, figures/) imports no Node
 *   module and no package outside BROWSER_PACKAGES, and bundles for a
 *   browser (esbuild, platform "browser") without a Node built-in;
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
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { repoRoot } from "./helpers";

const TOOL_FOLDERS = ["scripts", "jupyter", "bench", "site", "lite"];

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

/** The folders of src/, in the order dependencies flow: each imports only itself and those before it. */
const SRC_LAYERS = ["core", "lab", "figures", "node", "notebook"];
/** The folders whose files a browser bundles (with src/index.ts). */
const BROWSER_SIDE = ["core", "lab", "figures"];
/** Packages the browser side may import: plain JavaScript that runs in any engine (plotly.js only for its types). */
const BROWSER_PACKAGES = ["seedrandom", "@noble/hashes/sha2", "@noble/hashes/utils", "plotly.js"];

/** "src/lab/runs.ts" and "src/lab" -> "lab"; "src/index.ts" and "src/index" -> "index". */
function srcLayer(file: string): string {
  return relative(join(repoRoot, "src"), file).split(sep)[0].replace(/\.ts$/, "");
}

/** The package specifiers (not relative paths) a file imports. */
export function packageImports(source: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^."'][^"']*)["']/gm;
  for (const m of source.matchAll(pattern)) specs.push(m[1]);
  return specs;
}

test("src/ imports nothing outside src/, and its folders depend one way: core <- lab <- figures <- node <- notebook", () => {
  const found: string[] = [];
  for (const file of tsFiles(join(repoRoot, "src"))) {
    const from = srcLayer(file);
    for (const spec of relativeImports(readFileSync(file, "utf8"))) {
      const target = resolve(dirname(file), spec);
      if (area(target) !== "src") {
        found.push(`${relative(repoRoot, file)} imports ${spec}, outside src/`);
        continue;
      }
      const to = srcLayer(target);
      const ok = from === "index" ? BROWSER_SIDE.includes(to) : SRC_LAYERS.indexOf(to) !== -1 && SRC_LAYERS.indexOf(to) <= SRC_LAYERS.indexOf(from);
      if (!ok) found.push(`${relative(repoRoot, file)} (${from}/) imports ${spec} (${to}/)`);
    }
  }
  assert.deepEqual(found, []);
});

test("the browser side (src/index.ts, core/, lab/, figures/) imports no Node module and only browser-safe packages", () => {
  const found: string[] = [];
  for (const file of tsFiles(join(repoRoot, "src"))) {
    if (!["index", ...BROWSER_SIDE].includes(srcLayer(file))) continue;
    for (const spec of packageImports(readFileSync(file, "utf8"))) {
      const node = spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0]);
      if (node || !BROWSER_PACKAGES.includes(spec)) found.push(`${relative(repoRoot, file)} imports "${spec}"${node ? " (a Node module)" : ""}`);
    }
  }
  assert.deepEqual(found, [], "move what needs Node into src/node/ (files, worker threads) or src/notebook/ (Jupyter)");
});

test("packageImports sees Node modules and packages, and skips relative paths", () => {
  const source = [`import { a } from "./a";`, `import fs from "fs";`, `import { join } from "node:path";`, `const w = require("worker_threads");`, `import s from "seedrandom";`].join("\n");
  assert.deepEqual(packageImports(source), ["fs", "node:path", "worker_threads", "seedrandom"]);
});

test("src/index.ts bundles for a browser: esbuild with platform \"browser\" finds no Node built-in in anything it reaches", async () => {
  const { build } = await import("esbuild");
  const result = await build({ entryPoints: [join(repoRoot, "src", "index.ts")], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent", metafile: true })
    .catch((e: { errors?: { text: string }[] }) => ({ failed: (e.errors ?? []).map((x) => x.text) }));
  assert.ok(!("failed" in result), `the browser bundle failed: ${"failed" in result ? result.failed.join("; ") : ""}`);
  const inputs = Object.keys(result.metafile!.inputs).filter((f) => f.startsWith("src/"));
  assert.ok(inputs.includes("src/core/network.ts") && inputs.includes("src/lab/lab.ts"), `the bundle holds the core and the lab: ${inputs.join(", ")}`);
  assert.deepEqual(inputs.filter((f) => f.startsWith("src/node/") || f.startsWith("src/notebook/")), []);
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
