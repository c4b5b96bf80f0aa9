/**
 * Every notebooks/*.ipynb (found when the tests run) is executed without
 * Jupyter, in a fresh Node process with tslab's converter and executor, like
 * `npm run notebooks`; the executed copies go to output/notebooks/. With
 * BACKPROP_QUICK_EPOCHS set (jupyter/quick-epochs.ts; CI sets it here, since
 * its nbconvert stage runs every notebook at full size), 03, 04, 06 and 07 train
 * that many epochs.
 *
 * The same run checks the exercises of every notebook that needs no run of
 * its own (exercise-cells.ts): a copy of each exercise cell with its folded
 * solution in place follows it, and must get "Right" where the committed cell
 * says "Not yet". The working copies go to output/notebook-copies/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { KERNEL_DISPLAY_NAME, KERNEL_NAME } from "../../jupyter/install-kernel";
import { PLOTLY_MIME, cellSource, figureOutputs, formatFailure, listNotebooks, plotlyCarriers, readNotebook, runNotebook } from "../../tools/shared/notebook-runner";
import { quickCopy, quickEpochs } from "../../jupyter/quick-epochs";
import { repoRoot } from "../helpers";
import { assertVerdicts, exercisesOf, hasExerciseRuns, insertSolutionCopies } from "./exercise-cells";

const notebooks = listNotebooks();
const epochs = quickEpochs();

if (notebooks.length === 0) {
  test("notebooks", { skip: "no notebooks/*.ipynb" }, () => undefined);
}

for (const notebook of notebooks) {
  test(`notebook ${basename(notebook)} uses the project kernel`, () => {
    const spec = readNotebook(notebook).metadata.kernelspec as { name?: string; display_name?: string } | undefined;
    assert.equal(spec?.name, KERNEL_NAME, "metadata.kernelspec.name (npm run kernel installs it)");
    assert.equal(spec?.display_name, KERNEL_DISPLAY_NAME);
  });

  // Learners re-run cells, so every cell runs twice in a row (no duplicated
  // layers, no redeclaration trouble; the notebooks' own checks, e.g. 03's
  // by-hand comparison of one step, then also catch a cell that silently
  // keeps training an old network). A notebook that passes this also passes
  // a single run: each cell's first run is that run's. 07 runs once: it
  // trains twelve networks, and twice would double CI's longest step.
  const repeatCells = !/07-/.test(basename(notebook));
  const withSolutions = !hasExerciseRuns(notebook);
  test(`notebook ${basename(notebook)} runs every cell${repeatCells ? " twice in a row" : ""} and shows its figures${withSolutions ? "; its folded solutions get \"Right\"" : ""}`, { timeout: 30 * 60_000 }, async () => {
    const { file, changed } = quickCopy(notebook, join(repoRoot, "output", "notebook-copies"), epochs);
    if (changed) console.log(`# ${basename(notebook)}: EPOCHS = ${epochs} (BACKPROP_QUICK_EPOCHS)`);
    const copy = readNotebook(file);
    const exercises = withSolutions ? exercisesOf(copy, basename(notebook)) : [];
    insertSolutionCopies(copy, exercises);
    writeFileSync(file, JSON.stringify(copy, null, 1) + "\n");
    const result = await runNotebook(file, { repeatCells });
    assert.ok(result.ok, `\n${formatFailure(result)}`);
    const executed = readNotebook(result.output);
    assertVerdicts(executed, exercises, basename(notebook));
    const codeCells = executed.cells.filter((c) => c.cell_type === "code" && cellSource(c).trim());
    assert.ok(codeCells.every((c) => typeof c.execution_count === "number"), "every non-empty code cell ran");

    const figures = figureOutputs(executed);
    const showsFigures = codeCells.some((c) => /\bshow\s*\(/.test(cellSource(c)));
    if (showsFigures) assert.ok(figures.length >= 1, "a notebook that calls show() has at least one figure output");
    figures.forEach((out, i) => {
      const kinds = Object.keys(out.data).sort();
      assert.deepEqual(kinds, [PLOTLY_MIME, "text/html", "text/plain"].sort(), `figure ${i + 1} is one bundle: Plotly JSON, HTML and text`);
      const spec = out.data[PLOTLY_MIME] as { data?: unknown; layout?: unknown };
      assert.ok(Array.isArray(spec.data) && typeof spec.layout === "object", `figure ${i + 1}: Plotly JSON has data and layout`);
    });
    if (figures.length > 0) {
      // The notebook's HTML draws offline: plotly.js travels with its first figure.
      assert.match(String(figures[0].data["text/html"]), /plotly\.js v\d/, "the first figure's HTML inlines plotly.js");
      // After a cell ran twice its second output must carry plotly.js again (the runner sends cell ids, as nbclient does).
      assert.equal(plotlyCarriers(executed), 1, "exactly one output carries plotly.js");
    }
  });
}
