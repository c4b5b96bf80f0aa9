import { Activation, ActivationLike, resolveActivation } from "./activation";
import { vecMat } from "./linalg";
import { Matrix, MatrixLike, VectorLike, assertFinite, isVector, toVector } from "./matrix";
import { RandomSource, defaultRandom } from "./random";
import { assertElementCount, describe, sizeArgument } from "./validate";

/**
 * A fully connected layer, o = f(x W + b), with W of shape nInput x nNeurons.
 * It also keeps what backpropagation needs from the last sample it saw:
 * its output o (`lastActivation`), `error` and `delta`.
 */
export class Layer {
  readonly nInput: number;
  readonly nNeurons: number;
  readonly activation: Activation;
  /** W, nInput x nNeurons: W[i][j] connects input i to neuron j. */
  readonly weights: Matrix;
  /** b, one per neuron. */
  readonly bias: Float64Array;
  /** o = f(x W + b) for the last single sample passed forward. */
  readonly lastActivation: Float64Array;
  /** The back-propagated error reaching this layer's outputs (see the delta rules). */
  readonly error: Float64Array;
  /** delta = error * f'(o): what the weight update multiplies with the layer's input. */
  readonly delta: Float64Array;

  /**
   * Without `weights`/`bias` they are drawn like the article:
   * W = randn(nInput, nNeurons) * sqrt(1 / nNeurons), b = rand(nNeurons) * 0.1,
   * from `random` (by default the generator `setSeed` controls).
   */
  constructor(
    nInput: number,
    nNeurons: number,
    activation: ActivationLike = null,
    weights?: MatrixLike,
    bias?: VectorLike,
    random: RandomSource = defaultRandom(),
  ) {
    // Every argument is checked before a single random number is drawn.
    sizeArgument(nInput, "nInput", "Layer");
    sizeArgument(nNeurons, "nNeurons", "Layer");
    assertElementCount(nInput * nNeurons, `weights (nInput x nNeurons = ${nInput} x ${nNeurons})`, "Layer");
    this.nInput = nInput;
    this.nNeurons = nNeurons;
    this.activation = resolveActivation(activation, "Layer");
    let w: Matrix | undefined;
    if (weights !== undefined) {
      w = Matrix.from(weights, "Layer: weights");
      if (w.rows !== nInput || w.cols !== nNeurons) {
        throw new Error(`Layer: weights must be nInput x nNeurons = ${nInput} x ${nNeurons}, got ${w.rows} x ${w.cols}`);
      }
    }
    let b: Float64Array | undefined;
    if (bias !== undefined) {
      b = toVector(bias, "Layer: bias");
      if (b.length !== nNeurons) throw new Error(`Layer: bias must have nNeurons = ${nNeurons} values, got ${b.length}`);
    }
    if ((w === undefined || b === undefined) && (random === null || typeof random !== "object" || typeof random.normal !== "function" || typeof random.random !== "function")) {
      throw new Error(`Layer: random must be a RandomSource { random(), normal() } (e.g. new SeededRandom(1)), got ${describe(random)}`);
    }

    if (w !== undefined) this.weights = w.clone();
    else {
      this.weights = new Matrix(nInput, nNeurons);
      const scale = Math.sqrt(1 / nNeurons);
      for (let k = 0; k < this.weights.data.length; k++) this.weights.data[k] = random.normal() * scale;
    }
    if (b !== undefined) this.bias = b;
    else {
      this.bias = new Float64Array(nNeurons);
      for (let j = 0; j < nNeurons; j++) this.bias[j] = random.random() * 0.1;
    }

    this.lastActivation = new Float64Array(nNeurons);
    this.error = new Float64Array(nNeurons);
    this.delta = new Float64Array(nNeurons);
  }

  /**
   * The forward pass of one sample, read from `input[offset .. offset + nInput)`:
   * o = f(x W + b), written to `out[outOffset ..]` (by default `lastActivation`).
   * Every forward pass in the project (training, feedForward, predict,
   * figures) comes through here.
   */
  forward(input: Float64Array, offset = 0, out: Float64Array = this.lastActivation, outOffset = 0): Float64Array {
    const nOut = this.nNeurons;
    const b = this.bias;
    const f = this.activation.fn;
    vecMat(input, offset, this.weights.data, this.nInput, nOut, out, outOffset); // z_j = sum_i x_i W_ij
    for (let j = 0; j < nOut; j++) out[outOffset + j] = f(out[outOffset + j] + b[j]); // o_j = f(z_j + b_j)
    return out;
  }

  /** The article's `activate`: o = f(x W + b) for one sample (a vector) or a batch (rows). */
  activate(x: VectorLike): Float64Array;
  activate(x: MatrixLike): Matrix;
  activate(x: VectorLike | MatrixLike): Float64Array | Matrix {
    if (isVector(x)) {
      const v = toVector(x, "Layer.activate: x");
      this.assertWidth(v.length, "x");
      return this.forward(v).slice();
    }
    const X = Matrix.from(x, "Layer.activate: X");
    this.assertWidth(X.cols, "X");
    const out = new Matrix(X.rows, this.nNeurons);
    for (let r = 0; r < X.rows; r++) this.forward(X.data, r * X.cols, out.data, r * this.nNeurons);
    return out;
  }

  /** f'(z) from the outputs o = f(z), element by element (the article's `apply_activation_derivative`). */
  applyActivationDerivative(output: ArrayLike<number>): Float64Array {
    assertFinite(output, "Layer.applyActivationDerivative: output");
    const d = this.activation.derivative;
    return Float64Array.from(output, (o) => d(o));
  }

  private assertWidth(width: number, name: string): void {
    if (width !== this.nInput) {
      throw new Error(`Layer.activate: ${name} must have nInput = ${this.nInput} features per sample, got ${width}`);
    }
  }
}
