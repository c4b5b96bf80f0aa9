/**
 * Opens notebooks exported to HTML (`jupyter nbconvert --to html`) in
 * headless Chromium, offline, and checks that every figure was drawn:
 * every Plotly container holds a .main-svg, their number equals the figures
 * the executed notebook shows (its display_data outputs with the Plotly MIME
 * type), and the page threw no error.
 *
 *   node build/jupyter/check-html.js [--dir output/jupyter] [NAME.html ...]
 *
 * Each NAME.html is checked against NAME.ipynb next to it. Exit 1 on any failure.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { launchChromium, openOffline, plotCensus } from "../tools/shared/chromium";
import { parseCommandLine, repoRoot } from "../tools/shared/cli";
import { figureOutputs, readNotebook } from "../tools/shared/notebook-runner";

export interface PageCheck {
  html: string;
  expected: number;
  containers: number;
  drawn: number;
  missing: string[];
  pageErrors: string[];
  dialogs: string[];
  blocked: number;
  seconds: number;
  ok: boolean;
}

export async function checkNotebookPages(htmlFiles: string[]): Promise<PageCheck[]> {
  const browser = await launchChromium();
  const checks: PageCheck[] = [];
  try {
    for (const html of htmlFiles) {
      const t0 = Date.now();
      const ipynb = html.replace(/\.html$/, ".ipynb");
      if (!existsSync(ipynb)) throw new Error(`${html}: no executed notebook ${basename(ipynb)} next to it`);
      const expected = figureOutputs(readNotebook(ipynb)).length;
      const opened = await openOffline(browser, html);
      const census = await plotCensus(opened.page);
      await opened.page.waitForTimeout(200); // late errors from figure scripts
      const check: PageCheck = {
        html,
        expected,
        ...census,
        pageErrors: opened.pageErrors.map((e) => `${e.name}: ${e.message}`),
        dialogs: opened.dialogs,
        blocked: opened.blocked.length,
        seconds: (Date.now() - t0) / 1000,
        ok: false,
      };
      check.ok = census.containers === expected && census.drawn === expected && check.pageErrors.length === 0 && check.dialogs.length === 0;
      checks.push(check);
      await opened.close();
    }
  } finally {
    await browser.close();
  }
  return checks;
}

export function describeCheck(c: PageCheck): string {
  const name = relative(process.cwd(), c.html);
  const head = `${c.ok ? "ok" : "FAILED"} ${name}: ${c.drawn}/${c.containers} Plotly containers drawn, ${c.expected} figure(s) expected, ${c.pageErrors.length} page error(s), ${c.blocked} network request(s) blocked (${c.seconds.toFixed(1)} s)`;
  const details = [
    ...(c.containers !== c.expected ? [`  the notebook shows ${c.expected} figure(s) but the page has ${c.containers} Plotly container(s)`] : []),
    ...(c.missing.length > 0 ? [`  not drawn (no .main-svg): ${c.missing.join(", ")}`] : []),
    ...c.pageErrors.map((e) => `  page error: ${e}`),
    ...c.dialogs.map((d) => `  dialog: ${d}`),
  ];
  return [head, ...details].join("\n");
}

async function main(): Promise<void> {
  const { values, positionals: names } = parseCommandLine("check-html", "Usage: node build/jupyter/check-html.js [--dir output/jupyter] [NAME.html ...]", {
    allowPositionals: true,
    options: { dir: { type: "string" } },
  });
  const dir = resolve(values.dir ?? join(repoRoot, "output", "jupyter"));
  const files = names.length > 0
    ? names.map((n) => resolve(n))
    : existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".html")).sort().map((f) => join(dir, f)) : [];
  if (files.length === 0) {
    console.error(`check-html: no HTML files in ${relative(process.cwd(), dir) || dir}`);
    process.exit(1);
  }
  const checks = await checkNotebookPages(files);
  for (const c of checks) console.log(describeCheck(c));
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`browser check: ${checks.length - failed}/${checks.length} pages ok, ${checks.reduce((n, c) => n + c.drawn, 0)} figure(s) drawn`);
  process.exit(failed > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`check-html: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  });
}
