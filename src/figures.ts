import type { Config, Data, Layout } from "plotly.js";
import type { Activation } from "./activation";
import type { TrainingHistory } from "./history";
import { Matrix, MatrixLike } from "./matrix";
import type { NeuralNetwork } from "./network";

/**
 * A Plotly figure as plain JSON: `{ data, layout }`. plotly.js itself only
 * runs in a browser, so Node code builds these objects and the display
 * helper or the HTML export hands them to plotly.js on the page.
 */
export interface Figure {
  data: Partial<Data>[];
  layout: Partial<Layout>;
  config?: Partial<Config>;
  frames?: { name: string; data: Partial<Data>[]; layout?: Partial<Layout> }[];
}

/** The two ends of matplotlib's Spectral colormap, which the article's scatter uses for labels 0 and 1. */
export const CLASS_COLORS = ["#9e0142", "#5e4fa2"] as const;
/** Spectral, low to high, for the decision-boundary fill. */
export const SPECTRAL: [number, string][] = [
  [0, "#9e0142"], [0.1, "#d53e4f"], [0.2, "#f46d43"], [0.3, "#fdae61"], [0.4, "#fee08b"],
  [0.5, "#ffffbf"], [0.6, "#e6f598"], [0.7, "#abdda4"], [0.8, "#66c2a5"], [0.9, "#3288bd"], [1, "#5e4fa2"],
];

const AXES = { xaxis: { title: { text: "x<sub>1</sub>" } }, yaxis: { title: { text: "x<sub>2</sub>" } } };

function assertSeries(x: ArrayLike<number>, y: ArrayLike<number>, where: string, xName = "x", yName = "y"): void {
  if (x.length === 0) throw new Error(`${where}: ${xName} must be non-empty`);
  if (x.length !== y.length) throw new Error(`${where}: ${xName} and ${yName} must have the same length, got ${x.length} and ${y.length}`);
}

/** One marker trace per class, coloured like the article's Spectral scatter. */
function classTraces(X: Matrix, labels: ArrayLike<number>, where: string, outline = 0): Partial<Data>[] {
  assertSeries(labels, labels, where, "y");
  if (X.rows !== labels.length) throw new Error(`${where}: X and y must have the same length, got ${X.rows} rows and ${labels.length} labels`);
  if (X.cols !== 2) throw new Error(`${where}: X must have 2 columns (x1, x2), got ${X.cols}`);
  return [0, 1].map((c) => {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < X.rows; i++) if (labels[i] === c) x.push(X.get(i, 0)), y.push(X.get(i, 1));
    return { type: "scatter", mode: "markers", name: `class ${c}`, x, y, marker: { color: CLASS_COLORS[c], size: 6, line: { width: outline, color: "white" } } } as Partial<Data>;
  });
}

/** The article's dataset figure: the two moons, one colour per label. */
export function datasetFigure(X: MatrixLike, y: ArrayLike<number>, title = "Classification Dataset Visualization"): Figure {
  const points = Matrix.from(X, "datasetFigure: X");
  return {
    data: classTraces(points, y, "datasetFigure"),
    layout: { title: { text: title }, ...AXES, width: 720, height: 560, legend: { x: 1.02, y: 1 } },
  };
}

/** A line chart of one series against another. */
export function lineFigure(x: ArrayLike<number>, y: ArrayLike<number>, options: { title: string; xTitle: string; yTitle: string; name?: string }): Figure {
  assertSeries(x, y, `lineFigure("${options.title}")`);
  return {
    data: [{ type: "scatter", mode: "lines", name: options.name ?? options.yTitle, x: Array.from(x), y: Array.from(y), line: { color: "#1f77b4" } }],
    layout: { title: { text: options.title }, xaxis: { title: { text: options.xTitle } }, yaxis: { title: { text: options.yTitle } }, width: 720, height: 440 },
  };
}

/** Train MSE at every recorded epoch of the whole run (the article only plots the first 100 epochs). */
export function mseFigure(history: TrainingHistory, title = "MSE Loss"): Figure {
  return lineFigure(history.epochs, history.mse, { title, xTitle: "Epoch", yTitle: "MSE" });
}

/** Test accuracy at every recorded epoch of the whole run. */
export function accuracyFigure(history: TrainingHistory, title = "Accuracy"): Figure {
  const fig = lineFigure(history.epochs, history.accuracy, { title, xTitle: "Epoch", yTitle: "Accuracy" });
  fig.layout.yaxis = { ...fig.layout.yaxis, tickformat: ".0%" };
  return fig;
}

/** f(z) and f'(z) over [-range, range], the derivative computed from the output as backpropagation does. */
export function activationFigure(activation: Activation, range = 6, points = 241): Figure {
  if (!(range > 0) || !Number.isInteger(points) || points < 2) {
    throw new Error(`activationFigure: range must be > 0 and points an integer >= 2, got ${range} and ${points}`);
  }
  const z = Array.from({ length: points }, (_, i) => -range + (2 * range * i) / (points - 1));
  const o = z.map((v) => activation.fn(v));
  return {
    data: [
      { type: "scatter", mode: "lines", name: `${activation.name}(z)`, x: z, y: o },
      { type: "scatter", mode: "lines", name: "derivative", x: z, y: o.map((v) => activation.derivative(v)), line: { dash: "dash" } },
    ],
    layout: { title: { text: activation.name }, xaxis: { title: { text: "z" }, zeroline: true }, yaxis: { zeroline: true }, width: 480, height: 360 },
  };
}

export interface Grid {
  xs: number[];
  ys: number[];
  /** Every grid point as a row (x1, x2), row-major over ys then xs. */
  points: Matrix;
}

/** A resolution x resolution grid covering the data plus a margin. */
export function gridAround(X: Matrix, resolution = 200, margin = 0.5): Grid {
  if (!Number.isInteger(resolution) || resolution < 2) throw new Error(`gridAround: resolution must be an integer >= 2, got ${resolution}`);
  const range = (col: number): number[] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < X.rows; i++) (lo = Math.min(lo, X.get(i, col))), (hi = Math.max(hi, X.get(i, col)));
    return Array.from({ length: resolution }, (_, k) => lo - margin + ((hi - lo + 2 * margin) * k) / (resolution - 1));
  };
  const xs = range(0);
  const ys = range(1);
  const points = new Matrix(resolution * resolution, 2);
  ys.forEach((yv, r) => xs.forEach((xv, c) => (points.set(r * resolution + c, 0, xv), points.set(r * resolution + c, 1, yv))));
  return { xs, ys, points };
}

/**
 * The class-1 share of the network's scores, p1 / (p0 + p1), at every grid
 * point: its 0.5 level is exactly where the argmax prediction flips.
 */
export function classOneScore(network: NeuralNetwork, grid: Grid): number[][] {
  const scores = network.probabilitiesOf(grid.points);
  const n = grid.xs.length;
  return grid.ys.map((_, r) => grid.xs.map((__, c) => {
    const p0 = scores.get(r * n + c, 0);
    const p1 = scores.get(r * n + c, 1);
    return p0 + p1 > 0 ? p1 / (p0 + p1) : 0.5;
  }));
}

/** Filled contour of the network's class-1 score, the 0.5 line, and the data on top (the article's make_plot with preds). */
export function decisionBoundaryFigure(
  network: NeuralNetwork,
  X: MatrixLike,
  y: ArrayLike<number>,
  options: { title?: string; resolution?: number } = {},
): Figure {
  const points = Matrix.from(X, "decisionBoundaryFigure: X");
  if (network.nOutputs !== 2 || network.nInputs !== 2) {
    throw new Error(`decisionBoundaryFigure: network must map 2 inputs to 2 outputs, got ${network.nInputs} -> ${network.nOutputs}`);
  }
  const grid = gridAround(points, options.resolution ?? 200);
  const z = classOneScore(network, grid);
  return {
    data: [
      { type: "contour", x: grid.xs, y: grid.ys, z, zmin: 0, zmax: 1, colorscale: SPECTRAL, ncontours: 25, contours: { coloring: "fill", showlines: false }, name: "class-1 score", colorbar: { title: { text: "score" } } } as Partial<Data>,
      { type: "contour", x: grid.xs, y: grid.ys, z, showscale: false, contours: { coloring: "none", start: 0.5, end: 0.5, size: 1 }, line: { color: "#333", width: 2 }, name: "0.5", hoverinfo: "skip" } as Partial<Data>,
      ...classTraces(points, y, "decisionBoundaryFigure", 0.6),
    ],
    layout: { title: { text: options.title ?? "Decision boundary" }, ...AXES, width: 720, height: 560, legend: { x: 1.15, y: 1 } },
  };
}
