/**
 * An executed notebook as the HTML of a chapter: markdown cells through
 * markdown-it with KaTeX (the maths is typeset here, at build time, so the
 * page needs KaTeX's stylesheet and fonts but no script), code cells
 * highlighted with the parser CodeMirror itself uses (Lezer's TypeScript
 * grammar), printed output as text, and each figure as its Plotly JSON
 * (application/vnd.plotly.v1+json) for the page's script to draw. The
 * inlined HTML of a figure output (which may carry all of plotly.js) is
 * never copied: the site loads plotly.js once, from one file.
 */
import MarkdownIt from "markdown-it";
import markdownItKatex from "@vscode/markdown-it-katex";
import { classHighlighter, highlightCode } from "@lezer/highlight";
import { parser as jsParser } from "@lezer/javascript";
import { escapeHtml, scriptJson } from "../src/figures/html";
import { Notebook, Output, PLOTLY_MIME, cellSource } from "../tools/shared/notebook-runner";

const tsParser = jsParser.configure({ dialect: "ts" });

/** TypeScript (or JavaScript) as HTML, one <span class="tok-..."> per token. */
export function highlightTypeScript(code: string): string {
  let html = "";
  highlightCode(
    code,
    tsParser.parse(code),
    classHighlighter,
    (text, classes) => void (html += classes ? `<span class="${classes}">${escapeHtml(text)}</span>` : escapeHtml(text)),
    () => void (html += "\n"),
  );
  return html;
}

const markdown = new MarkdownIt({
  html: true, // the notebooks fold solutions in <details>
  linkify: false,
  highlight: (code, lang) => (/^(ts|typescript|js|javascript)$/i.test(lang) ? highlightTypeScript(code) : ""),
}).use(markdownItKatex, { throwOnError: false, enableMathBlockInHtml: true, enableMathInlineInHtml: true });

export function renderMarkdown(text: string): string {
  return markdown.render(text);
}

/** How many math expressions KaTeX typeset (and how many it could not), counted in rendered HTML. */
export function mathCensus(html: string): { math: number; errors: number } {
  return { math: (html.match(/<span class="katex">/g) ?? []).length, errors: (html.match(/class="katex-error"/g) ?? []).length };
}

const text = (value: unknown): string => (Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "");

/** Terminal colour codes that tslab's error text may contain. */
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, "");

export interface RenderedChapter {
  body: string;
  /** Figures in the chapter, in order (each drawn from its Plotly JSON). */
  figures: number;
  title: string;
  /** The first paragraph of prose after the title (with the list it introduces), as HTML, for the roadmap. */
  summary: string;
}

function renderOutput(out: Output, figureId: () => string): { html: string; figure: boolean } {
  switch (out.output_type) {
    case "stream":
      return { html: `<pre class="output ${out.name === "stderr" ? "stderr" : "stdout"}">${escapeHtml(stripAnsi(text(out.text)))}</pre>`, figure: false };
    case "error":
      return { html: `<pre class="output error">${escapeHtml(stripAnsi(`${out.ename}: ${out.evalue}`))}</pre>`, figure: false };
    case "display_data":
    case "execute_result": {
      const figure = out.data[PLOTLY_MIME];
      if (figure && typeof figure === "object") {
        const id = figureId();
        const width = (figure as { layout?: { width?: unknown } }).layout?.width;
        const maxWidth = typeof width === "number" ? `max-width:${width}px` : "";
        return {
          html: `<div class="figure" id="${id}" style="${maxWidth}"></div><script type="application/json" data-figure="${id}">${scriptJson(figure)}</script>`,
          figure: true,
        };
      }
      // Anything else (progress lines, values) as its plain text: the notebooks' HTML outputs are written for Jupyter.
      const plain = text(out.data["text/plain"]);
      return { html: plain.trim() ? `<pre class="output">${escapeHtml(stripAnsi(plain))}</pre>` : "", figure: false };
    }
    default:
      return { html: "", figure: false };
  }
}

export function renderNotebook(nb: Notebook, name: string): RenderedChapter {
  let figures = 0;
  const figureId = (): string => `figure-${++figures}`;
  const parts: string[] = [];
  let title = name;
  let summary = "";
  for (const cell of nb.cells) {
    const source = cellSource(cell);
    if (cell.cell_type === "markdown") {
      if (title === name) {
        const heading = /^#\s+(.+)$/m.exec(source);
        if (heading) title = heading[1].trim();
      }
      if (!summary) {
        // The first paragraph, and the list it introduces when it ends with a colon ("This notebook ... :").
        const blocks = source.replace(/^#.*$/gm, "").trim().split(/\n\s*\n/).filter((b) => b.trim());
        const end = blocks.findIndex((b) => !/:\s*$/.test(b.trim()) && !/this notebook\s*$/i.test(b.trim()));
        if (blocks.length > 0) summary = renderMarkdown(blocks.slice(0, end < 0 ? blocks.length : end + 1).join("\n\n"));
      }
      parts.push(`<section class="prose">${renderMarkdown(source)}</section>`);
    } else if (cell.cell_type === "code") {
      if (!source.trim()) continue;
      const count = cell.execution_count ?? " ";
      const outputs = (cell.outputs ?? []).map((o) => renderOutput(o, figureId).html).join("\n");
      parts.push(`<div class="cell"><div class="prompt">[${count}]</div><pre class="code"><code>${highlightTypeScript(source)}</code></pre>${outputs ? `<div class="outputs">${outputs}</div>` : ""}</div>`);
    }
  }
  return { body: parts.join("\n"), figures, title, summary };
}
