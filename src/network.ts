import { DeltaRules, articleDeltaRules, hiddenLayerDelta } from "./delta-rules";
import { forwardUnrolled, fusedStep } from "./fast-step";
import { EpochRecord, TrainingHistory } from "./history";
import { Layer } from "./layer";
import { Activation, ActivationLike, ActivationName } from "./activation";
import { Loss, LossLike, LossName, resolveLoss } from "./loss";
import { Matrix, MatrixLike, VectorLike, isVector, toVector } from "./matrix";
import { accuracy, assertLabels, meanSquaredError, oneHot } from "./metrics";

export interface NetworkOptions {
  /** What backpropagation differentiates: the article's "mse" (default) or "softmax-cross-entropy", or your own. */
  loss?: LossLike;
  /**
   * The article never updates the biases: they keep their random initial
   * values. `true` also applies b_j += lr * delta_j.
   */
  updateBias?: boolean;
}

/** A saved network: architecture, activations, weights and biases, options. */
export interface NetworkJSON {
  format: "backprop-moons/network";
  version: 1;
  loss: string;
  updateBias: boolean;
  layers: { nInput: number; nNeurons: number; activation: string; weights: number[][]; bias: number[] }[];
}

export interface TrainOptions {
  /** Record (and report) every this many epochs; the article uses 10. */
  recordEvery?: number;
  /** Called with each checkpoint as it is recorded, e.g. to print the article's log line. */
  onRecord?: (record: EpochRecord) => void;
  /** Called after every epoch's pass, e.g. for a progress bar. */
  onEpoch?: (epoch: number, maxEpochs: number) => void;
}

function assertLearningRate(learningRate: number, where: string): void {
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new Error(`${where}: learningRate must be a finite number > 0, got ${learningRate}`);
  }
}

/** A stack of `Layer`s trained by hand-written backpropagation, as in the article. */
export class NeuralNetwork {
  private readonly _layers: Layer[] = [];
  readonly loss: Loss;
  readonly updateBias: boolean;
  /**
   * The output- and hidden-layer delta rules; replace them to try your own
   * derivation. (With the article's hidden rule, training uses its fused copy
   * in fast-step.ts; any other hidden rule is called as written.)
   */
  deltaRules: DeltaRules = articleDeltaRules();
  /** True only inside `train`, once the probe showed the unrolled forward pass gives Layer.forward's bits. */
  private unrolledForward = false;
  /** A scratch row for the loss's probabilities, sized when the output layer is added. */
  private probabilities = new Float64Array(0);

  constructor(options: NetworkOptions = {}) {
    this.loss = resolveLoss(options.loss);
    this.updateBias = options.updateBias ?? false;
  }

  get layers(): readonly Layer[] {
    return this._layers;
  }

  get nInputs(): number {
    return this.firstLayer("nInputs").nInput;
  }

  get nOutputs(): number {
    return this.lastLayer("nOutputs").nNeurons;
  }

  /** Appends a layer; its nInput must match the previous layer's nNeurons. */
  addLayer(layer: Layer): this {
    if (!(layer instanceof Layer)) throw new Error("addLayer: layer must be a Layer");
    if (this._layers.includes(layer)) throw new Error("addLayer: this layer is already in the network");
    const previous = this._layers[this._layers.length - 1];
    if (previous && previous.nNeurons !== layer.nInput) {
      throw new Error(`addLayer: layer ${this._layers.length} expects nInput = ${layer.nInput}, but the previous layer outputs nNeurons = ${previous.nNeurons}`);
    }
    this._layers.push(layer);
    this.probabilities = new Float64Array(layer.nNeurons);
    return this;
  }

  /**
   * The hot path of the forward pass: one sample from `input[offset ..]`
   * through every layer; each layer keeps its output o in `lastActivation`.
   */
  forwardSample(input: Float64Array, offset = 0): Float64Array {
    const layers = this._layers;
    if (this.unrolledForward) {
      let o = forwardUnrolled(layers[0], input, offset);
      for (let l = 1; l < layers.length; l++) o = forwardUnrolled(layers[l], o, 0);
      return o;
    }
    let out = layers[0].forward(input, offset);
    for (let l = 1; l < layers.length; l++) out = layers[l].forward(out);
    return out;
  }

  /** The article's `feed_forward`: one sample (vector in, vector out) or a batch (rows in, rows out). */
  feedForward(x: VectorLike): Float64Array;
  feedForward(X: MatrixLike): Matrix;
  feedForward(x: VectorLike | MatrixLike): Float64Array | Matrix {
    if (isVector(x)) {
      const v = toVector(x, "feedForward: x");
      this.assertWidth(v.length, "feedForward: x");
      return this.forwardSample(v).slice();
    }
    const X = this.toInputMatrix(x, "feedForward: X");
    return this.forwardBatch(X);
  }

  /** Same as `feedForward` on a batch: one row of outputs per row of X. */
  predict(X: MatrixLike): Matrix {
    return this.forwardBatch(this.toInputMatrix(X, "predict: X"));
  }

  /** Fraction of rows of `predictions` whose argmax equals the label in `y`. */
  accuracy(predictions: MatrixLike, y: ArrayLike<number>): number {
    return accuracy(Matrix.from(predictions, "accuracy: predictions"), y);
  }

  /**
   * Forward one sample and fill every layer's `error` and `delta`, walking
   * from the output layer back to the first, without changing any weight.
   */
  computeDeltas(input: Float64Array, inputOffset: number, target: Float64Array): void {
    const layers = this._layers;
    this.forwardSample(input, inputOffset);
    const last = layers.length - 1;
    this.deltaRules.output(layers[last], target, this.loss);
    for (let l = last - 1; l >= 0; l--) this.deltaRules.hidden(layers[l], layers[l + 1]);
  }

  /**
   * One SGD step on ONE sample, as in the article: deltas from the output
   * layer backwards, then W_ij += lr * o_i * delta_j for every layer, where
   * o_i is the previous layer's output (x for the first layer).
   */
  backpropagation(x: VectorLike, yOneHot: VectorLike, learningRate: number): void {
    const input = toVector(x, "backpropagation: x");
    this.assertWidth(input.length, "backpropagation: x");
    const target = toVector(yOneHot, "backpropagation: yOneHot");
    if (target.length !== this.nOutputs) {
      throw new Error(`backpropagation: yOneHot must have nOutputs = ${this.nOutputs} values, got ${target.length}`);
    }
    assertLearningRate(learningRate, "backpropagation");
    this.step(input, 0, target, learningRate);
  }

  /**
   * The reference SGD step, unchecked: the delta rules from the output layer
   * back, then every layer's update. `backpropagation` runs it, and so does
   * `train` unless the fused copy (fast-step.ts) is known to match it.
   */
  private step(input: Float64Array, inputOffset: number, target: Float64Array, learningRate: number): void {
    this.computeDeltas(input, inputOffset, target);
    const layers = this._layers;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      const o = l === 0 ? input : layers[l - 1].lastActivation;
      const offset = l === 0 ? inputOffset : 0;
      const W = layer.weights.data;
      const delta = layer.delta;
      const nOut = layer.nNeurons;
      for (let i = 0; i < layer.nInput; i++) {
        const oi = o[offset + i];
        const row = i * nOut;
        for (let j = 0; j < nOut; j++) W[row + j] += delta[j] * oi * learningRate; // W_ij += delta_j * o_i * lr
      }
      if (this.updateBias) {
        const b = layer.bias;
        for (let j = 0; j < nOut; j++) b[j] += delta[j] * learningRate; // b_j += delta_j * lr
      }
    }
  }

  /**
   * The article's `train`: one-hot encodes the labels, then runs
   * maxEpochs + 1 passes over the training set (epochs 0..maxEpochs, as the
   * article's `range(max_epochs + 1)`), one sample at a time in order. Every
   * `recordEvery` epochs it records the train MSE and the test accuracy, and
   * also at the last epoch, so `history.last` is always the final network.
   */
  train(
    XTrain: MatrixLike,
    XTest: MatrixLike,
    yTrain: ArrayLike<number>,
    yTest: ArrayLike<number>,
    learningRate: number,
    maxEpochs: number,
    options: TrainOptions = {},
  ): TrainingHistory {
    // Check everything before touching a weight.
    const trainX = this.toInputMatrix(XTrain, "train: XTrain");
    const testX = this.toInputMatrix(XTest, "train: XTest");
    const nClasses = this.nOutputs;
    if (yTrain.length !== trainX.rows) throw new Error(`train: yTrain must have one label per row of XTrain (${trainX.rows}), got ${yTrain.length}`);
    if (yTest.length !== testX.rows) throw new Error(`train: yTest must have one label per row of XTest (${testX.rows}), got ${yTest.length}`);
    assertLabels(yTrain, nClasses, "train: yTrain");
    assertLabels(yTest, nClasses, "train: yTest");
    assertLearningRate(learningRate, "train");
    if (!Number.isInteger(maxEpochs) || maxEpochs < 0) {
      throw new Error(`train: maxEpochs must be a non-negative integer, got ${maxEpochs}`);
    }
    const recordEvery = options.recordEvery ?? 10;
    if (!Number.isInteger(recordEvery) || recordEvery < 1) {
      throw new Error(`train: options.recordEvery must be a positive integer, got ${recordEvery}`);
    }

    const targets = oneHot(yTrain, nClasses);
    const target = new Float64Array(nClasses);
    const nFeatures = trainX.cols;
    const history = new TrainingHistory();
    const fast = this.fusedStepMatches(trainX.data, targets.row(0).slice(), learningRate);
    this.unrolledForward = fast; // the evaluations below too
    try {
      for (let epoch = 0; epoch <= maxEpochs; epoch++) {
        for (let s = 0; s < trainX.rows; s++) {
          for (let k = 0; k < nClasses; k++) target[k] = targets.data[s * nClasses + k]; // a copy, no subarray view per step
          if (fast) fusedStep(this, trainX.data, s * nFeatures, target, learningRate);
          else this.step(trainX.data, s * nFeatures, target, learningRate);
        }
        if (epoch % recordEvery === 0 || epoch === maxEpochs) {
          const record = {
            epoch,
            mse: meanSquaredError(this.probabilitiesOf(trainX), targets),
            accuracy: accuracy(this.forwardBatch(testX), yTest),
          };
          history.add(record);
          options.onRecord?.(record);
        }
        options.onEpoch?.(epoch, maxEpochs);
      }
    } finally {
      this.unrolledForward = false;
    }
    return history;
  }

  /**
   * Everything needed to rebuild this network exactly (JSON keeps every bit
   * of a double). Custom activations and losses are saved by name: pass the
   * same objects to `fromJSON` to restore them.
   */
  toJSON(): NetworkJSON {
    return {
      format: "backprop-moons/network",
      version: 1,
      loss: this.loss.name,
      updateBias: this.updateBias,
      layers: this._layers.map((layer) => ({
        nInput: layer.nInput,
        nNeurons: layer.nNeurons,
        activation: layer.activation.name,
        weights: layer.weights.toArray(),
        bias: Array.from(layer.bias),
      })),
    };
  }

  /**
   * Rebuilds a network saved by `toJSON` (the object or its JSON text).
   * `custom` supplies activations or a loss that are not built in, by name.
   */
  static fromJSON(json: NetworkJSON | string, custom: { activations?: Activation[]; loss?: Loss } = {}): NeuralNetwork {
    let data: unknown;
    try {
      data = typeof json === "string" ? JSON.parse(json) : json;
    } catch (e) {
      throw new Error(`NeuralNetwork.fromJSON: json is not valid JSON (${(e as Error).message})`);
    }
    const saved = data as Partial<NetworkJSON> | null;
    if (!saved || saved.format !== "backprop-moons/network" || saved.version !== 1 || !Array.isArray(saved.layers) || saved.layers.length === 0) {
      throw new Error('NeuralNetwork.fromJSON: json must be a saved network ({ format: "backprop-moons/network", version: 1, layers: [...] }) with at least one layer');
    }
    const byName = (name: string): ActivationLike => custom.activations?.find((a) => a.name === name) ?? (name as ActivationName);
    const loss = custom.loss && custom.loss.name === saved.loss ? custom.loss : (saved.loss as LossName);
    const network = new NeuralNetwork({ loss, updateBias: saved.updateBias === true });
    saved.layers.forEach((l, index) => {
      try {
        network.addLayer(new Layer(l.nInput, l.nNeurons, byName(l.activation), l.weights, l.bias));
      } catch (e) {
        throw new Error(`NeuralNetwork.fromJSON: layer ${index}: ${(e as Error).message}`);
      }
    });
    return network;
  }

  /**
   * Whether the fused fast path may stand in for `step`: only with the
   * article's hidden rule, and only if one step on two copies of this
   * network, one per path, leaves the same bits. The probe is what lets a
   * learner edit the reference code and see the edit take effect.
   */
  private fusedStepMatches(input: Float64Array, target: Float64Array, learningRate: number): boolean {
    if (this.deltaRules.hidden !== hiddenLayerDelta) return false;
    const copy = (): NeuralNetwork => {
      const twin = new NeuralNetwork({ loss: this.loss, updateBias: this.updateBias });
      twin.deltaRules = this.deltaRules;
      for (const l of this._layers) twin.addLayer(new Layer(l.nInput, l.nNeurons, l.activation, l.weights, l.bias));
      return twin;
    };
    const reference = copy();
    const fused = copy();
    reference.step(input, 0, target, learningRate);
    fusedStep(fused, input, 0, target, learningRate);
    const same = (a: Float64Array, b: Float64Array) => a.every((v, k) => Object.is(v, b[k]));
    return reference._layers.every((l, i) => {
      const f = fused._layers[i];
      return same(l.weights.data, f.weights.data) && same(l.bias, f.bias) && same(l.delta, f.delta) && same(l.lastActivation, f.lastActivation);
    });
  }

  /** Network outputs turned into class scores by the loss (identity for MSE, softmax for cross-entropy). */
  probabilitiesOf(X: Matrix): Matrix {
    const nOut = this.nOutputs;
    const out = new Matrix(X.rows, nOut);
    const p = this.probabilities;
    for (let r = 0; r < X.rows; r++) {
      this.loss.probabilities(this.forwardSample(X.data, r * X.cols), p);
      out.data.set(p, r * nOut);
    }
    return out;
  }

  /** One row of outputs per row of X; nothing is allocated per row. */
  private forwardBatch(X: Matrix): Matrix {
    const nOut = this.nOutputs;
    const out = new Matrix(X.rows, nOut);
    for (let r = 0; r < X.rows; r++) out.data.set(this.forwardSample(X.data, r * X.cols), r * nOut);
    return out;
  }

  private toInputMatrix(X: MatrixLike, name: string): Matrix {
    const m = Matrix.from(X, name);
    this.assertWidth(m.cols, name);
    return m;
  }

  private assertWidth(width: number, name: string): void {
    if (width !== this.nInputs) {
      throw new Error(`${name} must have ${this.nInputs} features per sample (the first layer's nInput), got ${width}`);
    }
  }

  private firstLayer(what: string): Layer {
    if (this._layers.length === 0) throw new Error(`NeuralNetwork.${what}: the network has no layers yet; call addLayer first`);
    return this._layers[0];
  }

  private lastLayer(what: string): Layer {
    this.firstLayer(what);
    return this._layers[this._layers.length - 1];
  }
}
