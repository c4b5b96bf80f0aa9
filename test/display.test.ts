import { test } from "node:test";
import assert from "node:assert/strict";
import * as tslabJupyter from "tslab/dist/jupyter";
import { plotlyScript } from "../src/node";
import { lineFigure } from "../src/index";
import { beforeCell, kernelState, liveFigure, liveProgress, liveText, sendPlotlyToPage, show } from "../src/notebook/display";

test("the display helper fails with a clear message outside a notebook kernel", () => {
  const figure = lineFigure([0, 1], [1, 0], { title: "t", xTitle: "x", yTitle: "y" });
  assert.throws(() => show(figure), /display: no notebook kernel is running.*standaloneHtml/);
  assert.throws(() => liveText().update("epoch 1"), /no notebook kernel is running/);
});

interface Sent { data: Record<string, unknown>; update: boolean }

/** Runs `body` with tslab's display hook pointing at an array, as in a kernel. */
function capture(body: () => void): Sent[] {
  const sent: Sent[] = [];
  const hook = tslabJupyter as unknown as { lastWriteDisplayData: ((msg: { data: Record<string, unknown> }, update: boolean) => void) | null };
  const before = hook.lastWriteDisplayData;
  hook.lastWriteDisplayData = (msg, update) => void sent.push({ data: msg.data, update });
  try {
    body();
  } finally {
    hook.lastWriteDisplayData = before;
  }
  return sent;
}

const CARRIER = "<script data-backprop-moons-plotly>";
const carries = (s: Sent): boolean => String(s.data["text/html"]).startsWith(CARRIER) && String(s.data["text/html"]).includes(plotlyScript());

test("plotly.js goes out with one figure, and again only when that figure's cell re-runs or is deleted", () => {
  const figure = lineFigure([0, 1], [1, 0], { title: "t", xTitle: "x", yTitle: "y" });
  kernelState().plotlySent = false;
  const sent = capture(() => {
    beforeCell("a");
    show(figure); // 0: carries
    show(figure); // 1: same cell, reuses window.Plotly
    beforeCell("b");
    show(figure); // 2
    beforeCell("a"); // the carrier's cell runs again: its output is replaced
    show(figure); // 3: carries
    beforeCell("c", ["a"]); // ... and deleted
    show(figure); // 4: carries
    beforeCell(undefined); // a client that names no cells (classic Notebook)
    show(figure); // 5
    beforeCell(undefined);
    show(figure); // 6
  });
  assert.deepEqual(sent.map(carries), [true, false, false, true, true, false, false]);
  for (const s of sent) {
    const html = String(s.data["text/html"]);
    assert.equal(html.split(CARRIER).length - 1, carries(s) ? 1 : 0, "the carrier marker appears only in the carrier");
    assert.match(html, /backpropMoonsNeedPlotly/, "every figure brings the page helper");
    assert.ok(html.length < (carries(s) ? Infinity : 20_000), "a figure without plotly.js is small");
  }
});

test("a live figure that is the session's first carries plotly.js in its first and final frames only, as one output", () => {
  const figure = lineFigure([0, 1], [1, 0], { title: "t", xTitle: "x", yTitle: "y" });
  kernelState().plotlySent = false;
  const sent = capture(() => {
    beforeCell("live");
    const live = liveFigure();
    live.update(figure); // first frame: brings plotly.js
    live.update(figure); // frames in between: the page keeps window.Plotly
    live.update(figure);
    live.update(figure, true); // final frame: what the saved output keeps
    show(figure); // a later figure of the session does not carry it
    const second = liveFigure(); // nor does a later live figure, even its final frame
    second.update(figure);
    second.update(figure, true);
  });
  assert.deepEqual(sent.map(carries), [true, false, false, true, false, false, false]);
  assert.deepEqual(sent.map((s) => s.update), [false, true, true, true, false, false, true], "one display, then updates in place");
  assert.equal(kernelState().plotlyCell, "live", "re-running the live figure's cell sends plotly.js again");
});

test("a page that asks for plotly.js gets it, under a MIME type nobody renders", () => {
  const [sent] = capture(() => sendPlotlyToPage());
  assert.equal(sent.data["application/x-backprop-moons-plotly-js"], plotlyScript());
  assert.equal(sent.data["text/plain"], "");
});

test("liveProgress keeps the running epoch for the interrupt message, and forgets it when training ends", () => {
  const seen: (object | undefined)[] = [];
  capture(() => {
    const progress = liveProgress({ everyMs: 0 });
    progress.onEpoch!(0, 3);
    seen.push(kernelState().training);
    progress.onEpoch!(2, 3);
    seen.push(kernelState().training);
    progress.onEpoch!(3, 3);
    seen.push(kernelState().training);
  });
  assert.deepEqual(seen, [{ epoch: 0, maxEpochs: 3 }, { epoch: 2, maxEpochs: 3 }, undefined]);
});
