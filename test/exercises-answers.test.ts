/**
 * src/lab/answers.ts, the self-checks of the notebooks' exercises. For every
 * exercise of notebooks 00 to 07: plausible wrong answers get false (the
 * cell says "Not yet") and every equivalent right answer we could think of
 * gets true (the cell says "Right"). The notebook suite (test/notebooks/,
 * see exercise-cells.ts) also feeds each folded solution to the cell itself.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Activation, HiddenDeltaRule, Layer, NeuralNetwork, OutputDeltaRule, TrainingHistory, articleNetwork, comparedRun, makeMoons, oneHot, outputLayerDelta,
  sigmoid, softmax, trainTestSplit,
} from "../src/index";
import { ESCAPE_ACCURACY, FixedExercise, answerDigest, isAnswer, isLastToEscape, isRunAnswer } from "../src/lab/answers";

function history(records: [epoch: number, mse: number, accuracy: number][]): TrainingHistory {
  const h = new TrainingHistory();
  for (const [epoch, mse, accuracy] of records) h.add({ epoch, mse, accuracy });
  return h;
}

/** Each answer must get `expected` from the exercise's check. */
function expectAll(exercise: FixedExercise, expected: boolean, answers: Record<string, unknown>): void {
  for (const [name, answer] of Object.entries(answers)) assert.equal(isAnswer(exercise, answer), expected, `${exercise}, ${expected ? "right" : "wrong"} answer: ${name}`);
}

const { X, y } = makeMoons(2000, 0.2, 100);
const split = trainTestSplit(X, y, 0.3, 42);

test("an unknown exercise is an error that names the function and the exercises it knows", () => {
  assert.throws(() => isAnswer("09-9" as FixedExercise, 1), /^Error: isAnswer: exercise must be one of 00-1, 00-2, 01-1, 01-2, 02-1, 02-2, 03-1, 03-2, 03-3, 04-1, 06-1, 06-2, 06-3, 07-2, got "09-9"$/);
  assert.throws(() => answerDigest("00-1" as "01-1", 1), /answerDigest: exercise must be one of 01-1, 02-1, 03-2, got "00-1"/);
  assert.throws(() => isRunAnswer("09-9" as "05-1", history([]), 1), /isRunAnswer: exercise must be one of 04-1, 04-2, 05-1, 05-2, got "09-9"/);
});

test("00-1 argmax: the first index of the largest entry, on vectors of any length", () => {
  const fromArray = (v: ArrayLike<number>) => Array.from(v);
  expectAll("00-1", true, {
    "loop with > (the solution)": (v: ArrayLike<number>) => {
      let best = 0;
      for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
      return best;
    },
    "indexOf(Math.max(...))": (v: ArrayLike<number>) => fromArray(v).indexOf(Math.max(...fromArray(v))),
    "reduce": (v: ArrayLike<number>) => fromArray(v).reduce((best, x, k, a) => (x > a[best] ? k : best), 0),
    "from the back with >=": (v: ArrayLike<number>) => {
      let best = v.length - 1;
      for (let k = v.length - 2; k >= 0; k--) if (v[k] >= v[best]) best = k;
      return best;
    },
    "for-of over entries": (v: ArrayLike<number>) => {
      let best = 0;
      let max = -Infinity;
      for (const [k, x] of fromArray(v).entries()) if (x > max) [best, max] = [k, x];
      return best;
    },
  });
  expectAll("00-1", false, {
    "the skeleton": () => 0,
    "two outputs only": (v: ArrayLike<number>) => (v[1] > v[0] ? 1 : 0),
    "loop with >= (the last of equal values)": (v: ArrayLike<number>) => {
      let best = 0;
      for (let k = 1; k < v.length; k++) if (v[k] >= v[best]) best = k;
      return best;
    },
    "lastIndexOf(Math.max(...))": (v: ArrayLike<number>) => fromArray(v).lastIndexOf(Math.max(...fromArray(v))),
    "the smallest entry": (v: ArrayLike<number>) => fromArray(v).indexOf(Math.min(...fromArray(v))),
    "not a function": 2,
  });
});

test("00-2 softmax: e^z / Σ e^z to 1e-12 relative, however it is written, without overflow and without touching z", () => {
  expectAll("00-2", true, {
    "the solution": (z: Float64Array) => {
      const max = Math.max(...z);
      const exps = z.map((v) => Math.exp(v - max));
      let sum = 0;
      for (const v of exps) sum += v;
      return exps.map((v) => v / sum);
    },
    "log-sum-exp": (z: Float64Array) => {
      const max = Math.max(...z);
      const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
      return z.map((v) => Math.exp(v - lse));
    },
    "plain loops, multiplying by 1 / sum": (z: Float64Array) => {
      let max = -Infinity;
      for (let k = 0; k < z.length; k++) if (z[k] > max) max = z[k];
      const p = new Float64Array(z.length);
      let sum = 0;
      for (let k = 0; k < z.length; k++) sum += p[k] = Math.exp(z[k] - max);
      const inverse = 1 / sum;
      for (let k = 0; k < z.length; k++) p[k] *= inverse;
      return p;
    },
    "a plain array back": (z: Float64Array) => {
      const max = Math.max.apply(null, Array.from(z));
      const sum = Array.from(z).reduce((s, v) => s + Math.exp(v - max), 0);
      return Array.from(z, (v) => Math.exp(v - max) / sum);
    },
  });
  expectAll("00-2", false, {
    "the skeleton": (z: Float64Array) => new Float64Array(z.length),
    "without subtracting the max (overflows)": (z: Float64Array) => {
      const sum = z.reduce((s, v) => s + Math.exp(v), 0);
      return z.map((v) => Math.exp(v) / sum);
    },
    "subtracting the min": (z: Float64Array) => {
      const min = Math.min(...z);
      const sum = z.reduce((s, v) => s + Math.exp(v - min), 0);
      return z.map((v) => Math.exp(v - min) / sum);
    },
    "not normalised": (z: Float64Array) => z.map((v) => Math.exp(v - Math.max(...z))),
    "in place, z overwritten": (z: Float64Array) => {
      const max = Math.max(...z);
      let sum = 0;
      for (let k = 0; k < z.length; k++) sum += z[k] = Math.exp(z[k] - max);
      for (let k = 0; k < z.length; k++) z[k] /= sum;
      return z;
    },
    "1e-10 off": (z: Float64Array) => {
      const p = new Float64Array(z.length);
      softmax(z, p);
      return p.map((v) => v * (1 + 1e-10));
    },
  });
});

test("01-1 the class-1 count of the test set: its digest, and wrong counts", () => {
  const count = split.yTest.filter((c) => c === 1).length;
  expectAll("01-1", true, { "the count": count, "the count, as 0 + count": 0 + count });
  expectAll("01-1", false, { "the skeleton": NaN, "300": 300, "the class-0 count": split.yTest.length - count, "off by one": count + 1, "as text": String(count), "not whole": count + 0.5 });
});

test("01-2 the class-1 circle: every class-1 point of other noiseless moons on it", () => {
  expectAll("01-2", true, {
    "the solution": { centre: [1, 0.5], radius: 1 },
    "written as sums": { centre: [2 - 1, 1 / 2], radius: Math.sqrt(1) },
    "a Float64Array centre": { centre: Float64Array.from([1, 0.5]), radius: 1.0 },
  });
  expectAll("01-2", false, {
    "the skeleton": { centre: [0, 0], radius: 0 },
    "the class-0 circle": { centre: [0, 0], radius: 1 },
    "the centre's sign": { centre: [1, -0.5], radius: 1 },
    "the radius halved": { centre: [1, 0.5], radius: 0.5 },
    "the centre halved": { centre: [0.5, 0.25], radius: 1 },
    "a negative radius": { centre: [1, 0.5], radius: -1 },
    "not an object": 1,
  });
});

test("02-1 the pencil-and-paper forward pass: o to 4 decimals, however many are typed", () => {
  const layer = new Layer(2, 2, "sigmoid", [[1, -1], [2, 0]], [0, 0.5]);
  const o = layer.activate([0, 1]) as Float64Array;
  expectAll("02-1", true, {
    "computed": Array.from(o),
    "the layer's own output (a Float64Array)": o,
    "to 4 decimals": Array.from(o, (v) => +v.toFixed(4)),
    "to 5 decimals": Array.from(o, (v) => +v.toFixed(5)),
  });
  expectAll("02-1", false, {
    "the skeleton": [0, 0],
    "z instead of o": [2, 0.5],
    "the first row of W (x = (1, 0))": [sigmoid.fn(1), sigmoid.fn(-1)],
    "reversed": Array.from(o).reverse(),
    "truncated instead of rounded": Array.from(o, (v) => Math.floor(v * 1e4) / 1e4),
    "one number": [o[0]],
  });
});

test("02-2 softplus: derivative(o) is σ(z) for o = ln(1 + e^z), however it is written", () => {
  const softplus = (derivative: (o: number) => number): Activation => ({ name: "softplus", fn: (z) => Math.log(1 + Math.exp(z)), derivative });
  expectAll("02-2", true, {
    "1 - e^-o (the solution)": softplus((o) => 1 - Math.exp(-o)),
    "-expm1(-o)": softplus((o) => -Math.expm1(-o)),
    "(e^o - 1) / e^o": softplus((o) => (Math.exp(o) - 1) / Math.exp(o)),
    "1 - 1 / e^o": softplus((o) => 1 - 1 / Math.exp(o)),
    "σ(z) with z = ln(e^o - 1)": softplus((o) => 1 / (1 + Math.exp(-Math.log(Math.exp(o) - 1)))),
    "sigmoid.fn(log(expm1(o)))": softplus((o) => sigmoid.fn(Math.log(Math.expm1(o)))),
  });
  expectAll("02-2", false, {
    "the skeleton": softplus(() => 0),
    "σ(o): o taken for z": softplus((o) => 1 / (1 + Math.exp(-o))),
    "e^o - 1, which is e^z": softplus((o) => Math.exp(o) - 1),
    "the sigmoid's o (1 - o)": softplus((o) => o * (1 - o)),
    "1 - o": softplus((o) => 1 - o),
    "a function, not an activation": (o: number) => 1 - Math.exp(-o),
  });
});

type Step = (layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number) => Float64Array[];

/** Notebook 03's backpropagationStep in short: one SGD step of the article (weights only), returning every layer's delta. */
const backpropagationStep: Step = (layers, x, y, lr) => {
  const o: Float64Array[] = [];
  layers.forEach((layer, l) => {
    const input = l === 0 ? x : o[l - 1];
    o[l] = new Float64Array(layer.nNeurons);
    for (let j = 0; j < layer.nNeurons; j++) {
      let z = 0;
      for (let i = 0; i < layer.nInput; i++) z += input[i] * layer.weights.get(i, j);
      o[l][j] = 1 / (1 + Math.exp(-(z + layer.bias[j])));
    }
  });
  const last = layers.length - 1;
  const delta: Float64Array[] = [];
  delta[last] = o[last].map((ok, k) => (y[k] - ok) * (ok * (1 - ok)));
  for (let l = last - 1; l >= 0; l--) {
    delta[l] = o[l].map((oj, j) => {
      let sum = 0;
      for (let k = 0; k < layers[l + 1].nNeurons; k++) sum += layers[l + 1].weights.get(j, k) * delta[l + 1][k];
      return sum * (oj * (1 - oj));
    });
  }
  layers.forEach((layer, l) => {
    const input = l === 0 ? x : o[l - 1];
    for (let i = 0; i < layer.nInput; i++) for (let j = 0; j < layer.nNeurons; j++) layer.weights.set(i, j, layer.weights.get(i, j) + delta[l][j] * input[i] * lr);
  });
  return delta;
};

test("03-1 stepWithBias: the library's updateBias step, on other weights, samples and learning rates", () => {
  const withBias = (update: (bias: Float64Array, delta: Float64Array, lr: number) => void): Step => (layers, x, y, lr) => {
    const delta = backpropagationStep(layers, x, y, lr);
    layers.forEach((layer, l) => update(layer.bias, delta[l], lr));
    return delta;
  };
  expectAll("03-1", true, {
    "b += delta * lr (the solution)": withBias((b, d, lr) => d.forEach((dj, j) => (b[j] += dj * lr))),
    "b += lr * delta": withBias((b, d, lr) => d.forEach((dj, j) => (b[j] += lr * dj))),
    "b = b + lr * delta": withBias((b, d, lr) => d.forEach((dj, j) => (b[j] = b[j] + lr * dj))),
    "b -= -lr * delta": withBias((b, d, lr) => d.forEach((dj, j) => (b[j] -= -lr * dj))),
    "for...of over the layers' entries": (layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number) => {
      const delta = backpropagationStep(layers, x, y, lr);
      for (const [l, layer] of layers.entries()) for (let j = 0; j < layer.nNeurons; j++) layer.bias[j] += lr * delta[l][j];
      return delta;
    },
  });
  expectAll("03-1", false, {
    "the skeleton (biases left alone)": withBias(() => undefined),
    "without lr": withBias((b, d) => d.forEach((dj, j) => (b[j] += dj))),
    "the sign flipped": withBias((b, d, lr) => d.forEach((dj, j) => (b[j] -= dj * lr))),
    "lr twice": withBias((b, d, lr) => d.forEach((dj, j) => (b[j] += dj * lr * lr))),
    "only the output layer": (layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number) => {
      const delta = backpropagationStep(layers, x, y, lr);
      const last = layers.length - 1;
      delta[last].forEach((dj, j) => (layers[last].bias[j] += dj * lr));
      return delta;
    },
    "two weight steps": (layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number) => {
      backpropagationStep(layers, x, y, lr);
      const delta = backpropagationStep(layers, x, y, lr);
      layers.forEach((layer, l) => delta[l].forEach((dj, j) => (layer.bias[j] += dj * lr)));
      return delta;
    },
  });
});

test("03-2 the parameter count: its digest, and wrong counts", () => {
  const nn = articleNetwork();
  const weights = nn.layers.reduce((s, layer) => s + layer.weights.data.length, 0);
  const biases = nn.layers.reduce((s, layer) => s + layer.bias.length, 0);
  expectAll("03-2", true, { "counted from the network": [weights, biases], "a typed array": Int32Array.from([weights, biases]) });
  expectAll("03-2", false, { "the skeleton": [0, 0], "swapped": [biases, weights], "all parameters as weights": [weights + biases, biases], "no output biases": [weights, biases - 2], "not whole": [weights + 0.5, biases], "as text": `${weights},${biases}` });
});

test("03-3 inputGradient: dL/dx on other networks and inputs, however it is written; pasted numbers fail", () => {
  const lr = 0.01;
  const copies = (network: NeuralNetwork) => network.layers.map((l) => new Layer(l.nInput, l.nNeurons, "sigmoid", l.weights, l.bias));
  const fromDeltas = (combine: (W0: NeuralNetwork["layers"][number]["weights"], d: Float64Array, i: number) => number) =>
    (network: NeuralNetwork, x: Float64Array, y: Float64Array) => {
      const delta = backpropagationStep(copies(network), x, y, lr);
      return [0, 1].map((i) => combine(network.layers[0].weights, delta[0], i));
    };
  expectAll("03-3", true, {
    "-Σ_j W_ij delta_j (the solution)": fromDeltas((W0, d, i) => {
      let sum = 0;
      for (let j = 0; j < W0.cols; j++) sum += W0.get(i, j) * d[j];
      return -sum;
    }),
    "sum -= W_ij delta_j": fromDeltas((W0, d, i) => {
      let sum = 0;
      for (let j = 0; j < W0.cols; j++) sum -= W0.get(i, j) * d[j];
      return sum;
    }),
    "row i of W0 with reduce, from the back": fromDeltas((W0, d, i) => -Array.from(W0.row(i)).reduceRight((s, w, j) => s + w * d[j], 0)),
    "the library's deltas (computeDeltas)": (network: NeuralNetwork, x: Float64Array, y: Float64Array) => {
      network.computeDeltas(x, 0, y);
      const W0 = network.layers[0].weights;
      return Float64Array.from([0, 1], (i) => -network.layers[0].delta.reduce((s, dj, j) => s + W0.get(i, j) * dj, 0));
    },
  });
  expectAll("03-3", false, {
    "the skeleton": () => [0, 0],
    "the sign of delta kept": fromDeltas((W0, d, i) => d.reduce((s, dj, j) => s + W0.get(i, j) * dj, 0)),
    "an f'(x) factor the input does not have": (network: NeuralNetwork, x: Float64Array, y: Float64Array) =>
      fromDeltas((W0, d, i) => -d.reduce((s, dj, j) => s + W0.get(i, j) * dj, 0) * x[i] * (1 - x[i]))(network, x, y),
    "finite-difference numbers pasted from the notebook": () => [-1.28e-4, 4.5e-5],
    "the network stepped, then its new weights read": (network: NeuralNetwork, x: Float64Array, y: Float64Array) => {
      const delta = backpropagationStep(network.layers, x, y, lr);
      const W0 = network.layers[0].weights;
      return [0, 1].map((i) => -delta[0].reduce((s, dj, j) => s + W0.get(i, j) * dj, 0));
    },
  });
});

test("04-1 the hidden rule without f'(o_j): judged by what it computes, however it is written", () => {
  const rule = (last: (layer: Layer, j: number, sum: number) => void): HiddenDeltaRule => (layer, next) => {
    for (let j = 0; j < layer.nNeurons; j++) {
      const Wj = next.weights.row(j);
      let sum = 0;
      for (let k = 0; k < next.nNeurons; k++) sum += Wj[k] * next.delta[k];
      layer.error[j] = sum;
      last(layer, j, sum);
    }
  };
  expectAll("04-1", true, {
    "delta = sum (the exercise's edit)": rule((layer, j, sum) => (layer.delta[j] = sum)),
    "delta = error": rule((layer, j) => (layer.delta[j] = layer.error[j])),
    "delta = sum * 1": rule((layer, j, sum) => (layer.delta[j] = sum * 1)),
    "error first, then delta.set(error)": (layer: Layer, next: Layer) => {
      for (let j = 0; j < layer.nNeurons; j++) {
        let e = 0;
        for (let k = 0; k < next.nNeurons; k++) e += next.weights.get(j, k) * next.delta[k];
        layer.error[j] = e;
      }
      layer.delta.set(layer.error);
    },
  });
  expectAll("04-1", false, {
    "the committed rule (with f')": rule((layer, j, sum) => (layer.delta[j] = sum * layer.activation.derivative(layer.lastActivation[j]))),
    "times o_j only": rule((layer, j, sum) => (layer.delta[j] = sum * layer.lastActivation[j])),
    "times (1 - o_j) only": rule((layer, j, sum) => (layer.delta[j] = sum * (1 - layer.lastActivation[j]))),
    "zero": rule((layer, j) => (layer.delta[j] = 0)),
    "delta from an error it never wrote": (layer: Layer) => layer.delta.set(layer.error),
  });
});

test("04-2, 05-1, 05-2: answers read from a run follow that run, whatever its settings", () => {
  const h = history([[0, 0.25, 0.5], [10, 0.09, 0.89], [20, 0.049, 0.95], [30, 0.03, 0.97]]);
  assert.equal(ESCAPE_ACCURACY, 0.95);
  assert.equal(isRunAnswer("04-2", h, 30), true, "the escape is the first record ABOVE 95%: 95.00% exactly is not");
  assert.equal(isRunAnswer("04-2", h, 20), false);
  assert.equal(isRunAnswer("05-1", h, 20), true);
  assert.equal(isRunAnswer("05-1", h, 10), false);
  assert.equal(isRunAnswer("05-2", h, 18), true, "600 test points at 97%: 18 wrong");
  assert.equal(isRunAnswer("05-2", h, 600 * (1 - 0.97)), true, "worked out without rounding: 17.999999999999996");
  assert.equal(isRunAnswer("05-2", h, 582), false, "the right ones");
  assert.equal(isRunAnswer("05-2", h, 17), false);
  assert.equal(isRunAnswer("05-2", h, 3, 100), true);
  assert.equal(isRunAnswer("04-2", history([[0, 0.25, 0.5], [10, 0.1, 0.951]]), 10), true);
  assert.equal(isRunAnswer("04-2", history([[0, 0.25, 0.5]]), NaN), false, "a run that never gets there has no answer");
  assert.equal(isRunAnswer("05-2", history([]), 0), false, "an empty history has no last record");
});

test("04-1: the final accuracy, as a fraction or a percentage, to two decimals of a percent", () => {
  const broken = history([[0, 0.25, 0.5], [1000, 0.12, 527 / 600]]); // 87.83%
  for (const written of [0.8783, 87.83, 527 / 600, 52700 / 600]) assert.equal(isRunAnswer("04-1", broken, written), true, `04-1: ${written}`);
  for (const written of [0.878, 87.8, 0.8784, 97.67, NaN, 0]) assert.equal(isRunAnswer("04-1", broken, written), false, `04-1: ${written}`);
});

test("06-1 tanh and 06-2 relu: the gradient check on networks and samples the notebook never uses", () => {
  const tanhWith = (derivative: (o: number) => number): Activation => ({ name: "my tanh", fn: (z) => Math.tanh(z), derivative });
  expectAll("06-1", true, {
    "1 - o * o (the solution)": tanhWith((o) => 1 - o * o),
    "(1 - o)(1 + o)": tanhWith((o) => (1 - o) * (1 + o)),
    "1 - o ** 2": tanhWith((o) => 1 - o ** 2),
    "1 / cosh(atanh(o))^2": tanhWith((o) => 1 / Math.cosh(Math.atanh(o)) ** 2),
  });
  expectAll("06-1", false, {
    "the skeleton, 1 - o": tanhWith((o) => 1 - o),
    "1 - tanh(o)^2: o taken for z": tanhWith((o) => 1 - Math.tanh(o) ** 2),
    "the sigmoid's o (1 - o)": tanhWith((o) => o * (1 - o)),
    "1 + o^2": tanhWith((o) => 1 + o * o),
  });
  const reluWith = (derivative: (o: number) => number): Activation => ({ name: "my relu", fn: (z) => (z > 0 ? z : 0), derivative });
  expectAll("06-2", true, {
    "o > 0 ? 1 : 0 (the solution)": reluWith((o) => (o > 0 ? 1 : 0)),
    "Number(o > 0)": reluWith((o) => Number(o > 0)),
    "Math.sign(o)": reluWith((o) => Math.sign(o)),
    "o === 0 ? 0 : 1": reluWith((o) => (o === 0 ? 0 : 1)),
  });
  expectAll("06-2", false, {
    "the skeleton, o": reluWith((o) => o),
    "o >= 0 ? 1 : 0": reluWith((o) => (o >= 0 ? 1 : 0)),
    "always 1": reluWith(() => 1),
    "leaky: 0.01 where off": reluWith((o) => (o > 0 ? 1 : 0.01)),
  });
});

test("06-3 the softmax + cross-entropy output rule: the gradient check with two outputs and with three", () => {
  const withDelta = (delta: (y: number, p: number) => number): OutputDeltaRule => (layer, target) => {
    const p = new Float64Array(layer.nNeurons);
    softmax(layer.lastActivation, p);
    for (let k = 0; k < layer.nNeurons; k++) {
      layer.error[k] = target[k] - p[k];
      layer.delta[k] = delta(target[k], p[k]);
    }
  };
  expectAll("06-3", true, {
    "y - p (the solution)": withDelta((y, p) => y - p),
    "-(p - y)": withDelta((y, p) => -(p - y)),
    "the loss's own error (loss.outputError)": ((layer, target, loss) => {
      loss.outputError(layer.lastActivation, target, layer.error);
      layer.delta.set(layer.error);
    }) as OutputDeltaRule,
    "the library's outputLayerDelta": outputLayerDelta,
    "exponentials written out": ((layer, target) => {
      const o = layer.lastActivation;
      const max = Math.max(...o);
      const e = o.map((v) => Math.exp(v - max));
      const sum = e.reduce((s, v) => s + v, 0);
      for (let k = 0; k < layer.nNeurons; k++) layer.delta[k] = layer.error[k] = target[k] - e[k] / sum;
    }) as OutputDeltaRule,
  });
  expectAll("06-3", false, {
    "the skeleton, y - o": ((layer, target) => {
      for (let k = 0; k < layer.nNeurons; k++) layer.delta[k] = layer.error[k] = target[k] - layer.lastActivation[k];
    }) as OutputDeltaRule,
    "p - y: the sign flipped": withDelta((y, p) => p - y),
    "a sigmoid-like factor p (1 - p)": withDelta((y, p) => (y - p) * p * (1 - p)),
    "hard-coded for two outputs": ((layer, target) => {
      const o = layer.lastActivation;
      const p1 = 1 / (1 + Math.exp(o[0] - o[1]));
      layer.delta[0] = target[0] - (1 - p1);
      layer.delta[1] = target[1] - p1;
    }) as OutputDeltaRule,
  });
});

test("07-1 isLastToEscape: the seed whose run got above the threshold last, runs that never did left out", () => {
  const runs = [
    { seed: 1, history: history([[0, 0.2, 0.5], [10, 0.1, 0.96]]) },
    { seed: 2, history: history([[0, 0.2, 0.5], [10, 0.1, 0.89], [20, 0.05, 0.97]]) },
    { seed: 3, history: history([[0, 0.2, 0.5], [10, 0.1, 0.89], [20, 0.09, 0.95]]) }, // never above 0.95
    { seed: 4, history: history([[0, 0.2, 0.5], [10, 0.1, 0.89], [20, 0.05, 0.96]]) }, // ties with seed 2: the first one counts
  ];
  assert.equal(isLastToEscape(runs, ESCAPE_ACCURACY, 2), true);
  for (const wrong of [1, 3, 4, 20, NaN]) assert.equal(isLastToEscape(runs, ESCAPE_ACCURACY, wrong), false, `seed ${wrong}`);
  assert.equal(isLastToEscape(runs.slice(2, 3), ESCAPE_ACCURACY, 3), false, "no run escaped: nothing is right");
});

test("07-2 the learning-rate sweep: the rates asked for, each run as long as the baseline, the 0.01 run the baseline itself", () => {
  const { XTrain, XTest, yTrain, yTest } = split;
  const EPOCHS = 1; // records at epochs 0 and 1: enough to tell a shorter run
  const runAt = (learningRate: number, seed = 1, epochs = EPOCHS) =>
    comparedRun(`lr ${learningRate}`, articleNetwork({ seed }).train(XTrain, XTest, yTrain, yTest, learningRate, epochs), 0);
  const [r003, r01, r03, r1] = [0.003, 0.01, 0.03, 0.1].map((lr) => runAt(lr));
  const baseline = runAt(0.01).history;
  const answer = (runs: unknown[], network: object = { seed: 1 }) => ({ runs, baseline, network });
  expectAll("07-2", true, {
    "the four rates": answer([r003, r01, r03, r1]),
    "in another order": answer([r1, r01, r003, r03]),
    "histories only": answer([r003, r01, r03, r1].map((r) => ({ history: r.history }))),
    "no seed setting: the default seed, 1": { runs: [r003, r01, r03, r1], baseline },
  });
  expectAll("07-2", false, {
    "no runs (the skeleton)": answer([]),
    "four runs at 0.01": answer([r01, r01, r01, r01]),
    "three runs": answer([r003, r01, r03]),
    "0.3 for 0.1": answer([r003, r01, r03, runAt(0.3)]),
    "another seed": answer([0.003, 0.01, 0.03, 0.1].map((lr) => runAt(lr, 2)), { seed: 2 }),
    "shorter runs than the baseline": answer([0.003, 0.01, 0.03, 0.1].map((lr) => runAt(lr, 1, 0))),
    "the baseline's network, NumPy's seed 1": answer([r003, r01, r03, r1], { numpySeed: 1 }),
  });
});
