/**
 * Headless Chromium for checking and exporting figures: the system browser
 * (Debian's /usr/bin/chromium, or $CHROMIUM_PATH) driven by playwright-core,
 * never a downloaded one. Pages are opened offline: every request that is
 * not file: or data: is aborted, so a page only renders what it inlines.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";

/** The little of the DOM that page.evaluate callbacks here use (the project compiles without lib "dom"). */
export interface DomElement {
  id: string;
  textContent: string | null;
  querySelector(selector: string): DomElement | null;
}
export interface PageGlobals {
  document: { title: string; querySelectorAll(selector: string): ArrayLike<DomElement> };
  Plotly?: { toImage(el: DomElement, options: { format: "svg" | "png"; width?: number; height?: number; scale?: number }): Promise<string> };
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  // Source positions when a function is compiled, not later: driven by playwright, V8 went back and
  // re-parsed plotly.js's functions to collect them (1.1 s of a 1.8 s plotly.js start in a trace), and
  // pages with plotly.js took about 20 % less CPU time with this flag (measured 2026-12-04, 2-core EPYC).
  "--js-flags=--no-enable-lazy-source-positions",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable()) throw new Error(`no Chromium at ${CHROMIUM_PATH} (install Debian's chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  page: Page;
  /** Uncaught exceptions thrown by the page's scripts. */
  pageErrors: Error[];
  /** Messages of alert/confirm/prompt dialogs (dismissed). */
  dialogs: string[];
  /** Requests that were blocked (anything not file: or data:). */
  blocked: string[];
  close(): Promise<void>;
}

/** Opens a local HTML file offline in a new context and waits for its load event. */
export async function openOffline(browser: Browser, file: string, timeoutMs = 60_000): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const opened: OpenedPage = { page, pageErrors: [], dialogs: [], blocked: [], close: () => context.close() };
  page.on("pageerror", (e) => opened.pageErrors.push(e));
  page.on("dialog", (d) => {
    opened.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
    opened.blocked.push(url);
    return route.abort("blockedbyclient");
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: timeoutMs });
  return opened;
}

/** Every Plotly container on the page: our figure <div>s and whatever Plotly.newPlot drew into. */
export const PLOT_CONTAINERS = ".plotly-figure, .js-plotly-plot";

export interface PlotCensus {
  containers: number;
  drawn: number;
  /** ids (or positions) of containers without a .main-svg */
  missing: string[];
}

/** Waits (up to timeoutMs) until every Plotly container holds a drawn .main-svg, then counts. */
export async function plotCensus(page: Page, timeoutMs = 30_000): Promise<PlotCensus> {
  await page
    .waitForFunction(
      (selector) => {
        const all = Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll(selector));
        return all.every((el) => el.querySelector(".main-svg") !== null);
      },
      PLOT_CONTAINERS,
      { timeout: timeoutMs },
    )
    .catch(() => undefined); // the census below reports what is missing
  return page.evaluate((selector) => {
    const all = Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll(selector));
    const missing = all.filter((el) => el.querySelector(".main-svg") === null).map((el, i) => el.id || `#${i}`);
    return { containers: all.length, drawn: all.length - missing.length, missing };
  }, PLOT_CONTAINERS);
}
