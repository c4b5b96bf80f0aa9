import type { Config, Data, Layout } from "plotly.js";
import type { Activation } from "../core/activation";
import type { TrainingHistory } from "../core/history";
import { Matrix, MatrixLike } from "../core/matrix";
import type { NeuralNetwork } from "../core/network";

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

/** `hex` mixed with white: 0 keeps it, 1 is white. */
function lighten(hex: string, amount: number): string {
  const channel = (i: number): string => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
    return Math.round(c + (255 - c) * amount).toString(16).padStart(2, "0");
  };
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}

/**
 * The decision-boundary background: Spectral, 60 % of the way to white, so
 * the data points (full class colour, white outline) stand out on every
 * shade, as in TensorFlow Playground.
 */
export const BOUNDARY_SHADES: [number, string][] = SPECTRAL.map(([t, c]) => [t, lighten(c, 0.6)]);

/** Points drawn over a boundary: full class colour, a white outline that parts them from the shade and from each other. */
const POINT_OUTLINE = 1.5;

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
    return { type: "scatter", mode: "markers", name: `class ${c}`, x, y, marker: { color: CLASS_COLORS[c], size: outline > 0 ? 7 : 6, line: { width: outline, color: "white" } } } as Partial<Data>;
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
    // Four decimals are plenty for a colour and keep the figure's JSON small.
    return p0 + p1 > 0 ? Math.round((p1 / (p0 + p1)) * 1e4) / 1e4 : 0.5;
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
  const grid = gridAround(points, options.resolution ?? 150);
  const z = classOneScore(network, grid);
  return {
    data: [
      { type: "contour", x: grid.xs, y: grid.ys, z, zmin: 0, zmax: 1, colorscale: BOUNDARY_SHADES, ncontours: 25, contours: { coloring: "fill", showlines: false }, name: "class-1 score", colorbar: { title: { text: "score" } } } as Partial<Data>,
      { type: "contour", x: grid.xs, y: grid.ys, z, showscale: false, contours: { coloring: "none", start: 0.5, end: 0.5, size: 1 }, line: { color: "#333", width: 2 }, name: "0.5", hoverinfo: "skip" } as Partial<Data>,
      ...classTraces(points, y, "decisionBoundaryFigure", POINT_OUTLINE),
    ],
    layout: { title: { text: options.title ?? "Decision boundary" }, ...AXES, width: 720, height: 560, legend: { x: 1.15, y: 1 } },
  };
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Several named lines on one chart, e.g. the MSE of three activations side by side. */
export function curvesFigure(series: Series[], options: { title: string; xTitle: string; yTitle: string; yFormat?: string }): Figure {
  if (series.length === 0) throw new Error(`curvesFigure("${options.title}"): series must be non-empty`);
  series.forEach((s) => assertSeries(s.x, s.y, `curvesFigure("${options.title}"), series "${s.name}"`));
  return {
    data: series.map((s) => ({ type: "scatter", mode: "lines", name: s.name, x: Array.from(s.x), y: Array.from(s.y) })),
    layout: {
      title: { text: options.title },
      xaxis: { title: { text: options.xTitle } },
      yaxis: { title: { text: options.yTitle }, ...(options.yFormat ? { tickformat: options.yFormat } : {}) },
      width: 760,
      height: 440,
    },
  };
}

/** One box per group with every value drawn as a point beside it (e.g. final accuracy over seeds). */
export function stripFigure(groups: { name: string; values: number[] }[], options: { title: string; yTitle: string; yFormat?: string }): Figure {
  if (groups.length === 0) throw new Error(`stripFigure("${options.title}"): groups must be non-empty`);
  groups.forEach((g) => {
    if (g.values.length === 0) throw new Error(`stripFigure("${options.title}"): group "${g.name}" has no values`);
  });
  return {
    data: groups.map((g) => ({ type: "box", name: g.name, y: g.values, boxpoints: "all", jitter: 0.4, pointpos: -1.6 }) as Partial<Data>),
    layout: { title: { text: options.title }, yaxis: { title: { text: options.yTitle }, ...(options.yFormat ? { tickformat: options.yFormat } : {}) }, width: 640, height: 440, showlegend: false },
  };
}

/** The class-1 score over a grid at one moment of training. */
export interface BoundarySnapshot {
  epoch: number;
  z: number[][];
}

/**
 * The decision boundary as it forms: one frame per snapshot, with a play
 * button and an epoch slider (the frames replace the contour trace only).
 */
export function boundaryAnimationFigure(grid: Grid, snapshots: BoundarySnapshot[], X: MatrixLike, y: ArrayLike<number>, title = "Decision boundary during training"): Figure {
  if (snapshots.length === 0) throw new Error("boundaryAnimationFigure: snapshots must be non-empty");
  snapshots.forEach((s) => {
    if (s.z.length !== grid.ys.length || s.z.some((row) => row.length !== grid.xs.length)) {
      throw new Error(`boundaryAnimationFigure: snapshot of epoch ${s.epoch} must be ${grid.ys.length} x ${grid.xs.length} (ys x xs) like the grid`);
    }
  });
  const points = Matrix.from(X, "boundaryAnimationFigure: X");
  const contour = (z: number[][]): Partial<Data> =>
    ({ type: "contour", x: grid.xs, y: grid.ys, z, zmin: 0, zmax: 1, colorscale: BOUNDARY_SHADES, ncontours: 25, contours: { coloring: "fill", showlines: false }, showscale: false }) as Partial<Data>;
  const frames = snapshots.map((s) => ({ name: String(s.epoch), data: [contour(s.z)] }));
  return {
    data: [contour(snapshots[0].z), ...classTraces(points, y, "boundaryAnimationFigure", POINT_OUTLINE)],
    frames,
    layout: {
      title: { text: title },
      ...AXES,
      width: 720,
      height: 620,
      updatemenus: [{
        type: "buttons", showactive: false, x: 0, y: -0.12, xanchor: "left", yanchor: "top",
        buttons: [{ label: "Play", method: "animate", args: [null, { frame: { duration: 300, redraw: true }, fromcurrent: true, transition: { duration: 0 } }] }],
      }],
      sliders: [{
        active: 0, x: 0.12, y: -0.08, len: 0.88, currentvalue: { prefix: "epoch " },
        steps: snapshots.map((s) => ({ label: String(s.epoch), method: "animate", args: [[String(s.epoch)], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } }] })),
      }],
    } as Partial<Layout>,
  };
}

/**
 * The network drawn as layers of nodes joined by every weight: blue for
 * positive, red for negative, thicker for larger |W|. Edges are grouped into
 * a few traces by sign and size so thousands of them stay fast to draw.
 */
export function networkDiagramFigure(network: NeuralNetwork, title = "Network weights"): Figure {
  const sizes = [network.nInputs, ...network.layers.map((l) => l.nNeurons)];
  const tallest = Math.max(...sizes);
  const nodeY = (layer: number, i: number) => ((i + 0.5) / sizes[layer]) * tallest;
  let maxAbs = 0;
  network.layers.forEach((l) => l.weights.data.forEach((w) => (maxAbs = Math.max(maxAbs, Math.abs(w)))));
  const bins = 4;
  const groups = new Map<string, { x: (number | null)[]; y: (number | null)[]; width: number; color: string; name: string }>();
  network.layers.forEach((layer, l) => {
    for (let i = 0; i < layer.nInput; i++) {
      for (let j = 0; j < layer.nNeurons; j++) {
        const w = layer.weights.get(i, j);
        const bin = Math.min(bins - 1, Math.floor((Math.abs(w) / (maxAbs || 1)) * bins));
        const key = `${w >= 0 ? "+" : "-"}${bin}`;
        if (!groups.has(key)) {
          groups.set(key, {
            x: [], y: [], width: 0.5 + 1.5 * bin,
            color: w >= 0 ? `rgba(49,130,189,${0.25 + 0.25 * bin})` : `rgba(214,39,40,${0.25 + 0.25 * bin})`,
            name: `${w >= 0 ? "W > 0" : "W < 0"}, |W| in [${((bin / bins) * maxAbs).toFixed(2)}, ${(((bin + 1) / bins) * maxAbs).toFixed(2)}]`,
          });
        }
        const g = groups.get(key)!;
        g.x.push(l, l + 1, null);
        g.y.push(nodeY(l, i), nodeY(l + 1, j), null);
      }
    }
  });
  const edges = Array.from(groups.entries())
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => ({ type: "scatter", mode: "lines", name: g.name, x: g.x, y: g.y, line: { color: g.color, width: g.width }, hoverinfo: "skip" }) as Partial<Data>);
  const nodes: Partial<Data> = {
    type: "scatter", mode: "markers", name: "neurons", showlegend: false,
    x: sizes.flatMap((n, l) => new Array<number>(n).fill(l)),
    y: sizes.flatMap((n, l) => Array.from({ length: n }, (_, i) => nodeY(l, i))),
    marker: { size: 7, color: "#222" },
  };
  return {
    data: [...edges, nodes],
    layout: {
      title: { text: `${title} (${sizes.join("-")})` },
      xaxis: { tickvals: sizes.map((_, l) => l), ticktext: sizes.map((n, l) => (l === 0 ? `input (${n})` : l === sizes.length - 1 ? `output (${n})` : `hidden ${l} (${n})`)), zeroline: false, showgrid: false },
      yaxis: { visible: false },
      width: 820,
      height: 560,
    },
  };
}

/** Puts a figure's y axis on a log scale with plain tick labels (for MSE curves); returns the figure. */
export function logScale(figure: Figure, tickvals: number[] = [0.02, 0.03, 0.05, 0.1, 0.2, 0.3]): Figure {
  figure.layout.yaxis = { ...figure.layout.yaxis, type: "log", tickvals };
  return figure;
}
