/**
 * The picture of a training run while it trains: the train MSE and the test
 * accuracy so far (the reference run's curves behind them in grey), and the
 * decision boundary the network draws now, over the test points. Plain
 * figures built from records and a grid; whoever shows them (the notebook's
 * display, a web page) redraws the whole figure with each new frame.
 */
import type { Data } from "plotly.js";
import { type Figure, type Grid, BOUNDARY_SHADES, CLASS_COLORS, classOneScore, gridAround } from "./figures";
import type { EpochRecord } from "../core/history";
import type { Matrix } from "../core/matrix";
import type { NeuralNetwork, TrainOptions } from "../core/network";
import { neuronGrid, neuronViewFigure } from "./neuron-view";

/** What one frame shows. */
export interface TrainingView {
  title: string;
  /** The run's records so far. */
  records: readonly EpochRecord[];
  /** The reference run's records (as many as are known), drawn in grey. */
  reference?: readonly EpochRecord[];
  /** The last epoch of the run: the curves' x axis ends there. */
  epochs: number;
  /** The network's class-1 score on `grid` (rows over grid.ys), from `classOneScore`. */
  boundary: { grid: Grid; z: number[][] };
  /** The points drawn over the boundary (the test set). */
  points: { X: Matrix; y: ArrayLike<number> };
}

const GHOST = "#b0b0b0";
const RUN = ["#1f77b4", "#d62728"] as const; // MSE, accuracy

/** A coarse grid for live frames: 40 x 40 scores are quick to compute and small to send. */
export function liveGrid(X: Matrix, resolution = 40): Grid {
  return gridAround(X, resolution);
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

/** One frame: MSE (log scale) and test accuracy against the epoch, and the decision boundary. */
export function trainingFigure(view: TrainingView): Figure {
  const curve = (records: readonly EpochRecord[], key: "mse" | "accuracy", axis: 1 | 2, ghost: boolean): Partial<Data> => ({
    type: "scatter",
    mode: "lines",
    name: `${ghost ? "reference " : ""}${key === "mse" ? "train MSE" : "test accuracy"}`,
    x: records.map((r) => r.epoch),
    y: records.map((r) => round(r[key], 6)),
    xaxis: axis === 1 ? "x" : "x2",
    yaxis: axis === 1 ? "y" : "y2",
    line: ghost ? { color: GHOST, width: 3 } : { color: RUN[axis - 1], width: 2 },
    legendgroup: ghost ? "reference" : "run",
  }) as Partial<Data>;
  const reference = view.reference ?? [];
  const { grid, z } = view.boundary;
  const { X, y } = view.points;
  const classPoints = [0, 1].map((c) => {
    const px: number[] = [];
    const py: number[] = [];
    for (let i = 0; i < X.rows; i++) if (y[i] === c) px.push(round(X.get(i, 0), 3)), py.push(round(X.get(i, 1), 3));
    return { type: "scatter", mode: "markers", name: `class ${c}`, x: px, y: py, xaxis: "x3", yaxis: "y3", marker: { color: CLASS_COLORS[c], size: 5, line: { width: 1, color: "white" } }, showlegend: false } as Partial<Data>;
  });
  const last = view.records[view.records.length - 1];
  const status = last ? `epoch ${last.epoch}/${view.epochs}: MSE ${last.mse.toFixed(4)}, test accuracy ${(last.accuracy * 100).toFixed(2)}%` : "epoch 0: not recorded yet";
  const xRange = [0, Math.max(1, view.epochs)];
  return {
    data: [
      ...(reference.length > 0 ? [curve(reference, "mse", 1, true), curve(reference, "accuracy", 2, true)] : []),
      curve(view.records, "mse", 1, false),
      curve(view.records, "accuracy", 2, false),
      { type: "heatmap", x: grid.xs.map((v) => round(v, 3)), y: grid.ys.map((v) => round(v, 3)), z, zmin: 0, zmax: 1, colorscale: BOUNDARY_SHADES, showscale: false, xaxis: "x3", yaxis: "y3", hoverinfo: "skip", name: "class-1 score" } as Partial<Data>,
      ...classPoints,
    ],
    layout: {
      title: { text: `${view.title}<br><sub>${status}</sub>` },
      width: 980,
      height: 380,
      margin: { t: 70, l: 50, r: 20, b: 45 },
      legend: { orientation: "h", x: 0, y: -0.18 },
      xaxis: { domain: [0, 0.3], range: xRange, title: { text: "epoch" } },
      yaxis: { type: "log", title: { text: "train MSE" } },
      xaxis2: { domain: [0.37, 0.67], range: xRange, title: { text: "epoch" } },
      yaxis2: { anchor: "x2", range: [0.4, 1], tickformat: ".0%", title: { text: "test accuracy" } },
      xaxis3: { domain: [0.72, 1], showgrid: false, zeroline: false },
      yaxis3: { anchor: "x3", showgrid: false, zeroline: false, scaleanchor: "x3" },
      uirevision: "live",
    } as Figure["layout"],
  };
}

/**
 * Training callbacks (`train`) that build a frame at epoch 0, then at most
 * every `everyMs` milliseconds (and at least 19 frame-times apart), and after
 * the last epoch, and hand it to `onFrame`; `draw()`
 * builds one now (e.g. after a run that diverged). `reference` is asked for
 * the reference run's records each time, so a reference that is still
 * training elsewhere shows as far as it has got.
 */
export function liveFrames(
  network: NeuralNetwork,
  points: { X: Matrix; y: ArrayLike<number> },
  onFrame: (figure: Figure) => void,
  options: {
    title: string;
    epochs: number;
    everyMs?: number;
    reference?: () => readonly EpochRecord[];
    /** Also a neuron view of this layer with every frame (neuron-view.ts), handed to its own `onFrame`; its time counts in the frames' budget. */
    neurons?: { layer: number; onFrame: (figure: Figure) => void };
  },
): { train: TrainOptions; draw(): void } {
  const grid = liveGrid(points.X);
  const neurons = options.neurons;
  const neuronPlane = neurons ? neuronGrid(points.X) : undefined;
  const everyMs = options.everyMs ?? 400;
  const records: EpochRecord[] = [];
  let shownAt = -Infinity;
  let gap = everyMs;
  const draw = (): void => {
    shownAt = Date.now();
    onFrame(trainingFigure({ title: options.title, records, reference: options.reference?.(), epochs: options.epochs, boundary: { grid, z: classOneScore(network, grid) }, points }));
    if (neurons) neurons.onFrame(neuronViewFigure(network, { layer: neurons.layer, grid: neuronPlane }));
    // At least 19 times a frame's own time between frames, so the picture never
    // takes more than about 5 % of the run, however busy the machine is.
    gap = Math.max(everyMs, 19 * (Date.now() - shownAt));
  };
  return {
    train: {
      onRecord: (record) => void records.push(record),
      onEpoch: (epoch, maxEpochs) => {
        if (epoch === maxEpochs || Date.now() - shownAt >= gap) draw();
      },
    },
    draw,
  };
}
