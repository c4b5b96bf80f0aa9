/**
 * The whole training step as a learner writes it in notebook 03
 * (`backpropagationStep`): forward pass, output delta, hidden deltas, update,
 * in plain loops on `layer.weights.get/set`. `npm run bench` times training
 * with it ("03's step as written"); test/lab.test.ts checks that it is 03's
 * cell as committed and that it trains to exactly the library's bits.
 */
import type { Layer } from "../src/index";

/** One SGD step of the lesson on one sample (x, y): every weight changes in place. Returns each layer's delta. */
export function backpropagationStep(layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number): Float64Array[] {
  // 1. forward pass: o^(l) = σ(o^(l-1) W^(l) + b^(l)), keeping every layer's output
  const o: Float64Array[] = [];
  layers.forEach((layer, l) => {
    const input = l === 0 ? x : o[l - 1];
    o[l] = new Float64Array(layer.nNeurons);
    for (let j = 0; j < layer.nNeurons; j++) {
      let z = 0;
      for (let i = 0; i < layer.nInput; i++) z += input[i] * layer.weights.get(i, j);
      o[l][j] = 1 / (1 + Math.exp(-(z + layer.bias[j]))); // σ(z_j + b_j)
    }
  });
  // 2. output layer: delta_k = (y_k - o_k) · o_k (1 - o_k)
  const last = layers.length - 1;
  const delta: Float64Array[] = [];
  delta[last] = o[last].map((ok, k) => (y[k] - ok) * (ok * (1 - ok)));
  // 3. hidden layers, from the back: delta_j = (Σ_k W_jk delta_k) · o_j (1 - o_j), W of the NEXT layer
  for (let l = last - 1; l >= 0; l--) {
    const next = layers[l + 1];
    delta[l] = o[l].map((oj, j) => {
      let sum = 0;
      for (let k = 0; k < next.nNeurons; k++) sum += next.weights.get(j, k) * delta[l + 1][k];
      return sum * (oj * (1 - oj));
    });
  }
  // 4. only now change the weights: W_ij += delta_j · o_i · lr, with o_i the previous layer's output (x for layers[0])
  layers.forEach((layer, l) => {
    const input = l === 0 ? x : o[l - 1];
    for (let i = 0; i < layer.nInput; i++) {
      for (let j = 0; j < layer.nNeurons; j++) layer.weights.set(i, j, layer.weights.get(i, j) + delta[l][j] * input[i] * lr);
    }
  });
  return delta;
}
