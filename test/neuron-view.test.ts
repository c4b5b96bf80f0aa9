/*
 * The neuron view: every neuron's output of one layer over the plane, as
 * small heat maps, alone or with every live frame.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { articleData, articleNetwork, liveFrames, neuronGrid, neuronOutputs, neuronViewFigure } from "../src/index";
import { assertRejects } from "./assert-rejects";

const { split } = articleData();
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

test("neuronOutputs: the first hidden layer's neuron j is sigmoid(x W_j + b_j) at every grid point", () => {
  const nn = articleNetwork();
  const grid = neuronGrid(split.XTest, 7);
  const z = neuronOutputs(nn, 0, grid);
  const layer = nn.layers[0];
  assert.equal(z.length, 25);
  for (const j of [0, 11, 24]) {
    grid.ys.forEach((y, r) => grid.xs.forEach((x, c) => {
      const by = sigmoid(x * layer.weights.get(0, j) + y * layer.weights.get(1, j) + layer.bias[j]);
      assert.ok(Math.abs(z[j][r][c] - by) <= 5e-3 + 1e-12, `neuron ${j} at (${x}, ${y}): ${z[j][r][c]} vs ${by}`);
    }));
  }
});

test("neuronOutputs of a deeper layer is that layer's output in the full forward pass", () => {
  const nn = articleNetwork();
  const grid = neuronGrid(split.XTest, 5);
  const z = neuronOutputs(nn, 2, grid);
  assert.equal(z.length, 25);
  for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) {
    nn.forwardSample(grid.points.data, 2 * (r * 5 + c));
    const o = nn.layers[2].lastActivation;
    for (let j = 0; j < 25; j++) assert.equal(z[j][r][c], Math.round(o[j] * 100) / 100);
  }
});

test("neuronViewFigure: one heat map per neuron on its own axes, side by side without overlap, one colour scale", () => {
  const nn = articleNetwork();
  const fig = neuronViewFigure(nn, { layer: 1, points: { X: split.XTest, y: split.yTest } });
  const maps = fig.data.filter((d) => d.type === "heatmap") as { xaxis: string; yaxis: string; showscale: boolean; zmin: number; zmax: number }[];
  assert.equal(maps.length, 50);
  assert.equal(maps.filter((m) => m.showscale).length, 1);
  assert.ok(maps.every((m) => m.zmin === 0 && m.zmax === 1), "sigmoid outputs: 0 to 1");
  assert.equal(new Set(maps.map((m) => m.xaxis)).size, 50);
  const layout = fig.layout as Record<string, { domain: [number, number] }>;
  const boxes = maps.map((m) => ({ x: layout[m.xaxis.replace("x", "xaxis")].domain, y: layout[m.yaxis.replace("y", "yaxis")].domain }));
  for (const b of boxes) assert.ok(b.x[0] >= 0 && b.x[1] <= 1 && b.y[0] >= 0 && b.y[1] <= 1 && b.x[0] < b.x[1] && b.y[0] < b.y[1]);
  for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
    const apart = boxes[a].x[1] <= boxes[b].x[0] || boxes[b].x[1] <= boxes[a].x[0] || boxes[a].y[1] <= boxes[b].y[0] || boxes[b].y[1] <= boxes[a].y[0];
    assert.ok(apart, `maps ${a} and ${b} overlap`);
  }
  assert.match(String((fig.layout.title as { text: string }).text), /layers\[1\] \(hidden layer 2 of 3, 25x50\): each neuron's output over the plane/);
  const tanh = neuronViewFigure(articleNetwork({ hidden: "tanh" }), { layer: 0, points: { X: split.XTest, y: split.yTest } });
  assert.ok(tanh.data.filter((d) => d.type === "heatmap").every((d) => (d as { zmin: number }).zmin === -1));
});

test("neuronViewFigure refuses a layer that is not there, and needs a plane", () => {
  const nn = articleNetwork();
  assertRejects(() => neuronViewFigure(nn, { layer: 4, points: { X: split.XTest, y: split.yTest } }), "neuronViewFigure", /options: layer must be an integer in \[0, 3\] \(0 is the first hidden layer\), got 4/);
  assertRejects(() => neuronViewFigure(nn, { layer: 0 }), "neuronViewFigure", /needs a grid or points/);
  assertRejects(() => neuronOutputs(nn, -1, neuronGrid(split.XTest)), "neuronOutputs", /layer must be an integer/);
});

test("liveFrames with neurons: a neuron view with every frame, of the network as it is at that frame", () => {
  const nn = articleNetwork();
  let frames = 0;
  const views: number[][][][] = [];
  const live = liveFrames(nn, { X: split.XTest, y: split.yTest }, () => void frames++, {
    title: "t", epochs: 3, everyMs: Infinity,
    neurons: { layer: 0, onFrame: (f) => void views.push(f.data.filter((d) => d.type === "heatmap").map((d) => (d as { z: number[][] }).z)) },
  });
  nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, 0.5, 3, live.train);
  assert.equal(views.length, frames);
  assert.ok(frames >= 2);
  assert.deepEqual(views[views.length - 1], neuronOutputs(nn, 0, neuronGrid(split.XTest)), "the last view is the trained network's");
  assert.notDeepEqual(views[0], views[views.length - 1], "the first view is the untrained network's");
});
