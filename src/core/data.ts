import { Matrix, MatrixLike } from "./matrix";
import { RandomState } from "./numpy-random";
import { MAX_ELEMENTS, describe, integerIn, isList, numberIn } from "./validate";

/** The largest noise makeMoons takes: far beyond it the moons are gone, and near 1e307 the points would overflow. */
const MAX_NOISE = 1e6;

export interface Dataset {
  /** Points, one row per sample: columns x1, x2. */
  X: Matrix;
  /** Class labels 0 (outer moon) and 1 (inner moon). */
  y: Int32Array;
}

export interface Split {
  XTrain: Matrix;
  XTest: Matrix;
  yTrain: Int32Array;
  yTest: Int32Array;
}

/**
 * `np.linspace(0, stop, n)`: i * step, with the last point pinned to `stop` as
 * NumPy does. One point is just [0] (NumPy never divides by n - 1 = 0).
 */
function linspace(stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) return out;
  const step = stop / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step;
  out[n - 1] = stop;
  return out;
}

/**
 * Two interleaving half circles, exactly as scikit-learn's
 * `make_moons(n_samples, noise=noise, random_state=randomState)`:
 * same points, same labels, same order.
 */
export function makeMoons(nSamples = 2000, noise = 0.2, randomState = 100): Dataset {
  integerIn(nSamples, 2, MAX_ELEMENTS / 2, "nSamples", "makeMoons");
  numberIn(noise, 0, MAX_NOISE, "noise", "makeMoons");
  integerIn(randomState, 0, 0xffffffff, "randomState", "makeMoons");

  const nOut = Math.floor(nSamples / 2);
  const nIn = nSamples - nOut;
  const tOut = linspace(Math.PI, nOut);
  const tIn = linspace(Math.PI, nIn);

  // Outer moon (label 0) first, then the inner moon (label 1), shifted by (1, -0.5).
  const X = new Matrix(nSamples, 2);
  const y = new Int32Array(nSamples);
  for (let i = 0; i < nOut; i++) {
    X.set(i, 0, Math.cos(tOut[i]));
    X.set(i, 1, Math.sin(tOut[i]));
  }
  for (let i = 0; i < nIn; i++) {
    X.set(nOut + i, 0, 1 - Math.cos(tIn[i]));
    X.set(nOut + i, 1, 1 - Math.sin(tIn[i]) - 0.5);
    y[nOut + i] = 1;
  }

  // The same generator first shuffles the rows, then draws the noise row by row (x1 then x2).
  const rng = new RandomState(randomState);
  const order = rng.permutation(nSamples);
  const shuffled = X.selectRows(order);
  const labels = new Int32Array(nSamples);
  for (let k = 0; k < nSamples; k++) labels[k] = y[order[k]];
  if (noise > 0) {
    for (let k = 0; k < shuffled.data.length; k++) shuffled.data[k] += noise * rng.normal();
  }
  return { X: shuffled, y: labels };
}

/**
 * scikit-learn's `train_test_split(X, y, test_size=testSize, random_state=randomState)`:
 * the first ceil(testSize * n) indices of `RandomState(randomState).permutation(n)` are the
 * test set, the rest the training set, both in that order.
 */
export function trainTestSplit(X: MatrixLike, y: ArrayLike<number>, testSize = 0.3, randomState = 42): Split {
  const features = Matrix.from(X, "trainTestSplit: X");
  if (!isList(y)) throw new Error(`trainTestSplit: y must be an array of class labels, got ${describe(y)}`);
  const labels: ArrayLike<unknown> = y;
  if (labels.length !== features.rows) {
    throw new Error(`trainTestSplit: X and y must have the same number of samples, got ${features.rows} rows and ${labels.length} labels`);
  }
  // The split returns y as an Int32Array: anything but an integer in its range would come back as another number.
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (typeof label !== "number" || !Number.isInteger(label) || label < 0 || label > 0x7fffffff) {
      throw new Error(`trainTestSplit: y must hold integer class labels in [0, 2^31 - 1], found ${describe(label)} at index ${i}`);
    }
  }
  if (typeof testSize !== "number" || !(testSize > 0 && testSize < 1)) {
    throw new Error(`trainTestSplit: testSize must be a fraction in (0, 1), got ${describe(testSize)}`);
  }
  integerIn(randomState, 0, 0xffffffff, "randomState", "trainTestSplit");
  const n = features.rows;
  const nTest = Math.ceil(testSize * n);
  const nTrain = n - nTest;
  if (nTrain < 1 || nTest < 1) {
    throw new Error(`trainTestSplit: testSize=${testSize} with ${n} samples leaves ${nTrain} training and ${nTest} test samples; both must be at least 1`);
  }
  const permutation = new RandomState(randomState).permutation(n);
  const testIndex = permutation.subarray(0, nTest);
  const trainIndex = permutation.subarray(nTest);
  const pick = (index: Int32Array): Int32Array => Int32Array.from(index, (i) => labels[i] as number);
  return {
    XTrain: features.selectRows(trainIndex),
    XTest: features.selectRows(testIndex),
    yTrain: pick(trainIndex),
    yTest: pick(testIndex),
  };
}
