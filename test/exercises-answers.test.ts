/**
 * src/lab/answers.ts, the expected answers the notebooks' self-checks ask for.
 * Whether each stored answer is RIGHT is tested by test/notebooks/ (notebooks.test.ts and exercises.test.ts, see exercise-cells.ts),
 * which feeds every folded solution to its self-check; this file checks how
 * the module treats answers of the wrong form and bad arguments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FixedExercise, answerDigest, isAnswer, isLastToEscape, isRunAnswer } from "../src/lab/answers";
import { TrainingHistory } from "../src/core/history";

function history(records: [epoch: number, mse: number, accuracy: number][]): TrainingHistory {
  const h = new TrainingHistory();
  for (const [epoch, mse, accuracy] of records) h.add({ epoch, mse, accuracy });
  return h;
}

test("a fixed answer of the wrong form is not an answer, and an untouched skeleton is wrong", () => {
  for (const [exercise, answer] of [
    ["01-1", NaN], ["01-1", "297"], ["01-1", 296.5], ["02-1", [0, 0]], ["02-1", [NaN, 1]], ["02-1", [1]], ["03-2", [0, 0]], ["03-2", [2600.5, 102]], ["03-2", "2600,102"],
  ] as [FixedExercise, unknown][]) {
    assert.equal(isAnswer(exercise, answer), false, `${exercise}: ${JSON.stringify(answer)}`);
  }
  assert.equal(answerDigest("01-1", NaN), undefined);
  assert.equal(answerDigest("02-1", [0.88, 0.62])?.length, 64, "a well-formed answer gets a SHA-256 hex digest");
  assert.notEqual(answerDigest("02-1", [0.88, 0.62]), answerDigest("02-1", [0.62, 0.88]), "the order of the numbers counts");
});

test("an unknown exercise is an error that names the function and the exercises it knows", () => {
  assert.throws(() => isAnswer("09-9" as FixedExercise, 1), /^Error: answerDigest: exercise must be one of 01-1, 02-1, 03-2, got "09-9"$/);
  assert.throws(() => isRunAnswer("09-9" as "05-1", history([]), 1), /isRunAnswer: exercise must be one of 04-1, 04-2, 05-1, 05-2, got "09-9"/);
});

test("answers read from a run follow that run, whatever its settings", () => {
  const h = history([[0, 0.25, 0.5], [10, 0.09, 0.89], [20, 0.049, 0.95], [30, 0.03, 0.97]]);
  assert.equal(isRunAnswer("04-2", h, 20), true);
  assert.equal(isRunAnswer("04-2", h, 30), false);
  assert.equal(isRunAnswer("05-1", h, 20), true);
  assert.equal(isRunAnswer("05-1", h, 10), false);
  assert.equal(isRunAnswer("05-2", h, 18), true, "600 test points at 97%: 18 wrong");
  assert.equal(isRunAnswer("05-2", h, 3, 100), true);
  const broken = history([[0, 0.25, 0.5], [1000, 0.12, 527 / 600]]); // 87.83%
  for (const written of [0.8783, 87.83]) assert.equal(isRunAnswer("04-1", broken, written), true, `04-1: ${written}`);
  for (const written of [0.878, 87.8, 0.8784, 97.67, NaN]) assert.equal(isRunAnswer("04-1", broken, written), false, `04-1: ${written}`);
  assert.equal(isRunAnswer("04-2", history([[0, 0.25, 0.5]]), NaN), false, "a run that never gets there has no answer");
  assert.equal(isRunAnswer("05-2", history([]), 0), false, "an empty history has no last record");
});

test("isLastToEscape: the seed whose run got above the threshold last, runs that never did left out", () => {
  const runs = [
    { seed: 1, history: history([[0, 0.2, 0.5], [10, 0.1, 0.94]]) },
    { seed: 2, history: history([[0, 0.2, 0.5], [10, 0.1, 0.89], [20, 0.05, 0.95]]) },
    { seed: 3, history: history([[0, 0.2, 0.5], [10, 0.1, 0.89], [20, 0.09, 0.9]]) }, // never above 0.93
    { seed: 4, history: history([[0, 0.2, 0.5], [10, 0.1, 0.89], [20, 0.05, 0.96]]) }, // ties with seed 2: the first one counts
  ];
  assert.equal(isLastToEscape(runs, 0.93, 2), true);
  assert.equal(isLastToEscape(runs, 0.93, 4), false);
  assert.equal(isLastToEscape(runs, 0.93, 3), false);
  assert.equal(isLastToEscape(runs.slice(2, 3), 0.93, 3), false, "no run escaped: nothing is right");
});
