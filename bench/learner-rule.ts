/**
 * The hidden-layer rule as a learner writes it in a notebook cell (notebook
 * 06's `myHiddenDelta`): two plain loops, no helpers. `npm run bench` times
 * training with it ("learner-written hidden rule"); test/training-step.test.ts
 * checks it trains to exactly the library's bits.
 */
import type { HiddenDeltaRule } from "../src/index";

export const learnerHiddenDelta: HiddenDeltaRule = (layer, next) => {
  for (let j = 0; j < layer.nNeurons; j++) {
    const Wj = next.weights.row(j); // row j of the NEXT layer's W: W_j0, W_j1, ...
    let sum = 0;
    for (let k = 0; k < next.nNeurons; k++) sum += Wj[k] * next.delta[k]; // error_j = sum_k W_jk delta_k
    layer.error[j] = sum;
    layer.delta[j] = sum * layer.activation.derivative(layer.lastActivation[j]); // delta_j = error_j * f'(o_j)
  }
};
