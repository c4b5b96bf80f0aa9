/** Messages between the lab page (lab.ts) and its Web Worker (worker.ts). */
import type { EpochRecord } from "../../src/core/history";
import type { Agreement, Quantity } from "../../src/lab/lab-check";
import { LESSON_SETTINGS, LESSON_SHAPE, type HiddenActivation, type LabSettings } from "../../src/lab/lab";

/** The page's settings: the lab's, every one given (the page has a control for each), one hidden activation per hidden layer. */
export type PageSettings = LabSettings & { hidden: HiddenActivation[]; layers: number[]; noise: number; points: number };

/** The lesson's run (notebook 04's settings; seed 1, since the lesson has none): 2-25-50-25-2 sigmoid, make_moons noise 0.2, 2000 points. */
export const ARTICLE_SETTINGS: Readonly<PageSettings> = {
  ...LESSON_SETTINGS,
  layers: [...LESSON_SHAPE.layers],
  hidden: LESSON_SHAPE.layers.map(() => "sigmoid" as const),
  noise: LESSON_SHAPE.noise,
  points: LESSON_SHAPE.points,
};

/** What the editor holds: the two delta rules (notebook 04), or a whole step (notebook 03's backpropagationStep). */
export type EditorMode = "rules" | "step";

/** The learner's TypeScript (rules or a step), or the library's own rules (the reference, the ghost run). */
export type RulesSource = { kind: "code"; mode: EditorMode; code: string } | { kind: "reference" };

export type ToWorker =
  | { type: "check"; rules: RulesSource; settings: PageSettings }
  /** `frameEveryMs`: the boundary (and neuron view) at most this often; Infinity: none (the ghost). `neurons`: the hidden layer whose neurons to draw, or null. */
  | { type: "train"; rules: RulesSource; settings: PageSettings; frameEveryMs: number; neurons: number | null }
  /** Between epochs: stop advancing (answered by "paused"), go on, or run exactly one epoch and stay paused. */
  | { type: "pause" }
  | { type: "resume" }
  | { type: "step" }
  /** Which hidden layer the neuron view draws from now on (null: none); answered with a frame at once when the run is paused or over. */
  | { type: "neurons"; layer: number | null };

/** Where in the learner's code something went wrong (1-based, as the editor counts). */
export interface CodeError {
  phase: "syntax" | "runtime" | "definition";
  message: string;
  line?: number;
  column?: number;
}

/** One layer of src/lab/lab-check.ts's checkCandidate, as plain data. */
export interface LayerCheck {
  layer: number;
  /** "layers[1] (hidden layer 2 of 3, 25x50)" */
  label: string;
  shape: string;
  error: Agreement | null;
  delta: Agreement | null;
  gradient: Agreement;
  biasGradient: Agreement | null;
  /** The finite-difference check of this layer. */
  verdict: string;
  maxRelativeError: number;
}

export interface CheckReport {
  samples: number[];
  layers: LayerCheck[];
  verdict: string;
  /** The first quantity that is not the library's, from the output layer back (null: none). */
  firstWrong: { layer: number; quantity: Quantity } | null;
  /** Every quantity the very same doubles as the library's. */
  exact: boolean;
  /** checkCandidate's own table. */
  text: string;
}

/** What the live figure draws the boundary over: the grid and the test points. */
export interface BoundarySetup {
  xs: number[];
  ys: number[];
  points: { rows: number; data: number[]; labels: number[] };
}

export type FromWorker =
  | { type: "error"; error: CodeError }
  | { type: "check"; report: CheckReport }
  | { type: "setup"; boundary: BoundarySetup }
  | { type: "record"; record: EpochRecord }
  /** `epoch`: the epoch just trained (its scores). */
  | { type: "boundary"; epoch: number; z: number[][] }
  /** The neuron view of a hidden layer after `epoch`: every neuron's output over the plane (src/figures/neuron-view.ts's neuronOutputs, z[j][row][col], rows over ys), and the layer's activation. */
  | { type: "neurons"; epoch: number; layer: number; activation: string; z: number[][][] }
  /** Paused between epochs: `epochsDone` epochs (0..epochsDone-1) have run. Sent on pause and after each single step. */
  | { type: "paused"; epochsDone: number }
  | { type: "done"; records: EpochRecord[]; seconds: number }
  /** The loss stopped being finite at `epoch` (`nan`: it was NaN, else infinite); `records` are the finite checkpoints before it. */
  | { type: "diverged"; epoch: number; nan: boolean; records: EpochRecord[] };
