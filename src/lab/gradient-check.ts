import { VectorLike, toVector } from "../core/matrix";
import { NeuralNetwork } from "../core/network";
import { describe, optionsObject } from "../core/validate";

/**
 * Gradient checking: compare the gradient backpropagation computes (from the
 * network's CURRENT delta rules) with a central finite difference of the
 * per-sample loss, for every weight and bias. If your hand derivation is
 * wrong, the two disagree.
 */

export interface GradientCheckOptions {
  /**
   * Which central difference: 4 (default) is the fourth-order five-point
   * stencil [-L(w+2h) + 8L(w+h) - 8L(w-h) + L(w-2h)] / 12h; 2 is the textbook
   * [L(w+h) - L(w-h)] / 2h. The textbook one, at its best step 1e-5, leaves a
   * rounding noise of about ulp(L)/h = 1e-11: on the article's network, where
   * many gradients are ~1e-7, that alone reads as relative errors up to ~1e-5
   * on a correct derivation. The stencil's error shrinks like h^4, so it can
   * take h = 1e-3 and the noise falls a hundredfold (worst ~1e-7 over seeds).
   */
  order?: 2 | 4;
  /** The step h, in [1e-12, 1]. Default 1e-3 for order 4, 1e-5 for order 2. */
  epsilon?: number;
  /**
   * Lower bound of the relative error's denominator. Default 1e-7: the
   * stencil's rounding noise is about 1e-13, so a gradient that is exactly 0
   * (a dead relu) and its numerical twin of ~1e-13 still read as < 1e-6,
   * while gradients above 1e-7 are judged on their full relative error.
   */
  floor?: number;
  /** How many of the worst entries to list. Default 5. */
  worst?: number;
}

export type GradientVerdict = "good" | "acceptable" | "suspicious" | "wrong";

/**
 * Upper bounds (exclusive) on the max relative error for each verdict, the
 * rule of thumb from CS231n's notes on gradient checking, for double precision:
 * below 1e-7 the derivation is right; below 1e-4 it is fine for losses with
 * kinks (relu at 0) but a smooth network (sigmoid, tanh) should do better;
 * below 1e-2 something is probably off; above that the gradient is wrong.
 * Deep networks drift upwards a little (errors compound layer by layer).
 */
export const GRADIENT_CHECK_THRESHOLDS = Object.freeze({ good: 1e-7, acceptable: 1e-4, suspicious: 1e-2 } as const);

/** The verdict for a relative error (>= 0; NaN, what a NaN gradient gives, reads as "wrong"). */
export function gradientVerdict(maxRelativeError: number): GradientVerdict {
  if (typeof maxRelativeError !== "number" || maxRelativeError < 0) {
    throw new Error(`gradientVerdict: maxRelativeError must be a number >= 0 (or NaN), got ${describe(maxRelativeError)}`);
  }
  const t = GRADIENT_CHECK_THRESHOLDS;
  if (maxRelativeError < t.good) return "good";
  if (maxRelativeError < t.acceptable) return "acceptable";
  if (maxRelativeError < t.suspicious) return "suspicious";
  return "wrong"; // also NaN, which fails every comparison above
}

/** One weight or bias: dL/dparam from backpropagation and from finite differences. */
export interface GradientCheckEntry {
  layer: number;
  parameter: "weight" | "bias";
  /** Input index of W_ij; 0 for a bias (b is treated as a 1 x nNeurons row). */
  i: number;
  /** Neuron index. */
  j: number;
  analytic: number;
  numerical: number;
  relativeError: number;
}

export interface LayerGradientCheck {
  layer: number;
  nInput: number;
  nNeurons: number;
  weights: { maxRelativeError: number };
  bias: { maxRelativeError: number };
  maxRelativeError: number;
  verdict: GradientVerdict;
}

/** The plain-object form, one per layer, e.g. for `console.table` in a notebook. */
export interface GradientCheckRow {
  layer: number;
  shape: string;
  weightsMaxRelErr: number;
  /** NaN when the network's own step never updates a bias (nothing to check). */
  biasMaxRelErr: number;
  verdict: GradientVerdict;
}

export interface GradientCheckResult {
  order: 2 | 4;
  epsilon: number;
  floor: number;
  layers: LayerGradientCheck[];
  maxRelativeError: number;
  verdict: GradientVerdict;
  /** The largest relative errors, worst first. */
  worst: GradientCheckEntry[];
  rows: GradientCheckRow[];
  /** A fixed-width table: one row per layer, then the worst entries. */
  report(): string;
}

/** |a - n| / max(|a| + |n|, floor); a NaN or infinite gradient counts as infinitely wrong. */
export function relativeError(analytic: number, numerical: number, floor: number): number {
  if (typeof analytic !== "number") throw new Error(`relativeError: analytic must be a number, got ${describe(analytic)}`);
  if (typeof numerical !== "number") throw new Error(`relativeError: numerical must be a number, got ${describe(numerical)}`);
  positiveFinite(floor, "floor", "relativeError");
  const e = Math.abs(analytic - numerical) / Math.max(Math.abs(analytic) + Math.abs(numerical), floor);
  return Number.isFinite(e) ? e : Infinity;
}

function positiveFinite(value: unknown, name: string, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${name} must be a finite number > 0, got ${describe(value)}`);
  }
  return value;
}

const OPTIONS: readonly (keyof GradientCheckOptions)[] = ["order", "epsilon", "floor", "worst"];

export function gradientCheck(
  network: NeuralNetwork,
  x: VectorLike,
  yOneHot: VectorLike,
  options: GradientCheckOptions = {},
): GradientCheckResult {
  // Validate everything before touching a weight.
  if (!(network instanceof NeuralNetwork)) throw new Error("gradientCheck: network must be a NeuralNetwork");
  if (network.layers.length === 0) throw new Error("gradientCheck: network has no layers; call addLayer first");
  const input = toVector(x, "gradientCheck: x");
  if (input.length !== network.nInputs) {
    throw new Error(`gradientCheck: x must have nInputs = ${network.nInputs} values, got ${input.length}`);
  }
  const target = toVector(yOneHot, "gradientCheck: yOneHot");
  if (target.length !== network.nOutputs) {
    throw new Error(`gradientCheck: yOneHot must have nOutputs = ${network.nOutputs} values, got ${target.length}`);
  }
  const given = optionsObject<GradientCheckOptions>(options, OPTIONS, "gradientCheck");
  const order = given.order ?? 4;
  if (order !== 2 && order !== 4) throw new Error(`gradientCheck: options.order must be 2 or 4, got ${describe(order)}`);
  const epsilon = positiveFinite(given.epsilon ?? (order === 4 ? 1e-3 : 1e-5), "options.epsilon", "gradientCheck");
  // A step beyond 1 is no longer a derivative (and near 1e308 the steps themselves overflow);
  // one below 1e-12 drowns in rounding (w + h rounds back to w for |w| > 1e4).
  if (epsilon > 1 || epsilon < 1e-12) throw new Error(`gradientCheck: options.epsilon must be in [1e-12, 1], got ${epsilon}`);
  const floor = positiveFinite(given.floor ?? 1e-7, "options.floor", "gradientCheck");
  const nWorst = given.worst ?? 5;
  if (typeof nWorst !== "number" || !Number.isInteger(nWorst) || nWorst < 0) {
    throw new Error(`gradientCheck: options.worst must be a non-negative integer, got ${describe(nWorst)}`);
  }

  const layers = network.layers;
  // What a rejected check must give back: the per-sample buffers it overwrites.
  const scratch = layers.map((layer) => [layer.lastActivation, layer.error, layer.delta].map((buffer) => [buffer, buffer.slice()] as const));
  try {
    return check(network, input, target, order, epsilon, floor, nWorst);
  } catch (e) {
    for (const [buffer, saved] of scratch.flat()) buffer.set(saved);
    throw e;
  }
}

function check(network: NeuralNetwork, input: Float64Array, target: Float64Array, order: 2 | 4, epsilon: number, floor: number, nWorst: number): GradientCheckResult {
  const layers = network.layers;

  // Analytic gradient, from what training really runs: the network's own
  // step if it has one, else the delta rules (and dL/dW_ij = -o_i delta_j).
  const analyticOf = network.step ? stepGradient(network, input, target) : ruleGradient(network, input, target);

  const output = new Float64Array(network.nOutputs);
  const lossAt = (): number => {
    output.set(network.forwardSample(input)); // a reused buffer: copy before anything else runs
    const loss = network.loss.value(output, target);
    // An overflowing loss makes every difference NaN: that says nothing about the derivation.
    if (!Number.isFinite(loss)) {
      throw new Error(`gradientCheck: the loss is ${loss} at this x and yOneHot (or one options.epsilon step away): the numbers overflow; use smaller x, yOneHot, weights or options.epsilon`);
    }
    return loss;
  };
  lossAt();

  // Central difference on one entry of `values`, restoring the saved value
  // exactly (w + h - h need not give back w bit for bit), even on a throw.
  const numerical = (values: Float64Array, k: number): number => {
    const saved = values[k];
    const lossWith = (step: number): number => {
      values[k] = saved + step;
      return lossAt();
    };
    try {
      if (order === 2) {
        // Divide by the step actually taken, which rounding makes differ from 2h.
        const step = saved + epsilon - (saved - epsilon);
        if (step === 0) throw new Error(`gradientCheck: options.epsilon = ${epsilon} is lost in rounding next to a parameter of ${saved}; use a larger step`);
        return (lossWith(epsilon) - lossWith(-epsilon)) / step;
      }
      const h = epsilon;
      return (-lossWith(2 * h) + 8 * lossWith(h) - 8 * lossWith(-h) + lossWith(-2 * h)) / (12 * h);
    } finally {
      values[k] = saved;
    }
  };

  const worst: GradientCheckEntry[] = [];
  const consider = (entry: Omit<GradientCheckEntry, "relativeError">, error: number): void => {
    if (worst.length === nWorst && (nWorst === 0 || error <= worst[worst.length - 1].relativeError)) return;
    let at = worst.length;
    while (at > 0 && worst[at - 1].relativeError < error) at--;
    worst.splice(at, 0, { ...entry, relativeError: error });
    if (worst.length > nWorst) worst.pop();
  };

  const results: LayerGradientCheck[] = [];
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    const { weights: dW, bias: dB } = analyticOf[l];
    const nOut = layer.nNeurons;
    const W = layer.weights.data;
    let weightsMax = 0;
    for (let i = 0; i < layer.nInput; i++) {
      for (let j = 0; j < nOut; j++) {
        const analytic = dW[i * nOut + j];
        const n = numerical(W, i * nOut + j);
        const e = relativeError(analytic, n, floor);
        if (e > weightsMax) weightsMax = e;
        consider({ layer: l, parameter: "weight", i, j, analytic, numerical: n }, e);
      }
    }
    let biasMax = dB ? 0 : NaN; // NaN: a step that never updates a bias has no bias gradient to check
    for (let j = 0; dB && j < nOut; j++) {
      const analytic = dB[j];
      const n = numerical(layer.bias, j);
      const e = relativeError(analytic, n, floor);
      if (e > biasMax) biasMax = e;
      consider({ layer: l, parameter: "bias", i: 0, j, analytic, numerical: n }, e);
    }
    const layerMax = dB ? Math.max(weightsMax, biasMax) : weightsMax;
    results.push({
      layer: l,
      nInput: layer.nInput,
      nNeurons: nOut,
      weights: { maxRelativeError: weightsMax },
      bias: { maxRelativeError: biasMax },
      maxRelativeError: layerMax,
      verdict: gradientVerdict(layerMax),
    });
  }

  // Leave lastActivation / error / delta as a plain computeDeltas would: the
  // last forward pass above ran with a perturbed parameter.
  network.computeDeltas(input, 0, target);

  const maxRelativeError = Math.max(...results.map((r) => r.maxRelativeError));
  const rows: GradientCheckRow[] = results.map((r) => ({
    layer: r.layer,
    shape: `${r.nInput}x${r.nNeurons}`,
    weightsMaxRelErr: r.weights.maxRelativeError,
    biasMaxRelErr: r.bias.maxRelativeError,
    verdict: r.verdict,
  }));
  const verdict = gradientVerdict(maxRelativeError);
  // A relu has a kink at z = 0: a difference whose steps straddle it measures
  // the jump, not the derivative, so a correct rule can read as wrong there.
  const kinkNote =
    verdict !== "good" && layers.some((layer) => layer.activation.name === "relu")
      ? `note: relu has a kink at z = 0; entries whose steps (up to ${order === 4 ? "2h" : "h"} times the layer's input) cross it disagree even for a correct rule. Retry with a smaller step ({ epsilon: 1e-5 }) or another sample before blaming the derivation.`
      : "";
  return {
    order,
    epsilon,
    floor,
    layers: results,
    maxRelativeError,
    verdict,
    worst,
    rows,
    report: () => renderReport(rows, worst, maxRelativeError, verdict, `order ${order}, h ${sci(epsilon)}${network.step ? ", of the network's own step" : ""}`, kinkNote),
  };
}

/** dL/dW and dL/db of one layer (row-major like its weights); bias null when the step leaves every bias alone. */
interface AnalyticGradient {
  weights: Float64Array;
  bias: Float64Array | null;
}

/** From the delta rules: dL/dW_ij = -o_i delta_j and dL/db_j = -delta_j (delta = -dL/dz, z_j = sum_i o_i W_ij + b_j). */
function ruleGradient(network: NeuralNetwork, input: Float64Array, target: Float64Array): AnalyticGradient[] {
  network.computeDeltas(input, 0, target);
  return network.layers.map((layer, l) => {
    const o = l === 0 ? input : network.layers[l - 1].lastActivation;
    const weights = new Float64Array(layer.nInput * layer.nNeurons);
    for (let i = 0; i < layer.nInput; i++) for (let j = 0; j < layer.nNeurons; j++) weights[i * layer.nNeurons + j] = -(o[i] * layer.delta[j]);
    return { weights, bias: layer.delta.map((d) => -d) };
  });
}

/**
 * From a learner's whole step: the gradient is what the step does to the
 * weights. One step at lr = 1 moves W by -dL/dW, so dL/dW = W_before - W_after;
 * then every weight and bias is put back exactly.
 */
function stepGradient(network: NeuralNetwork, input: Float64Array, target: Float64Array): AnalyticGradient[] {
  const layers = network.layers;
  const before = layers.map((layer) => ({ weights: layer.weights.data.slice(), bias: layer.bias.slice() }));
  try {
    network.step!(layers, input.slice(), target.slice(), 1);
    return layers.map((layer, l) => {
      const moved = layer.bias.some((b, j) => !Object.is(b, before[l].bias[j]));
      return {
        weights: before[l].weights.map((w, k) => w - layer.weights.data[k]),
        bias: moved ? before[l].bias.map((b, j) => b - layer.bias[j]) : null,
      };
    });
  } finally {
    layers.forEach((layer, l) => {
      layer.weights.data.set(before[l].weights);
      layer.bias.set(before[l].bias);
    });
  }
}

const sci = (v: number): string => (Number.isFinite(v) ? v.toExponential(2) : String(v));

function renderReport(
  rows: GradientCheckRow[],
  worst: GradientCheckEntry[],
  maxRelativeError: number,
  verdict: GradientVerdict,
  method: string,
  note: string,
): string {
  const lines = [
    `Gradient check (${method}): max relative error ${sci(maxRelativeError)} -> ${verdict}`,
    `layer  shape      weights max rel err  bias max rel err  verdict`,
  ];
  for (const r of rows) {
    lines.push(
      `${String(r.layer).padStart(5)}  ${r.shape.padEnd(9)}  ${sci(r.weightsMaxRelErr).padStart(19)}  ${(Number.isNaN(r.biasMaxRelErr) ? "not updated" : sci(r.biasMaxRelErr)).padStart(16)}  ${r.verdict}`,
    );
  }
  if (worst.length > 0) {
    lines.push("", "worst entries:", `layer  parameter      analytic     numerical  rel err`);
    for (const w of worst) {
      const name = w.parameter === "weight" ? `W[${w.i}][${w.j}]` : `b[${w.j}]`;
      lines.push(
        `${String(w.layer).padStart(5)}  ${name.padEnd(9)}  ${sci(w.analytic).padStart(12)}  ${sci(w.numerical).padStart(12)}  ${sci(w.relativeError)}`,
      );
    }
  }
  if (note) lines.push("", note);
  return lines.join("\n");
}
