export { type RandomSource, SeededRandom, DEFAULT_SEED, setSeed, defaultRandom } from "./random";
export { RandomState } from "./numpy-random";
export { Matrix, type MatrixLike, type VectorLike } from "./matrix";
export { type Dataset, type Split, makeMoons, trainTestSplit } from "./data";
export { type Activation, type ActivationLike, type ActivationName, sigmoid, tanh, relu, identity, builtinActivations, resolveActivation } from "./activation";
export { type Loss, type LossLike, type LossName, mse, softmax, softmaxCrossEntropy, builtinLosses, resolveLoss } from "./loss";
export { Layer } from "./layer";
export { type DeltaRules, type OutputDeltaRule, type HiddenDeltaRule, outputLayerDelta, hiddenLayerDelta, articleDeltaRules } from "./delta-rules";
export { oneHot, accuracy, meanSquaredError, argmaxRow } from "./metrics";
export { type EpochRecord, TrainingHistory, formatRecord } from "./history";
export { NeuralNetwork, type NetworkOptions, type TrainOptions, type TrainingStep, TrainingDivergedError } from "./network";
export { type NetworkJSON, parseNetworkJSON } from "./network-json";
export { gradientCheck, gradientVerdict, relativeError, GRADIENT_CHECK_THRESHOLDS, type GradientCheckOptions, type GradientCheckResult, type GradientCheckEntry, type GradientCheckRow, type GradientVerdict, type LayerGradientCheck } from "./gradient-check";
export { formatDuration, formatProgress } from "./progress";
export {
  type Figure, type Series, type Grid, type BoundarySnapshot, CLASS_COLORS, SPECTRAL, datasetFigure, lineFigure, curvesFigure, stripFigure, mseFigure, accuracyFigure,
  activationFigure, gridAround, classOneScore, decisionBoundaryFigure, boundaryAnimationFigure, networkDiagramFigure,
} from "./figures";
export { plotlyScript, escapeHtml, scriptJson, figureDiv, standaloneHtml } from "./html";
export { ARTICLE_SIZES, articleData, articleNetwork } from "./experiment";
export type { ArticleNetworkOptions } from "./experiment";
export { sweep, runExperiment, runLabel } from "./sweep";
export type { SweepRun, SweepResult, SweepOptions, SweepProgress } from "./sweep";
export { type Candidate, type LabRun, type LabSettings, LESSON_SETTINGS, labSettings, labNetwork, isLibrary, describeCandidate, runKey, labCache, trainCandidate, cachedRun } from "./lab";
export { type CandidateCheck, type LayerComparison, type Agreement, checkCandidate, agreement } from "./lab-check";
export { type TrainingView, trainingFigure, liveFrames, liveGrid } from "./live-figure";
export { SharedRecords } from "./sweep";
