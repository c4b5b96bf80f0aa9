import { describe } from "./validate";

/**
 * A loss for ONE sample and the error signal it sends back into the output
 * layer. Following the article, `error` is the NEGATIVE gradient -dL/do:
 * for MSE that is the familiar `y - o`, which is why the weight update
 * further down uses `+=`.
 */
export interface Loss {
  readonly name: string;
  /** L(o, y) for one sample: what backpropagation differentiates. */
  value(output: Float64Array, target: Float64Array): number;
  /** error_k = -dL/do_k, written into `error`. */
  outputError(output: Float64Array, target: Float64Array, error: Float64Array): void;
  /** The network output turned into class scores in [0, 1], used for the reported MSE. */
  probabilities(output: Float64Array, out: Float64Array): void;
}

/**
 * The article's loss. L = 1/2 * sum_k (o_k - y_k)^2, so -dL/do_k = y_k - o_k.
 * (The 1/2 cancels the 2 of the square; the MSE the article prints is a
 * different number: the mean of (y - o)^2 over every output of every sample.)
 */
export const mse: Loss = {
  name: "mse",
  value(output, target) {
    let sum = 0;
    for (let k = 0; k < output.length; k++) sum += (output[k] - target[k]) ** 2;
    return 0.5 * sum;
  },
  outputError(output, target, error) {
    for (let k = 0; k < output.length; k++) error[k] = target[k] - output[k]; // error = y - o
  },
  probabilities(output, out) {
    out.set(output);
  },
};

/** p = softmax(o): p_k = e^(o_k - max) / sum_m e^(o_m - max); subtracting the max avoids overflow. */
export function softmax(output: Float64Array, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < output.length; k++) if (output[k] > max) max = output[k];
  let sum = 0;
  for (let k = 0; k < output.length; k++) {
    out[k] = Math.exp(output[k] - max);
    sum += out[k];
  }
  for (let k = 0; k < output.length; k++) out[k] /= sum;
}

/**
 * Softmax + cross-entropy, the pairing the article mentions but does not
 * derive. Use it with a linear output layer (activation "none").
 * L = -sum_k y_k log p_k with p = softmax(o), and -dL/do_k = y_k - p_k.
 */
export const softmaxCrossEntropy: Loss = {
  name: "softmax-cross-entropy",
  value(output, target) {
    let max = -Infinity;
    for (let k = 0; k < output.length; k++) if (output[k] > max) max = output[k];
    let sum = 0;
    for (let k = 0; k < output.length; k++) sum += Math.exp(output[k] - max);
    const logSum = max + Math.log(sum);
    let loss = 0;
    for (let k = 0; k < output.length; k++) loss -= target[k] * (output[k] - logSum); // -y log p
    return loss;
  },
  outputError(output, target, error) {
    softmax(output, error);
    for (let k = 0; k < output.length; k++) error[k] = target[k] - error[k]; // error = y - p
  },
  probabilities: softmax,
};

export const builtinLosses: Readonly<Record<string, Loss>> = { mse, "softmax-cross-entropy": softmaxCrossEntropy };

export type LossName = "mse" | "softmax-cross-entropy";
export type LossLike = LossName | Loss;

export function resolveLoss(loss: LossLike | undefined, where = "resolveLoss"): Loss {
  if (loss === undefined) return mse;
  if (typeof loss === "string") {
    const found = Object.prototype.hasOwnProperty.call(builtinLosses, loss) ? builtinLosses[loss] : undefined;
    if (!found) {
      throw new Error(`${where}: loss must be one of ${Object.keys(builtinLosses).map((k) => `"${k}"`).join(", ")} or an object { name, value, outputError, probabilities }, got ${describe(loss)}`);
    }
    return found;
  }
  if (typeof loss !== "object" || typeof loss.value !== "function" || typeof loss.outputError !== "function" || typeof loss.probabilities !== "function") {
    throw new Error(`${where}: loss must be a name or an object { name, value(output, target), outputError(output, target, error), probabilities(output, out) }, got ${describe(loss)}`);
  }
  return loss;
}
