/**
 * Your rules (or your step) against the library's, layer by layer, in the
 * style of makemore's `cmp`: on the same training samples, from the same
 * weights, is each layer's delta and weight gradient exactly the library's,
 * approximately, and by how much at most do they differ? Beside it, the
 * finite-difference verdict of `gradientCheck` for each layer: whether your
 * gradient is right, whatever the library says.
 */
import { articleData } from "./experiment";
import { type GradientCheckResult, gradientCheck } from "./gradient-check";
import { type Candidate, type LabSettings, describeCandidate, labNetwork, labSettings } from "./lab";
import { oneHot } from "../core/metrics";
import type { NeuralNetwork } from "../core/network";
import { describe } from "../core/validate";

/** How two arrays compare, as makemore's cmp prints it. */
export interface Agreement {
  /** Every value the very same double. */
  exact: boolean;
  /** Every |a - b| <= ATOL + RTOL * |b|. */
  approximate: boolean;
  maxDiff: number;
}

/** Tolerances of "approximate": a different order of additions passes, a wrong factor does not (double precision). */
export const RTOL = 1e-9;
export const ATOL = 1e-15;

export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): Agreement {
  let exact = a.length === b.length;
  let approximate = exact;
  let maxDiff = exact ? 0 : Infinity;
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const d = Math.abs(a[k] - b[k]);
    if (!Object.is(a[k], b[k])) exact = false;
    if (!(d <= ATOL + RTOL * Math.abs(b[k]))) approximate = false;
    if (!Number.isNaN(maxDiff) && !(d <= maxDiff)) maxDiff = Number.isNaN(d) ? NaN : d; // a NaN, once seen, stays
  }
  return { exact, approximate, maxDiff };
}

export interface LayerComparison {
  layer: number;
  shape: string;
  /** null when your step does not return its deltas. */
  delta: Agreement | null;
  /** dL/dW, from what one step does to the weights. */
  gradient: Agreement;
}

export interface CandidateCheck {
  candidate: string;
  samples: number[];
  layers: LayerComparison[];
  /** The finite-difference check of your rules or step on the first sample. */
  gradientCheck: GradientCheckResult;
  /** A compact table: per layer, delta and dL/dW against the library, and the finite-difference verdict. */
  report(): string;
}

/**
 * One step on one sample at lr = 1: every layer's delta (from the rules, or
 * what the step returned) and dL/dW = W_before - W_after (delta = -dL/dz, so
 * a step adds lr * o_i * delta_j = -lr * dL/dW_ij). The network is left as it was.
 */
function oneStep(nn: NeuralNetwork, x: Float64Array, y: Float64Array): { deltas: Float64Array[] | null; gradients: Float64Array[] } {
  const before = nn.layers.map((l) => ({ w: l.weights.data.slice(), b: l.bias.slice() }));
  try {
    let deltas: Float64Array[] | null;
    if (nn.step) {
      const returned = nn.step(nn.layers, x.slice(), y.slice(), 1);
      const ok = Array.isArray(returned) && returned.length === nn.layers.length && returned.every((d, l) => d instanceof Float64Array && d.length === nn.layers[l].nNeurons);
      deltas = ok ? (returned as Float64Array[]).map((d) => d.slice()) : null;
    } else {
      nn.backpropagation(x, y, 1);
      deltas = nn.layers.map((l) => l.delta.slice());
    }
    return { deltas, gradients: nn.layers.map((l, i) => before[i].w.map((w, k) => w - l.weights.data[k])) };
  } finally {
    nn.layers.forEach((l, i) => (l.weights.data.set(before[i].w), l.bias.set(before[i].b)));
  }
}

/** Merges per-sample agreements: exact and approximate on every sample, the largest difference. */
function merge(a: Agreement | null, b: Agreement | null): Agreement | null {
  if (a === null || b === null) return null;
  return { exact: a.exact && b.exact, approximate: a.approximate && b.approximate, maxDiff: Number.isNaN(a.maxDiff) || Number.isNaN(b.maxDiff) ? NaN : Math.max(a.maxDiff, b.maxDiff) };
}

/**
 * Compares the candidate with the library's rules on training samples
 * `options.samples` (default the first three), each from the initial weights
 * of `settings.seed`, and runs the gradient check on the first of them.
 */
export function checkCandidate(candidate: Candidate, settings: Partial<LabSettings> = {}, options: { samples?: number[] } = {}): CandidateCheck {
  const s = labSettings(settings, "checkCandidate");
  const mine = labNetwork(candidate, s, "checkCandidate");
  const library = labNetwork({}, s, "checkCandidate");
  const { split } = articleData();
  const samples = options.samples ?? [0, 1, 2];
  if (!Array.isArray(samples) || samples.length === 0 || samples.some((i) => !Number.isInteger(i) || i < 0 || i >= split.XTrain.rows)) {
    throw new Error(`checkCandidate: options.samples must be a non-empty array of training-sample indices in [0, ${split.XTrain.rows - 1}], got ${describe(samples)}`);
  }
  const targets = oneHot(split.yTrain, 2);
  let layers: LayerComparison[] = [];
  samples.forEach((index, n) => {
    const x = split.XTrain.row(index);
    const y = targets.row(index);
    const a = oneStep(mine, x, y);
    const b = oneStep(library, x, y);
    const now = mine.layers.map((layer, l): LayerComparison => ({
      layer: l,
      shape: `${layer.nInput}x${layer.nNeurons}`,
      delta: a.deltas && b.deltas ? agreement(a.deltas[l], b.deltas[l]) : null,
      gradient: agreement(a.gradients[l], b.gradients[l]),
    }));
    layers = n === 0 ? now : layers.map((c, l) => ({ ...c, delta: merge(c.delta, now[l].delta), gradient: merge(c.gradient, now[l].gradient)! }));
  });
  const check = gradientCheck(mine, split.XTrain.row(samples[0]), targets.row(samples[0]));
  const name = describeCandidate(candidate);
  return { candidate: name, samples, layers, gradientCheck: check, report: () => renderCheck(name, samples, layers, check) };
}

const yes = (v: boolean): string => (v ? "yes" : "NO");
const num = (v: number): string => (v === 0 ? "0" : Number.isFinite(v) ? v.toExponential(1) : String(v));

function renderCheck(name: string, samples: number[], layers: LayerComparison[], check: GradientCheckResult): string {
  const row = (label: string, a: Agreement | null, fd: string): string =>
    `${label.padEnd(16)} ${a ? `${yes(a.exact).padEnd(6)} ${yes(a.approximate).padEnd(12)} ${num(a.maxDiff).padEnd(9)}` : "(your step returns no deltas)".padEnd(29)} ${fd}`.trimEnd();
  const lines = [
    `${name[0].toUpperCase()}${name.slice(1)} against the library's, on training samples ${samples.join(", ")}; finite differences on sample ${samples[0]}:`,
    `${"".padEnd(16)} ${"exact".padEnd(6)} ${"approximate".padEnd(12)} ${"maxdiff".padEnd(9)} finite differences`,
  ];
  for (const c of layers) {
    const g = check.layers[c.layer];
    lines.push(row(`layers[${c.layer}] delta`, c.delta, ""));
    lines.push(row(`layers[${c.layer}] dL/dW`, c.gradient, `${g.verdict} (max rel err ${num(g.maxRelativeError)})`));
  }
  const same = layers.every((c) => c.gradient.exact && (c.delta === null || c.delta.exact));
  const close = layers.every((c) => c.gradient.approximate && (c.delta === null || c.delta.approximate));
  lines.push(
    same ? "Verdict: the library's numbers, bit for bit." :
      close ? "Verdict: the library's numbers up to rounding (a different order of operations)." :
        `Verdict: not the library's gradient; the finite differences say ${check.verdict}. The highest layer that says NO is where the error starts (it travels backwards).`,
  );
  return lines.join("\n");
}
