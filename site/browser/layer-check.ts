/**
 * Check: the learner's rules against the library's on one training sample,
 * layer by layer (makemore's cmp: exact, approximately equal, largest
 * difference, for each layer's delta and weight gradient), then the
 * finite-difference gradient check of the learner's network.
 *
 * A thin adapter over src/: when the core offers a per-layer check, this file
 * becomes a call to it.
 */
import type { DeltaRules } from "../../src/delta-rules";
import { articleData, articleNetwork } from "../../src/experiment";
import { gradientCheck } from "../../src/gradient-check";
import { oneHot } from "../../src/metrics";
import type { NeuralNetwork } from "../../src/network";
import type { CheckReport, LabSettings, LayerComparison } from "./protocol";

/** The training point notebook 06 checks on. */
export const CHECK_SAMPLE = 2;

/** torch.allclose's default tolerances, as makemore's cmp uses them. */
const RTOL = 1e-5;
const ATOL = 1e-8;

function compare(layer: number, quantity: string, mine: ArrayLike<number>, reference: ArrayLike<number>): LayerComparison {
  let exact = mine.length === reference.length;
  let approx = exact;
  let maxDiff = 0;
  for (let k = 0; k < Math.min(mine.length, reference.length); k++) {
    const d = Math.abs(mine[k] - reference[k]);
    if (!Object.is(mine[k], reference[k])) exact = false;
    if (!(d <= ATOL + RTOL * Math.abs(reference[k]))) approx = false; // NaN fails too
    maxDiff = Number.isNaN(d) || Number.isNaN(maxDiff) ? NaN : Math.max(maxDiff, d);
  }
  return { layer, quantity: `layers[${layer}] ${quantity}`, exact, approx, maxDiff };
}

/** dL/dW_ij = -o_i delta_j for every layer (delta is -dL/dz in this code). */
function weightGradients(network: NeuralNetwork, x: Float64Array): Float64Array[] {
  return network.layers.map((layer, l) => {
    const o = l === 0 ? x : network.layers[l - 1].lastActivation;
    const g = new Float64Array(layer.nInput * layer.nNeurons);
    for (let i = 0; i < layer.nInput; i++) for (let j = 0; j < layer.nNeurons; j++) g[i * layer.nNeurons + j] = -(o[i] * layer.delta[j]);
    return g;
  });
}

export function checkRules(rules: DeltaRules, settings: LabSettings): CheckReport {
  const { split } = articleData();
  const x = split.XTrain.row(CHECK_SAMPLE);
  const target = oneHot([split.yTrain[CHECK_SAMPLE]], 2).row(0);
  const options = { seed: settings.seed, hidden: settings.hidden, updateBias: settings.updateBias };

  const reference = articleNetwork(options);
  reference.computeDeltas(x, 0, target);
  const referenceGradients = weightGradients(reference, x);

  const mine = articleNetwork(options);
  mine.deltaRules = rules;
  mine.computeDeltas(x, 0, target); // the learner's code runs here first: a runtime error surfaces from this line
  const myGradients = weightGradients(mine, x);

  const comparisons: LayerComparison[] = [];
  mine.layers.forEach((layer, l) => {
    comparisons.push(compare(l, "delta", layer.delta, reference.layers[l].delta));
    comparisons.push(compare(l, "dL/dW", myGradients[l], referenceGradients[l]));
  });
  const gradient = gradientCheck(mine, x, target);
  return {
    sample: CHECK_SAMPLE,
    comparisons,
    gradient: gradient.layers.map((r) => ({ layer: r.layer, shape: `${r.nInput}x${r.nNeurons}`, maxRelativeError: r.maxRelativeError, verdict: r.verdict })),
    verdict: gradient.verdict,
  };
}
