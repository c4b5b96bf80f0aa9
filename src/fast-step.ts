/**
 * The training step's fast path: the article's hidden-layer rule
 * (`hiddenLayerDelta` in delta-rules.ts, the readable reference) fused with
 * the NEXT layer's weight update. It computes exactly the same numbers as
 * running the rules first and updating the weights afterwards, in the same
 * order of operations, so results stay bit-identical; it is only faster
 * because each row of W is read once instead of twice.
 *
 * Notation (the article's): o = a layer's output, delta = its error * f'(o),
 * W = the weights of the layer after it, lr = the learning rate.
 *
 * `NeuralNetwork.train` uses this only while `deltaRules.hidden` is the
 * built-in `hiddenLayerDelta` AND one probe step on a copy of the network
 * gives the same bits as the reference step. So if you edit the reference
 * code (delta-rules.ts, Layer.forward, the update in network.ts) to see what
 * happens, training notices the difference and runs your edited version.
 * The output rule, the loss and the activations are called as they are, so
 * custom ones work here too.
 */
import type { Layer } from "./layer";
import type { NeuralNetwork } from "./network";

/**
 * For hidden layer J followed by layer K, with W = K's weights (nJ x nK):
 *   error_j = sum_k W_jk delta_k     (W_jk BEFORE this step's update, as in hiddenLayerDelta)
 *   delta_j = error_j * f'(o_j)
 *   W_jk   += delta_k * o_j * lr     (layer K's update, as in NeuralNetwork's general step)
 * Row j of W is both summed and updated in one pass. Four rows at a time
 * (then two, then one): their sums are independent chains of additions the
 * CPU can overlap, each still adding its terms in order k = 0, 1, ...
 * Needs `next.delta` filled (by the output rule or the previous call).
 */
export function hiddenDeltaAndNextUpdate(layer: Layer, next: Layer, lr: number): void {
  const o = layer.lastActivation;
  const error = layer.error;
  const delta = layer.delta;
  const fPrime = layer.activation.derivative;
  const W = next.weights.data;
  const nextDelta = next.delta;
  const nK = next.nNeurons;
  const nJ = layer.nNeurons;
  let j = 0;
  for (; j + 4 <= nJ; j += 4) {
    const o0 = o[j], o1 = o[j + 1], o2 = o[j + 2], o3 = o[j + 3];
    const r0 = j * nK, r1 = r0 + nK, r2 = r1 + nK, r3 = r2 + nK;
    let sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
    for (let k = 0; k < nK; k++) {
      const dk = nextDelta[k];
      const w0 = W[r0 + k], w1 = W[r1 + k], w2 = W[r2 + k], w3 = W[r3 + k];
      sum0 += w0 * dk;
      sum1 += w1 * dk;
      sum2 += w2 * dk;
      sum3 += w3 * dk;
      W[r0 + k] = w0 + dk * o0 * lr;
      W[r1 + k] = w1 + dk * o1 * lr;
      W[r2 + k] = w2 + dk * o2 * lr;
      W[r3 + k] = w3 + dk * o3 * lr;
    }
    error[j] = sum0; error[j + 1] = sum1; error[j + 2] = sum2; error[j + 3] = sum3;
    delta[j] = sum0 * fPrime(o0);
    delta[j + 1] = sum1 * fPrime(o1);
    delta[j + 2] = sum2 * fPrime(o2);
    delta[j + 3] = sum3 * fPrime(o3);
  }
  for (; j + 2 <= nJ; j += 2) {
    const o0 = o[j], o1 = o[j + 1];
    const r0 = j * nK, r1 = r0 + nK;
    let sum0 = 0, sum1 = 0;
    for (let k = 0; k < nK; k++) {
      const dk = nextDelta[k];
      const w0 = W[r0 + k], w1 = W[r1 + k];
      sum0 += w0 * dk;
      sum1 += w1 * dk;
      W[r0 + k] = w0 + dk * o0 * lr;
      W[r1 + k] = w1 + dk * o1 * lr;
    }
    error[j] = sum0; error[j + 1] = sum1;
    delta[j] = sum0 * fPrime(o0);
    delta[j + 1] = sum1 * fPrime(o1);
  }
  for (; j < nJ; j++) {
    const oj = o[j];
    const row = j * nK;
    let sum = 0;
    for (let k = 0; k < nK; k++) {
      const dk = nextDelta[k];
      const w = W[row + k];
      sum += w * dk;
      W[row + k] = w + dk * oj * lr;
    }
    error[j] = sum;
    delta[j] = sum * fPrime(oj);
  }
}

/**
 * Layer.forward unrolled: o_j = f(z_j + b_j), z_j = x_0 W_0j + x_1 W_1j + ...
 * added in that order. Eight neurons at a time (then two, then one), their
 * running sums z_j kept in local variables instead of a round trip through
 * memory after every multiply-add, as independent chains the CPU overlaps.
 * Same bits as Layer.forward, about twice as fast. Writes `lastActivation`.
 */
export function forwardUnrolled(layer: Layer, input: Float64Array, offset: number): Float64Array {
  const nIn = layer.nInput;
  const nOut = layer.nNeurons;
  const W = layer.weights.data;
  const b = layer.bias;
  const f = layer.activation.fn;
  const out = layer.lastActivation;
  let j = 0;
  for (; j + 8 <= nOut; j += 8) {
    let z0 = 0, z1 = 0, z2 = 0, z3 = 0, z4 = 0, z5 = 0, z6 = 0, z7 = 0;
    for (let i = 0, w = j; i < nIn; i++, w += nOut) {
      const xi = input[offset + i];
      z0 += xi * W[w];
      z1 += xi * W[w + 1];
      z2 += xi * W[w + 2];
      z3 += xi * W[w + 3];
      z4 += xi * W[w + 4];
      z5 += xi * W[w + 5];
      z6 += xi * W[w + 6];
      z7 += xi * W[w + 7];
    }
    out[j] = f(z0 + b[j]);
    out[j + 1] = f(z1 + b[j + 1]);
    out[j + 2] = f(z2 + b[j + 2]);
    out[j + 3] = f(z3 + b[j + 3]);
    out[j + 4] = f(z4 + b[j + 4]);
    out[j + 5] = f(z5 + b[j + 5]);
    out[j + 6] = f(z6 + b[j + 6]);
    out[j + 7] = f(z7 + b[j + 7]);
  }
  for (; j + 2 <= nOut; j += 2) {
    let z0 = 0, z1 = 0;
    for (let i = 0, w = j; i < nIn; i++, w += nOut) {
      const xi = input[offset + i];
      z0 += xi * W[w];
      z1 += xi * W[w + 1];
    }
    out[j] = f(z0 + b[j]);
    out[j + 1] = f(z1 + b[j + 1]);
  }
  for (; j < nOut; j++) {
    let z = 0;
    for (let i = 0, w = j; i < nIn; i++, w += nOut) z += input[offset + i] * W[w];
    out[j] = f(z + b[j]);
  }
  return out;
}

/**
 * One SGD step on one sample, the same as NeuralNetwork's reference step
 * with the article's hidden rule: forward, the output rule, then from the
 * back each hidden layer's deltas fused with the next layer's update, and
 * last the first layer's update from the input x.
 */
export function fusedStep(network: NeuralNetwork, input: Float64Array, inputOffset: number, target: Float64Array, lr: number): void {
  const layers = network.layers;
  const last = layers.length - 1;
  let o = forwardUnrolled(layers[0], input, inputOffset);
  for (let l = 1; l <= last; l++) o = forwardUnrolled(layers[l], o, 0);
  network.deltaRules.output(layers[last], target, network.loss);
  for (let l = last - 1; l >= 0; l--) hiddenDeltaAndNextUpdate(layers[l], layers[l + 1], lr);
  const first = layers[0];
  const W = first.weights.data;
  const delta = first.delta;
  const nOut = first.nNeurons;
  for (let i = 0; i < first.nInput; i++) {
    const xi = input[inputOffset + i];
    const row = i * nOut;
    for (let j = 0; j < nOut; j++) W[row + j] += delta[j] * xi * lr; // W_ij += delta_j * x_i * lr
  }
  if (network.updateBias) {
    // b_j += delta_j * lr; biases play no part in the deltas, so updating them last changes nothing
    for (const layer of layers) {
      const b = layer.bias;
      const d = layer.delta;
      for (let j = 0; j < layer.nNeurons; j++) b[j] += d[j] * lr;
    }
  }
}
