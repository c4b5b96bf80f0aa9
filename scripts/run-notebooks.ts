/**
 * `npm run notebooks [-- names...]`: executes notebooks/*.ipynb (or the named
 * ones: "03", "03-training", a path) without Jupyter, each in a fresh Node
 * process with tslab's converter/executor, and writes the executed copies,
 * outputs included, to output/notebooks/. Stops at the first failing cell,
 * printing the notebook, the cell and tslab's error text; exit code 1.
 */
import { join, relative } from "node:path";
import { NotebookResult, formatFailure, listNotebooks, repoRoot, runNotebook } from "./notebook-runner";

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

function parseArgs(argv: string[]): RunAllOptions | "help" {
  const options: RunAllOptions = { names: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--help" || a === "-h") return "help";
    else if (a === "--out") options.outDir = value();
    else if (a === "--cell-timeout") {
      const s = Number(value());
      if (!(s > 0)) throw new Error(`--cell-timeout must be a number > 0, got ${argv[i]}`);
      options.cellTimeout = s;
    } else if (a === "--keep-going") options.keepGoing = true;
    else if (a === "--echo") options.echo = true;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else options.names!.push(a);
  }
  return options;
}

async function main(): Promise<void> {
  let options: RunAllOptions | "help";
  try {
    options = parseArgs(process.argv.slice(2));
    if (options === "help") {
      console.log(USAGE);
      return;
    }
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
