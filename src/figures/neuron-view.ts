/**
 * The neuron view (TensorFlow Playground's signature picture): for one layer,
 * every neuron's output o_j over the plane, each as a small heat map. It
 * shows what the layer has learned to detect: in the first hidden layer each
 * neuron is one soft line across the plane (sigmoid(x W_j + b_j)); deeper
 * layers combine those into curves.
 */
import type { Data } from "plotly.js";
import type { Matrix } from "../core/matrix";
import { type NeuralNetwork, layerLabel } from "../core/network";
import { describe } from "../core/validate";
import { type Figure, type Grid, CLASS_COLORS, gridAround } from "./figures";

/** A coarse grid for neuron views: 16 x 16 outputs per neuron keep a 50-neuron view small enough to send with every live frame. */
export function neuronGrid(X: Matrix, resolution = 16): Grid {
  return gridAround(X, resolution);
}

function checkLayer(network: NeuralNetwork, layer: unknown, where: string): number {
  if (!Number.isInteger(layer) || (layer as number) < 0 || (layer as number) >= network.layers.length) {
    throw new Error(`${where}: layer must be an integer in [0, ${network.layers.length - 1}] (0 is the first hidden layer), got ${describe(layer)}`);
  }
  return layer as number;
}

/**
 * Every neuron's output of `layer` at every grid point: z[j][row][col] for
 * neuron j, rows over grid.ys. The forward pass stops at that layer; the
 * outputs are rounded to 2 decimals (plenty for a colour, and small to send).
 */
export function neuronOutputs(network: NeuralNetwork, layer: number, grid: Grid): number[][][] {
  const l = checkLayer(network, layer, "neuronOutputs");
  const layers = network.layers;
  const n = layers[l].nNeurons;
  const cols = grid.xs.length;
  const z: number[][][] = Array.from({ length: n }, () => grid.ys.map(() => new Array<number>(cols)));
  const points = grid.points.data;
  for (let r = 0; r < grid.ys.length; r++) {
    for (let c = 0; c < cols; c++) {
      let o = layers[0].forward(points, 2 * (r * cols + c)); // o = f(x W + b), layer by layer up to `layer`
      for (let k = 1; k <= l; k++) o = layers[k].forward(o);
      for (let j = 0; j < n; j++) z[j][r][c] = Math.round(o[j] * 100) / 100;
    }
  }
  return z;
}

/** The colour range of an activation's outputs: sigmoid 0..1, tanh -1..1, otherwise what the outputs span. */
function range(name: string, z: number[][][]): [number, number] {
  if (name === "sigmoid") return [0, 1];
  if (name === "tanh") return [-1, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of z) for (const row of m) for (const v of row) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  return lo < hi ? [lo, hi] : [lo - 1, hi + 1];
}

export interface NeuronViewOptions {
  /** Which layer: 0 is the first hidden layer. */
  layer: number;
  /** The grid to draw on; default a 20 x 20 grid around `points.X`. */
  grid?: Grid;
  /** The data, drawn faintly on every map (default none; the live frames leave it out, it is most of a view's size). */
  points?: { X: Matrix; y: ArrayLike<number> };
  /** Maps per row; default about 1.6 times as many columns as rows. */
  columns?: number;
  title?: string;
}

/** One small heat map per neuron of `options.layer`, in a grid of maps, with a shared colour scale. */
export function neuronViewFigure(network: NeuralNetwork, options: NeuronViewOptions): Figure {
  if (options === null || typeof options !== "object") throw new Error(`neuronViewFigure: options must be an object like { layer: 0 }, got ${describe(options)}`);
  const l = checkLayer(network, options.layer, "neuronViewFigure: options");
  if (!options.grid && !options.points) throw new Error("neuronViewFigure: options needs a grid or points (the plane to draw on)");
  const grid = options.grid ?? neuronGrid(options.points!.X);
  const z = neuronOutputs(network, l, grid);
  const n = z.length;
  const columns = options.columns ?? Math.max(1, Math.ceil(Math.sqrt(n * 1.6)));
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`neuronViewFigure: options.columns must be a positive integer, got ${describe(options.columns)}`);
  const rows = Math.ceil(n / columns);
  const layer = network.layers[l];
  const [zmin, zmax] = range(layer.activation.name, z);
  const gap = 0.012;
  const xs = grid.xs.map((v) => Math.round(v * 1e3) / 1e3);
  const ys = grid.ys.map((v) => Math.round(v * 1e3) / 1e3);
  const data: Partial<Data>[] = [];
  const axes: Record<string, unknown> = {};
  for (let j = 0; j < n; j++) {
    const row = Math.floor(j / columns);
    const col = j % columns;
    const id = j === 0 ? "" : String(j + 1);
    const x0 = col / columns + gap;
    const x1 = (col + 1) / columns - gap;
    const y1 = 1 - row / rows - gap;
    const y0 = 1 - (row + 1) / rows + gap;
    data.push({
      type: "heatmap", x: xs, y: ys, z: z[j], zmin, zmax, colorscale: "RdBu", reversescale: true, showscale: j === 0,
      ...(j === 0 ? { colorbar: { title: { text: `o (${layer.activation.name})` }, thickness: 10, len: 0.6 } } : {}),
      xaxis: `x${id}`, yaxis: `y${id}`, name: `neuron ${j}`, hovertemplate: `neuron ${j}: o = %{z}<extra></extra>`,
    } as Partial<Data>);
    if (options.points) {
      const { X, y } = options.points;
      for (const c of [0, 1]) {
        const px: number[] = [];
        const py: number[] = [];
        for (let i = 0; i < X.rows; i++) if (y[i] === c) px.push(Math.round(X.get(i, 0) * 1e3) / 1e3), py.push(Math.round(X.get(i, 1) * 1e3) / 1e3);
        data.push({ type: "scatter", mode: "markers", x: px, y: py, xaxis: `x${id}`, yaxis: `y${id}`, marker: { color: CLASS_COLORS[c], size: 2, opacity: 0.5 }, hoverinfo: "skip", showlegend: false } as Partial<Data>);
      }
    }
    const hidden = { showticklabels: false, showgrid: false, zeroline: false, ticks: "" };
    axes[`xaxis${id}`] = { ...hidden, domain: [x0, x1], anchor: `y${id}` };
    axes[`yaxis${id}`] = { ...hidden, domain: [y0, y1], anchor: `x${id}` };
  }
  const size = 86;
  return {
    data,
    layout: {
      title: { text: options.title ?? `${layerLabel(l, network.layers)}: each neuron's output over the plane` },
      width: Math.min(980, columns * size + 120),
      height: rows * size + 70,
      margin: { t: 50, l: 10, r: 90, b: 10 },
      showlegend: false,
      uirevision: "neurons",
      ...axes,
    } as Figure["layout"],
  };
}
