/**
 * The site in a real browser: Debian's Chromium through playwright-core, the
 * built site served on 127.0.0.1, every request outside it blocked.
 *
 *   node build/site/check.js [--site output/site] [--screenshot docs/images/lab.png]
 *
 * Checks: every chapter typesets its maths (KaTeX, fonts loaded, no error)
 * and draws every figure, with no console error; in the lab, Check on the
 * "f' forgotten" preset flags the three hidden layers and passes the output
 * layer; this layer's weights fail at their line; a syntax error is shown at
 * its line; links (shared, changed in the tab, 200 kB, broken) restore their
 * rule or say why not; a wrong setting is refused at its field; the keys
 * (Ctrl+Enter, Shift+Enter, Escape) work and keep the focus; Train draws
 * growing curves and a live boundary (screenshot mid-training); Stop stops;
 * an endless loop is stopped too; the article's rules for 50 epochs give
 * Node's numbers (1e-12 relative, identical accuracies); NaN at epoch 0 is
 * said in the page's words and clears the figure; at 390x844 nothing scrolls
 * the page sideways and the panels are stacked; the blank hidden rule's check
 * names layers[2]'s error first, and the rule written out is right and
 * trains to Node's numbers; step mode checks and trains notebook 03's step to
 * Node's numbers, and its link reopens it; Playground's controls (layers 8,8,
 * tanh, noise 0.3, 400 points) train with the reference following them, and
 * round-trip through the link; wrong layers, noise and points are refused at
 * their control; Pause holds the epochs, One epoch adds exactly one, Resume
 * finishes with Node's numbers; the neuron view draws one map per neuron of
 * the chosen layer. Exit 1 on any failure.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../tools/shared/chromium";
import { parseCommandLine, repoRoot } from "../tools/shared/cli";
import type { EpochRecord } from "../src/core/history";
import { type Candidate, type LabSettings, trainCandidate } from "../src/lab/lab";
import { backpropagationStep } from "../tools/shared/learner-step";
import { PRESETS } from "./browser/presets";
import { ARTICLE_SETTINGS, type PageSettings } from "./browser/protocol";
import { serveStatic } from "./serve";

const USAGE = `Usage: node build/site/check.js [--site output/site] [--screenshot docs/images/lab.png] [--lab-only]
  --lab-only   skip the chapter pages (quicker, while working on the lab)`;

/** Relative tolerance between the browser's and Node's recorded MSE. */
export const SAME_NUMBERS_RTOL = 1e-12;

export interface OpenedSitePage {
  page: Page;
  errors: string[];
  blocked: string[];
  close(): Promise<void>;
}

/** Opens `url` in a fresh context that lets through only requests to `origin`, collecting page and console errors. */
export async function openSitePage(browser: Browser, origin: string, url: string, viewport = { width: 1400, height: 1000 }): Promise<OpenedSitePage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const opened: OpenedSitePage = { page, errors: [], blocked: [], close: () => context.close() };
  page.on("pageerror", (e) => opened.errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") opened.errors.push(`console error: ${m.text()}`);
  });
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(origin)) return route.continue();
    opened.blocked.push(u);
    return route.abort("blockedbyclient");
  });
  // Not "load": the lab fetches plotly.js (4.8 MB) once the editor is usable, which delays the load event.
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 120_000 });
  return opened;
}

/** Node's run of the article's network with the library's rules: what the page must reproduce. */
export function nodeRecords(epochs: number): EpochRecord[] {
  return trainCandidate({}, { ...ARTICLE_SETTINGS, epochs }, { watch: () => ({ recordEvery: 10 }) }).history.records;
}

/** Node's run of `candidate` (the library's rules by default) with these settings, recorded every 10 epochs. */
export function nodeRun(settings: LabSettings, candidate: Candidate = {}): EpochRecord[] {
  return trainCandidate(candidate, settings, { watch: () => ({ recordEvery: 10 }) }).history.records;
}

/** The largest relative difference between two histories' MSEs (0 when every MSE is the same double). */
export function maxRelativeMseDifference(a: EpochRecord[], b: EpochRecord[]): number {
  return Math.max(0, ...a.map((r, i) => (b[i] ? Math.abs(r.mse - b[i].mse) / Math.abs(b[i].mse) : Infinity)));
}

/** Why two histories differ, or null: same epochs, identical accuracies, MSE within `rtol` relative. */
export function compareRecords(browser: EpochRecord[], node: EpochRecord[], rtol = SAME_NUMBERS_RTOL): string | null {
  if (browser.length !== node.length) return `${browser.length} records in the browser, ${node.length} in Node`;
  for (let i = 0; i < node.length; i++) {
    const b = browser[i];
    const n = node[i];
    if (b.epoch !== n.epoch) return `record ${i}: epoch ${b.epoch} in the browser, ${n.epoch} in Node`;
    if (b.accuracy !== n.accuracy) return `epoch ${n.epoch}: accuracy ${b.accuracy} in the browser, ${n.accuracy} in Node`;
    const rel = Math.abs(b.mse - n.mse) / Math.abs(n.mse);
    if (!(rel <= rtol)) return `epoch ${n.epoch}: MSE ${b.mse} in the browser, ${n.mse} in Node (relative difference ${rel.toExponential(2)} > ${rtol})`;
  }
  return null;
}

// ------------------------------------------------------------------ the lab, driven like a learner

const labValue = <T>(page: Page, expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;

/** Replaces the editor's text by typing, as a learner would paste it. */
export async function setEditorCode(page: Page, code: string): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
  const now = await labValue<string>(page, "window.lab.code()");
  if (now !== code) throw new Error("setEditorCode: the editor does not hold the code typed into it");
}

export async function choosePreset(page: Page, id: string): Promise<void> {
  await page.selectOption("#preset", id);
}

/** Waits until the lab leaves `busy` states; returns the final state. */
export async function waitIdle(page: Page, timeoutMs: number): Promise<string> {
  await page.waitForFunction(`window.lab.state !== "checking" && window.lab.state !== "training"`, undefined, { timeout: timeoutMs, polling: 100 });
  return labValue<string>(page, "window.lab.state");
}

interface CheckOutcome {
  name: string;
  ok: boolean;
  detail: string;
}

async function checkChapters(browser: Browser, origin: string, site: string): Promise<CheckOutcome[]> {
  const names = readdirSync(site).filter((f) => /^\d\d-.*\.html$/.test(f)).sort();
  if (names.length === 0) return [{ name: "chapters", ok: false, detail: `no chapter pages (NN-*.html) in ${site}` }];
  const outcomes: CheckOutcome[] = [];
  for (const name of [...names, "index.html"]) {
    const opened = await openSitePage(browser, origin, origin + name);
    const { page } = opened;
    let detail = "";
    let ok = true;
    try {
      if (name !== "index.html") {
        await page.waitForFunction("window.chapter && window.chapter.done", undefined, { timeout: 120_000 });
        await page.evaluate("document.fonts.ready");
        const r = await labValue<{ expected: number; drawn: number; svgs: number; failed: string[]; math: number; expectedMath: number; katexErrors: number; font: boolean }>(page, `(() => {
          const main = document.querySelector("main");
          return {
            expected: Number(main.dataset.figures), drawn: window.chapter.drawn, failed: window.chapter.failed,
            svgs: Array.from(document.querySelectorAll(".figure")).filter((el) => el.querySelector(".main-svg")).length,
            math: document.querySelectorAll(".katex").length, expectedMath: Number(main.dataset.math),
            katexErrors: document.querySelectorAll(".katex-error").length,
            font: document.fonts.check("16px KaTeX_Main") && Array.from(document.fonts).some((f) => f.family.includes("KaTeX") && f.status === "loaded"),
          };
        })()`);
        ok = r.drawn === r.expected && r.svgs === r.expected && r.failed.length === 0 && r.math === r.expectedMath && r.math > 0 && r.katexErrors === 0 && r.font;
        detail = `${r.svgs}/${r.expected} figures drawn, ${r.math}/${r.expectedMath} math typeset, ${r.katexErrors} KaTeX error(s), KaTeX font ${r.font ? "loaded" : "NOT loaded"}${r.failed.length ? `; ${r.failed.join("; ")}` : ""}`;
        // With the runnable notebooks in the site (lite/), the chapter links its own notebook there, and that page exists.
        const run = await labValue<string | null>(page, `document.querySelector("a.run-notebook")?.getAttribute("href") ?? null`);
        if (existsSync(join(site, "lite"))) {
          const target = `lite/${name}`;
          const there = run === target && existsSync(join(site, target));
          ok &&= there;
          detail += there ? `; "Run and edit in your browser" -> ${target}` : `; the link to the runnable notebook is ${JSON.stringify(run)}, expected ${target} (a file of the site)`;
        } else if (run !== null) {
          ok = false;
          detail += `; links a runnable notebook (${run}) that the site does not carry`;
        }
      } else {
        const links = await labValue<number>(page, `document.querySelectorAll("ol.roadmap > li > a").length`);
        ok = links === names.length + 1;
        detail = `roadmap lists ${links} entries (${names.length} chapters + the lab)`;
        if (existsSync(join(site, "lite"))) {
          const run = await labValue<string | null>(page, `document.querySelector("p.runnable a")?.getAttribute("href") ?? null`);
          const there = run === "lite/index.html" && existsSync(join(site, "lite", "index.html"));
          ok &&= there;
          detail += there ? "; says the notebooks run in the browser (lite/index.html)" : `; the runnable notebooks' link is ${JSON.stringify(run)}`;
        }
      }
    } catch (e) {
      ok = false;
      detail = (e as Error).message.split("\n")[0];
    }
    if (opened.errors.length || opened.blocked.length) ok = false;
    outcomes.push({ name, ok, detail: [detail, ...opened.errors, ...opened.blocked.map((u) => `blocked request: ${u}`)].join("\n    ") });
    await opened.close();
  }
  return outcomes;
}

async function checkLab(browser: Browser, origin: string, screenshot: string | undefined): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  const step = async (name: string, body: (page: Page) => Promise<string>, page: Page): Promise<void> => {
    try {
      outcomes.push({ name, ok: true, detail: await body(page) });
    } catch (e) {
      outcomes.push({ name, ok: false, detail: (e as Error).message.split("\n").slice(0, 3).join(" ") });
    }
  };
  const must = (cond: boolean, message: string): void => {
    if (!cond) throw new Error(message);
  };
  /** The lab opened at `hash` in a fresh page, ready; `body` runs on it, then the page closes (its console errors fail the step). */
  const withLab = async <T>(hash: string, body: (p: Page) => Promise<T>, viewport?: { width: number; height: number }): Promise<T> => {
    const lab = await openSitePage(browser, origin, `${origin}lab.html${hash}`, viewport);
    try {
      await lab.page.waitForFunction("window.lab && window.lab.ready", undefined, { timeout: 30_000 });
      const result = await body(lab.page);
      must(lab.errors.length === 0 && lab.blocked.length === 0, [...lab.errors, ...lab.blocked].join("; "));
      return result;
    } finally {
      await lab.close();
    }
  };
  const statusLine = async (p: Page): Promise<string> => (await p.textContent("#status")) ?? "";
  const opened = await openSitePage(browser, origin, `${origin}lab.html#preset=fprime`, { width: 1400, height: 1150 });
  const { page } = opened;
  await page.waitForFunction("window.lab && window.lab.ready", undefined, { timeout: 30_000 });
  const readyMs = await labValue<number>(page, "window.lab.readyAtMs");

  await step("lab: Check, f' forgotten", async (p) => {
    await p.click("#check");
    must((await waitIdle(p, 120_000)) === "done", `state ${await labValue(p, "window.lab.state")}, error ${JSON.stringify(await labValue(p, "window.lab.error"))}`);
    const rows = await labValue<{ layer: number; verdict: string; deltaApprox: boolean; deltaExact: boolean; flagged: boolean }[]>(p, `window.lab.report.layers.map((l) => ({
      layer: l.layer, verdict: l.verdict, deltaApprox: l.delta.approximate, deltaExact: l.delta.exact,
      flagged: document.querySelector('#report tr[data-layer="' + l.layer + '"]').classList.contains("fail"),
    }))`);
    const hidden = rows.filter((r) => r.layer < 3);
    const output = rows.find((r) => r.layer === 3);
    must(rows.length === 4, `${rows.length} layers in the report`);
    must(hidden.every((r) => r.flagged && !r.deltaApprox && r.verdict === "wrong"), `hidden layers not all flagged: ${JSON.stringify(hidden)}`);
    must(!!output && !output.flagged && output.deltaExact && output.verdict === "good", `output layer not passed: ${JSON.stringify(output)}`);
    return rows.map((r) => `layers[${r.layer}] ${r.verdict}${r.flagged ? " (flagged)" : ""}`).join(", ");
  }, page);

  await step("lab: this layer's weights, runtime error at its line", async (p) => {
    await choosePreset(p, "own-weights");
    await p.click("#check");
    must((await waitIdle(p, 60_000)) === "error", `state ${await labValue(p, "window.lab.state")}`);
    const error = await labValue<{ phase: string; line?: number; message: string }>(p, "window.lab.error");
    const code = PRESETS.find((x) => x.id === "own-weights")!.code.split("\n");
    const expected = code.findIndex((l) => l.includes("layer.weights.row(j)")) + 1;
    must(error.phase === "runtime" && error.line === expected, `expected a runtime error at line ${expected}, got ${JSON.stringify(error)}`);
    return `line ${error.line}: ${error.message}`;
  }, page);

  await step("lab: syntax error shown at its line", async (p) => {
    const lines = PRESETS[0].code.split("\n");
    const at = lines.findIndex((l) => l.includes("let sum = 0;")) + 1;
    lines[at - 1] = lines[at - 1].replace("let sum = 0;", "let sum = (0;");
    await setEditorCode(p, lines.join("\n"));
    await p.click("#check");
    must((await waitIdle(p, 60_000)) === "error", `state ${await labValue(p, "window.lab.state")}`);
    const error = await labValue<{ phase: string; line?: number; message: string }>(p, "window.lab.error");
    must(error.phase === "syntax" && error.line === at, `expected a syntax error at line ${at}, got ${JSON.stringify(error)}`);
    const markedLine = await labValue<number>(p, `Array.from(document.querySelectorAll(".cm-content .cm-line")).findIndex((l) => l.querySelector(".cm-lintRange-error")) + 1`);
    must(markedLine === at, `the editor underlines line ${markedLine}, not line ${at}`);
    const shown = (await p.textContent("#error")) ?? "";
    must(shown.startsWith(`Line ${at}`), `the message under the editor reads "${shown}"`);
    return `line ${at} underlined; "${shown}"`;
  }, page);

  await step("lab: the rule and the settings travel in the URL hash", async (p) => {
    // The editor holds the syntax-error edit from the step above: not a preset, so the hash carries the code.
    await p.fill("#epochs", "123");
    await p.dispatchEvent("#epochs", "change");
    await p.waitForTimeout(500); // the hash is written 300 ms after the last edit
    const url = await labValue<string>(p, "location.href");
    const code = await labValue<string>(p, "window.lab.code()");
    must(/#.*code=/.test(url) && /epochs=123/.test(url), `the address does not carry the rule and the epochs: ${url}`);
    const shared = await openSitePage(browser, origin, url);
    try {
      await shared.page.waitForFunction("window.lab && window.lab.ready", undefined, { timeout: 30_000 });
      must((await labValue<string>(shared.page, "window.lab.code()")) === code, "a page opened from the link does not hold the same rule");
      must((await shared.page.inputValue("#epochs")) === "123", "a page opened from the link does not have the same epochs");
      must(shared.errors.length === 0, shared.errors.join("; "));
    } finally {
      await shared.close();
    }
    await p.fill("#epochs", "1000");
    return `a link of ${url.length} characters reopens the same rule and settings`;
  }, page);

  await step("lab: a link changed in the same tab (hashchange) loads its rule, or says why not", async (p) => {
    await p.evaluate(`location.hash = "#preset=sign&learningRate=0.5"`);
    const sign = PRESETS.find((x) => x.id === "sign")!.code;
    await p.waitForFunction(`window.lab.code() === ${JSON.stringify(sign)}`, undefined, { timeout: 10_000 }).catch(() => {
      throw new Error("the editor did not load the rule of the new hash");
    });
    must((await p.inputValue("#lr")) === "0.5", `learning rate ${await p.inputValue("#lr")}, not the new link's 0.5`);
    must((await p.inputValue("#preset")) === "sign", "the preset menu does not show the new link's preset");
    await p.evaluate(`location.hash = "#preset=no-such-rule"`);
    await p.waitForFunction(`document.getElementById("status").textContent.includes("no-such-rule")`, undefined, { timeout: 10_000 }).catch(async () => {
      throw new Error(`a hash naming an unknown preset is not explained: "${await statusLine(p)}"`);
    });
    const said = await statusLine(p);
    await choosePreset(p, "article");
    await p.fill("#lr", "0.01");
    return `#preset=sign loaded; an unknown preset: "${said}"`;
  }, page);

  await step("lab: a link that cannot be restored says why on the page", async () => {
    const cases: [hash: string, expected: string[]][] = [
      ["#code=@@not-base64@@", ["could not be decoded", "article's rules"]],
      ["#preset=no-such-rule&epochs=-3", ['"no-such-rule"', "article's rules", "Epochs must be a whole number from 1 to 10000", '"-3"']],
      ["#layers=0,3&hidden=tanh,relu&points=5", ["Hidden layers must be 1 to 6 widths", '"0,3"', "one of them per hidden layer", "Points must be a whole number from 20 to 10000"]],
      ["#mode=graph&code=@@", ['editor mode "graph"', "could not be decoded"]],
    ];
    const said: string[] = [];
    for (const [hash, expected] of cases) {
      const text = await withLab(hash, async (p) => {
        const shown = await statusLine(p);
        must(expected.every((e) => shown.includes(e)), `${hash}: the page says "${shown}", expected it to mention ${expected.map((e) => `'${e}'`).join(", ")}`);
        must((await labValue<string>(p, "window.lab.code()")) === PRESETS[0].code, `${hash}: the editor does not hold the article's rules`);
        must((await p.inputValue("#epochs")) === String(ARTICLE_SETTINGS.epochs), `${hash}: epochs ${await p.inputValue("#epochs")}, not the article's`);
        return shown;
      });
      said.push(`${hash}: "${text}"`);
    }
    return said.join("; ");
  }, page);

  await step("lab: a 200 kB rule round-trips through the link; past the editor's limit, an edit is refused with a message", async (p) => {
    // Non-ASCII on purpose: the link carries UTF-8. Over 150 kB, spreading the bytes into String.fromCharCode overflowed the stack.
    const padding = Array.from({ length: 2500 }, (_, i) => `// padding line ${i}: Σ δ ö — a long rule, as pasted from elsewhere ${"x".repeat(20)}\n`).join("");
    const big = `${PRESETS[0].code}\n${padding}`;
    const bytes = Buffer.byteLength(big, "utf8");
    must(bytes > 200_000, `the test rule has only ${bytes} bytes`);
    await setEditorCode(p, big);
    await p.waitForFunction("location.hash.length > 200000", undefined, { timeout: 10_000 }).catch(async () => {
      throw new Error(`the address bar does not carry the ${bytes}-byte rule (hash of ${await labValue<number>(p, "location.hash.length")} characters)`);
    });
    const url = await labValue<string>(p, "location.href");
    await withLab(url.slice(url.indexOf("#")), async (shared) => {
      must((await labValue<string>(shared, "window.lab.code()")) === big, "a page opened from the link does not hold the same rule");
    });
    const max = await labValue<number>(p, "window.lab.maxCodeChars");
    must(max >= big.length, `the editor's limit (${max}) is below the rule just typed`);
    await p.click(".cm-content");
    await p.keyboard.press("Control+A");
    await p.keyboard.insertText("y".repeat(max + 1));
    must((await labValue<string>(p, "window.lab.code()")) === big, "the editor took an edit past its limit");
    const said = await statusLine(p);
    must(said.includes(max.toLocaleString("en")) && said.includes("characters"), `no message about the limit: "${said}"`);
    await choosePreset(p, "article");
    return `${bytes} bytes in a link of ${url.length} characters reopen the same rule; ${max + 1} characters refused: "${said}"`;
  }, page);

  await step("lab: a wrong setting is refused at its field, and nothing trains", async (p) => {
    const valid = { lr: "0.01", epochs: "1000", seed: "1", layers: "25, 50, 25", noise: "0.2", points: "2000" };
    const cases: [field: keyof typeof valid, value: string, expected: string][] = [
      ["epochs", "", "Epochs must be a whole number from 1 to 10000"],
      ["epochs", "0", "Epochs must be a whole number from 1 to 10000"],
      ["epochs", "2.5", "Epochs must be a whole number from 1 to 10000"],
      ["epochs", "1e", "not a number"],
      ["lr", "0", "Learning rate must be a number from 0.000001 to 10"],
      ["lr", "11", "Learning rate must be a number from 0.000001 to 10"],
      ["seed", "-1", "Seed must be a whole number from 0 to 4294967295"],
      ["seed", "4294967296", "Seed must be a whole number from 0 to 4294967295"],
      ["seed", "", "Seed must be a whole number from 0"],
      ["layers", "0, 5", "Hidden layers must be 1 to 6 widths separated by commas, each a whole number from 1 to 200"],
      ["layers", "201", "Hidden layers must be 1 to 6 widths"],
      ["layers", "8, 8, 8, 8, 8, 8, 8", "Hidden layers must be 1 to 6 widths"],
      ["layers", "8,, 8", "Hidden layers must be 1 to 6 widths"],
      ["layers", "", "Hidden layers must be 1 to 6 widths"],
      ["noise", "1.5", "Noise must be a number from 0 to 1"],
      ["noise", "-0.1", "Noise must be a number from 0 to 1"],
      ["points", "10", "Points must be a whole number from 20 to 10000"],
      ["points", "400.5", "Points must be a whole number from 20 to 10000"],
      ["points", "20000", "Points must be a whole number from 20 to 10000"],
    ];
    for (const [field, value, expected] of cases) {
      for (const [id, v] of Object.entries(valid)) await p.fill(`#${id}`, v);
      if (value === "1e") {
        await p.fill(`#${field}`, ""); // a number input takes text it cannot read only from the keyboard
        await p.focus(`#${field}`);
        await p.keyboard.type(value);
      } else await p.fill(`#${field}`, value);
      const before = await labValue<string>(p, "window.lab.state");
      await p.click("#train");
      const state = await labValue<string>(p, "window.lab.state");
      must(state === before, `${field} = "${value}": the state went from ${before} to ${state}`);
      const at = await p.evaluate(`(() => {
        const input = document.getElementById(${JSON.stringify(field)});
        const note = document.getElementById(input.getAttribute("aria-describedby") || "");
        return { invalid: input.getAttribute("aria-invalid"), note: note && !note.hidden && note.offsetParent !== null ? note.textContent : null };
      })()`) as { invalid: string | null; note: string | null };
      must(at.invalid === "true", `${field} = "${value}": the field is not marked aria-invalid`);
      must(!!at.note && at.note.includes(expected), `${field} = "${value}": the message at the field reads ${JSON.stringify(at.note)}, expected "${expected}"`);
      const said = await statusLine(p);
      must(said.startsWith("Not training") && said.includes(expected), `${field} = "${value}": the status line reads "${said}"`);
    }
    await p.fill("#epochs", "");
    await p.click("#check");
    must((await statusLine(p)).startsWith("Not checking"), `Check with empty epochs: "${await statusLine(p)}"`);
    for (const [id, v] of Object.entries(valid)) await p.fill(`#${id}`, v);
    await p.dispatchEvent("#layers", "change");
    const marked = await labValue<number>(p, `document.querySelectorAll('.settings [aria-invalid="true"]').length`);
    must(marked === 0, `${marked} field(s) still marked invalid after correcting them`);
    return `${cases.length} wrong values refused, each with its message at the field; Check refused too`;
  }, page);

  await step("lab: keyboard: Ctrl+Enter trains, Escape stops, Shift+Enter checks; the focus stays", async (p) => {
    const titles = await labValue<string[]>(p, `["train", "check", "stop"].map((id) => document.getElementById(id).title)`);
    must(titles[0].includes("Ctrl+Enter") && titles[1].includes("Shift+Enter") && titles[2].includes("Esc"), `the buttons' titles do not name their keys: ${JSON.stringify(titles)}`);
    const code = await labValue<string>(p, "window.lab.code()");
    const focus = `(() => { const a = document.activeElement; return a.closest(".cm-editor") ? "editor" : a.id || a.tagName.toLowerCase(); })()`;
    await p.click(".cm-content");
    await p.keyboard.press("Control+Enter");
    must((await labValue<string>(p, "window.lab.state")) === "training", `Ctrl+Enter in the editor: state ${await labValue(p, "window.lab.state")}`);
    must((await labValue<string>(p, "window.lab.code()")) === code, "Ctrl+Enter changed the code (inserted a line?)");
    await p.keyboard.press("Escape");
    must((await labValue<string>(p, "window.lab.state")) === "stopped", `Escape in the editor: state ${await labValue(p, "window.lab.state")}`);
    must((await labValue<string>(p, focus)) === "editor", `after Ctrl+Enter and Escape the focus is on ${await labValue(p, focus)}`);
    await p.keyboard.press("Shift+Enter");
    must((await waitIdle(p, 60_000)) === "done" && (await labValue<boolean>(p, "!!window.lab.report")), `Shift+Enter in the editor did not check: state ${await labValue(p, "window.lab.state")}`);
    must((await labValue<string>(p, "window.lab.code()")) === code, "Shift+Enter changed the code");
    must((await labValue<string>(p, focus)) === "editor", `after Shift+Enter the focus is on ${await labValue(p, focus)}`);
    await p.click("#train");
    must((await labValue<string>(p, "window.lab.state")) === "training", "the Train button did not train");
    await p.keyboard.press("Escape");
    must((await labValue<string>(p, "window.lab.state")) === "stopped", "Escape with the focus on the Train button did not stop");
    must((await labValue<string>(p, focus)) === "train", `after Train and Escape the focus is on ${await labValue(p, focus)}`);
    await p.click("#check");
    await waitIdle(p, 60_000);
    must((await labValue<string>(p, focus)) === "check", `after Check the focus is on ${await labValue(p, focus)}`);
    return "each key did its job; the focus stayed in the editor, then on the button pressed";
  }, page);

  await step("lab: Train draws growing curves, a live boundary and the ghost; Stop stops", async (p) => {
    // Notebook 06's learning rate, ten times the article's: the boundary bends within a few dozen epochs,
    // and the ghost (the library's rules with these settings) trains in a second worker beside the run.
    await choosePreset(p, "article");
    await p.fill("#lr", "0.1");
    await p.fill("#epochs", "1000"); // far more than the wait below needs: Stop must find the run still going
    await p.click("#train");
    await p.waitForFunction("window.lab.records.length >= 3 && window.lab.boundaryFrames >= 2", undefined, { timeout: 120_000, polling: 100 });
    const early = await labValue<number>(p, "window.lab.records.length");
    await p.waitForFunction(`window.lab.records.length >= ${Math.max(early + 10, 16)} && window.lab.ghost.length >= 3`, undefined, { timeout: 300_000, polling: 100 });
    const later = await labValue<number>(p, "window.lab.records.length");
    const traces = await labValue<number>(p, `document.querySelectorAll("#live-plot .scatterlayer .trace").length`);
    const heatmap = await labValue<number>(p, `document.querySelectorAll("#live-plot .heatmaplayer image, #live-plot .hm image").length`);
    must(traces >= 6, `the live figure shows ${traces} scatter traces (2 ghost curves, 2 of your run, 2 classes of points expected)`);
    must(heatmap >= 1, "the live figure shows no decision boundary (heatmap)");
    if (screenshot) {
      mkdirSync(dirname(screenshot), { recursive: true });
      await p.waitForTimeout(300); // let the frame in flight be drawn
      await p.screenshot({ path: screenshot });
    }
    await p.click("#stop");
    must((await labValue<string>(p, "window.lab.state")) === "stopped", "Stop did not stop");
    const atStop = await labValue<[number, number]>(p, "[window.lab.records.length, window.lab.ghost.length]");
    await p.waitForTimeout(1500);
    const after = await labValue<[number, number]>(p, "[window.lab.records.length, window.lab.ghost.length]");
    must(after[0] === atStop[0] && after[1] === atStop[1], `records kept coming after Stop (run ${atStop[0]} -> ${after[0]}, ghost ${atStop[1]} -> ${after[1]})`);
    return `records ${early} -> ${later} while training, ${after[0]} (ghost ${after[1]}) after Stop${screenshot ? `; screenshot ${relative(process.cwd(), screenshot)}` : ""}`;
  }, page);

  await step("lab: an endless loop in the rule is stopped", async (p) => {
    const code = PRESETS[0].code.replace("const o = layer.lastActivation;\n  for (let j", "const o = layer.lastActivation;\n  while (true) {}\n  for (let j");
    must(code !== PRESETS[0].code, "could not insert the endless loop into the preset");
    await setEditorCode(p, code);
    await p.click("#train");
    await p.waitForTimeout(1000);
    must((await labValue<string>(p, "window.lab.state")) === "training", "the endless loop is not training");
    await p.click("#stop");
    must((await labValue<string>(p, "window.lab.state")) === "stopped", "Stop did not stop the endless loop");
    return "stopped; the page kept answering";
  }, page);

  await step("lab: the article's rules for 50 epochs give Node's numbers", async (p) => {
    await choosePreset(p, "article");
    await p.fill("#lr", "0.01");
    await p.fill("#epochs", "50");
    await p.fill("#seed", "1");
    await p.selectOption("#hidden", "sigmoid");
    await p.setChecked("#bias", false);
    await p.click("#train");
    must((await waitIdle(p, 300_000)) === "done", `state ${await labValue(p, "window.lab.state")}`);
    const inBrowser = await labValue<EpochRecord[]>(p, "window.lab.records");
    const inNode = nodeRecords(50);
    const why = compareRecords(inBrowser, inNode);
    must(why === null, why ?? "");
    const last = inNode[inNode.length - 1];
    return `${inNode.length} records agree with Node's (largest relative MSE difference ${maxRelativeMseDifference(inBrowser, inNode)}, tolerance ${SAME_NUMBERS_RTOL}; accuracies equal; epoch ${last.epoch}: MSE ${last.mse.toFixed(6)}, accuracy ${(last.accuracy * 100).toFixed(2)}%)`;
  }, page);

  await step("lab: a rule that gives NaN before the first checkpoint: the page's own words, the previous figure cleared", async (p) => {
    // The step above left its figure; a run that draws nothing must not stand beside it.
    must((await labValue<number>(p, `document.querySelectorAll("#live-plot .main-svg").length`)) > 0, "no figure from the run before");
    const code = PRESETS[0].code.replace("layer.delta[k] = layer.error[k] * layer.activation.derivative(o[k]);", "layer.delta[k] = NaN;");
    must(code !== PRESETS[0].code, "could not put NaN into the output rule");
    await setEditorCode(p, code);
    await p.click("#train");
    must((await waitIdle(p, 60_000)) === "diverged", `state ${await labValue(p, "window.lab.state")}`);
    const said = await statusLine(p);
    must(said.includes("Your rules produced NaN at epoch 0 before the first checkpoint; nothing to draw"), `the status line reads "${said}"`);
    must(!said.includes("error.history"), `the status line speaks the API's words: "${said}"`);
    await p.waitForFunction(`document.querySelectorAll("#live-plot .main-svg").length === 0`, undefined, { timeout: 10_000 }).catch(() => {
      throw new Error("the previous run's figure is still shown");
    });
    await choosePreset(p, "article");
    return `"${said}"; figure cleared`;
  }, page);

  await step("lab: at 390x844 the page never scrolls sideways; the table scrolls in its box, the panels are stacked", async () =>
    withLab("#preset=fprime&epochs=20", async (p) => {
      const sideways = `document.documentElement.scrollWidth - window.innerWidth`;
      await p.click("#check");
      must((await waitIdle(p, 120_000)) === "done", `Check: state ${await labValue(p, "window.lab.state")}`);
      const afterCheck = await labValue<number>(p, sideways);
      must(afterCheck <= 0, `with the check table shown the page is ${afterCheck} px wider than the window`);
      const table = await labValue<{ box: number; table: number; overflow: string }>(p, `(() => {
        const t = document.querySelector("#report table"); const box = t.parentElement;
        return { box: box.clientWidth, table: t.scrollWidth, overflow: getComputedStyle(box).overflowX };
      })()`);
      await p.click("#train");
      must((await waitIdle(p, 120_000)) === "done", `Train: state ${await labValue(p, "window.lab.state")}`);
      await p.waitForFunction("window.lab.boundaryFrames > 0", undefined, { timeout: 30_000 });
      const afterTrain = await labValue<number>(p, sideways);
      must(afterTrain <= 0, `with the figure drawn the page is ${afterTrain} px wider than the window`);
      // Each panel's place in pixels, as Plotly laid it out.
      const panels = await labValue<{ top: number; bottom: number; width: number }[]>(p, `(() => {
        const l = document.getElementById("live-plot")._fullLayout;
        return [["xaxis", "yaxis"], ["xaxis2", "yaxis2"], ["xaxis3", "yaxis3"]].map(([x, y]) => ({ top: l[y]._offset, bottom: l[y]._offset + l[y]._length, width: l[x]._length }));
      })()`);
      const plotWidth = await labValue<number>(p, `document.getElementById("live-plot").clientWidth`);
      const isStacked = panels.every((panel, i) => i === 0 || panel.top >= panels[i - 1].bottom) && panels.every((panel) => panel.width >= 0.6 * plotWidth);
      must(isStacked, `the panels are not stacked full width: ${JSON.stringify(panels)} in a plot ${plotWidth} px wide`);
      return `no sideways scroll (table ${table.table} px in a ${table.box} px box, overflow-x ${table.overflow}); panels stacked, ${panels.map((x) => `${Math.round(x.width)} px wide`).join(", ")}`;
    }, { width: 390, height: 844 }), page);


  await step("lab: the blank hidden rule: Check names the first wrong quantity; a written solution is right and trains", async () =>
    withLab("#preset=blank&epochs=20", async (p) => {
      await p.click("#check");
      must((await waitIdle(p, 120_000)) === "done", `Check: state ${await labValue(p, "window.lab.state")}, error ${JSON.stringify(await labValue(p, "window.lab.error"))}`);
      const blank = await labValue<{ layer: number; quantity: string } | null>(p, "window.lab.report.firstWrong");
      const said = (await p.textContent("#first-wrong")) ?? "";
      // The blank rule writes nothing: the output layer is right, and hidden layer 3's error (-dL/do), the hidden rule's first number, is the first wrong one.
      must(blank !== null && blank.layer === 2 && blank.quantity === "error", `firstWrong ${JSON.stringify(blank)}, expected layers[2]'s error`);
      must(said.includes("layers[2]") && said.includes("error (-dL/do)"), `the page says "${said}"`);
      must((await labValue<number>(p, `document.querySelectorAll('#report tr[data-first-wrong="error"][data-layer="2"]').length`)) === 1, "the table does not mark layers[2]'s row");
      const code = await labValue<string>(p, "window.lab.code()");
      const solution = code.replace("  const o = layer.lastActivation;\n};", `  const o = layer.lastActivation;
  for (let j = 0; j < layer.nNeurons; j++) {
    const Wj = next.weights.row(j);
    let sum = 0;
    for (let k = 0; k < next.nNeurons; k++) sum += Wj[k] * next.delta[k];
    layer.error[j] = sum;
    layer.delta[j] = sum * layer.activation.derivative(o[j]);
  }
};`);
      must(solution !== code, "could not write the solution into the blank rule");
      await setEditorCode(p, solution);
      await p.click("#check");
      must((await waitIdle(p, 120_000)) === "done", `Check of the solution: state ${await labValue(p, "window.lab.state")}`);
      const right = await labValue<{ firstWrong: unknown; exact: boolean }>(p, "({ firstWrong: window.lab.report.firstWrong, exact: window.lab.report.exact })");
      const rightSaid = (await p.textContent("#first-wrong")) ?? "";
      must(right.firstWrong === null && rightSaid.startsWith("Right"), `the solution: firstWrong ${JSON.stringify(right.firstWrong)}, the page says "${rightSaid}"`);
      await p.click("#train");
      must((await waitIdle(p, 300_000)) === "done", `Train: state ${await labValue(p, "window.lab.state")}`);
      const why = compareRecords(await labValue<EpochRecord[]>(p, "window.lab.records"), nodeRecords(20));
      must(why === null, `the solution's run is not Node's: ${why}`);
      return `blank: "${said.slice(0, 90)}..."; the solution: "${rightSaid.slice(0, 60)}...", trained 20 epochs to Node's numbers`;
    }), page);

  await step("lab: step mode: 03's step checks right, trains to Node's numbers, and travels in the link; the blank step gets a verdict", async () =>
    withLab("#preset=step&epochs=30", async (p) => {
      must((await p.inputValue("#mode")) === "step", `the editor mode is ${await p.inputValue("#mode")}`);
      // The preset is notebook 03's cell, as tools/shared/learner-step.ts holds it (test/lab.test.ts keeps that file equal to the cell).
      const bench = readFileSync(join(repoRoot, "tools", "shared", "learner-step.ts"), "utf8");
      const fromBench = bench.slice(bench.indexOf("function backpropagationStep")).trim();
      const inPage = await labValue<string>(p, "window.lab.code()");
      must(inPage.slice(inPage.indexOf("function backpropagationStep")).trim() === fromBench, "the step preset is not tools/shared/learner-step.ts's backpropagationStep (notebook 03's cell)");
      await p.click("#check");
      must((await waitIdle(p, 120_000)) === "done", `Check: state ${await labValue(p, "window.lab.state")}, error ${JSON.stringify(await labValue(p, "window.lab.error"))}`);
      const report = await labValue<{ firstWrong: unknown; exact: boolean; verdict: string }>(p, "({ firstWrong: window.lab.report.firstWrong, exact: window.lab.report.exact, verdict: window.lab.report.verdict })");
      must(report.firstWrong === null && report.exact, `03's step: ${JSON.stringify(report)}`);
      await p.click("#train");
      must((await waitIdle(p, 300_000)) === "done", `Train: state ${await labValue(p, "window.lab.state")}, error ${JSON.stringify(await labValue(p, "window.lab.error"))}`);
      const inBrowser = await labValue<EpochRecord[]>(p, "window.lab.records");
      const inNode = nodeRun({ ...ARTICLE_SETTINGS, epochs: 30 }, backpropagationStep);
      const why = compareRecords(inBrowser, inNode);
      must(why === null, `03's step in the page is not 03's step in Node: ${why}`);
      // An edit (not a preset): the link carries the mode and the code.
      const edited = `${inPage}\n// my edit\n`;
      await setEditorCode(p, edited);
      await p.waitForFunction(`location.hash.includes("mode=step") && location.hash.includes("code=")`, undefined, { timeout: 10_000 }).catch(async () => {
        throw new Error(`the link does not carry the step mode and code: ${await labValue<string>(p, "location.hash")}`);
      });
      const hash = await labValue<string>(p, "location.hash");
      await withLab(hash, async (shared) => {
        must((await shared.inputValue("#mode")) === "step", "the shared link does not open in step mode");
        must((await labValue<string>(shared, "window.lab.code()")) === edited, "the shared link does not hold the same step");
      });
      await p.selectOption("#preset", "step-blank");
      await p.click("#check");
      must((await waitIdle(p, 120_000)) === "done", `Check of the blank step: state ${await labValue(p, "window.lab.state")}, error ${JSON.stringify(await labValue(p, "window.lab.error"))}`);
      const blank = await labValue<{ layer: number; quantity: string } | null>(p, "window.lab.report.firstWrong");
      must(blank !== null && blank.layer === 3 && blank.quantity === "delta", `the blank step: firstWrong ${JSON.stringify(blank)}, expected the output layer's delta`);
      // Back to rules mode: the rules' editor comes back.
      await p.selectOption("#mode", "rules");
      must((await labValue<string>(p, "window.lab.code()")).includes("myHiddenDelta"), "rules mode does not show the rules");
      return `03's step: right, bit for bit; 30 epochs = Node's (${inNode.length} records); the link (${hash.length} characters) reopens the step; the blank step's first wrong: layers[3] delta`;
    }), page);

  await step("lab: controls (layers 8,8, tanh, noise 0.3, 400 points, biases): the run and the reference follow them; the link round-trips", async () =>
    withLab("", async (p) => {
      await p.fill("#layers", "8, 8");
      await p.dispatchEvent("#layers", "change");
      await p.selectOption("#hidden", "tanh");
      await p.fill("#noise", "0.3");
      await p.dispatchEvent("#noise", "change");
      await p.fill("#points", "400");
      await p.dispatchEvent("#points", "change");
      await p.fill("#lr", "0.1");
      await p.dispatchEvent("#lr", "change");
      await p.fill("#epochs", "40");
      await p.dispatchEvent("#epochs", "change");
      await p.setChecked("#bias", true);
      const menus = await labValue<string[]>(p, `Array.from(document.querySelectorAll("#hidden-layers select")).map((s) => s.value)`);
      must(menus.length === 2 && menus.every((m) => m === "tanh"), `the per-layer menus are ${JSON.stringify(menus)}`);
      const settings: PageSettings = { ...ARTICLE_SETTINGS, layers: [8, 8], hidden: ["tanh", "tanh"], noise: 0.3, points: 400, learningRate: 0.1, epochs: 40, updateBias: true };
      await p.click("#train");
      must((await waitIdle(p, 300_000)) === "done", `Train: state ${await labValue(p, "window.lab.state")}, error ${JSON.stringify(await labValue(p, "window.lab.error"))}`);
      await p.waitForFunction("window.lab.ghost.length === window.lab.records.length", undefined, { timeout: 120_000, polling: 100 }).catch(async () => {
        throw new Error(`the reference has ${await labValue<number>(p, "window.lab.ghost.length")} records, the run ${await labValue<number>(p, "window.lab.records.length")}`);
      });
      const ghost = await labValue<{ from: string; settings: PageSettings; records: EpochRecord[] }>(p, "({ from: window.lab.ghostFrom, settings: window.lab.ghostSettings, records: window.lab.ghost })");
      must(ghost.from === "worker" && JSON.stringify(ghost.settings) === JSON.stringify({ ...ghost.settings, ...settings }), `the reference ran with ${JSON.stringify(ghost.settings)} (${ghost.from})`);
      const inNode = nodeRun(settings);
      const whyGhost = compareRecords(ghost.records, inNode);
      must(whyGhost === null, `the reference is not the library's run with these settings: ${whyGhost}`);
      const whyRun = compareRecords(await labValue<EpochRecord[]>(p, "window.lab.records"), inNode);
      must(whyRun === null, `the article's rules with these settings are not Node's: ${whyRun}`);
      // One activation per layer, then the link.
      await p.selectOption("#hidden-1", "relu");
      await p.waitForTimeout(400);
      const hash = decodeURIComponent(await labValue<string>(p, "location.hash"));
      for (const part of ["layers=8,8", "hidden=tanh,relu", "noise=0.3", "points=400", "learningRate=0.1", "epochs=40", "updateBias=true"]) must(hash.includes(part), `the link ${hash} lacks ${part}`);
      must((await p.inputValue("#hidden")) === "", "the all-layers menu does not say the layers differ");
      const reopened = await withLab(hash, async (shared) => ({
        layers: await shared.inputValue("#layers"), noise: await shared.inputValue("#noise"), points: await shared.inputValue("#points"), lr: await shared.inputValue("#lr"),
        bias: await shared.isChecked("#bias"), hidden: await labValue<string[]>(shared, `Array.from(document.querySelectorAll("#hidden-layers select")).map((s) => s.value)`),
        neurons: await labValue<number>(shared, `document.querySelectorAll("#neurons option").length`),
      }));
      must(reopened.layers === "8, 8" && reopened.noise === "0.3" && reopened.points === "400" && reopened.lr === "0.1" && reopened.bias && reopened.hidden.join() === "tanh,relu",
        `the link reopens ${JSON.stringify(reopened)}`);
      must(reopened.neurons === 3, `the neuron view offers ${reopened.neurons - 1} hidden layers, not 2`);
      return `trained; the reference trained beside it with the same settings, both equal to Node's (${inNode.length} records); ${hash} reopens every control`;
    }), page);

  await step("lab: pause stops the epochs, One epoch trains exactly one, resume finishes with Node's numbers; the neuron view draws one map per neuron", async () =>
    withLab("#preset=article&epochs=200&learningRate=0.1", async (p) => {
      must((await p.inputValue("#neurons")) === "0", `the neuron view starts on ${await p.inputValue("#neurons")}, not hidden layer 1`);
      await p.click("#train");
      await p.waitForFunction("window.lab.records.length >= 2 && window.lab.neuronFrames >= 1", undefined, { timeout: 120_000, polling: 50 });
      await p.click("#pause");
      await p.waitForFunction(`window.lab.state === "paused"`, undefined, { timeout: 30_000 });
      const at = await labValue<[number, number]>(p, "[window.lab.epochsDone, window.lab.records.length]");
      must(at[0] < 201, `paused only at the end (${at[0]} epochs)`);
      await p.waitForTimeout(1500);
      const still = await labValue<[number, number]>(p, "[window.lab.epochsDone, window.lab.records.length]");
      must(still[0] === at[0] && still[1] === at[1], `paused, yet epochs ${at[0]} -> ${still[0]}, records ${at[1]} -> ${still[1]}`);
      const maps = async (n: number): Promise<void> => {
        await p.waitForFunction(`window.lab.neuronMaps === ${n} && document.querySelectorAll("#neuron-maps canvas").length === ${n}`, undefined, { timeout: 30_000 }).catch(async () => {
          throw new Error(`the neuron view has ${await labValue<number>(p, "window.lab.neuronMaps")} maps (${await labValue<number>(p, `document.querySelectorAll("#neuron-maps canvas").length`)} drawn), not ${n}`);
        });
      };
      await maps(25);
      for (const expected of [at[0] + 1, at[0] + 2]) {
        await p.click("#step-epoch");
        await p.waitForFunction(`window.lab.epochsDone === ${expected}`, undefined, { timeout: 30_000 }).catch(async () => {
          throw new Error(`One epoch: ${await labValue<number>(p, "window.lab.epochsDone")} epochs done, expected ${expected}`);
        });
        await p.waitForTimeout(700);
        const after = await labValue<[number, string]>(p, "[window.lab.epochsDone, window.lab.state]");
        must(after[0] === expected && after[1] === "paused", `after One epoch: ${after[0]} epochs, state ${after[1]}`);
      }
      const frames = await labValue<number>(p, "window.lab.neuronFrames");
      await p.selectOption("#neurons", "1");
      await maps(50); // the paused worker answers at once
      must((await labValue<number>(p, "window.lab.neuronFrames")) > frames, "no new neuron frame for hidden layer 2");
      await p.click("#resume");
      must((await labValue<string>(p, "window.lab.state")) === "training", "Resume did not resume");
      must((await waitIdle(p, 300_000)) === "done", `after Resume: state ${await labValue(p, "window.lab.state")}`);
      const done = await labValue<number>(p, "window.lab.epochsDone");
      const why = compareRecords(await labValue<EpochRecord[]>(p, "window.lab.records"), nodeRun({ ...ARTICLE_SETTINGS, epochs: 200, learningRate: 0.1 }));
      must(done === 201 && why === null, `after Resume: ${done} epochs; ${why ?? "records equal"}`);
      await p.selectOption("#neurons", "2");
      await maps(25); // the finished run's worker still answers
      return `paused at ${at[0]} epochs (nothing moved for 1.5 s), One epoch twice: ${at[0] + 1}, ${at[0] + 2}; resumed to 201 epochs, Node's numbers; neuron view: 25, 50, 25 maps for hidden layers 1, 2, 3`;
    }), page);

  outcomes.push({ name: "lab: no console error, nothing outside the site requested", ok: opened.errors.length === 0 && opened.blocked.length === 0, detail: [`editor usable ${readyMs.toFixed(0)} ms after navigation started`, ...opened.errors, ...opened.blocked].join("\n    ") });
  await opened.close();
  return outcomes;
}

async function main(): Promise<void> {
  const { values } = parseCommandLine("site-check", USAGE, { options: { site: { type: "string" }, screenshot: { type: "string" }, "lab-only": { type: "boolean" } } });
  const site = resolve(values.site ?? join(repoRoot, "output", "site"));
  if (!existsSync(join(site, "lab.html"))) {
    console.error(`site-check: no site in ${site} (build it: npm run site)`);
    process.exit(1);
  }
  const screenshot = resolve(values.screenshot ?? join(repoRoot, "docs", "images", "lab.png"));
  const server = await serveStatic(site);
  const browser = await launchChromium();
  const outcomes: CheckOutcome[] = [];
  try {
    if (!values["lab-only"]) outcomes.push(...(await checkChapters(browser, server.url, site)));
    outcomes.push(...(await checkLab(browser, server.url, screenshot)));
  } finally {
    await browser.close();
    await server.close();
  }
  for (const o of outcomes) console.log(`${o.ok ? "ok" : "FAILED"} ${o.name}: ${o.detail}`);
  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`site check: ${outcomes.length - failed}/${outcomes.length} ok`);
  process.exit(failed > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`site-check: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  });
}
