/**
 * The one setting that shortens the runs which only prove a notebook runs
 * and draws (BACKPROP_QUICK_EPOCHS, jupyter/quick-epochs.ts): it must find
 * the knobs of the committed notebooks, lower them, never raise one, and
 * touch nothing else.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quickCopy, quickEpochs } from "../jupyter/quick-epochs";
import { cellSource, readNotebook } from "../tools/shared/notebook-runner";
import { repoRoot } from "./helpers";

const knobs = (file: string): string[] =>
  readNotebook(file).cells.flatMap((c) => cellSource(c).split("\n").filter((l) => /^const ([A-Z]+_)?EPOCHS = \d+;.*gives a quick look/.test(l)));

test("the quick-look knobs of 03, 04, 06 and 07 go down to BACKPROP_QUICK_EPOCHS, never up, and nothing else changes", () => {
  const dir = mkdtempSync(join(tmpdir(), "quick-"));
  try {
    const cases: [string, string, number][] = [["03-model.ipynb", "SHORT_EPOCHS", 100], ["04-training.ipynb", "MAX_EPOCHS", 1000], ["06-derivations.ipynb", "TRAIN_EPOCHS", 300], ["07-experiments.ipynb", "EPOCHS", 1000]];
    for (const [name, knob, full] of cases) {
      const original = join(repoRoot, "notebooks", name);
      assert.deepEqual(knobs(original).map((l) => l.split(";")[0]), [`const ${knob} = ${full}`], `${name} offers one quick-look knob`);
      const { file, changed } = quickCopy(original, dir, 50);
      assert.equal(changed, true, name);
      assert.deepEqual(knobs(file).map((l) => l.split(";")[0]), [`const ${knob} = 50`], name);
      const before = readNotebook(original).cells.map(cellSource);
      const after = readNotebook(file).cells.map(cellSource);
      assert.deepEqual(after.filter((s, i) => s !== before[i]).length, 1, `${name}: only the knob's cell differs`);
      assert.equal(quickCopy(original, dir, 5000).changed, false, `${name}: a larger number never raises a knob`);
    }
    for (const name of ["01-dataset.ipynb", "05-plots.ipynb"]) assert.equal(quickCopy(join(repoRoot, "notebooks", name), dir, 200).changed, false, `${name} has no knob and is copied as it is`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("BACKPROP_QUICK_EPOCHS: unset or empty means full size; anything but a positive integer is refused by name", () => {
  assert.equal(quickEpochs({}), undefined);
  assert.equal(quickEpochs({ BACKPROP_QUICK_EPOCHS: " " }), undefined);
  assert.equal(quickEpochs({ BACKPROP_QUICK_EPOCHS: "200" }), 200);
  for (const bad of ["0", "-5", "2.5", "abc"]) assert.throws(() => quickEpochs({ BACKPROP_QUICK_EPOCHS: bad }), /quickEpochs: BACKPROP_QUICK_EPOCHS must be an integer >= 1/);
});
