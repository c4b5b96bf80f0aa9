export { RandomSource, SeededRandom, DEFAULT_SEED, setSeed, defaultRandom } from "./random";
export { RandomState } from "./numpy-random";
export { Matrix, MatrixLike, VectorLike } from "./matrix";
export { Dataset, Split, makeMoons, trainTestSplit } from "./data";
export { Activation, ActivationLike, ActivationName, sigmoid, tanh, relu, identity, builtinActivations, resolveActivation } from "./activation";
export { Loss, LossLike, LossName, mse, softmax, softmaxCrossEntropy, builtinLosses, resolveLoss } from "./loss";
export { Layer } from "./layer";
export { DeltaRules, OutputDeltaRule, HiddenDeltaRule, outputLayerDelta, hiddenLayerDelta, articleDeltaRules } from "./delta-rules";
export { oneHot, accuracy, meanSquaredError, argmaxRow } from "./metrics";
export { EpochRecord, TrainingHistory, formatRecord } from "./history";
export { NeuralNetwork, NetworkOptions, NetworkJSON, TrainOptions, TrainingDivergedError } from "./network";
export { gradientCheck, gradientVerdict, relativeError, GRADIENT_CHECK_THRESHOLDS, GradientCheckOptions, GradientCheckResult, GradientCheckEntry, GradientCheckRow, GradientVerdict, LayerGradientCheck } from "./gradient-check";
export { formatDuration, formatProgress } from "./progress";
export {
  Figure, Series, Grid, BoundarySnapshot, CLASS_COLORS, SPECTRAL, datasetFigure, lineFigure, curvesFigure, stripFigure, mseFigure, accuracyFigure,
  activationFigure, gridAround, classOneScore, decisionBoundaryFigure, boundaryAnimationFigure, networkDiagramFigure,
} from "./figures";
export { plotlyScript, escapeHtml, scriptJson, figureDiv, standaloneHtml } from "./html";
export { ARTICLE_SIZES, articleData, articleNetwork } from "./experiment";
export type { ArticleNetworkOptions } from "./experiment";
export { sweep, runExperiment, runLabel } from "./sweep";
export type { SweepRun, SweepResult, SweepOptions, SweepProgress } from "./sweep";
