/**
 * SVG export of the offline figure pages: each HTML file is opened in the
 * system's headless Chromium and every figure on it is exported with
 * plotly.js's own Plotly.toImage(el, { format: "svg" }), written next to the
 * page (dataset.html -> dataset.svg; name-2.svg, ... for further figures).
 *
 *   node build/scripts/export-svg.js [PAGE.html ...]   (default: output/figures/*.html)
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, openOffline, plotCensus } from "../tools/shared/chromium";
import type { PageGlobals } from "../tools/shared/chromium";
import { parseCommandLine, repoRoot } from "../tools/shared/cli";

/**
 * Writes the SVGs (or, with `format: "png"`, PNGs at `scale` times the
 * figure's size: smaller than an SVG for a figure of many shapes); returns
 * the files written. Throws if a page fails to draw.
 */
export async function exportSvgs(htmlFiles: string[], options: { format?: "svg" | "png"; scale?: number } = {}): Promise<string[]> {
  const format = options.format ?? "svg";
  const written: string[] = [];
  if (htmlFiles.length === 0) return written;
  const browser = await launchChromium();
  try {
    for (const html of htmlFiles) {
      const opened = await openOffline(browser, html);
      try {
        const census = await plotCensus(opened.page);
        if (census.containers === 0 || census.missing.length > 0 || opened.pageErrors.length > 0) {
          throw new Error(`${html}: ${census.drawn}/${census.containers} figures drawn${opened.pageErrors.map((e) => `; page error: ${e.message}`).join("")}`);
        }
        const images = await opened.page.evaluate(async ({ format, scale }) => {
          const page = globalThis as unknown as PageGlobals;
          const out: { base64: boolean; body: string }[] = [];
          for (const el of Array.from(page.document.querySelectorAll(".js-plotly-plot"))) {
            const url = await page.Plotly!.toImage(el, { format, scale });
            const comma = url.indexOf(",");
            out.push({ base64: url.slice(0, comma).endsWith(";base64"), body: url.slice(comma + 1) });
          }
          return out;
        }, { format, scale: options.scale ?? 1 });
        images.forEach(({ base64, body }, i) => {
          const file = join(dirname(html), `${basename(html, ".html")}${i === 0 ? "" : `-${i + 1}`}.${format}`);
          if (format === "png") writeFileSync(file, Buffer.from(body, base64 ? "base64" : "utf8"));
          else {
            const svg = base64 ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body);
            writeFileSync(file, svg.startsWith("<?xml") ? svg : `<?xml version="1.0" encoding="utf-8"?>\n${svg}`);
          }
          written.push(file);
        });
      } finally {
        await opened.close();
      }
    }
  } finally {
    await browser.close();
  }
  return written;
}

/** For `npm run reproduce`: exports the pages if a Chromium is installed, else says why not. */
export async function exportSvgsIfPossible(htmlFiles: string[]): Promise<string[]> {
  if (!chromiumAvailable()) {
    console.log(`SVG export skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return [];
  }
  return exportSvgs(htmlFiles);
}

async function main(): Promise<void> {
  const { positionals: args } = parseCommandLine("export-svg", "Usage: node build/scripts/export-svg.js [PAGE.html ...]   (default: output/figures/*.html)", { allowPositionals: true, options: {} });
  const dir = join(repoRoot, "output", "figures");
  const files = args.length > 0
    ? args.map((a) => resolve(a))
    : existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".html")).sort().map((f) => join(dir, f)) : [];
  if (files.length === 0) {
    console.error(`export-svg: no HTML pages (run npm run reproduce first, or name the files)`);
    process.exit(1);
  }
  const written = await exportSvgsIfPossible(files);
  for (const f of written) console.log(`wrote ${relative(process.cwd(), f)}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`export-svg: ${(e as Error).message}`);
    process.exit(1);
  });
}
