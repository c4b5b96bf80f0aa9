import type { Layer } from "./layer";
import { matVec } from "./linalg";
import type { Loss } from "./loss";

/**
 * The two rules that ARE backpropagation. Each fills `layer.error` and
 * `layer.delta` from what the layer kept of its last forward pass. They are
 * plain functions on purpose: replace one on a network
 * (`network.deltaRules.hidden = myRule`) and `gradientCheck` tells you
 * whether your derivation is right.
 *
 * Sign convention (the article's): delta here is -dL/dz, so the weight
 * update adds lr * o_i * delta_j instead of subtracting a gradient.
 */
export type OutputDeltaRule = (layer: Layer, target: Float64Array, loss: Loss) => void;
export type HiddenDeltaRule = (layer: Layer, next: Layer) => void;

export interface DeltaRules {
  output: OutputDeltaRule;
  hidden: HiddenDeltaRule;
}

/**
 * Output layer K: delta_k = error_k * f'(o_k), where error = -dL/do.
 * For the article's MSE, error_k = y_k - o_k and, with sigmoid,
 * delta_k = (y_k - o_k) * o_k (1 - o_k).
 */
export const outputLayerDelta: OutputDeltaRule = (layer, target, loss) => {
  const o = layer.lastActivation;
  const error = layer.error;
  const delta = layer.delta;
  const fPrime = layer.activation.derivative;
  loss.outputError(o, target, error); // error = y - o (MSE)
  for (let k = 0; k < layer.nNeurons; k++) delta[k] = error[k] * fPrime(o[k]); // delta_k = error_k * f'(o_k)
};

/**
 * Hidden layer J, followed by layer K:
 * error_j = sum_k W_jk delta_k (W of the NEXT layer, before its update),
 * delta_j = error_j * f'(o_j).
 * This is the function training runs: edit it (or assign your own to
 * `network.deltaRules.hidden`) and `train` runs your version.
 */
export const hiddenLayerDelta: HiddenDeltaRule = (layer, next) => {
  const o = layer.lastActivation;
  const error = layer.error;
  const delta = layer.delta;
  const fPrime = layer.activation.derivative;
  matVec(next.weights.data, layer.nNeurons, next.nNeurons, next.delta, error); // error_j = sum_k W_jk delta_k
  for (let j = 0; j < layer.nNeurons; j++) delta[j] = error[j] * fPrime(o[j]); // delta_j = error_j * f'(o_j)
};

/** The article's rules, the ones every new network starts with. */
export function articleDeltaRules(): DeltaRules {
  return { output: outputLayerDelta, hidden: hiddenLayerDelta };
}
