/**
 * The exercises that need a run of their own (EXERCISE_RUNS in
 * exercise-cells.ts: a change above them first, or a shorter setting their
 * answer does not depend on): each run places a copy of each chosen exercise
 * cell right after it with the folded solution in place; the committed cell
 * must say "Not yet" and the copy "Right". The other notebooks' exercises are
 * checked the same way by notebooks.test.ts, in the run it makes anyway; the
 * first test below checks that between them every exercise is checked once.
 *
 * Each run works in its own temporary folder (a first cell changes the
 * working directory), so the broken run of 04 never replaces the learner's
 * output/run.json.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { formatFailure, listNotebooks, readNotebook, runNotebook } from "../../tools/shared/notebook-runner";
import { EXERCISE_RUNS, applyEdit, assertVerdicts, codeCell, exercisesOf, hasExerciseRuns, insertSolutionCopies, notebookFile } from "./exercise-cells";

const notebooks = listNotebooks();

test("every notebook has exercises, each with a self-check and a solution, and each is checked exactly once", () => {
  assert.ok(notebooks.length >= 8, `notebooks 00 to 07 at least, found ${notebooks.length}`);
  for (const file of notebooks) {
    const name = basename(file);
    const exercises = exercisesOf(readNotebook(file), name);
    assert.ok(exercises.length >= 1, `${name} has no exercise (a code cell with "// self-check")`);
    // notebooks.test.ts checks all of a notebook's exercises unless EXERCISE_RUNS names it.
    const checked = hasExerciseRuns(file)
      ? EXERCISE_RUNS.flat().filter((s) => basename(notebookFile(s.notebook)) === name).flatMap((s) => s.exercises ?? exercises.map((e) => e.number)).sort((a, b) => a - b)
      : exercises.map((e) => e.number);
    assert.deepEqual(checked, exercises.map((e) => e.number), `${name}: exercises checked`);
  }
});

for (const group of EXERCISE_RUNS) {
  const title = group.map((s) => `${s.notebook}${s.exercises ? ` (exercise ${s.exercises.join(", ")})` : ""}`).join(", then ");
  test(`the folded solutions get "Right" from their self-checks: ${title}`, { timeout: 20 * 60_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), "exercises-"));
    try {
      for (const step of group) {
        const file = notebookFile(step.notebook);
        const name = basename(file);
        const nb = readNotebook(file);
        const all = exercisesOf(nb, name);
        const chosen = all.filter((e) => !step.exercises || step.exercises.includes(e.number));
        assert.equal(chosen.length, step.exercises?.length ?? all.length, `${name}: EXERCISE_RUNS names exercises ${step.exercises} of ${all.length}`);
        for (const edit of step.edits ?? []) applyEdit(nb, edit, name);
        insertSolutionCopies(nb, chosen);
        nb.cells.unshift(codeCell("exercise-workdir", `process.chdir(${JSON.stringify(work)}); // output/ goes here, not into the repository`));
        const input = join(work, name);
        writeFileSync(input, JSON.stringify(nb));
        mkdirSync(join(work, "executed"), { recursive: true });
        const result = await runNotebook(input, { outDir: join(work, "executed") });
        assert.ok(result.ok, `\n${formatFailure(result)}`);
        assertVerdicts(readNotebook(result.output), chosen, name);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
