/**
 * Issue #19 without a browser: does a figure draw in every client and every
 * state? The kernel side is the real one (show, beforeCell, sendPlotlyToPage,
 * through tslab's display hook as in a kernel); the page side runs the real
 * scripts of the figure outputs (the carrier, the page helper, each figure's
 * script) in a Node vm with the little of a DOM they use, and a client around
 * them that does what each client does with outputs:
 *  - JupyterLab: names the running cell and the deleted cells; rewrites a
 *    relative link in an output against the notebook's folder (/files/...),
 *    after the output's scripts ran; serves the project's files;
 *  - the classic Notebook: names no cell; offers Jupyter.notebook (kernel,
 *    cells, before_save); serves /files/ and redirects nothing else;
 *  - an HTML export (nbconvert) opened from a file next to the notebook, or a
 *    copy elsewhere;
 *  - a MIME renderer (JupyterLab's Plotly renderer, VS Code): draws from the
 *    Plotly MIME type alone.
 * "Drawn" means the figure's script called Plotly.newPlot on its <div>;
 * plotly.js itself never runs here: a carrier or a loaded file defines a stub.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, posix } from "node:path";
import vm from "node:vm";
import * as tslabJupyter from "tslab/dist/jupyter";
import { repoRoot } from "../tools/shared/cli";
import { PLOTLY_CARRIER, PLOTLY_JS_FROM_NOTEBOOK, beforeCell, carrierScript, figureBundle, kernelState, sendPlotlyToPage, show } from "../src/notebook/display";
import { plotlyScript } from "../src/node";
import { lineFigure } from "../src/index";

type Bundle = Record<string, unknown>;
type Client = "lab" | "classic";

/** Runs `body` with tslab's display hook collecting what the kernel sends. */
function kernel<T>(body: () => T): { result: T; sent: Bundle[] } {
  const sent: Bundle[] = [];
  const hook = tslabJupyter as unknown as { lastWriteDisplayData: ((msg: { data: Bundle }) => void) | null };
  const before = hook.lastWriteDisplayData;
  hook.lastWriteDisplayData = (msg) => void sent.push(msg.data);
  try {
    return { result: body(), sent };
  } finally {
    hook.lastWriteDisplayData = before;
  }
}

const figure = lineFigure([0, 1], [1, 0], { title: "t", xTitle: "x", yTitle: "y" });
const html = (b: Bundle): string => String(b["text/html"]);
const isCarrier = (h: string): boolean => h.startsWith(`<script ${PLOTLY_CARRIER}>`);

interface Output { data: Bundle }
interface NotebookCell { id: string; figure: boolean; outputs: Output[] }

/** Where the page is: the server's root holds the project (notebooks/, node_modules/), or not. */
interface Place { path: string; projectFiles: boolean }
const IN_PROJECT: Place = { path: "notebooks/02-layer.ipynb", projectFiles: true };

/**
 * One browser page showing a notebook's outputs in order, running their
 * scripts in one window (a vm context), as Jupyter's HTML renderers do.
 */
class Page {
  readonly window: Record<string, unknown> & { Plotly?: unknown };
  private timers: { at: number; fn: () => void }[] = [];
  private now = 0;
  private elements = new Map<string, { id: string; drawn: boolean; text: string }>();
  private links: { raw: string; href: string }[] = [];
  private carriers: string[] = [];
  readonly loads: string[] = [];
  readonly kernelAsks: number[] = [];
  private saveHooks: (() => void)[] = [];

  constructor(private client: Client | "file", private place: Place, private cells: () => NotebookCell[] = () => [], private kernelAlive = true) {
    const page = this;
    const plotlyStub = { newPlot: (el: { drawn: boolean }) => { el.drawn = true; return Promise.resolve(); }, addFrames: () => Promise.resolve() };
    const document = {
      baseURI: client === "file" ? `file:///work/${posix.dirname(place.path)}/page.html` : "http://127.0.0.1:1/lab",
      head: {
        appendChild(el: { src: string; onload?: () => void; onerror?: () => void }) {
          page.loads.push(el.src);
          page.later(50, () => {
            if (page.serves(el.src)) {
              page.window.Plotly = plotlyStub;
              el.onload?.();
            } else el.onerror?.();
          });
        },
      },
      getElementById: (id: string) => {
        const el = page.elements.get(id);
        return el && {
          style: {},
          replaceChildren: (...children: { textContent: string }[]) => void (el.text = children.map((c) => c.textContent).join("")),
          get drawn() { return el.drawn; },
          set drawn(v: boolean) { el.drawn = v; },
        };
      },
      createElement: () => ({ style: {}, textContent: "" }),
      querySelectorAll: (selector: string) => {
        if (selector === `script[${PLOTLY_CARRIER}]`) return page.carriers.map((textContent) => ({ textContent }));
        if (selector === "a[data-backprop-moons-plotly-url]") return page.links.map((l) => ({ getAttribute: () => l.href }));
        throw new Error(`the page emulation does not know the selector ${selector}`);
      },
    };
    this.window = {
      document,
      location: { href: document.baseURI },
      URL,
      setTimeout: (fn: () => void, ms: number) => this.later(ms, fn),
      // The classic helper evals what the kernel sends: plotly.js defines the stub here.
      eval: (src: string) => { if (src === plotlyScript()) page.window.Plotly = plotlyStub; },
    };
    if (client === "classic") {
      this.window.Jupyter = {
        notebook: {
          notebook_path: place.path,
          base_url: "/",
          events: { on: (name: string, fn: () => void) => { if (name === "before_save.Notebook") this.saveHooks.push(fn); } },
          get_cells: () => this.cells().map((c) => ({ output_area: { outputs: c.outputs } })),
          kernel: {
            is_connected: () => this.kernelAlive,
            execute: (code: string, callbacks: { iopub: { output(m: unknown): void }; shell: { reply(): void } }) => {
              this.kernelAsks.push(this.now);
              assert.match(code, /sendPlotlyToPage\(\)/);
              const { sent } = kernel(() => sendPlotlyToPage());
              this.later(200, () => {
                for (const data of sent) callbacks.iopub.output({ content: { data } });
                callbacks.shell.reply();
              });
            },
          },
        },
      };
    }
    vm.createContext(this.window);
    this.window.window = this.window;
  }

  private later(ms: number, fn: () => void): void {
    this.timers.push({ at: this.now + ms, fn });
  }

  /** What the Jupyter server (or the file system next to an export) has at `url`. */
  private serves(url: string): boolean {
    if (!this.place.projectFiles) return false;
    const u = new URL(url);
    const path = this.client === "file" ? u.pathname.replace(/^\/work\//, "") : decodeURIComponent(u.pathname.replace(/^\/files\//, ""));
    if (this.client !== "file" && !u.pathname.startsWith("/files/")) return false; // Jupyter serves files under /files/ only
    return existsSync(join(repoRoot, path));
  }

  /** Shows an output: its elements, then its scripts in order, then (JupyterLab) its links resolved. */
  render(output: Output): void {
    const h = html(output.data);
    for (const m of h.matchAll(/<div id="([^"]+)" class="plotly-figure"/g)) this.elements.set(m[1], { id: m[1], drawn: false, text: "" });
    const links = Array.from(h.matchAll(/<a hidden data-backprop-moons-plotly-url href="([^"]+)"><\/a>/g), (m) => ({ raw: m[1], href: m[1] }));
    this.links.push(...links);
    for (const m of h.matchAll(/<script( [^>]*)?>([\s\S]*?)<\/script>/g)) {
      if (m[1]?.includes(PLOTLY_CARRIER)) {
        // The kernel's carriers run plotly.js only where the page has none; the classic page's copy, put back on save, may be the kernel's plain answer.
        assert.ok(m[2] === carrierScript() || m[2] === plotlyScript(), "a carrier holds plotly.js");
        this.carriers.push(m[2]);
        this.window.Plotly = this.window.Plotly ?? {};
        (this.window as { Plotly: Record<string, unknown> }).Plotly.newPlot = (el: { drawn: boolean }) => { el.drawn = true; return Promise.resolve(); };
      } else vm.runInContext(m[2], this.window);
    }
    if (this.client === "lab") {
      // JupyterLab's resolver: relative to the notebook's folder, served under /files/.
      for (const l of links) l.href = `http://127.0.0.1:1/files/${posix.normalize(posix.join(posix.dirname(this.place.path), l.raw)).replace(/^(\.\.\/)+/, "")}?_xsrf=x`;
    }
  }

  /** Removes outputs from the page (their cell re-ran, was cleared or deleted); what their scripts did to the window stays. */
  forget(outputs: Output[]): void {
    for (const o of outputs) for (const m of html(o.data).matchAll(/<div id="([^"]+)" class="plotly-figure"/g)) this.elements.delete(m[1]);
  }

  /** Lets 60 s of page time pass. */
  settle(): void {
    while (this.timers.length > 0) {
      this.timers.sort((a, b) => a.at - b.at);
      const t = this.timers.shift()!;
      if (t.at > 60_000) break;
      this.now = t.at;
      t.fn();
    }
  }

  /** The classic Notebook's File > Save runs before_save handlers first. */
  beforeSave(): void {
    for (const fn of this.saveHooks) fn();
  }

  figures(): { drawn: number; total: number; texts: string[] } {
    const all = [...this.elements.values()];
    return { drawn: all.filter((e) => e.drawn).length, total: all.length, texts: all.filter((e) => !e.drawn).map((e) => e.text) };
  }
}

/**
 * A notebook of four cells (two with a figure) in a client, with a kernel:
 * run cells, clear, delete, save, reload. The saved file is a deep copy.
 */
class Session {
  cells: NotebookCell[] = [
    { id: "a", figure: false, outputs: [] },
    { id: "b", figure: true, outputs: [] },
    { id: "c", figure: false, outputs: [] },
    { id: "d", figure: true, outputs: [] },
  ];
  saved: NotebookCell[] = structuredClone(this.cells);
  page: Page;
  private deleted: string[] = [];

  constructor(private client: Client, private place: Place = IN_PROJECT) {
    kernelState().plotlySent = false; // a fresh kernel
    kernelState().plotlyCell = undefined;
    this.page = new Page(client, place, () => this.cells);
  }

  run(id: string): void {
    const cell = this.cells.find((c) => c.id === id)!;
    const { sent } = kernel(() => {
      beforeCell(this.client === "lab" ? id : undefined, this.client === "lab" ? this.deleted : []);
      if (cell.figure) show(figure);
    });
    this.deleted = [];
    this.page.forget(cell.outputs);
    cell.outputs = sent.map((data) => ({ data }));
    for (const o of cell.outputs) this.page.render(o);
    this.page.settle();
  }
  runAll(): void {
    for (const c of this.cells) this.run(c.id);
  }
  clear(id: string): void {
    const cell = this.cells.find((c) => c.id === id)!;
    this.page.forget(cell.outputs);
    cell.outputs = [];
  }
  delete(id: string): void {
    this.clear(id);
    this.cells = this.cells.filter((c) => c.id !== id);
    this.deleted.push(id);
  }
  save(): void {
    if (this.client === "classic") this.page.beforeSave();
    this.saved = structuredClone(this.cells);
  }
  /** Reload: the page shows the saved file; the kernel keeps running. */
  reload(): void {
    this.cells = structuredClone(this.saved);
    this.page = new Page(this.client, this.place, () => this.cells);
    for (const c of this.cells) for (const o of c.outputs) this.page.render(o);
    this.page.settle();
  }
  carrierCell(): string | undefined {
    return this.cells.find((c) => c.outputs.some((o) => isCarrier(html(o.data))))?.id;
  }
  savedCarriers(): number {
    return this.saved.reduce((n, c) => n + c.outputs.filter((o) => isCarrier(html(o.data))).length, 0);
  }
}

function assertAllDrawn(page: Page, what: string): void {
  const f = page.figures();
  assert.ok(f.total > 0, `${what}: no figure on the page`);
  assert.equal(f.drawn, f.total, `${what}: ${f.drawn}/${f.total} drawn; not drawn: ${f.texts.join(" | ")}`);
}

for (const client of ["lab", "classic"] as const) {
  test(`${client}: Run All, save, reload (kernel running or restarted): drawn from the saved carrier, nothing loaded`, () => {
    const s = new Session(client);
    s.runAll();
    assertAllDrawn(s.page, "after Run All");
    s.save();
    assert.equal(s.savedCarriers(), 1);
    s.reload();
    assertAllDrawn(s.page, "after reload");
    assert.deepEqual([s.page.loads, s.page.kernelAsks], [[], []]);
  });

  test(`${client}: Run All twice, save, reload: one carrier, drawn`, () => {
    const s = new Session(client);
    s.runAll();
    s.runAll();
    assertAllDrawn(s.page, "after the second Run All");
    s.save();
    assert.equal(s.savedCarriers(), 1);
    s.reload();
    assertAllDrawn(s.page, "after reload");
  });

  test(`${client}: S1, reload without saving, run a later figure cell: drawn, and again after save + reload`, () => {
    const s = new Session(client);
    s.runAll();
    s.reload(); // the saved file has no outputs; the kernel thinks the page has plotly.js
    s.run("d");
    assertAllDrawn(s.page, "S1");
    if (client === "lab") assert.equal(s.page.loads.length, 1, "JupyterLab loads plotly.js once from the project's files");
    else assert.deepEqual([s.page.kernelAsks.length, s.page.loads.length], [1, 0], "the classic page asks the kernel once");
    s.save();
    s.reload();
    assertAllDrawn(s.page, "S1 + save + reload");
  });

  test(`${client}: S2, clear the carrier's output, run another figure cell, save, reload: drawn`, () => {
    const s = new Session(client);
    s.runAll();
    const carrier = s.carrierCell()!;
    s.clear(carrier);
    s.run(carrier === "b" ? "d" : "b");
    assertAllDrawn(s.page, "S2");
    s.save();
    // The classic page puts plotly.js back before saving; JupyterLab cannot, and its figures load it when reopened.
    assert.equal(s.savedCarriers(), client === "classic" ? 1 : 0);
    s.reload();
    assertAllDrawn(s.page, "S2 + save + reload");
    assert.equal(s.page.loads.length, client === "lab" ? 1 : 0);
  });

  test(`${client}: delete the carrier's cell, run another figure cell, save, reload: drawn`, () => {
    const s = new Session(client);
    s.runAll();
    const carrier = s.carrierCell()!;
    s.delete(carrier);
    s.run(s.cells.find((c) => c.figure)!.id);
    assertAllDrawn(s.page, "after delete");
    s.save();
    assert.equal(s.savedCarriers(), 1, "the next figure carries plotly.js (JupyterLab: deletedCells; classic: the page before saving)");
    s.reload();
    assertAllDrawn(s.page, "delete + save + reload");
  });

  test(`${client}: clear every output, save, reload, run one figure cell: drawn`, () => {
    const s = new Session(client);
    s.runAll();
    for (const c of s.cells) s.clear(c.id);
    s.save();
    s.reload();
    s.run("b");
    assertAllDrawn(s.page, "after clear all");
  });
}

test("a saved notebook without plotly.js, opened where the project's files are not served: the message says what was tried and what works", () => {
  const s = new Session("lab", { path: "02-layer.ipynb", projectFiles: false });
  s.runAll();
  s.clear(s.carrierCell()!);
  s.run("d");
  s.save();
  s.reload();
  const f = s.page.figures();
  assert.equal(f.drawn, 0);
  for (const text of f.texts) {
    assert.match(text, /^This figure cannot be drawn here: plotly\.js is not in this page, and it could not be loaded from http:\/\/127\.0\.0\.1:1\/files\/node_modules\/plotly\.js-dist-min\/plotly\.min\.js/);
    assert.match(text, /restart the kernel and run this cell/);
  }
  // ... which is true: after a restart the first figure carries plotly.js.
  kernelState().plotlySent = false;
  s.run("d");
  assert.equal(s.page.figures().drawn, 1, "the cell run after the restart draws");
});

test("an HTML export (nbconvert) next to the notebook draws with or without a carrier; a copy elsewhere only with one", () => {
  const s = new Session("lab");
  s.runAll();
  const withCarrier = structuredClone(s.cells);
  s.clear(s.carrierCell()!);
  const without = structuredClone(s.cells);
  for (const [cells, place, drawn] of [
    [withCarrier, { path: "notebooks/x.ipynb", projectFiles: false }, true],
    [without, IN_PROJECT, true],
    [without, { path: "elsewhere/x.ipynb", projectFiles: false }, false],
  ] as const) {
    const page = new Page("file", place);
    for (const c of cells) for (const o of c.outputs) page.render(o);
    page.settle();
    const f = page.figures();
    assert.equal(f.drawn === f.total && f.total > 0, drawn, `${place.path}: ${JSON.stringify(f)}`);
  }
});

test("the classic Notebook without a kernel loads plotly.js from /files/", () => {
  kernelState().plotlySent = false;
  const page = new Page("classic", IN_PROJECT, () => [], false);
  const { sent } = kernel(() => show(figure));
  kernelState().plotlySent = true;
  const { sent: plain } = kernel(() => show(figure));
  assert.ok(isCarrier(html(sent[0])) && !isCarrier(html(plain[0])));
  page.render({ data: plain[0] });
  page.settle();
  assert.deepEqual(page.loads, ["http://127.0.0.1:1/files/node_modules/plotly.js-dist-min/plotly.min.js"]);
  assert.equal(page.figures().drawn, 1);
});

test("MIME renderers (JupyterLab's Plotly renderer, VS Code) get the whole figure in every output; a figure without the carrier is small and still finds plotly.js", () => {
  kernelState().plotlySent = false;
  const { sent } = kernel(() => {
    show(figure);
    show(figure);
  });
  for (const b of [...sent, figureBundle(figure)]) {
    assert.deepEqual(b["application/vnd.plotly.v1+json"], { data: figure.data, layout: figure.layout });
  }
  const update = figureBundle(figure);
  assert.ok(!html(update).includes(plotlyScript()) && html(update).length < 20_000, "an update (figureBundle without carrier) is small");
  assert.ok(html(update).includes(`href="${PLOTLY_JS_FROM_NOTEBOOK}"`), "... and can still find plotly.js on a page that lacks it");
});

test("every script in a figure output parses", () => {
  kernelState().plotlySent = false;
  const { sent } = kernel(() => show(figure));
  const scripts = Array.from(html(sent[0]).matchAll(/<script>([\s\S]*?)<\/script>/g), (m) => m[1]);
  assert.equal(scripts.length, 2, "the page helper and the figure's script");
  for (const s of scripts) assert.doesNotThrow(() => new vm.Script(s));
  assert.ok(existsSync(join(repoRoot, "notebooks", PLOTLY_JS_FROM_NOTEBOOK)), "the link points at plotly.js from notebooks/");
});
