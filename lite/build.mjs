/**
 * Builds the browser edition into lite/build/ (docs/lite.md):
 *   bundle.js          the notebook page (webpack: page/index.js, JupyterLab 4.6 + JupyterLite services)
 *   kernel.js          the kernel worker (esbuild: kernel/worker.ts with src/index.ts and the browser ./src/notebook)
 *   sweep-worker.js    a sweep's worker (esbuild: kernel/sweep-worker.ts)
 *   library-src.json   src/**\/*.ts as text, for librarySource and reading src/ with fs
 *   plotly.min.js      the project's plotly.js (plotly.js-dist-min)
 *   notebooks/         the lesson's notebooks as committed, and index.json (their digests)
 *   index.html, NN-name.html  the list of notebooks, and one page per notebook
 *
 *   node build.mjs [--no-webpack] [--dev]
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const out = join(here, "build");
const args = new Set(process.argv.slice(2));
const t0 = Date.now();
const stamp = (what) => console.log(`lite build: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// ---- 0. ./src/notebook in the browser must export what src/notebook.ts exports
function exportedNames(file) {
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const names = new Set();
  for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const p = part.trim();
      if (!p || p.startsWith("type ")) continue;
      names.add(p.split(/\s+as\s+/).pop().trim());
    }
  }
  for (const m of text.matchAll(/export\s+(?:async\s+)?(?:function|const|let|class)\s+([\w$]+)/g)) names.add(m[1]);
  return names;
}
const nodeApi = exportedNames(join(root, "src/notebook.ts"));
const browserApi = exportedNames(join(here, "kernel/notebook.ts"));
const missing = [...nodeApi].filter((n) => !browserApi.has(n));
if (missing.length > 0) {
  console.error(`lite build: src/notebook.ts exports ${missing.join(", ")}, which lite/kernel/notebook.ts (the browser's ./src/notebook) does not: add them there`);
  process.exit(1);
}

/** The Chromium test (lite/test/lite-test.ts) for Node, in lite/build-test/: src/ bundled in, playwright-core from the project's node_modules. */
async function buildTest() {
  await esbuild.build({
    entryPoints: [join(here, "test/lite-test.ts")], outfile: join(here, "build-test/lite-test.js"),
    bundle: true, platform: "node", format: "cjs", target: "node20", external: ["playwright-core"], logLevel: "warning",
  });
}

if (args.has("--test-only")) {
  await buildTest();
  process.exit(0);
}
if (!args.has("--no-webpack")) rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// ---- 1. the page (webpack)
if (!args.has("--no-webpack")) {
  execFileSync(process.execPath, [join(here, "node_modules/webpack-cli/bin/cli.js"), "--config", join(here, "webpack.config.js"), ...(args.has("--dev") ? ["--env", "development"] : [])], { cwd: here, stdio: ["ignore", "ignore", "inherit"] });
  stamp("page (webpack)");
}

// ---- 2. the kernel worker and the sweep worker (esbuild)
const substitutions = {
  [join(root, "src/notebook/display.ts")]: join(here, "kernel/display.ts"),
  [join(root, "src/node/sweep-pool.ts")]: join(here, "kernel/sweep.ts"),
  [join(root, "src/node/plotly-file.ts")]: join(here, "kernel/plotly-file.ts"),
};
const browserKernel = {
  name: "browser-kernel",
  setup(build) {
    build.onResolve({ filter: /^(node:)?(fs|path)$/ }, (a) => ({ path: join(here, a.path.replace(/^node:/, "") === "fs" ? "kernel/fs.ts" : "kernel/path.ts") }));
    build.onResolve({ filter: /^\.\.?\// }, (a) => {
      const base = resolve(a.resolveDir, a.path);
      for (const candidate of [base, `${base}.ts`]) if (substitutions[candidate]) return { path: substitutions[candidate] };
      return undefined;
    });
    build.onResolve({ filter: /^(node:|tslab|worker_threads$|os$)/ }, (a) => ({ errors: [{ text: `${a.path} (imported by ${relative(root, a.importer)}) has no browser edition: lite/build.mjs substitutes the files that need Node` }] }));
  },
};
const common = {
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: !args.has("--dev"),
  keepNames: true, // the learner's error traces and describeCandidate name functions
  sourcemap: false,
  logLevel: "warning",
  define: { "process.cwd": "__liteCwd" },
  plugins: [browserKernel],
};
await Promise.all([
  esbuild.build({ ...common, entryPoints: [join(here, "kernel/worker.ts")], outfile: join(out, "kernel.js") }),
  esbuild.build({ ...common, entryPoints: [join(here, "kernel/sweep-worker.ts")], outfile: join(out, "sweep-worker.js") }),
]);
await buildTest();
stamp("kernel and sweep workers, the test (esbuild)");

// ---- 3. files the page and the kernel read
function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}
const library = Object.fromEntries(tsFiles(join(root, "src")).sort().map((f) => [relative(root, f).replace(/\\/g, "/"), readFileSync(f, "utf8")]));
writeFileSync(join(out, "library-src.json"), JSON.stringify(library));

const plotlyPackage = JSON.parse(readFileSync(join(here, "node_modules/plotly.js-dist-min/package.json"), "utf8")).version;
const projectPlotly = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).dependencies?.["plotly.js-dist-min"];
if (projectPlotly && projectPlotly !== plotlyPackage) {
  console.error(`lite build: lite/package.json has plotly.js-dist-min ${plotlyPackage}, the project ${projectPlotly}: keep them equal`);
  process.exit(1);
}
copyFileSync(join(here, "node_modules/plotly.js-dist-min/plotly.min.js"), join(out, "plotly.min.js"));

// ---- 4. notebooks and pages
const notebooksDir = process.env.LITE_NOTEBOOKS ?? join(root, "notebooks");
mkdirSync(join(out, "notebooks"), { recursive: true });
const { sourceDigest } = await import("./page/digest.mjs");
const entries = [];
for (const name of readdirSync(notebooksDir).filter((n) => n.endsWith(".ipynb")).sort()) {
  const text = readFileSync(join(notebooksDir, name), "utf8");
  const nb = JSON.parse(text);
  writeFileSync(join(out, "notebooks", name), text);
  entries.push({
    path: name,
    digest: createHash("sha256").update(text).digest("hex").slice(0, 16),
    sourceDigest: sourceDigest(nb),
    modified: statSync(join(notebooksDir, name)).mtime.toISOString(),
    title: (nb.cells.find((c) => c.cell_type === "markdown")?.source ?? []).join("").split("\n")[0].replace(/^#+\s*/, ""),
  });
}
writeFileSync(join(out, "notebooks", "index.json"), JSON.stringify({ notebooks: entries }, null, 1));

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
for (const e of entries) {
  const page = e.path.replace(/\.ipynb$/, "");
  const config = { appName: "backprop-moons", notebookPath: e.path, lessonPage: `../${page}.html` };
  writeFileSync(join(out, `${page}.html`), `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escape(e.path)}: run and edit in your browser (backprop-moons)</title>
  <script id="jupyter-config-data" type="application/json">${JSON.stringify(config)}</script>
  <script src="bundle.js"></script>
</head>
<body>
  <header id="lite-header">
    <h1>${escape(e.title || e.path)}</h1>
    <span class="note">${escape(e.path)}: runs in your browser (TypeScript kernel in a Web Worker), nothing to install. <span id="saved-note"></span></span>
    <a href="index.html">all notebooks</a>
  </header>
  <div id="banners"></div>
  <div id="notebook-host"></div>
</body>
</html>
`);
}
writeFileSync(join(out, "index.html"), `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>The notebooks in your browser (backprop-moons)</title>
<style>body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.5}li{margin:.3em 0}code{font-size:90%}</style></head>
<body>
<h1>The notebooks, runnable in your browser</h1>
<p>Each notebook opens in JupyterLab's notebook, with a TypeScript kernel that runs in your browser (a Web Worker): edit any cell and run it, nothing to install, no server. Your edits are saved in this browser; each notebook can be reset to the lesson's version or downloaded as <code>.ipynb</code> (it opens unchanged on the tslab kernel).</p>
<ul>
${entries.map((e) => `<li><a href="${escape(e.path.replace(/\.ipynb$/, ".html"))}">${escape(e.path)}</a>: ${escape(e.title)}</li>`).join("\n")}
</ul>
</body>
</html>
`);
writeFileSync(join(out, ".built"), new Date().toISOString() + "\n");

// ---- sizes
const size = (f) => statSync(join(out, f)).size;
const all = readdirSync(out).filter((f) => statSync(join(out, f)).isFile());
const mb = (n) => (n / 1e6).toFixed(2) + " MB";
console.log(`lite build: ${out}: ${mb(all.reduce((s, f) => s + size(f), 0) + entries.reduce((s, e) => s + size(join("notebooks", e.path)), 0))} in all; ` +
  ["bundle.js", "kernel.js", "sweep-worker.js", "plotly.min.js", "library-src.json"].filter((f) => existsSync(join(out, f))).map((f) => `${f} ${mb(size(f))}`).join(", "));
stamp("done");
