/** Messages between the lab page (lab.ts) and its Web Worker (worker.ts). */
import type { EpochRecord } from "../../src/core/history";
import type { Agreement } from "../../src/lab/lab-check";
import { LESSON_SETTINGS, type LabSettings } from "../../src/lab/lab";

/** The page's settings: the lab's, with one hidden activation for every hidden layer, always given (the page has one menu). */
export type PageSettings = LabSettings & { hidden: Extract<NonNullable<LabSettings["hidden"]>, string> };

/** The lesson's run (notebook 04's settings; seed 1, since the lesson has none). */
export const ARTICLE_SETTINGS: Readonly<PageSettings> = { ...LESSON_SETTINGS, hidden: "sigmoid" };

/** The learner's TypeScript, or the library's own rules (the reference, the ghost run). */
export type RulesSource = { kind: "code"; code: string } | { kind: "reference" };

export type ToWorker =
  | { type: "check"; rules: RulesSource; settings: PageSettings }
  | { type: "train"; rules: RulesSource; settings: PageSettings; boundaryEveryMs: number };

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
  shape: string;
  delta: Agreement | null;
  gradient: Agreement;
  /** The finite-difference check of this layer. */
  verdict: string;
  maxRelativeError: number;
}

export interface CheckReport {
  samples: number[];
  layers: LayerCheck[];
  verdict: string;
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
  | { type: "boundary"; epoch: number; z: number[][] }
  | { type: "done"; records: EpochRecord[]; seconds: number }
  /** The loss stopped being finite at `epoch` (`nan`: it was NaN, else infinite); `records` are the finite checkpoints before it. */
  | { type: "diverged"; epoch: number; nan: boolean; records: EpochRecord[] };
