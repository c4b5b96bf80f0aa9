/**
 * One setting for the runs that only prove that a notebook runs and draws
 * (CI's in-process run, the second kernel, the browser UIs):
 *
 *     BACKPROP_QUICK_EPOCHS=50
 *
 * lowers the epoch knobs that offer a quick look (07's `const EPOCHS = 1000;
 * // ... 200 gives a quick look`, 03's SHORT_EPOCHS, 04's MAX_EPOCHS, 06's
 * TRAIN_EPOCHS) to 50
 * in working copies of the notebooks; every cell still runs. Unset (the
 * default), the notebooks run as written. CI runs every notebook at full
 * size on the tslab kernel (`jupyter nbconvert --execute`), and the static
 * site shows those outputs. The UI tests apply the same setting to their own
 * working copies (200 when it is unset); the classic Notebook's leaves 04 at
 * full size, since it watches 04's live figure redraw and interrupts it.
 *
 *     node build/jupyter/quick-epochs.js DIR NOTEBOOK...
 *
 * copies the notebooks into DIR, the knob set when the variable is, and
 * prints the copies' paths, one a line.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { cellSource, readNotebook } from "../tools/shared/notebook-runner";

export const QUICK_EPOCHS_VARIABLE = "BACKPROP_QUICK_EPOCHS";

/**
 * A knob: a line that sets how long a notebook trains and offers a quick
 * look in its comment, e.g. 07's `const EPOCHS = 1000; // ... 200 gives a
 * quick look`, 03's SHORT_EPOCHS, 04's MAX_EPOCHS and 06's TRAIN_EPOCHS.
 */
const EPOCHS_KNOB = /^(const (?:[A-Z]+_)?EPOCHS = )(\d+)(;[^\n]*gives a quick look)/gm;

/** The epoch count BACKPROP_QUICK_EPOCHS asks for, or undefined when it is unset or empty. */
export function quickEpochs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[QUICK_EPOCHS_VARIABLE];
  if (text === undefined || text.trim() === "") return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new Error(`quickEpochs: ${QUICK_EPOCHS_VARIABLE} must be an integer >= 1 (or unset for full size), got ${JSON.stringify(text)}`);
  }
  return n;
}

/** Lowers every epoch knob of the notebook file `file` to `epochs` (never raises one), in place; false (file untouched) if none changed. */
export function setQuickEpochs(file: string, epochs: number): boolean {
  const nb = readNotebook(file);
  let changed = false;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    const source = cellSource(cell);
    const quick = source.replace(EPOCHS_KNOB, (line, head: string, n: string, tail: string) => (Number(n) > epochs ? `${head}${epochs}${tail}` : line));
    if (quick !== source) {
      cell.source = quick;
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
  return changed;
}

/**
 * Copies `notebook` into `dir` with its EPOCHS knob set to `epochs` (a
 * plain copy if `epochs` is undefined or it has no knob). Returns the copy's
 * path and whether the knob was set.
 */
export function quickCopy(notebook: string, dir: string, epochs: number | undefined): { file: string; changed: boolean } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, basename(notebook));
  copyFileSync(notebook, file);
  return { file, changed: epochs !== undefined && setQuickEpochs(file, epochs) };
}

function main(): void {
  const [dir, ...notebooks] = process.argv.slice(2);
  if (!dir || notebooks.length === 0) {
    console.error("usage: node build/jupyter/quick-epochs.js DIR NOTEBOOK...");
    process.exit(2);
  }
  const epochs = quickEpochs();
  for (const nb of notebooks) {
    const { file, changed } = quickCopy(nb, dir, epochs);
    if (changed) console.error(`quick-epochs: ${basename(nb)} trains ${epochs} epochs (${QUICK_EPOCHS_VARIABLE})`);
    console.log(file);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`quick-epochs: ${(e as Error).message}`);
    process.exit(1);
  }
}
