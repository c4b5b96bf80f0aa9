/**
 * The lab's training speed: the article's training (library rules, lr 0.01,
 * history every 10 epochs) in Node and in headless Chromium's Web Worker
 * (the site's own assets/worker.js, src/ bundled by esbuild), interleaved in
 * the same run, reported as medians and their ratio; plus how long the lab
 * takes to become usable from a local server.
 *
 *   node build/site/bench-browser.js [--epochs 100] [--runs 3] [--site output/site]
 *
 * Writes output/bench-browser.json. Build the site first (npm run site).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchChromium } from "../tools/shared/chromium";
import { UsageError, intFlag, parseFlags, repoRoot, runCli } from "../tools/shared/cli";
import type { EpochRecord } from "../src/core/history";
import { trainCandidate } from "../src/lab/lab";
import { ARTICLE_SETTINGS } from "./browser/protocol";
import { compareRecords, maxRelativeMseDifference, openSitePage } from "./check";
import { serveStatic } from "./serve";

const USAGE = `usage: node build/site/bench-browser.js [--epochs E] [--runs N] [--site DIR]
  --epochs E   epochs per run (E + 1 passes over the 1400 samples; default 100)
  --runs N     rounds, each timing Node then the browser, or the browser then Node (default 3)
  --site DIR   the built site (default output/site)`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function nodeRun(epochs: number): { seconds: number; records: EpochRecord[] } {
  const run = trainCandidate({}, { ...ARTICLE_SETTINGS, epochs }, { watch: () => ({ recordEvery: 10 }) });
  return { seconds: run.seconds, records: run.history.records };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { epochs: { type: "string" }, runs: { type: "string" }, site: { type: "string" } }, "bench-browser");
  const epochs = intFlag(flags.epochs, "epochs", 0, 100);
  const runs = intFlag(flags.runs, "runs", 1, 3);
  const site = resolve(flags.site ?? join(repoRoot, "output", "site"));
  if (!existsSync(join(site, "lab.html"))) throw new UsageError(`no site in ${site}: build it first (npm run site)`);

  const server = await serveStatic(site);
  const browser = await launchChromium();
  const node: number[] = [];
  const chromium: number[] = [];
  const readyMs: number[] = [];
  let mismatch: string | null = null;
  let largestDifference = NaN;
  try {
    for (let r = 0; r < runs; r++) {
      const opened = await openSitePage(browser, server.url, `${server.url}lab.html`);
      await opened.page.waitForFunction("window.lab && window.lab.ready", undefined, { timeout: 60_000 });
      readyMs.push(await opened.page.evaluate("window.lab.readyAtMs") as number);
      const inBrowser = async (): Promise<{ seconds: number; records: EpochRecord[] }> =>
        opened.page.evaluate(`new Promise((resolve, reject) => {
          const w = new Worker("assets/worker.js");
          w.onmessage = (e) => {
            if (e.data.type === "done") { w.terminate(); resolve({ seconds: e.data.seconds, records: e.data.records }); }
            if (e.data.type === "error" || e.data.type === "diverged") { w.terminate(); reject(new Error(JSON.stringify(e.data))); }
          };
          w.postMessage({ type: "train", rules: { kind: "reference" }, settings: ${JSON.stringify({ ...ARTICLE_SETTINGS, epochs })}, frameEveryMs: 1e12, neurons: null });
        })`) as Promise<{ seconds: number; records: EpochRecord[] }>;
      // Alternate the order, so neither side always runs on a machine warmed (or loaded) by the other.
      const order = r % 2 === 0 ? ["node", "browser"] : ["browser", "node"];
      for (const side of order) {
        if (side === "node") {
          const n = nodeRun(epochs);
          node.push(n.seconds);
          if (r === 0) {
            const b = await inBrowser();
            mismatch = compareRecords(b.records, n.records);
            largestDifference = maxRelativeMseDifference(b.records, n.records);
          }
        } else {
          chromium.push((await inBrowser()).seconds);
        }
      }
      await opened.close();
      console.log(`round ${r + 1}/${runs}: Node ${node[r].toFixed(2)} s, Chromium worker ${chromium[r].toFixed(2)} s, lab usable after ${readyMs[r].toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const version = browser.version();
  const result = {
    epochs,
    passes: epochs + 1,
    runs,
    chromium: version,
    node: process.version,
    nodeSeconds: median(node),
    browserSeconds: median(chromium),
    ratio: median(chromium) / median(node),
    labReadyMs: median(readyMs),
    sameNumbers: mismatch === null ? `agree: largest relative MSE difference ${largestDifference} (tolerance 1e-12), accuracies equal` : mismatch,
    all: { node, chromium, readyMs },
    note: "timed on a shared machine: compare the ratio, measured in one run, not the absolute times",
  };
  console.log(`
| ${epochs} epochs, article's network, library rules | median s | runs |
|---|---|---|
| Node ${process.version} | ${result.nodeSeconds.toFixed(2)} | ${node.map((s) => s.toFixed(2)).join(", ")} |
| Chromium ${version}, Web Worker (assets/worker.js) | ${result.browserSeconds.toFixed(2)} | ${chromium.map((s) => s.toFixed(2)).join(", ")} |
| browser / Node | ${result.ratio.toFixed(2)}x | |

lab usable (editor ready) after ${result.labReadyMs.toFixed(0)} ms, median of ${runs} loads from 127.0.0.1
numbers: ${result.sameNumbers}`);
  mkdirSync(join(repoRoot, "output"), { recursive: true });
  writeFileSync(join(repoRoot, "output", "bench-browser.json"), JSON.stringify(result, null, 2) + "\n");
  if (mismatch !== null) throw new Error(`the browser's numbers differ from Node's: ${mismatch}`);
}

if (require.main === module) runCli("bench-browser", USAGE, main);
