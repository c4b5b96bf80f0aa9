/**
 * The notebooks' exercises, as the notebook tests find and check them.
 *
 * How the notebooks write an exercise (the tests rely on it, and fail when
 * a notebook breaks it):
 * - the exercise is a code cell with a line starting `// self-check`; what is
 *   above that line is the learner's answer, the rest is the check;
 * - its solution is the first ```ts block of the next markdown cell that opens
 *   `<details><summary><b>Solution`, and it is a whole answer: it replaces
 *   everything above `// self-check`.
 *
 * A notebook is checked by running it with a copy of each exercise cell
 * placed right after it that has the solution in place: the committed cell
 * must say "Not yet" (so its check can fail) and the copy "Right", with
 * nothing of "Not yet" or an error.
 *
 * Most exercises read only what the notebook as committed computes, so
 * notebooks.test.ts checks them in the run it makes anyway. Some need a
 * change above them first (04: break the hidden rule, train the biases; 07:
 * a seed study long enough for seed 3 to escape): EXERCISE_RUNS lists those,
 * and exercises.test.ts makes a run for each.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { Cell, Notebook, Output, cellSource, listNotebooks } from "../../tools/shared/notebook-runner";

const SELF_CHECK = /^\/\/ self-check.*$/m;
const SOLUTION = /^<details><summary><b>Solution/;
const COPY_ID = "exercise-solution-";

export interface Exercise {
  number: number;      // 1, 2, ... in the notebook's order
  cell: number;        // index of the exercise cell
  check: string;       // the cell from `// self-check` on
  solution: string;    // the solution's first ts block
}

/** A change to one cell: `from` must match exactly once in the only cell that matches `cell`. */
export interface Edit {
  cell: RegExp;
  from: RegExp;
  to: string;
  why: string;
}

/** One notebook run: which exercises it checks (default: all) after which edits. */
export interface Step {
  notebook: string; // prefix: "04"
  exercises?: number[];
  edits?: Edit[];
}

/**
 * The exercises that need runs of their own. Runs in one list share a
 * working folder and run in order (05 reads the run that 04 saved).
 */
export const EXERCISE_RUNS: Step[][] = [
  [{
    notebook: "04",
    exercises: [1],
    edits: [{ cell: /YOUR RULES/, from: /layer\.delta\[j\] = sum \* layer\.activation\.derivative\(o\[j\]\);/, to: "layer.delta[j] = layer.error[j];", why: "exercise 1: the hidden rule without f'(o_j), written otherwise than the exercise suggests (the check tries out what the rule computes)" }],
  }],
  [
    {
      notebook: "04",
      exercises: [2],
      edits: [
        { cell: /const UPDATE_BIAS =/, from: /const UPDATE_BIAS = false;/, to: "const UPDATE_BIAS = true;", why: "exercise 2: trained biases" },
        { cell: /const MAX_EPOCHS =/, from: /const MAX_EPOCHS = 1000;/, to: "const MAX_EPOCHS = 300;", why: "shorter: the escape (above 95%) comes at epoch 250" },
      ],
    },
    // 05 shows the run 04 just saved (trained biases, 300 epochs); its solutions read that run.
    { notebook: "05" },
  ],
  [{
    notebook: "07",
    exercises: [1],
    edits: [
      { cell: /const SEEDS =/, from: /const SEEDS = \[[^\]]*\];/, to: "const SEEDS = [1, 3];", why: "shorter: of seeds 1 to 8, 3 escapes last (epoch 840); 1, the baseline, earlier (570)" },
      { cell: /const EPOCHS =/, from: /const EPOCHS = 1000;/, to: "const EPOCHS = 850;", why: "shorter: seed 3 escapes at epoch 840" },
      { cell: /const activationSettings =/, from: /const activationSettings = \[[^;]*?\];/, to: "const activationSettings: SweepRun[] = [];", why: "shorter: exercise 1 does not use section 6's runs" },
    ],
  }],
  [{
    notebook: "07",
    exercises: [2],
    edits: [{ cell: /const EPOCHS =/, from: /const EPOCHS = 1000;/, to: "const EPOCHS = 50;", why: "shorter: exercise 2 compares its runs with a baseline of the same length, whatever the length" }],
  }],
];

/** The notebook file whose name starts with `prefix` ("04" -> notebooks/04-training.ipynb). */
export function notebookFile(prefix: string): string {
  const files = listNotebooks().filter((f) => basename(f).startsWith(`${prefix}-`));
  assert.equal(files.length, 1, `one notebook named ${prefix}-*.ipynb, found ${files.length}`);
  return files[0];
}

/** Whether EXERCISE_RUNS checks this notebook's exercises (else notebooks.test.ts does, in its own run). */
export function hasExerciseRuns(notebook: string): boolean {
  return EXERCISE_RUNS.flat().some((s) => basename(notebookFile(s.notebook)) === basename(notebook));
}

/** The exercises of a notebook, each with its solution; throws when a notebook breaks the convention. */
export function exercisesOf(nb: Notebook, name: string): Exercise[] {
  const found: Exercise[] = [];
  const solutionCells = nb.cells.filter((c) => c.cell_type === "markdown" && SOLUTION.test(cellSource(c))).length;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code" || !SELF_CHECK.test(cellSource(cell))) return;
    const number = found.length + 1;
    const next = nb.cells.slice(i + 1).find((c) => c.cell_type === "code" || (c.cell_type === "markdown" && SOLUTION.test(cellSource(c))));
    assert.ok(next && next.cell_type === "markdown", `${name}: exercise ${number} (cell ${i}) has no "Solution" before the next code cell`);
    const block = /```ts\n([\s\S]*?)```/.exec(cellSource(next));
    assert.ok(block, `${name}: solution ${number} has no \`\`\`ts block`);
    const source = cellSource(cell);
    found.push({ number, cell: i, check: source.slice(source.search(SELF_CHECK)), solution: block[1] });
  });
  assert.equal(solutionCells, found.length, `${name}: ${solutionCells} solutions for ${found.length} exercise cells (a line "// self-check" marks one)`);
  return found;
}

export function codeCell(id: string, source: string): Cell {
  return { cell_type: "code", id, metadata: {}, execution_count: null, outputs: [], source };
}

export function applyEdit(nb: Notebook, edit: Edit, name: string): void {
  const cells = nb.cells.filter((c) => c.cell_type === "code" && edit.cell.test(cellSource(c)));
  assert.equal(cells.length, 1, `${name}: the edit "${edit.why}" needs exactly one cell matching ${edit.cell}, found ${cells.length}`);
  const source = cellSource(cells[0]);
  const matches = source.match(new RegExp(edit.from.source, "g")) ?? [];
  assert.equal(matches.length, 1, `${name}: the edit "${edit.why}" needs ${edit.from} exactly once, found ${matches.length}`);
  cells[0].source = source.replace(edit.from, edit.to);
}

/** Places after each chosen exercise cell a copy with its solution in place (from the back, so earlier indices stay valid). */
export function insertSolutionCopies(nb: Notebook, chosen: Exercise[]): void {
  for (const e of [...chosen].reverse()) nb.cells.splice(e.cell + 1, 0, codeCell(`${COPY_ID}${e.number}`, `${e.solution}\n${e.check}`));
}

const text = (outputs: Output[] = []) =>
  outputs.map((o) => (o.output_type === "stream" ? (Array.isArray(o.text) ? o.text.join("") : o.text) : o.output_type === "error" ? `ERROR ${o.ename}: ${o.evalue}` : "")).join("");

/** In an executed notebook: each committed exercise cell said "Not yet", its solution copy "Right". */
export function assertVerdicts(executed: Notebook, chosen: Exercise[], name: string): void {
  for (const e of chosen) {
    const at = executed.cells.findIndex((c) => c.id === `${COPY_ID}${e.number}`);
    assert.ok(at > 0, `${name} exercise ${e.number}: the solution's copy is missing from the executed notebook`);
    const committed = text(executed.cells[at - 1].outputs);
    const solved = text(executed.cells[at].outputs);
    assert.match(committed, /Not yet/, `${name} exercise ${e.number}: as committed, the check should say "Not yet"; it said:\n${committed}`);
    assert.doesNotMatch(committed, /\bRight\b/, `${name} exercise ${e.number}: as committed, the check says "Right"`);
    assert.match(solved, /\bRight\b/, `${name} exercise ${e.number}: the solution did not get "Right"; the check said:\n${solved}`);
    assert.doesNotMatch(solved, /Not yet|ERROR/, `${name} exercise ${e.number}: the check said:\n${solved}`);
  }
}
