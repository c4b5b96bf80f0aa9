/**
 * The whole training step as a learner writes it in notebook 03
 * (`backpropagationStep`): forward pass, output delta, hidden deltas, update,
 * in plain loops over rows of W (`layer.weights.row`). `npm run bench` times training
 * with it ("03's step as written"); test/lab.test.ts checks that it is 03's
 * cell as committed and that it trains to exactly the library's bits.
 */
import type { Layer } from "../src/index";

/** One SGD step of the lesson on one sample (x, y): every weight changes in place. Returns each layer's delta. */
export function backpropagationStep(layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number): Float64Array[] {
  // 1. forward pass: o^(l) = σ(o^(l-1) W^(l) + b^(l)), keeping every layer's output
  const o: Float64Array[] = [];
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    const input = l === 0 ? x : o[l - 1];
    o[l] = new Float64Array(layer.nNeurons);
    for (let i = 0; i < layer.nInput; i++) {
      const Wi = layer.weights.row(i); // row i of W: input i's weights to every neuron j
      for (let j = 0; j < layer.nNeurons; j++) o[l][j] += input[i] * Wi[j]; // z_j = Σ_i input_i W_ij
    }
    for (let j = 0; j < layer.nNeurons; j++) o[l][j] = 1 / (1 + Math.exp(-(o[l][j] + layer.bias[j]))); // o_j = σ(z_j + b_j)
  }
  // 2. output layer: delta_k = (y_k - o_k) · o_k (1 - o_k)
  const last = layers.length - 1;
  const delta: Float64Array[] = [];
  delta[last] = new Float64Array(layers[last].nNeurons);
  for (let k = 0; k < layers[last].nNeurons; k++) {
    const ok = o[last][k];
    delta[last][k] = (y[k] - ok) * (ok * (1 - ok));
  }
  // 3. hidden layers, from the back: delta_j = (Σ_k W_jk delta_k) · o_j (1 - o_j), W of the NEXT layer
  for (let l = last - 1; l >= 0; l--) {
    const next = layers[l + 1];
    delta[l] = new Float64Array(layers[l].nNeurons);
    for (let j = 0; j < layers[l].nNeurons; j++) {
      const Wj = next.weights.row(j); // row j of the NEXT layer's W
      let sum = 0;
      for (let k = 0; k < next.nNeurons; k++) sum += Wj[k] * delta[l + 1][k];
      const oj = o[l][j];
      delta[l][j] = sum * (oj * (1 - oj));
    }
  }
  // 4. only now change the weights: W_ij += delta_j · o_i · lr, with o_i the previous layer's output (x for layers[0])
  for (let l = 0; l < layers.length; l++) {
    const input = l === 0 ? x : o[l - 1];
    for (let i = 0; i < layers[l].nInput; i++) {
      const Wi = layers[l].weights.row(i);
      for (let j = 0; j < layers[l].nNeurons; j++) Wi[j] += delta[l][j] * input[i] * lr;
    }
  }
  return delta;
}
