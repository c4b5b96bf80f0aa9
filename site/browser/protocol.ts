/** Messages between the lab page (lab.ts) and its Web Worker (worker.ts). */
import type { EpochRecord } from "../../src/history";
import type { ActivationName } from "../../src/activation";

export interface LabSettings {
  learningRate: number;
  epochs: number;
  seed: number;
  hidden: Extract<ActivationName, "sigmoid" | "tanh" | "relu">;
  updateBias: boolean;
}

/** The lesson's run: notebook 04's settings (seed 1: the lesson has none). */
export const ARTICLE_SETTINGS: Readonly<LabSettings> = { learningRate: 0.01, epochs: 1000, seed: 1, hidden: "sigmoid", updateBias: false };

/** The learner's TypeScript, or the library's own rules (the reference, the ghost run). */
export type RulesSource = { kind: "code"; code: string } | { kind: "reference" };

export type ToWorker =
  | { type: "check"; rules: RulesSource; settings: LabSettings }
  | { type: "train"; rules: RulesSource; settings: LabSettings; boundaryEveryMs: number };

/** Where in the learner's code something went wrong (1-based, as the editor counts). */
export interface CodeError {
  phase: "syntax" | "runtime" | "definition";
  message: string;
  line?: number;
  column?: number;
}

/** One layer's comparison of the learner's rules with the reference (makemore's cmp). */
export interface LayerComparison {
  layer: number;
  /** "layers[3] delta" or "layers[3] dL/dW" */
  quantity: string;
  exact: boolean;
  approx: boolean;
  maxDiff: number;
}

export interface GradientVerdictRow {
  layer: number;
  shape: string;
  maxRelativeError: number;
  verdict: string;
}

export interface CheckReport {
  sample: number;
  comparisons: LayerComparison[];
  gradient: GradientVerdictRow[];
  verdict: string;
}

export interface BoundarySetup {
  xs: number[];
  ys: number[];
  points: { x: number[]; y: number[]; label: number[] };
}

export type FromWorker =
  | { type: "error"; error: CodeError }
  | { type: "check"; report: CheckReport }
  | { type: "setup"; boundary: BoundarySetup }
  | { type: "record"; record: EpochRecord }
  | { type: "boundary"; epoch: number; z: number[][] }
  | { type: "done"; records: EpochRecord[]; seconds: number }
  | { type: "diverged"; message: string; records: EpochRecord[] };
