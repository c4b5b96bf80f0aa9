import { Matrix } from "./matrix";

/** One-hot rows: label c becomes a row of `nClasses` zeros with a 1 at column c. */
export function oneHot(labels: ArrayLike<number>, nClasses: number): Matrix {
  const out = new Matrix(labels.length, nClasses);
  for (let i = 0; i < labels.length; i++) out.data[i * nClasses + labels[i]] = 1;
  return out;
}

/** Index of the largest value in row i (the first one on ties, like np.argmax). */
export function argmaxRow(m: Matrix, i: number): number {
  let best = 0;
  const base = i * m.cols;
  for (let j = 1; j < m.cols; j++) if (m.data[base + j] > m.data[base + best]) best = j;
  return best;
}

/** Fraction of rows whose argmax equals the label: np.sum(np.argmax(P, axis=1) == y) / len(y). */
export function accuracy(predictions: Matrix, labels: ArrayLike<number>): number {
  if (predictions.rows !== labels.length) {
    throw new Error(`accuracy: predictions has ${predictions.rows} rows but y has ${labels.length} labels`);
  }
  if (labels.length === 0) throw new Error("accuracy: y must be non-empty");
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (argmaxRow(predictions, i) === labels[i]) correct++;
  return correct / labels.length;
}

/** The MSE the article prints: np.mean(np.square(targets - outputs)) over every entry. */
export function meanSquaredError(outputs: Matrix, targets: Matrix): number {
  if (outputs.rows !== targets.rows || outputs.cols !== targets.cols) {
    throw new Error(`meanSquaredError: outputs are ${outputs.rows} x ${outputs.cols} but targets are ${targets.rows} x ${targets.cols}`);
  }
  let sum = 0;
  for (let k = 0; k < outputs.data.length; k++) sum += (targets.data[k] - outputs.data[k]) ** 2;
  return sum / outputs.data.length;
}

/** Checks labels are integers in [0, nClasses). */
export function assertLabels(labels: ArrayLike<number>, nClasses: number, name: string): void {
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= nClasses) {
      throw new Error(`${name} must hold integer class labels in [0, ${nClasses - 1}] (one per output neuron), found ${c} at index ${i}`);
    }
  }
}
