/**
 * Everything that runs in any JavaScript engine, a browser's included: the
 * core (src/core/: the network, layer by layer), the lab (src/lab/: checks,
 * runs, comparisons, the exercises' self-checks) and the figures
 * (src/figures/). Nothing here reads a file, starts a thread or talks to
 * Jupyter: that is src/node/ and src/notebook/ (a notebook imports
 * "./src/notebook" for show(), lab(), saveRun() and sweeps).
 */
export { type RandomSource, SeededRandom, DEFAULT_SEED, setSeed, defaultRandom } from "./core/random";
export { RandomState } from "./core/numpy-random";
export { Matrix, type MatrixLike, type VectorLike } from "./core/matrix";
export { type Dataset, type Split, makeMoons, trainTestSplit } from "./core/data";
export { type Activation, type ActivationLike, type ActivationName, sigmoid, tanh, relu, identity, builtinActivations, resolveActivation } from "./core/activation";
export { type Loss, type LossLike, type LossName, mse, softmax, softmaxCrossEntropy, builtinLosses, resolveLoss } from "./core/loss";
export { Layer } from "./core/layer";
export { type DeltaRules, type OutputDeltaRule, type HiddenDeltaRule, outputLayerDelta, hiddenLayerDelta, articleDeltaRules } from "./core/delta-rules";
export { oneHot, accuracy, meanSquaredError, argmaxRow } from "./core/metrics";
export { type EpochRecord, TrainingHistory, formatRecord } from "./core/history";
export { NeuralNetwork, type NetworkOptions, type TrainOptions, type TrainingStep, type Training, TrainingDivergedError, TrainingStepError, layerLabel } from "./core/network";
export { type NetworkJSON, parseNetworkJSON } from "./core/network-json";

export { gradientCheck, gradientVerdict, relativeError, GRADIENT_CHECK_THRESHOLDS, type GradientCheckOptions, type GradientCheckResult, type GradientCheckEntry, type GradientCheckRow, type GradientVerdict, type LayerGradientCheck } from "./lab/gradient-check";
export { formatDuration, formatProgress } from "./lab/progress";
export { ARTICLE_SIZES, articleData, articleNetwork } from "./lab/experiment";
export type { ArticleNetworkOptions } from "./lab/experiment";
export { runExperiment, runLabel, checkRuns } from "./lab/sweep";
export type { SweepRun, SweepResult, SweepProgress } from "./lab/sweep";
export { type Candidate, type LabRun, type LabSettings, LESSON_SETTINGS, labSettings, labNetwork, isLibrary, describeCandidate, trainCandidate, startCandidate, type CandidateTraining, LAB_BOUNDS, LESSON_SHAPE, labData, hiddenActivations, type HiddenActivation } from "./lab/lab";
export { cachedRun, rememberRun, runKey, labCache, copyRun, copyNetwork } from "./lab/lab-cache";
export { type CandidateCheck, type LayerComparison, type Agreement, type Quantity, checkCandidate, agreement } from "./lab/lab-check";
export {
  type Run, type SavedRun, type RunSettings, type TrainingOutcome, savedRunOf, runFromSaved, timedTraining, describeRun, compareWithLesson, lessonNetwork, isLessonSettings,
} from "./lab/runs";
export { type ComparedRun, comparedRun, escapeEpoch, summaryRow, median } from "./lab/compare";
export { type FixedExercise, type RunExercise, isAnswer, isRunAnswer, isLastToEscape } from "./lab/answers";

export {
  type Figure, type Series, type Grid, type BoundarySnapshot, CLASS_COLORS, SPECTRAL, datasetFigure, lineFigure, curvesFigure, stripFigure, mseFigure, accuracyFigure,
  activationFigure, gridAround, classOneScore, decisionBoundaryFigure, boundaryAnimationFigure, networkDiagramFigure, logScale,
} from "./figures/figures";
export { escapeHtml, scriptJson, figureDiv } from "./figures/html";
export { type TrainingView, trainingFigure, liveFrames, liveGrid } from "./figures/live-figure";
export { type NeuronViewOptions, neuronViewFigure, neuronOutputs, neuronGrid } from "./figures/neuron-view";
