import { DeltaRules, articleDeltaRules, hiddenLayerDelta, outputLayerDelta } from "./delta-rules";
import { EpochRecord, TrainingHistory, formatRecord } from "./history";
import { Layer } from "./layer";
import { addOuter } from "./linalg";
import { Activation, ActivationLike, ActivationName } from "./activation";
import { Loss, LossLike, LossName, resolveLoss } from "./loss";
import { Matrix, MatrixLike, VectorLike, isVector, toVector } from "./matrix";
import { accuracy, assertLabels, meanSquaredError, oneHot } from "./metrics";
import { type NetworkJSON, parseNetworkJSON } from "./network-json";
import { describe, isList, optionsObject } from "./validate";

export interface NetworkOptions {
  /** What backpropagation differentiates: the article's "mse" (default) or "softmax-cross-entropy", or your own. */
  loss?: LossLike;
  /**
   * The article never updates the biases: they keep their random initial
   * values. `true` also applies b_j += lr * delta_j.
   */
  updateBias?: boolean;
}

export interface TrainOptions {
  /** Record (and report) every this many epochs; the article uses 10. */
  recordEvery?: number;
  /** Called with each checkpoint as it is recorded, e.g. to print the article's log line. */
  onRecord?: (record: EpochRecord) => void;
  /** Called after every epoch's pass, e.g. for a progress bar. */
  onEpoch?: (epoch: number, maxEpochs: number) => void;
}

/**
 * A whole SGD step on one sample, written by a learner (notebook 03's
 * `backpropagationStep`): the forward pass, every delta, every update, on
 * `layers` in place. `x` holds the sample's features, `y` its one-hot target.
 * It may return each layer's delta (code convention, -dL/dz), which the
 * per-layer check then compares; what it returns is otherwise ignored.
 */
export type TrainingStep = (layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number) => readonly Float64Array[] | void;

/** A learner may assign anything to `step`: check it before the first sample, not in the middle of training. */
export function assertStep(step: unknown, where: string): void {
  if (step === null) return;
  if (typeof step !== "function") {
    throw new Error(`${where}: network.step must be null (the library's step) or a function (layers, x, y, lr) => ..., got ${describe(step)}`);
  }
  if (step.length !== 4) {
    throw new Error(`${where}: network.step must take the 4 arguments (layers, x, y, lr), got a function of ${step.length} argument(s)`);
  }
}

/** A learner may assign any object to `deltaRules`: check it before the first step, not in the middle of one. */
function assertDeltaRules(rules: DeltaRules, where: string): void {
  if (rules === null || typeof rules !== "object" || typeof rules.output !== "function" || typeof rules.hidden !== "function") {
    throw new Error(`${where}: network.deltaRules must be { output: (layer, target, loss) => void, hidden: (layer, next) => void }, got ${rules === null ? "null" : typeof rules === "object" ? `{ ${Object.keys(rules).join(", ")} }` : typeof rules}`);
  }
}

/**
 * Far above any rate that trains (the article uses 0.01; 50 already diverges
 * with ReLU), low enough that one step on sensible targets cannot overflow.
 */
const MAX_LEARNING_RATE = 1e6;
/** A million epochs is about three hours of training here: more is surely a typo. */
const MAX_EPOCHS = 1e6;

function assertLearningRate(learningRate: number, where: string): void {
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0 || learningRate > MAX_LEARNING_RATE) {
    throw new Error(`${where}: learningRate must be a finite number in (0, ${MAX_LEARNING_RATE}], got ${describe(learningRate)}`);
  }
}

/** Targets are one-hot rows (or class probabilities): every value in [0, 1]. */
function assertTarget(target: Float64Array, where: string): void {
  for (let k = 0; k < target.length; k++) {
    if (!(target[k] >= 0 && target[k] <= 1)) throw new Error(`${where}: yOneHot must hold target values in [0, 1] (one-hot), found ${target[k]} at index ${k}`);
  }
}

/** "layers[1] (hidden layer 2 of 3, 25x50)", "layers[3] (the output layer, 25x2)": how messages and the check name a layer. */
export function layerLabel(index: number, layers: readonly Layer[]): string {
  const layer = layers[index];
  const where = index === layers.length - 1 ? "the output layer" : `hidden layer ${index + 1} of ${layers.length - 1}${index === 0 ? ", input side" : ""}`;
  return `layers[${index}] (${where}${layer ? `, ${layer.nInput}x${layer.nNeurons}` : ""})`;
}

/** Weights larger than this at the last finite checkpoint mean the weights grew until they overflowed. */
const LARGE_WEIGHT = 1e3;

/**
 * Thrown by `train` when a recorded loss is NaN or infinite. The network is
 * put back to the last checkpoint whose loss was finite, and the error
 * carries the history up to that checkpoint. Its message tells two causes
 * apart by the weights at that checkpoint: weights that had grown large
 * overflowed (a learning rate too large), while a NaN that follows moderate
 * weights appeared at once, which points at the arithmetic of a rule or step.
 */
export class TrainingDivergedError extends Error {
  /** "blow-up": the weights grew until they overflowed; "sudden": NaN or Infinity after moderate weights; "first epoch": before any checkpoint, either. */
  readonly kind: "blow-up" | "sudden" | "first epoch";
  constructor(
    /** The epoch whose recorded loss was not finite. */
    readonly epoch: number,
    readonly loss: number,
    readonly learningRate: number,
    /** The epoch whose weights the network now holds, or null for the weights it had before `train`. */
    readonly restoredEpoch: number | null,
    /** Every finite checkpoint recorded before the divergence. */
    readonly history: TrainingHistory,
    /** The largest |W| of the weights the network was put back to. */
    readonly largestWeight = NaN,
  ) {
    const last = history.last;
    const kind = restoredEpoch === null ? "first epoch" : largestWeight >= LARGE_WEIGHT ? "blow-up" : "sudden";
    const size = Number.isFinite(largestWeight) ? largestWeight.toPrecision(3) : String(largestWeight);
    const why = {
      "blow-up": `The weights had grown large (largest |W| ${size} at epoch ${restoredEpoch}) until they overflowed: try a smaller learning rate (e.g. ${learningRate / 10}) or fewer epochs. `,
      sudden: `The weights at the last finite checkpoint (epoch ${restoredEpoch}) were moderate (largest |W| ${size}), so this is not a slow blow-up: ` +
        "a NaN or Infinity appeared at once, which usually comes from the arithmetic of a delta rule or step (0/0, Math.sqrt or Math.log of a negative number, " +
        "reading past the end of an array). Check the rules first; a smaller learning rate rarely fixes this. ",
      "first epoch": "It happened within the first epoch, before any checkpoint: either the learning rate is far too large for this network " +
        `(try a smaller learning rate, e.g. ${learningRate / 10}), or a delta rule or step computes NaN or Infinity itself; if the library's rules train at this learning rate, look at the rule. `,
    }[kind];
    super(
      `train: the loss became ${loss} at epoch ${epoch} with learningRate ${learningRate}. ${why}` +
        (restoredEpoch === null
          ? "The network was put back to the weights it had before train; "
          : `The network was put back to its weights at epoch ${restoredEpoch} (${last ? formatRecord(last) : ""}); `) +
        `error.history holds the ${history.records.length} finite checkpoint(s).`,
    );
    this.name = "TrainingDivergedError";
    this.kind = kind;
  }
}

/** Which part of a training step was running: the forward pass, a delta rule (at `layer`), or a whole step of one's own. */
type StepPart = "forward pass" | "output rule" | "hidden rule" | "step";

/**
 * Thrown by `train` and `backpropagation` when a delta rule, a whole step or
 * an activation throws: it says which function it was, at which epoch,
 * training sample and layer, and keeps the original error as `cause`, its
 * message, and its stack (so the line of the cell that threw still shows).
 * `train` puts the network back to its last checkpoint first.
 */
export class TrainingStepError extends Error {
  constructor(
    readonly part: StepPart,
    /** The epoch, or null outside `train` (a single `backpropagation`). */
    readonly epoch: number | null,
    /** The training sample's row, or null outside `train`. */
    readonly sample: number | null,
    /** The layer whose rule threw, or null for a whole step or the forward pass. */
    readonly layer: number | null,
    where: string,
    /** What threw, e.g. "your hidden rule (network.deltaRules.hidden) in layers[1] (...)". */
    readonly what: string,
    override readonly cause: unknown,
  ) {
    const original = cause instanceof Error ? `${cause.name}: ${cause.message}` : `thrown value ${String(cause)}`;
    const at = epoch !== null ? ` at epoch ${epoch}, training sample ${sample}` : sample !== null ? ` on training sample ${sample}` : "";
    super(`${where}: ${what} threw${at}: ${original}`);
    this.name = "TrainingStepError";
    // The learner's frames (the cell's line) are the useful part of the stack: keep them under this message.
    const frames = cause instanceof Error && typeof cause.stack === "string" ? cause.stack.split("\n").filter((line) => /^\s+at /.test(line)) : [];
    if (frames.length > 0) this.stack = `${this.name}: ${this.message}\n${frames.join("\n")}`;
  }
}

/** A training in progress (`startTraining`), run one epoch at a time. */
export interface Training {
  /** The records so far. */
  readonly history: TrainingHistory;
  readonly maxEpochs: number;
  /** The next epoch to run (maxEpochs + 1 when done). */
  readonly epoch: number;
  /** Every epoch ran, or one failed (it threw). */
  readonly done: boolean;
  /** Runs the next epoch: every sample, the record when one is due, the hooks; throws as `train` does. */
  runEpoch(): void;
}

/** A stack of `Layer`s trained by hand-written backpropagation, as in the article. */
export class NeuralNetwork {
  private readonly _layers: Layer[] = [];
  readonly loss: Loss;
  readonly updateBias: boolean;
  /**
   * The output- and hidden-layer delta rules; replace them to try your own
   * derivation. `backpropagation` and `train` call whatever is here, as it is.
   */
  deltaRules: DeltaRules = articleDeltaRules();
  /**
   * Your own whole step (see `TrainingStep`), or null for the library's.
   * When set, `train` and `backpropagation` run it for every sample instead
   * of the library's step, and `deltaRules` and `updateBias` are not used:
   * the step does everything itself.
   */
  step: TrainingStep | null = null;
  /** A scratch row for the loss's probabilities, sized when the output layer is added. */
  private probabilities = new Float64Array(0);
  /** What the step is running (kept for the message when a learner's function throws): the part, and the layer of a rule. */
  private part: StepPart = "forward pass";
  private partLayer = -1;

  constructor(options: NetworkOptions = {}) {
    const checked = optionsObject<NetworkOptions>(options, ["loss", "updateBias"], "NeuralNetwork");
    if (checked.updateBias !== undefined && typeof checked.updateBias !== "boolean") {
      throw new Error(`NeuralNetwork: options.updateBias must be true or false, got ${describe(checked.updateBias)}`);
    }
    this.loss = resolveLoss(checked.loss, "NeuralNetwork");
    this.updateBias = checked.updateBias ?? false;
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
   * The forward pass of one sample from `input[offset ..]` through every
   * layer, o = f(o_prev W + b); each layer keeps its output o in
   * `lastActivation`. feedForward, predict, train and the figures all use it.
   */
  forwardSample(input: Float64Array, offset = 0): Float64Array {
    const layers = this._layers;
    let o = layers[0].forward(input, offset);
    for (let l = 1; l < layers.length; l++) o = layers[l].forward(o);
    return o;
  }

  /** The article's `feed_forward`: one sample (vector in, vector out) or a batch (rows in, rows out). */
  feedForward(x: VectorLike): Float64Array;
  feedForward(X: MatrixLike): Matrix;
  feedForward(x: VectorLike | MatrixLike): Float64Array | Matrix {
    if (isVector(x)) {
      const v = toVector(x, "feedForward: x");
      this.assertWidth(v.length, "feedForward: x");
      return this.finiteForward("feedForward", () => this.forwardSample(v).slice());
    }
    const X = this.toInputMatrix(x, "feedForward: X");
    return this.finiteForward("feedForward", () => this.forwardBatch(X));
  }

  /** Same as `feedForward` on a batch: one row of outputs per row of X. */
  predict(X: MatrixLike): Matrix {
    const checked = this.toInputMatrix(X, "predict: X");
    return this.finiteForward("predict", () => this.forwardBatch(checked));
  }

  /**
   * Runs a forward pass and checks its outputs are finite: a network with
   * huge (finite) weights can overflow, and then says so instead of returning
   * Infinity or NaN, with every layer's `lastActivation` as it was.
   */
  private finiteForward<T extends Float64Array | Matrix>(where: string, forward: () => T): T {
    const saved = this._layers.map((l) => l.lastActivation.slice());
    const out = forward();
    const values: Float64Array = out instanceof Matrix ? out.data : (out as Float64Array);
    for (let k = 0; k < values.length; k++) {
      if (!Number.isFinite(values[k])) {
        this._layers.forEach((l, i) => l.lastActivation.set(saved[i]));
        throw new Error(`${where}: the network's output is ${values[k]}: a value overflowed on the way through the layers; the weights are too large (did training diverge?)`);
      }
    }
    return out;
  }

  /** Fraction of rows of `predictions` whose argmax equals the label in `y`. */
  accuracy(predictions: MatrixLike, y: ArrayLike<number>): number {
    return accuracy(Matrix.from(predictions, "accuracy: predictions"), y);
  }

  /**
   * The article's backpropagation: ONE SGD step on ONE sample. Checks its
   * arguments, then runs the step `train` runs for every sample: the
   * network's own `step` if one is set, else the library's.
   */
  backpropagation(x: VectorLike, yOneHot: VectorLike, learningRate: number): void {
    const input = toVector(x, "backpropagation: x");
    this.assertWidth(input.length, "backpropagation: x");
    const target = toVector(yOneHot, "backpropagation: yOneHot");
    if (target.length !== this.nOutputs) {
      throw new Error(`backpropagation: yOneHot must have nOutputs = ${this.nOutputs} values, got ${target.length}`);
    }
    assertTarget(target, "backpropagation");
    assertLearningRate(learningRate, "backpropagation");
    assertDeltaRules(this.deltaRules, "backpropagation");
    assertStep(this.step, "backpropagation");
    try {
      this.runStep(this.step, input, 0, target, learningRate);
    } catch (e) {
      throw this.stepError(e, "backpropagation", null, null);
    }
  }

  /**
   * One pass over the training set, one SGD step per sample in order (the
   * hot loop, its values in locals). `progress.sample` says where it stopped
   * if a step throws.
   */
  private epochOfSteps(trainX: Matrix, targets: Matrix, target: Float64Array, ownStep: TrainingStep | null, rows: Float64Array[], lr: number, progress: { sample: number }): void {
    const nClasses = target.length;
    const nFeatures = trainX.cols;
    let s = 0;
    try {
      for (; s < trainX.rows; s++) {
        for (let k = 0; k < nClasses; k++) target[k] = targets.data[s * nClasses + k]; // a copy, no subarray view per step
        if (ownStep) this.runStep(ownStep, rows[s], 0, target, lr);
        else this.runStep(null, trainX.data, s * nFeatures, target, lr);
      }
    } finally {
      progress.sample = s;
    }
  }

  /** One SGD step on one sample: the network's own step if given, else the library's. */
  private runStep(ownStep: TrainingStep | null, input: Float64Array, inputOffset: number, target: Float64Array, lr: number): void {
    if (ownStep) {
      this.part = "step";
      ownStep(this._layers, input, target, lr); // the caller gives a learner's step the sample as an array of its own
    } else this.libraryStep(input, inputOffset, target, lr);
  }

  /** The error for a learner's function (or anything in the step) that threw; see TrainingStepError. */
  private stepError(e: unknown, where: string, epoch: number | null, sample: number | null): unknown {
    if (e instanceof TrainingStepError) return e;
    const part = this.part;
    const layer = part === "output rule" || part === "hidden rule" ? this.partLayer : null;
    const rule = part === "output rule" ? this.deltaRules.output : part === "hidden rule" ? this.deltaRules.hidden : null;
    const library = part === "output rule" ? outputLayerDelta : hiddenLayerDelta;
    const what =
      part === "step" ? "your step (network.step)" :
        part === "forward pass" ? "the forward pass (an activation function)" :
          `${rule === library ? `the library's ${part} (${library === outputLayerDelta ? "outputLayerDelta" : "hiddenLayerDelta"})` : `your ${part} (network.deltaRules.${part === "output rule" ? "output" : "hidden"})`} in ${layerLabel(layer!, this._layers)}`;
    return new TrainingStepError(part, epoch, sample, layer, where, what, e);
  }

  /**
   * Steps 1-3 of backpropagation for one sample (x at `input[inputOffset ..]`,
   * y = `target`): the forward pass, then every layer's `error` and `delta`
   * from the output layer back to the first. No weight changes: the gradient
   * check uses this on its own.
   */
  computeDeltas(input: Float64Array, inputOffset: number, target: Float64Array): void {
    const layers = this._layers;
    const last = layers.length - 1;
    this.part = "forward pass";
    this.forwardSample(input, inputOffset); // 1. o = f(o_prev W + b), layer by layer
    this.part = "output rule";
    this.partLayer = last;
    this.deltaRules.output(layers[last], target, this.loss); // 2. delta_K = (y - o_K) * f'(o_K)
    this.part = "hidden rule";
    for (let l = last - 1; l >= 0; l--) {
      this.partLayer = l;
      this.deltaRules.hidden(layers[l], layers[l + 1]); // 3. delta_j = (sum_k W_jk delta_k) * f'(o_j)
    }
  }

  /**
   * The library's SGD step, unchecked: steps 1-3 (`computeDeltas`), then
   * 4. every layer's update from the input it saw, o_prev (x for the first layer):
   *    W_ij += delta_j * o_i * lr, and b_j += delta_j * lr with `updateBias`.
   * All deltas are computed before any weight moves, as in the article.
   */
  private libraryStep(input: Float64Array, inputOffset: number, target: Float64Array, lr: number): void {
    this.computeDeltas(input, inputOffset, target);
    const layers = this._layers;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      const o = l === 0 ? input : layers[l - 1].lastActivation;
      addOuter(layer.weights.data, layer.nInput, layer.nNeurons, o, l === 0 ? inputOffset : 0, layer.delta, lr); // W_ij += delta_j * o_i * lr
      if (this.updateBias) {
        const b = layer.bias;
        for (let j = 0; j < layer.nNeurons; j++) b[j] += layer.delta[j] * lr; // b_j += delta_j * lr
      }
    }
  }

  /**
   * The article's `train`: one-hot encodes the labels, then runs
   * maxEpochs + 1 passes over the training set (epochs 0..maxEpochs, as the
   * article's `range(max_epochs + 1)`), one sample at a time in order. Every
   * `recordEvery` epochs it records the train MSE and the test accuracy, and
   * also at the last epoch, so `history.last` is always the final network.
   * It is `startTraining` run to its end: the same epochs, the same bits.
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
    const training = this.startTraining(XTrain, XTest, yTrain, yTest, learningRate, maxEpochs, options, "train");
    while (!training.done) training.runEpoch();
    return training.history;
  }

  /**
   * `train`, one epoch at a time: checks everything as `train` does, then
   * returns a Training whose `runEpoch()` runs the next epoch (every sample,
   * the record when one is due, the hooks). Whoever holds it can stop between
   * epochs, for a pause, one epoch at a time, or to let a page's worker read
   * its messages; `train` itself is this, run to the end.
   */
  startTraining(
    XTrain: MatrixLike,
    XTest: MatrixLike,
    yTrain: ArrayLike<number>,
    yTest: ArrayLike<number>,
    learningRate: number,
    maxEpochs: number,
    options: TrainOptions = {},
    where = "startTraining",
  ): Training {
    // Check everything before touching a weight.
    const trainX = this.toInputMatrix(XTrain, `${where}: XTrain`);
    const testX = this.toInputMatrix(XTest, `${where}: XTest`);
    const nClasses = this.nOutputs;
    if (!isList(yTrain)) throw new Error(`${where}: yTrain must be an array of class labels, got ${describe(yTrain)}`);
    if (!isList(yTest)) throw new Error(`${where}: yTest must be an array of class labels, got ${describe(yTest)}`);
    if (yTrain.length !== trainX.rows) throw new Error(`${where}: yTrain must have one label per row of XTrain (${trainX.rows}), got ${yTrain.length}`);
    if (yTest.length !== testX.rows) throw new Error(`${where}: yTest must have one label per row of XTest (${testX.rows}), got ${yTest.length}`);
    assertLabels(yTrain, nClasses, `${where}: yTrain`);
    assertLabels(yTest, nClasses, `${where}: yTest`);
    assertLearningRate(learningRate, where);
    assertDeltaRules(this.deltaRules, where);
    assertStep(this.step, where);
    if (typeof maxEpochs !== "number" || !Number.isInteger(maxEpochs) || maxEpochs < 0 || maxEpochs > MAX_EPOCHS) {
      throw new Error(`${where}: maxEpochs must be an integer in [0, ${MAX_EPOCHS}], got ${describe(maxEpochs)}`);
    }
    const opts = optionsObject<TrainOptions>(options, ["recordEvery", "onRecord", "onEpoch"], where);
    const recordEvery = opts.recordEvery ?? 10;
    if (typeof recordEvery !== "number" || !Number.isInteger(recordEvery) || recordEvery < 1) {
      throw new Error(`${where}: options.recordEvery must be a positive integer, got ${describe(recordEvery)}`);
    }
    for (const hook of ["onRecord", "onEpoch"] as const) {
      if (opts[hook] !== undefined && typeof opts[hook] !== "function") throw new Error(`${where}: options.${hook} must be a function, got ${describe(opts[hook])}`);
    }

    const targets = oneHot(yTrain, nClasses);
    const target = new Float64Array(nClasses);
    const nFeatures = trainX.cols;
    const ownStep = this.step;
    // A learner's step takes x as an array of its own: one view per sample, made once.
    const rows = ownStep ? Array.from({ length: trainX.rows }, (_, s) => trainX.data.subarray(s * nFeatures, (s + 1) * nFeatures)) : [];
    const history = new TrainingHistory();
    // The weights at the last checkpoint whose loss was finite (at first: as given).
    const checkpoint = this.saveWeights();
    let checkpointEpoch: number | null = null;
    let epoch = 0;
    const runEpoch = (): void => {
      if (epoch > maxEpochs) throw new Error(`${where}: the training is done (epochs 0..${maxEpochs} ran); start another`);
      const progress = { sample: 0 };
      try {
        this.epochOfSteps(trainX, targets, target, ownStep, rows, learningRate, progress);
      } catch (e) {
        this.restoreWeights(checkpoint); // nothing half-changed: the weights of the last checkpoint
        const at = epoch;
        epoch = maxEpochs + 1; // a training that failed is over
        throw this.stepError(e, where, at, progress.sample);
      }
      if (epoch % recordEvery === 0 || epoch === maxEpochs) {
        const scores = this.probabilitiesOf(trainX);
        // Diverged: an output is NaN, infinite, or so large that (y - o)^2 summed over the set overflows.
        const blownUp = scores.data.find((v) => !(Math.abs(v) < 1e150));
        if (blownUp !== undefined) {
          this.restoreWeights(checkpoint);
          const largest = this._layers.reduce((m, l) => l.weights.data.reduce((a, w) => Math.max(a, Math.abs(w)), m), 0);
          const at = epoch;
          epoch = maxEpochs + 1;
          throw new TrainingDivergedError(at, Number.isNaN(blownUp) ? NaN : Infinity, learningRate, checkpointEpoch, history, largest);
        }
        const mse = meanSquaredError(scores, targets);
        const record = { epoch, mse, accuracy: accuracy(this.forwardBatch(testX), yTest) };
        history.add(record);
        this.saveWeights(checkpoint);
        checkpointEpoch = epoch;
        opts.onRecord?.(record);
      }
      opts.onEpoch?.(epoch, maxEpochs);
      epoch++;
    };
    return {
      history,
      maxEpochs,
      get epoch() {
        return epoch;
      },
      get done() {
        return epoch > maxEpochs;
      },
      runEpoch,
    };
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
    const saved = parseNetworkJSON(json, "NeuralNetwork.fromJSON");
    if (custom === null || typeof custom !== "object") throw new Error("NeuralNetwork.fromJSON: custom must be an object { activations?, loss? }");
    const byName = (name: string): ActivationLike => custom.activations?.find((a) => a.name === name) ?? (name as ActivationName);
    const loss = custom.loss && custom.loss.name === saved.loss ? custom.loss : resolveLoss(saved.loss as LossName, "NeuralNetwork.fromJSON: json.loss (a custom loss is restored by passing it as custom.loss)");
    const network = new NeuralNetwork({ loss, updateBias: saved.updateBias });
    saved.layers.forEach((l, index) => {
      try {
        network.addLayer(new Layer(l.nInput, l.nNeurons, byName(l.activation), l.weights, l.bias));
      } catch (e) {
        throw new Error(`NeuralNetwork.fromJSON: json.layers[${index}]: ${(e as Error).message} (a custom activation is restored by passing it in custom.activations)`);
      }
    });
    return network;
  }

  /** A copy of every layer's weights and biases, written into `into` when given. */
  private saveWeights(into?: Float64Array[]): Float64Array[] {
    const out = into ?? [];
    this._layers.forEach((layer, l) => {
      if (into) {
        into[2 * l].set(layer.weights.data);
        into[2 * l + 1].set(layer.bias);
      } else out.push(layer.weights.data.slice(), layer.bias.slice());
    });
    return out;
  }

  private restoreWeights(saved: Float64Array[]): void {
    this._layers.forEach((layer, l) => {
      layer.weights.data.set(saved[2 * l]);
      layer.bias.set(saved[2 * l + 1]);
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
