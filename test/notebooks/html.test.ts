import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plotlyScript, standaloneHtml } from "../../src/node";
import { CLASS_COLORS, Layer, Matrix, NeuralNetwork, SPECTRAL, TrainingHistory, datasetFigure, decisionBoundaryFigure, figureDiv, lineFigure, mseFigure } from "../../src/index";
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, openOffline, plotCensus } from "../../tools/shared/chromium";
import type { PageGlobals } from "../../tools/shared/chromium";

const HOSTILE = "</script><script>alert(1)</script>";
const axes = { title: HOSTILE, xTitle: "x <b>bold</b> & \"quoted\"", yTitle: "y" };

test("a title containing </script> cannot close the figure's script or the page title", () => {
  const html = standaloneHtml([lineFigure([0, 1, 2], [1, 0, 1], axes)], HOSTILE);
  assert.ok(!html.includes("<script>alert(1)"), "the raw title must not appear as markup");
  assert.ok(html.includes("<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
  // Only the two scripts standaloneHtml writes: plotly.js and the figure.
  assert.equal(html.match(/<script>/g)!.length, 2);
});

test("the hostile title renders one figure in Chromium and no dialog fires", { skip: chromiumAvailable() ? false : `no Chromium at ${CHROMIUM_PATH}` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "html-test-"));
  const browser = await launchChromium();
  try {
    const file = join(dir, "hostile.html");
    writeFileSync(file, standaloneHtml([lineFigure([0, 1, 2], [1, 0, 1], axes)], HOSTILE));
    const page = await openOffline(browser, file);
    const census = await plotCensus(page.page);
    const title = await page.page.evaluate(() => (globalThis as unknown as PageGlobals).document.title);
    await page.page.waitForTimeout(100);
    assert.deepEqual(census, { containers: 1, drawn: 1, missing: [] });
    assert.deepEqual(page.dialogs, []);
    assert.deepEqual(page.pageErrors.map((e) => e.message), []);
    assert.equal(title, HOSTILE, "the title is shown as text");
    await page.close();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("figure builders reject mismatched and empty series with clear messages", () => {
  const opts = { title: "T", xTitle: "x", yTitle: "y" };
  assert.throws(() => lineFigure([1, 2], [1], opts), /lineFigure\("T"\): x and y must have the same length, got 2 and 1/);
  assert.throws(() => lineFigure([], [], opts), /lineFigure\("T"\): x must be non-empty/);
  assert.throws(() => datasetFigure([[0, 0], [1, 1], [2, 2]], [0, 1]), /datasetFigure: X and y must have the same length, got 3 rows and 2 labels/);
  assert.throws(() => datasetFigure([], []), /datasetFigure: X must be a non-empty/);
  assert.throws(() => datasetFigure(new Matrix(0, 2), []), /datasetFigure: X must be non-empty/);
  assert.throws(() => datasetFigure([[0, 0, 0]], [0]), /datasetFigure: X must have 2 columns/);
  assert.throws(() => mseFigure(new TrainingHistory()), /must be non-empty/);
  assert.throws(() => standaloneHtml([], "none"), /standaloneHtml: figures must be non-empty/);
});

test("a figure waits for plotly.js further down the page; when it never comes, one message and no gap", { skip: chromiumAvailable() ? false : `no Chromium at ${CHROMIUM_PATH}` }, async () => {
  // What a saved notebook can look like: a figure above the output that carries plotly.js, or none at all.
  const dir = mkdtempSync(join(tmpdir(), "html-test-"));
  const browser = await launchChromium();
  try {
    const fig = lineFigure([0, 1], [1, 0], { title: "t", xTitle: "x", yTitle: "y" });
    const late = join(dir, "late.html");
    writeFileSync(late, `<!DOCTYPE html><html><body>${figureDiv(fig, "first")}<script>${plotlyScript()}</script>${figureDiv(fig, "second")}</body></html>`);
    const page = await openOffline(browser, late);
    assert.deepEqual(await plotCensus(page.page), { containers: 2, drawn: 2, missing: [] });
    await page.close();

    const none = join(dir, "none.html");
    writeFileSync(none, `<!DOCTYPE html><html><body>${figureDiv(fig, "lonely")}</body></html>`);
    const bare = await openOffline(browser, none);
    await bare.page.waitForFunction(() => /plotly\.js is not in this page/.test((globalThis as unknown as PageGlobals).document.querySelectorAll("#lonely")[0].textContent ?? ""), undefined, { timeout: 20_000 });
    const box = await bare.page.evaluate(() => {
      const el = (globalThis as unknown as { document: { getElementById(id: string): { children: ArrayLike<unknown>; getBoundingClientRect(): { height: number } } } }).document.getElementById("lonely");
      return { children: el.children.length, height: el.getBoundingClientRect().height };
    });
    assert.equal(box.children, 1, "one message, the 'drawn by a script' text is gone");
    assert.ok(box.height < 80, `no empty figure-sized gap (the <div> is ${box.height}px high)`);
    assert.deepEqual(bare.pageErrors.map((e) => e.message), []);
    await bare.close();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("decision boundaries: light background shades, points in full class colour with a white outline", () => {
  const nn = new NeuralNetwork();
  nn.addLayer(new Layer(2, 3, "sigmoid"));
  nn.addLayer(new Layer(3, 2, "sigmoid"));
  const X = [[0, 0], [1, 1], [0.5, -0.5]];
  const fig = decisionBoundaryFigure(nn, X, [0, 1, 0], { resolution: 10 });
  const luminance = (hex: string): number => [1, 3, 5].reduce((s, i, k) => s + [0.2126, 0.7152, 0.0722][k] * parseInt(hex.slice(i, i + 2), 16) / 255, 0);
  const shades = (fig.data[0] as { colorscale: [number, string][] }).colorscale;
  assert.equal(shades.length, SPECTRAL.length);
  shades.forEach(([t, c], i) => {
    assert.equal(t, SPECTRAL[i][0]);
    assert.ok(luminance(c) > luminance(SPECTRAL[i][1]), `shade ${c} is lighter than Spectral's ${SPECTRAL[i][1]}`);
    assert.ok(luminance(c) > 0.55, `shade ${c} is light`);
  });
  const points = fig.data.slice(2) as { marker: { color: string; line: { width: number; color: string } } }[];
  assert.deepEqual(points.map((p) => p.marker.color), [...CLASS_COLORS]);
  for (const p of points) {
    assert.ok(luminance(p.marker.color) < 0.35, "points keep their full, dark class colour");
    assert.deepEqual(p.marker.line, { width: 1.5, color: "white" });
  }
});
