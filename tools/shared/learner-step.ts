/**
 * The whole training step as a learner writes it in notebook 03
 * (`backpropagationStep`): forward pass, output delta, hidden deltas, update,
 * in plain loops over rows of W (`layer.weights.row`), writing into each layer's
 * own arrays. `npm run bench` times training
 * with it ("03's step as written"); test/lab.test.ts checks that it is 03's
 * cell as committed and that it trains to exactly the library's bits. The
 * bench, the tests and the site check share it from here.
 */
import type { Layer } from "../../src/index";

/** One SGD step of the article on one sample (x, y): every weight changes in place. Returns each layer's delta. */
export function backpropagationStep(layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number): Float64Array[] {
  // Each layer keeps its output o, its error and its delta (the article's last_activation, error and delta):
  // the step writes into those arrays instead of making new ones for every sample.
  // 1. forward pass: o^(l) = σ(o^(l-1) W^(l) + b^(l)), layer by layer
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    const input = l === 0 ? x : layers[l - 1].lastActivation;
    const o = layer.lastActivation;
    o.fill(0);
    for (let i = 0; i < layer.nInput; i++) {
      const Wi = layer.weights.row(i); // row i of W: input i's weights to every neuron j
      for (let j = 0; j < layer.nNeurons; j++) o[j] += input[i] * Wi[j]; // z_j = Σ_i input_i W_ij
    }
    for (let j = 0; j < layer.nNeurons; j++) o[j] = 1 / (1 + Math.exp(-(o[j] + layer.bias[j]))); // o_j = σ(z_j + b_j)
  }
  // 2. output layer: error_k = y_k - o_k, delta_k = error_k · o_k (1 - o_k)
  const out = layers[layers.length - 1];
  for (let k = 0; k < out.nNeurons; k++) {
    const ok = out.lastActivation[k];
    out.error[k] = y[k] - ok;
    out.delta[k] = out.error[k] * (ok * (1 - ok));
  }
  // 3. hidden layers, from the back: error_j = Σ_k W_jk delta_k (W of the NEXT layer), delta_j = error_j · o_j (1 - o_j)
  for (let l = layers.length - 2; l >= 0; l--) {
    const layer = layers[l];
    const next = layers[l + 1];
    const o = layer.lastActivation;
    for (let j = 0; j < layer.nNeurons; j++) {
      const Wj = next.weights.row(j); // row j of the NEXT layer's W
      let sum = 0;
      for (let k = 0; k < next.nNeurons; k++) sum += Wj[k] * next.delta[k];
      layer.error[j] = sum;
      layer.delta[j] = sum * (o[j] * (1 - o[j]));
    }
  }
  // 4. only now change the weights: W_ij += delta_j · o_i · lr, with o_i the previous layer's output (x for layers[0])
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    const input = l === 0 ? x : layers[l - 1].lastActivation;
    for (let i = 0; i < layer.nInput; i++) {
      const Wi = layer.weights.row(i);
      for (let j = 0; j < layer.nNeurons; j++) Wi[j] += layer.delta[j] * input[i] * lr;
    }
  }
  return layers.map((layer) => layer.delta);
}
