import { Matrix, MatrixLike } from "./matrix";
import { assertElementCount, describe, integerIn, isList } from "./validate";

/** One-hot rows: label c becomes a row of `nClasses` zeros with a 1 at column c. */
export function oneHot(labels: ArrayLike<number>, nClasses: number): Matrix {
  integerIn(nClasses, 1, 2 ** 24, "nClasses", "oneHot");
  assertLabels(labels, nClasses, "oneHot: labels");
  assertElementCount(labels.length * nClasses, `${labels.length} one-hot rows of ${nClasses}`, "oneHot");
  const out = new Matrix(labels.length, nClasses);
  for (let i = 0; i < labels.length; i++) out.data[i * nClasses + labels[i]] = 1;
  return out;
}

/** Index of the largest value in row i (the first one on ties, like np.argmax). */
export function argmaxRow(m: Matrix, i: number): number {
  if (!(m instanceof Matrix) || m.cols === 0) throw new Error(`argmaxRow: m must be a Matrix with at least one column, got ${describe(m)}`);
  integerIn(i, 0, m.rows - 1, "i", "argmaxRow");
  return argmaxAt(m, i);
}

function argmaxAt(m: Matrix, i: number): number {
  let best = 0;
  const base = i * m.cols;
  for (let j = 1; j < m.cols; j++) if (m.data[base + j] > m.data[base + best]) best = j;
  return best;
}

/**
 * Fraction of rows whose argmax equals the label: np.sum(np.argmax(P, axis=1) == y) / len(y).
 * Labels must be classes the predictions can name: integers in [0, columns).
 */
export function accuracy(predictions: MatrixLike, labels: ArrayLike<number>): number {
  const p = Matrix.from(predictions, "accuracy: predictions");
  assertLabels(labels, p.cols, "accuracy: y");
  if (p.rows !== labels.length) {
    throw new Error(`accuracy: predictions has ${p.rows} rows but y has ${labels.length} labels`);
  }
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (argmaxAt(p, i) === labels[i]) correct++;
  return correct / labels.length;
}

/** The MSE the article prints: np.mean(np.square(targets - outputs)) over every entry. */
export function meanSquaredError(outputs: MatrixLike, targets: MatrixLike): number {
  const o = Matrix.from(outputs, "meanSquaredError: outputs");
  const t = Matrix.from(targets, "meanSquaredError: targets");
  if (o.rows !== t.rows || o.cols !== t.cols) {
    throw new Error(`meanSquaredError: outputs are ${o.rows} x ${o.cols} but targets are ${t.rows} x ${t.cols}`);
  }
  let sum = 0;
  for (let k = 0; k < o.data.length; k++) sum += (t.data[k] - o.data[k]) ** 2;
  const mean = sum / o.data.length;
  if (!Number.isFinite(mean)) {
    throw new Error("meanSquaredError: the squared differences overflow (|targets - outputs| near 1e154 or more); the mean is not a finite number");
  }
  return mean;
}

/** Checks labels are an array of integers in [0, nClasses): one class per output neuron. */
export function assertLabels(labels: ArrayLike<number>, nClasses: number, name: string): void {
  if (!isList(labels)) throw new Error(`${name} must be an array of class labels, got ${describe(labels)}`);
  for (let i = 0; i < labels.length; i++) {
    const c: unknown = labels[i];
    if (typeof c !== "number" || !Number.isInteger(c) || c < 0 || c >= nClasses) {
      throw new Error(`${name} must hold integer class labels in [0, ${nClasses - 1}] (one per output neuron), found ${describe(c)} at index ${i}`);
    }
  }
}
