/**
 * Your rules (or your step) against the library's, layer by layer and
 * quantity by quantity, in the style of makemore's `cmp`: on the same
 * training samples, from the same weights, is each layer's error (-dL/do),
 * delta (-dL/dz), weight gradient and bias gradient exactly the library's,
 * approximately, and by how much at most do they differ? Beside it, the
 * finite-difference verdict of `gradientCheck`: whether your gradient is
 * right, whatever the library says.
 *
 * The check calls your functions (it counts how often: a function that
 * counts its own calls starts training with that count) and makes a
 * fingerprint of what they computed, bit for bit, which the lab's run cache
 * keys on (src/lab/lab-cache.ts): a closure whose captured constant changed
 * computes other numbers, so it is not mistaken for the run trained before.
 */
import { type GradientCheckResult, gradientCheck, gradientVerdict } from "./gradient-check";
import { type Candidate, type LabSettings, describeCandidate, labData, labNetwork, labSettings } from "./lab";
import type { HiddenDeltaRule, OutputDeltaRule } from "../core/delta-rules";
import { oneHot } from "../core/metrics";
import { type NeuralNetwork, type TrainingStep, TrainingStepError, layerLabel } from "../core/network";
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
  /** "layers[1] (hidden layer 2 of 3, 25x50)": where it sits, input side to output layer. */
  label: string;
  shape: string;
  /** error = -dL/do (what the rule multiplies by f'(o)); null when your step does not write `layer.error`. */
  error: Agreement | null;
  /** delta = -dL/dz; null when your step neither returns its deltas nor writes `layer.delta`. */
  delta: Agreement | null;
  /** dL/dW, from what one step does to the weights. */
  gradient: Agreement;
  /** dL/db: what one step does to the biases, or -delta where the step leaves them alone (the lesson never updates them); null when neither is known. */
  biasGradient: Agreement | null;
}

/** One quantity of one layer. */
export type Quantity = "error" | "delta" | "dL/dW" | "dL/db";

export interface CandidateCheck {
  candidate: string;
  samples: number[];
  /** layers[0] (input side) first, the output layer last. */
  layers: LayerComparison[];
  /** The finite-difference check of your rules or step on the first sample. */
  gradientCheck: GradientCheckResult;
  /** The first quantity that is not the library's, searching from the output layer back (where an error starts: it travels towards the input). */
  firstWrong: { layer: number; quantity: Quantity } | null;
  /** How many times the check called your functions (your rules or step; the library's are not counted). */
  calls: number;
  /** Whether your functions gave the very same numbers when the first sample was checked again (false: they keep state, or draw random numbers). */
  repeatable: boolean;
  /** A digest of every number your functions computed in the check, bit for bit. */
  fingerprint: string;
  /** The table: per layer, each quantity against the library, and the finite-difference verdicts. */
  report(): string;
}

/** What one step on one sample computed, per layer (null: not observable for this candidate). */
interface StepNumbers {
  errors: (Float64Array | null)[];
  deltas: (Float64Array | null)[];
  gradients: Float64Array[];
  biasGradients: (Float64Array | null)[];
}

/**
 * One step on one sample at lr = 1, from a fresh start (every `error` and
 * `delta` zero, as in a new network): each layer's error and delta (what the
 * rules wrote; for a step, what it returned or wrote), dL/dW = W_before -
 * W_after (delta = -dL/dz, so a step adds lr * o_i * delta_j =
 * -lr * dL/dW_ij), and dL/db = b_before - b_after when the step moves the
 * biases, else -delta. The network is left as it was.
 */
function oneStep(nn: NeuralNetwork, x: Float64Array, y: Float64Array): StepNumbers {
  const before = nn.layers.map((l) => ({ w: l.weights.data.slice(), b: l.bias.slice() }));
  nn.layers.forEach((l) => (l.error.fill(0), l.delta.fill(0)));
  const written = (a: Float64Array) => a.some((v) => v !== 0);
  try {
    let deltas: (Float64Array | null)[];
    let errors: (Float64Array | null)[];
    if (nn.step) {
      const returned = nn.step(nn.layers, x.slice(), y.slice(), 1);
      const ok = Array.isArray(returned) && returned.length === nn.layers.length && returned.every((d, l) => d instanceof Float64Array && d.length === nn.layers[l].nNeurons);
      deltas = nn.layers.map((l, i) => (ok ? (returned as Float64Array[])[i].slice() : written(l.delta) ? l.delta.slice() : null));
      errors = nn.layers.map((l) => (written(l.error) ? l.error.slice() : null));
    } else {
      nn.backpropagation(x, y, 1);
      deltas = nn.layers.map((l) => l.delta.slice());
      errors = nn.layers.map((l) => l.error.slice());
    }
    return {
      errors,
      deltas,
      gradients: nn.layers.map((l, i) => before[i].w.map((w, k) => w - l.weights.data[k])),
      biasGradients: nn.layers.map((l, i) => {
        const moved = l.bias.some((b, j) => !Object.is(b, before[i].b[j]));
        const d = deltas[i];
        return moved ? before[i].b.map((b, j) => b - l.bias[j]) : d ? d.map((v) => -v) : null;
      }),
    };
  } finally {
    nn.layers.forEach((l, i) => (l.weights.data.set(before[i].w), l.bias.set(before[i].b)));
  }
}

/** Merges per-sample agreements: exact and approximate on every sample, the largest difference. */
function merge(a: Agreement | null, b: Agreement | null): Agreement | null {
  if (a === null || b === null) return null;
  return { exact: a.exact && b.exact, approximate: a.approximate && b.approximate, maxDiff: Number.isNaN(a.maxDiff) || Number.isNaN(b.maxDiff) ? NaN : Math.max(a.maxDiff, b.maxDiff) };
}

const compare = (a: Float64Array | null, b: Float64Array | null): Agreement | null => (a && b ? agreement(a, b) : null);

/** Every array of a step's numbers, in a fixed order (null: an empty marker). */
function arraysOf(n: StepNumbers): (Float64Array | null)[] {
  return [...n.errors, ...n.deltas, ...n.gradients, ...n.biasGradients];
}

/** FNV-1a (32 bits) over the bits of every double, and where an array is missing: a fingerprint of what was computed. */
function fingerprintOf(steps: StepNumbers[]): string {
  let h = 0x811c9dc5;
  const mix = (v: number) => (h = Math.imul(h ^ v, 0x01000193));
  for (const step of steps) {
    for (const a of arraysOf(step)) {
      if (a === null) {
        mix(0xffffffff);
        continue;
      }
      const words = new Uint32Array(a.slice().buffer);
      for (let k = 0; k < words.length; k++) mix(words[k]);
    }
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Whether two steps computed the very same numbers (bit for bit, the same arrays missing). */
function sameNumbers(a: StepNumbers, b: StepNumbers): boolean {
  const x = arraysOf(a);
  const y = arraysOf(b);
  return x.every((v, k) => (v === null ? y[k] === null : y[k] !== null && agreement(v, y[k]!).exact));
}

/** The candidate with each of its own functions wrapped to count calls (the library's rules are not counted). */
function counted(candidate: Candidate, library: NeuralNetwork["deltaRules"]): { candidate: Candidate; calls: () => number } {
  let calls = 0;
  if (typeof candidate === "function") {
    const step = candidate;
    // Four named parameters: the wrapper passes the step's arity check as the step does.
    const wrapped: TrainingStep = (layers, x, y, lr) => (calls++, step(layers, x, y, lr));
    return { candidate: wrapped, calls: () => calls };
  }
  const out: { output?: OutputDeltaRule; hidden?: HiddenDeltaRule } = {};
  const { output, hidden } = candidate;
  if (typeof output === "function" && output !== library.output) out.output = (layer, target, loss) => (calls++, output(layer, target, loss));
  else if (output !== undefined) out.output = output;
  if (typeof hidden === "function" && hidden !== library.hidden) out.hidden = (layer, next) => (calls++, hidden(layer, next));
  else if (hidden !== undefined) out.hidden = hidden;
  for (const key of Object.keys(candidate)) if (key !== "output" && key !== "hidden") (out as Record<string, unknown>)[key] = (candidate as Record<string, unknown>)[key];
  return { candidate: out, calls: () => calls };
}

/**
 * Compares the candidate with the library's rules on training samples
 * `options.samples` (default the first three), each from the initial weights
 * of `settings.seed`, runs the gradient check on the first of them, and
 * checks the first sample once more to see whether the candidate repeats
 * itself. A function that throws is reported with the sample and the layer.
 */
export function checkCandidate(candidate: Candidate, settings: Partial<LabSettings> = {}, options: { samples?: number[] } = {}): CandidateCheck {
  const s = labSettings(settings, "checkCandidate");
  const library = labNetwork({}, s, "checkCandidate");
  labNetwork(candidate, s, "checkCandidate"); // refuses a bad candidate, naming it, before anything is wrapped
  const count = counted(candidate, library.deltaRules);
  const mine = labNetwork(count.candidate, s, "checkCandidate");
  const { split } = labData(s);
  const samples = options.samples ?? [0, 1, 2];
  if (!Array.isArray(samples) || samples.length === 0 || samples.some((i) => !Number.isInteger(i) || i < 0 || i >= split.XTrain.rows)) {
    throw new Error(`checkCandidate: options.samples must be a non-empty array of training-sample indices in [0, ${split.XTrain.rows - 1}], got ${describe(samples)}`);
  }
  const targets = oneHot(split.yTrain, 2);
  const step = (index: number): StepNumbers => {
    try {
      return oneStep(mine, split.XTrain.row(index), targets.row(index));
    } catch (e) {
      const where = "checkCandidate (the check before training)";
      if (e instanceof TrainingStepError) throw new TrainingStepError(e.part, null, index, e.layer, where, e.what, e.cause);
      throw new TrainingStepError("step", null, index, null, where, "your step (network.step)", e); // the check calls a step directly
    }
  };
  const numbers: StepNumbers[] = [];
  let layers: LayerComparison[] = [];
  samples.forEach((index, n) => {
    const a = step(index);
    const b = oneStep(library, split.XTrain.row(index), targets.row(index));
    numbers.push(a);
    const now = mine.layers.map((layer, l): LayerComparison => ({
      layer: l,
      label: layerLabel(l, mine.layers),
      shape: `${layer.nInput}x${layer.nNeurons}`,
      error: compare(a.errors[l], b.errors[l]),
      delta: compare(a.deltas[l], b.deltas[l]),
      gradient: agreement(a.gradients[l], b.gradients[l]),
      biasGradient: compare(a.biasGradients[l], b.biasGradients[l]),
    }));
    layers = n === 0 ? now : layers.map((c, l) => ({
      ...c,
      error: merge(c.error, now[l].error),
      delta: merge(c.delta, now[l].delta),
      gradient: merge(c.gradient, now[l].gradient)!,
      biasGradient: merge(c.biasGradient, now[l].biasGradient),
    }));
  });
  const check = gradientCheck(mine, split.XTrain.row(samples[0]), targets.row(samples[0]));
  const repeatable = sameNumbers(step(samples[0]), numbers[0]);
  const name = describeCandidate(candidate);
  const firstWrong = nearestOutputWrong(layers);
  const calls = count.calls();
  return {
    candidate: name, samples, layers, gradientCheck: check, firstWrong, calls, repeatable, fingerprint: fingerprintOf(numbers),
    report: () => renderCheck(name, samples, layers, check, firstWrong, calls, repeatable),
  };
}

/** The quantities of a layer in the order a step computes them. */
const QUANTITIES: readonly [Quantity, (c: LayerComparison) => Agreement | null][] = [
  ["error", (c) => c.error],
  ["delta", (c) => c.delta],
  ["dL/dW", (c) => c.gradient],
  ["dL/db", (c) => c.biasGradient],
];

function nearestOutputWrong(layers: LayerComparison[]): { layer: number; quantity: Quantity } | null {
  for (let l = layers.length - 1; l >= 0; l--) {
    for (const [quantity, of] of QUANTITIES) {
      const a = of(layers[l]);
      if (a && !a.approximate) return { layer: l, quantity };
    }
  }
  return null;
}

const yes = (v: boolean): string => (v ? "yes" : "NO");
const num = (v: number): string => (v === 0 ? "0" : Number.isFinite(v) ? v.toExponential(1) : String(v));
const fd = (maxRelativeError: number): string => `${gradientVerdict(maxRelativeError)} (max rel err ${num(maxRelativeError)})`;

function renderCheck(name: string, samples: number[], layers: LayerComparison[], check: GradientCheckResult, firstWrong: CandidateCheck["firstWrong"], calls: number, repeatable: boolean): string {
  const missing: Record<Quantity, string> = {
    error: "(not written by your step)",
    delta: "(not returned nor written)",
    "dL/dW": "",
    "dL/db": "(no bias update, no delta)",
  };
  const row = (label: string, a: Agreement | null, quantity: Quantity, finite: string): string =>
    `  ${label.padEnd(16)} ${a ? `${yes(a.exact).padEnd(6)} ${yes(a.approximate).padEnd(12)} ${num(a.maxDiff).padEnd(9)}` : missing[quantity].padEnd(29)} ${finite}`.trimEnd();
  const lines = [
    `${name[0].toUpperCase()}${name.slice(1)} against the library's, on training samples ${samples.join(", ")}; finite differences on sample ${samples[0]}:`,
    `  ${"".padEnd(16)} ${"exact".padEnd(6)} ${"approximate".padEnd(12)} ${"maxdiff".padEnd(9)} finite differences`,
  ];
  for (const c of layers) {
    const g = check.layers[c.layer];
    lines.push(c.label + (c.layer === 0 ? " <- x" : c.layer === layers.length - 1 ? " -> output" : ""));
    lines.push(row("error (-dL/do)", c.error, "error", ""));
    lines.push(row("delta (-dL/dz)", c.delta, "delta", ""));
    lines.push(row("dL/dW", c.gradient, "dL/dW", fd(g.weights.maxRelativeError)));
    lines.push(row("dL/db", c.biasGradient, "dL/db", Number.isNaN(g.bias.maxRelativeError) ? "(biases not updated)" : fd(g.bias.maxRelativeError)));
  }
  const same = layers.every((c) => QUANTITIES.every(([, of]) => of(c)?.exact ?? true));
  lines.push(
    same ? "Verdict: the library's numbers, bit for bit." :
      firstWrong === null ? "Verdict: the library's numbers up to rounding (a different order of operations)." :
        `Verdict: not the library's gradient; the finite differences say ${check.verdict}. The layer nearest the output that says NO is where the error starts ` +
        `(it travels backwards, towards the input): ${layers[firstWrong.layer].label}, its ${firstWrong.quantity}.`,
  );
  if (layers.some((c) => c.delta === null || c.error === null)) {
    lines.push("Your step keeps some quantities to itself: write each layer's error into layer.error and its delta into layer.delta (or return the deltas) to have them checked too.");
  }
  if (calls > 0) lines.push(`The check called your ${name.replace(/^your /, "")} ${calls} time(s) before any training; a function that counts its calls starts training with that count.`);
  if (!repeatable) lines.push("Your functions gave different numbers for the same sample twice: they keep state or draw random numbers, so the lab trains them anew every time and never reuses their run.");
  return lines.join("\n");
}
