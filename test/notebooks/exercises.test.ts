/**
 * Every exercise's folded solution, fed to its own self-check, gets "Right".
 *
 * How the notebooks write an exercise (the test relies on it, and fails when
 * a notebook breaks it):
 * - the exercise is a code cell with a line starting `// self-check`; what is
 *   above that line is the learner's answer, the rest is the check;
 * - its solution is the first ```ts block of the next markdown cell that opens
 *   `<details><summary><b>Solution`, and it is a whole answer: it replaces
 *   everything above `// self-check`.
 *
 * Each notebook runs once, in a fresh process (the in-process runner of
 * `npm run notebooks`), with a copy of each exercise cell placed right after
 * it that has the solution in place. The committed cell must say "Not yet"
 * (so its check can fail) and the copy must say "Right" and nothing of "Not
 * yet" or an error.
 *
 * Some exercises need a change above them first (04: break the hidden rule,
 * train the biases): PLAN lists those, and the settings it shortens where the
 * checks do not depend on them, to keep the time down. Every run works in its
 * own temporary folder (a first cell changes the working directory), so the
 * broken run of 04 never replaces the learner's output/run.json.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Cell, Notebook, Output, cellSource, formatFailure, listNotebooks, readNotebook, runNotebook } from "../../tools/shared/notebook-runner";

const SELF_CHECK = /^\/\/ self-check.*$/m;
const SOLUTION = /^<details><summary><b>Solution/;
const COPY_ID = "exercise-solution-";

interface Exercise {
  number: number;      // 1, 2, ... in the notebook's order
  cell: number;        // index of the exercise cell
  check: string;       // the cell from `// self-check` on
  solution: string;    // the solution's first ts block
}

/** A change to one cell: `from` must match exactly once in the only cell that matches `cell`. */
interface Edit {
  cell: RegExp;
  from: RegExp;
  to: string;
  why: string;
}

/** One notebook run: which exercises it checks (default: all) after which edits. */
interface Step {
  notebook: string; // prefix: "04"
  exercises?: number[];
  edits?: Edit[];
}

/** Runs that share a working folder run in order (05 reads the run that 04 saved). */
const PLAN: Step[][] = [
  [{
    notebook: "04",
    exercises: [1],
    edits: [{ cell: /YOUR RULES/, from: /layer\.delta\[j\] = sum \* layer\.activation\.derivative\(o\[j\]\);/, to: "layer.delta[j] = sum;", why: "exercise 1: the hidden rule without f'(o_j)" }],
  }],
  [
    {
      notebook: "04",
      exercises: [2],
      edits: [
        { cell: /const UPDATE_BIAS =/, from: /const UPDATE_BIAS = false;/, to: "const UPDATE_BIAS = true;", why: "exercise 2: trained biases" },
        { cell: /const MAX_EPOCHS =/, from: /const MAX_EPOCHS = 1000;/, to: "const MAX_EPOCHS = 300;", why: "shorter: 95% comes at epoch 250" },
      ],
    },
    // 05 shows the run 04 just saved (trained biases, 300 epochs); its solutions read that run.
    { notebook: "05" },
  ],
  [{
    notebook: "06",
    edits: [{ cell: /const TRAIN_EPOCHS =/, from: /const TRAIN_EPOCHS = \d+;/, to: "const TRAIN_EPOCHS = 10;", why: "shorter: the exercises do not use section 5d's runs" }],
  }],
  [{
    notebook: "07",
    edits: [
      { cell: /const SEEDS =/, from: /const SEEDS = \[[^\]]*\];/, to: "const SEEDS = [1, 3];", why: "shorter: of seeds 1 to 8, 3 escapes last (epoch 770); 1, the baseline, earlier (530)" },
      { cell: /const EPOCHS =/, from: /const EPOCHS = 1000;/, to: "const EPOCHS = 800;", why: "shorter: seed 3 escapes at epoch 770; exercise 2 compares with a baseline of the same length" },
    ],
  }],
];

/** The exercises of a notebook, each with its solution; throws when a notebook breaks the convention. */
function exercisesOf(nb: Notebook, name: string): Exercise[] {
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

function codeCell(id: string, source: string): Cell {
  return { cell_type: "code", id, metadata: {}, execution_count: null, outputs: [], source };
}

function applyEdit(nb: Notebook, edit: Edit, name: string): void {
  const cells = nb.cells.filter((c) => c.cell_type === "code" && edit.cell.test(cellSource(c)));
  assert.equal(cells.length, 1, `${name}: the edit "${edit.why}" needs exactly one cell matching ${edit.cell}, found ${cells.length}`);
  const source = cellSource(cells[0]);
  const matches = source.match(new RegExp(edit.from.source, "g")) ?? [];
  assert.equal(matches.length, 1, `${name}: the edit "${edit.why}" needs ${edit.from} exactly once, found ${matches.length}`);
  cells[0].source = source.replace(edit.from, edit.to);
}

const text = (outputs: Output[] = []) =>
  outputs.map((o) => (o.output_type === "stream" ? (Array.isArray(o.text) ? o.text.join("") : o.text) : o.output_type === "error" ? `ERROR ${o.ename}: ${o.evalue}` : "")).join("");

function notebookFile(prefix: string): string {
  const files = listNotebooks().filter((f) => basename(f).startsWith(`${prefix}-`));
  assert.equal(files.length, 1, `one notebook named ${prefix}-*.ipynb, found ${files.length}`);
  return files[0];
}

const notebooks = listNotebooks();
const planned = new Set(PLAN.flat().map((s) => basename(notebookFile(s.notebook))));
const groups: Step[][] = [
  ...notebooks.filter((f) => !planned.has(basename(f))).map((f) => [{ notebook: basename(f).split("-")[0] }]),
  ...PLAN,
];

test("every notebook has exercises, each with a self-check and a solution, and the plan checks each exactly once", () => {
  assert.ok(notebooks.length >= 8, `notebooks 00 to 07 at least, found ${notebooks.length}`);
  for (const file of notebooks) {
    const name = basename(file);
    const exercises = exercisesOf(readNotebook(file), name);
    assert.ok(exercises.length >= 1, `${name} has no exercise (a code cell with "// self-check")`);
    const steps = groups.flat().filter((s) => basename(notebookFile(s.notebook)) === name);
    const checked = steps.flatMap((s) => s.exercises ?? exercises.map((e) => e.number)).sort((a, b) => a - b);
    assert.deepEqual(checked, exercises.map((e) => e.number), `${name}: exercises checked by the plan`);
  }
});

for (const group of groups) {
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
        assert.equal(chosen.length, step.exercises?.length ?? all.length, `${name}: the plan names exercises ${step.exercises} of ${all.length}`);
        for (const edit of step.edits ?? []) applyEdit(nb, edit, name);
        // From the back, so the indices of earlier exercise cells stay valid.
        for (const e of [...chosen].reverse()) nb.cells.splice(e.cell + 1, 0, codeCell(`${COPY_ID}${e.number}`, `${e.solution}\n${e.check}`));
        nb.cells.unshift(codeCell("exercise-workdir", `process.chdir(${JSON.stringify(work)}); // output/ goes here, not into the repository`));
        const input = join(work, name);
        writeFileSync(input, JSON.stringify(nb));
        mkdirSync(join(work, "executed"), { recursive: true });
        const result = await runNotebook(input, { outDir: join(work, "executed") });
        assert.ok(result.ok, `\n${formatFailure(result)}`);

        const executed = readNotebook(result.output);
        for (const e of chosen) {
          const at = executed.cells.findIndex((c) => c.id === `${COPY_ID}${e.number}`);
          const committed = text(executed.cells[at - 1].outputs);
          const solved = text(executed.cells[at].outputs);
          assert.match(committed, /Not yet/, `${name} exercise ${e.number}: as committed, the check should say "Not yet"; it said:\n${committed}`);
          assert.doesNotMatch(committed, /\bRight\b/, `${name} exercise ${e.number}: as committed, the check says "Right"`);
          assert.match(solved, /\bRight\b/, `${name} exercise ${e.number}: the solution did not get "Right"; the check said:\n${solved}`);
          assert.doesNotMatch(solved, /Not yet|ERROR/, `${name} exercise ${e.number}: the check said:\n${solved}`);
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
