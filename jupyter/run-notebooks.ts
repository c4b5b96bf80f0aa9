/**
 * `npm run notebooks [-- names...]`: executes notebooks/*.ipynb (or the named
 * ones: "03", "03-training", a path) without Jupyter, each in a fresh Node
 * process with tslab's converter/executor, and writes the executed copies,
 * outputs included, to output/notebooks/. Stops at the first failing cell,
 * printing the notebook, the cell and tslab's error text; exit code 1.
 */
import { join, relative } from "node:path";
import { numberFlag, parseCommandLine, repoRoot } from "../tools/shared/cli";
import { NotebookResult, formatFailure, listNotebooks, runNotebook } from "../tools/shared/notebook-runner";

const USAGE = `Usage: npm run notebooks -- [options] [notebook ...]

Executes the notebooks (default: every notebooks/*.ipynb) without Jupyter and
writes the executed copies to output/notebooks/.

  notebook          a path, a file name, or a prefix such as 03
  --out DIR         output folder for the executed notebooks (default output/notebooks)
  --cell-timeout S  per-cell limit in seconds (default 600)
  --keep-going      run the remaining notebooks after a failure
  --echo            also print the cells' output
  --help            this text`;

export interface RunAllOptions {
  names?: string[];
  outDir?: string;
  cellTimeout?: number;
  keepGoing?: boolean;
  echo?: boolean;
}

/** Runs the notebooks one after another; prints progress; returns every result (stops after the first failure unless keepGoing). */
export async function runNotebooks(options: RunAllOptions = {}): Promise<NotebookResult[]> {
  const notebooks = listNotebooks(options.names ?? []);
  const outDir = options.outDir ?? join(repoRoot, "output", "notebooks");
  if (notebooks.length === 0) {
    console.log(`notebooks: none in ${relative(process.cwd(), join(repoRoot, "notebooks")) || "notebooks"}/`);
    return [];
  }
  const results: NotebookResult[] = [];
  for (const nb of notebooks) {
    const name = relative(process.cwd(), nb);
    console.log(`== ${name}`);
    const result = await runNotebook(nb, {
      outDir,
      cellTimeout: options.cellTimeout,
      echo: options.echo,
      onLine: (line) => console.log(`   ${line}`),
    });
    results.push(result);
    if (result.ok) {
      console.log(`   ok: ${result.executed} cells, ${result.figures} figure(s), ${result.seconds.toFixed(1)} s -> ${relative(process.cwd(), result.output)}`);
    } else {
      console.error(`\nFAILED ${formatFailure(result)}\n(executed copy: ${relative(process.cwd(), result.output)})`);
      if (!options.keepGoing) break;
    }
  }
  return results;
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine("notebooks", USAGE, {
    allowPositionals: true,
    options: { out: { type: "string" }, "cell-timeout": { type: "string" }, "keep-going": { type: "boolean" }, echo: { type: "boolean" } },
  });
  let options: RunAllOptions;
  try {
    options = {
      names: positionals,
      outDir: values.out,
      cellTimeout: numberFlag("cell-timeout", values["cell-timeout"], 600, (s) => s > 0, "a number of seconds > 0"),
      keepGoing: values["keep-going"],
      echo: values.echo,
    };
    listNotebooks(options.names); // unknown names fail here, before anything runs
  } catch (e) {
    console.error(`notebooks: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const results = await runNotebooks(options);
  const failed = results.filter((r) => !r.ok);
  if (results.length > 0) console.log(`\nnotebooks: ${results.length - failed.length}/${results.length} ok`);
  process.exit(failed.length > 0 ? 1 : 0);
}

if (require.main === module) void main();
