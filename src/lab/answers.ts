/**
 * The expected answers of the notebooks' exercises, kept out of the
 * self-check cells.
 *
 * A self-check that computes its expected value in the cell shows the learner
 * the solution: the line that counts, finds or sums IS the answer. So a
 * self-check asks this module and gets back only true or false:
 *
 * - a fixed answer (the same for every run) is stored as the SHA-256 digest
 *   of its canonical text, so not even this file spells it out;
 * - an answer that depends on the learner's own run (04, 05 and 07 read the
 *   runs the learner trained) is worked out here from those runs' histories.
 *
 * This hides the answers from sight, not from effort: anyone can try numbers
 * against `isAnswer`, or read the code below. The folded solutions are the
 * place to look them up.
 */
// SHA-256 from @noble/hashes (audited, no dependencies, plain JavaScript):
// the same digests as node:crypto, in Node, Deno and the browser alike.
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { escapeEpoch } from "./compare";
import { TrainingHistory } from "../core/history";

/** Exercises whose answer is the same for everyone. */
export type FixedExercise = "01-1" | "02-1" | "03-2";

/** How an answer is written before hashing; undefined when it has the wrong form. */
const CANONICAL: Record<FixedExercise, (answer: unknown) => string | undefined> = {
  "01-1": (a) => (Number.isInteger(a) ? String(a) : undefined),                          // a count
  "02-1": (a) => (isNumbers(a, 2) ? a.map((v) => v.toFixed(4)).join(",") : undefined),     // o to 4 decimals
  "03-2": (a) => (isNumbers(a, 2) && a.every(Number.isInteger) ? a.join(",") : undefined), // [weights, biases]
};

/** sha256(`${exercise}:${canonical answer}`) in hex. test/notebooks/ feeds each folded solution to its self-check (exercise-cells.ts), so a wrong digest fails there. */
const DIGESTS: Record<FixedExercise, string> = {
  "01-1": "c321eee869ec5b9595a1138d031dfa9e4233bbf50182679efa458700b6a73d94",
  "02-1": "1590d0c2289e69ec2f17b29d9e1cfa60caaa8a17b01f00964d5726f92747b4a0",
  "03-2": "5bb92816c02a4c2ef4e3d34b7739602739f5cc5544386bbad33d3aab0e84bb15",
};

function isNumbers(a: unknown, length: number): a is number[] {
  return Array.isArray(a) && a.length === length && a.every((v) => typeof v === "number" && Number.isFinite(v));
}

/** The digest of `answer` for `exercise` (its canonical text hashed), or undefined if the answer has the wrong form. */
export function answerDigest(exercise: FixedExercise, answer: unknown): string | undefined {
  const canonical = CANONICAL[exercise];
  if (!canonical) throw new Error(`answerDigest: exercise must be one of ${Object.keys(CANONICAL).join(", ")}, got ${JSON.stringify(exercise)}`);
  const text = canonical(answer);
  return text === undefined ? undefined : bytesToHex(sha256(utf8ToBytes(`${exercise}:${text}`)));
}

/** Whether `answer` is the answer of `exercise` (01-1: a count; 02-1: [o0, o1] to 4 decimals; 03-2: [weights, biases]). */
export function isAnswer(exercise: FixedExercise, answer: unknown): boolean {
  return answerDigest(exercise, answer) === DIGESTS[exercise];
}

/** Exercises whose answer is read from the learner's own run. */
export type RunExercise = "04-1" | "04-2" | "05-1" | "05-2";

const FROM_RUN: Record<RunExercise, (history: TrainingHistory, testSize: number) => number | undefined> = {
  "04-1": (h) => (h.last ? Math.round(h.last.accuracy * 10000) : undefined),   // final test accuracy, in hundredths of a percent (87.83% -> 8783)
  "04-2": (h) => h.records.find((r) => r.accuracy >= 0.95)?.epoch,           // first recorded epoch at 95% or more
  "05-1": (h) => h.records.find((r) => r.mse < 0.05)?.epoch,                 // first recorded epoch with MSE below 0.05
  "05-2": (h, n) => (h.last ? Math.round((1 - h.last.accuracy) * n) : undefined), // misclassified test points at the end
};

/** How a learner may write the answer, brought to FROM_RUN's form: an accuracy as 0.8783 or as 87.83 (percent). */
const AS_WRITTEN: Partial<Record<RunExercise, (answer: number) => number>> = {
  "04-1": (a) => Math.round((a > 1 ? a : a * 100) * 100),
};

/** Whether `answer` is what `exercise` asks about the run whose history this is (`testSize`: test points, 600 here). */
export function isRunAnswer(exercise: RunExercise, history: TrainingHistory, answer: number, testSize = 600): boolean {
  const expected = FROM_RUN[exercise];
  if (!expected) throw new Error(`isRunAnswer: exercise must be one of ${Object.keys(FROM_RUN).join(", ")}, got ${JSON.stringify(exercise)}`);
  const value = expected(history, testSize);
  const written = AS_WRITTEN[exercise]?.(answer) ?? answer;
  return value !== undefined && Number.isFinite(written) && value === written;
}

/** 07-1: whether `answer` is the seed whose run got above `threshold` last, among the runs that did (ties: the first). */
export function isLastToEscape(runs: readonly { seed: number; history: TrainingHistory }[], threshold: number, answer: number): boolean {
  let last: { seed: number; epoch: number } | undefined;
  for (const { seed, history } of runs) {
    const epoch = escapeEpoch(history, threshold);
    if (epoch !== "never" && (!last || epoch > last.epoch)) last = { seed, epoch };
  }
  return last !== undefined && last.seed === answer;
}
