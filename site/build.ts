/**
 * `npm run site [-- --from DIR] [--out DIR] [--serve] [--port N]`: builds the
 * static site (default output/site/): a chapter per executed notebook, an
 * index with the roadmap, and the live lab, with plotly.js, KaTeX's
 * stylesheet and fonts, and the lab's bundles (esbuild, from src/ itself) as
 * files beside them. Nothing is fetched from outside the folder.
 */
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { build as esbuild } from "esbuild";
import type { EpochRecord } from "../src/core/history";
import { trainCandidate } from "../src/lab/lab";
import { numberFlag, parseCommandLine, repoRoot } from "../tools/shared/cli";
import { ExecutedNotebook, executedNotebooks, srcFiles } from "./notebooks";
import { ChapterLink, KATEX_HEAD, chapterLinks, indexBody, labBody, page } from "./pages";
import { mathCensus, renderNotebook } from "./render";
import { serveStatic } from "./serve";
import { ARTICLE_SETTINGS } from "./browser/protocol";

const USAGE = `Usage: npm run site -- [--from DIR] [--out DIR] [--repo URL] [--serve] [--port N]

Builds the static site (chapters from the executed notebooks, the index, the lab).

  --from DIR   executed notebooks to render (e.g. output/jupyter from CI's nbconvert);
               default: output/notebooks/, executing there any notebook whose copy is
               missing or stale with the project's runner (a few minutes)
  --out DIR    where the site goes (default output/site)
  --repo URL   the repository's web address: chapters then also link to
               URL/blob/main/notebooks/NAME.ipynb (the site always carries the notebooks)
  --serve      then serve it on http://127.0.0.1:PORT/ until Ctrl-C
  --port N     port for --serve (default 8765)
  --help       this text`;

const BROWSER = join(repoRoot, "site", "browser");
const CACHE = join(repoRoot, "output", "site-cache");

/** A file's size, or the total of a folder's. */
export function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, f) => sum + sizeOf(join(path, f)), 0);
}

export const formatBytes = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);

/**
 * The lab's page and worker and the chapters' script, bundled from
 * site/browser/ and src/ (minified). Only the worker gets a source map: with
 * it, the browser's developer tools step through src/ itself as it trains.
 */
async function bundle(out: string): Promise<void> {
  const common = { outdir: join(out, "assets"), bundle: true, minify: true, format: "iife", platform: "browser", target: "es2022", legalComments: "linked", logLevel: "error" } as const;
  await esbuild({ ...common, entryPoints: { lab: join(BROWSER, "lab.ts"), chapter: join(BROWSER, "chapter.ts") } });
  await esbuild({ ...common, entryPoints: { worker: join(BROWSER, "worker.ts") }, sourcemap: "linked" });
}

/**
 * The reference run for the lab's ghost: the article's network, the
 * library's rules, the lab's default settings, trained in Node. Cached by a
 * hash of src/, since it takes a while.
 */
function referenceRun(log: (line: string) => void): { records: EpochRecord[]; settings: typeof ARTICLE_SETTINGS; seconds: number } {
  const hash = createHash("sha256");
  const srcDir = join(repoRoot, "src");
  for (const f of srcFiles()) hash.update(f).update(readFileSync(join(srcDir, f)));
  hash.update(JSON.stringify(ARTICLE_SETTINGS));
  const cached = join(CACHE, `reference-${hash.digest("hex").slice(0, 16)}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, "utf8"));
  log(`  training the reference run in Node (${ARTICLE_SETTINGS.epochs} epochs, cached afterwards in ${relative(process.cwd(), CACHE)})...`);
  const run = trainCandidate({}, ARTICLE_SETTINGS, { watch: () => ({ recordEvery: 10 }) });
  const reference = { records: run.history.records, settings: ARTICLE_SETTINGS, seconds: run.seconds };
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(cached, JSON.stringify(reference));
  log(`  reference run: ${run.seconds.toFixed(1)} s, final accuracy ${(run.history.last!.accuracy * 100).toFixed(2)}%`);
  return reference;
}

function copyAssets(out: string): void {
  const assets = join(out, "assets");
  mkdirSync(join(assets, "katex", "fonts"), { recursive: true });
  copyFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), join(assets, "plotly.min.js"));
  const katexDist = dirname(require.resolve("katex/dist/katex.min.css"));
  // Only the woff2 fonts: every browser that runs the lab reads woff2, and the stylesheet lists it first.
  const css = readFileSync(join(katexDist, "katex.min.css"), "utf8").replace(/,url\(fonts\/[^)]+\.woff\) format\("woff"\)/g, "").replace(/,url\(fonts\/[^)]+\.ttf\) format\("truetype"\)/g, "");
  writeFileSync(join(assets, "katex", "katex.min.css"), css);
  for (const f of readdirSync(join(katexDist, "fonts"))) if (f.endsWith(".woff2")) copyFileSync(join(katexDist, "fonts", f), join(assets, "katex", "fonts", f));
  copyFileSync(join(BROWSER, "site.css"), join(assets, "site.css"));
}

export interface SiteSummary {
  out: string;
  chapters: { name: string; figures: number; math: number }[];
  totalBytes: number;
  labFirstLoadBytes: number;
}

export async function buildSite(options: { fromDir?: string; out?: string; repoUrl?: string; log?: (line: string) => void } = {}): Promise<SiteSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const out = resolve(options.out ?? join(repoRoot, "output", "site"));
  log("site: executed notebooks");
  const notebooks: ExecutedNotebook[] = await executedNotebooks({ fromDir: options.fromDir, log });

  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "notebooks"), { recursive: true });
  log("site: assets and bundles (esbuild)");
  copyAssets(out);
  await bundle(out);
  writeFileSync(join(out, "assets", "reference.json"), JSON.stringify(referenceRun(log)));

  // The runnable notebooks (lite/, docs/lite.md), when built: copied in whole; every chapter then links its notebook there.
  const liteBuild = join(repoRoot, "lite", "build");
  const runnable = existsSync(join(liteBuild, ".built"));
  if (runnable) {
    cpSync(liteBuild, join(out, "lite"), { recursive: true, filter: (src) => !src.endsWith(".built") });
    log("site: the runnable notebooks, from lite/build/");
  } else log("site: lite/build/ is not built (.ci/lite build): the chapters link no runnable notebook");

  log("site: pages");
  const rendered = notebooks.map((nb) => ({ nb, chapter: renderNotebook(nb.notebook, nb.name) }));
  const links: ChapterLink[] = rendered.map(({ nb, chapter }) => ({ name: nb.name, title: chapter.title, summary: chapter.summary, figures: chapter.figures }));
  const summary: SiteSummary = { out, chapters: [], totalBytes: 0, labFirstLoadBytes: 0 };
  rendered.forEach(({ nb, chapter }, i) => {
    copyFileSync(nb.source, join(out, "notebooks", `${nb.name}.ipynb`)); // the notebook as committed, to download and run
    const repoLink = options.repoUrl ? `${options.repoUrl.replace(/\/$/, "")}/blob/main/notebooks/${nb.name}.ipynb` : `notebooks/${nb.name}.ipynb`;
    const lab = nb.name.startsWith("06") ? "lab.html#preset=fprime" : "lab.html";
    const { top, bottom } = chapterLinks(links[i], i, links, repoLink, lab, runnable ? `lite/${nb.name}.html` : undefined);
    const { math, errors } = mathCensus(chapter.body);
    if (errors > 0) log(`  warning: ${nb.name}: KaTeX could not typeset ${errors} expression(s)`);
    const html = page(
      {
        title: chapter.title,
        head: KATEX_HEAD,
        body: `${top}\n${chapter.body}\n${bottom}`,
        scripts: ["assets/plotly.min.js", "assets/chapter.js"],
        mainAttributes: { class: "chapter", "data-figures": chapter.figures, "data-math": math },
        active: nb.name,
      },
      links,
    );
    writeFileSync(join(out, `${nb.name}.html`), html);
    summary.chapters.push({ name: nb.name, figures: chapter.figures, math });
    log(`  ${nb.name}.html: ${chapter.figures} figure(s), ${math} math expression(s)`);
  });
  writeFileSync(join(out, "index.html"), page({ title: "Backpropagation by hand, in TypeScript", body: indexBody(links, runnable), active: "index" }, links));
  writeFileSync(join(out, "lab.html"), page({ title: "The lab: your delta rules", body: labBody(), scripts: ["assets/lab.js"], mainAttributes: { class: "wide" }, active: "lab" }, links));

  summary.totalBytes = sizeOf(out);
  // What opening the lab fetches: the page, the stylesheet, the editor's bundle, plotly.js, and the worker on the first Check or Train.
  summary.labFirstLoadBytes = ["lab.html", "assets/site.css", "assets/lab.js", "assets/plotly.min.js", "assets/worker.js"].reduce((s, f) => s + sizeOf(join(out, f)), 0);
  log(`site: ${relative(process.cwd(), out) || out}: ${formatBytes(summary.totalBytes)} in all (plotly.min.js ${formatBytes(sizeOf(join(out, "assets", "plotly.min.js")))}); ` +
    `the lab loads ${formatBytes(summary.labFirstLoadBytes)} (lab.js ${formatBytes(sizeOf(join(out, "assets", "lab.js")))}, worker.js ${formatBytes(sizeOf(join(out, "assets", "worker.js")))})`);
  return summary;
}

async function main(): Promise<void> {
  const { values } = parseCommandLine("site", USAGE, {
    options: { from: { type: "string" }, out: { type: "string" }, repo: { type: "string" }, serve: { type: "boolean" }, port: { type: "string" } },
  });
  let port: number;
  try {
    port = numberFlag("port", values.port, 8765, (p) => Number.isInteger(p) && p > 0 && p < 65536, "a port number (1-65535)");
  } catch (e) {
    console.error(`site: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const summary = await buildSite({ fromDir: values.from === undefined ? undefined : resolve(values.from), out: values.out, repoUrl: values.repo });
  if (values.serve) {
    const server = await serveStatic(summary.out, port);
    console.log(`site: serving ${relative(process.cwd(), summary.out) || summary.out} at ${server.url} (the lab: ${server.url}lab.html); Ctrl-C stops`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`site: ${(e as Error).message}`);
    process.exit(1);
  });
}
