/**
 * Where the site's chapters come from: EXECUTED notebooks. Either a folder of
 * them (`--from DIR`, e.g. CI's nbconvert output output/jupyter/), or the
 * project's in-process runner (tools/shared/notebook-runner.ts) writing to
 * output/notebooks/, run only for notebooks whose executed copy there is
 * missing or stale.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { repoRoot } from "../tools/shared/cli";
import { Notebook, cellSource, formatFailure, listNotebooks, readNotebook, runNotebook } from "../tools/shared/notebook-runner";

export interface ExecutedNotebook {
  /** "04-training" */
  name: string;
  /** The notebook in the repository (notebooks/NAME.ipynb). */
  source: string;
  /** The executed copy the page is rendered from. */
  executedFile: string;
  notebook: Notebook;
}

export const DEFAULT_EXECUTED_DIR = join(repoRoot, "output", "notebooks");

const codeSources = (nb: Notebook): string[] => nb.cells.filter((c) => c.cell_type === "code").map(cellSource);

/** Newest modification time of the files a notebook's outputs depend on besides itself: src/. */
function newestCoreMtime(): number {
  return Math.max(0, ...srcFiles().map((f) => statSync(join(repoRoot, "src", f)).mtimeMs));
}

/** Every .ts file under src/, as paths relative to src/ ("core/layer.ts"), sorted. */
export function srcFiles(): string[] {
  const dir = join(repoRoot, "src");
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => f.split("\\").join("/")).sort();
}

/**
 * Why the executed copy cannot be used, or null when it can: it must exist,
 * hold the same code cells as the notebook (an edited cell means stale
 * outputs), have every non-empty code cell executed without an error, and be
 * newer than src/ (the outputs depend on the library).
 */
export function staleness(source: string, executedFile: string, coreMtime = newestCoreMtime()): string | null {
  if (!existsSync(executedFile)) return "no executed copy";
  const executed = readNotebook(executedFile);
  const a = codeSources(readNotebook(source));
  const b = codeSources(executed);
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) return "its code cells differ from the notebook's";
  const unexecuted = executed.cells.findIndex((c) => c.cell_type === "code" && cellSource(c).trim() !== "" && (c.execution_count === null || c.execution_count === undefined));
  if (unexecuted >= 0) return `cell ${unexecuted} was not executed`;
  const failed = executed.cells.findIndex((c) => (c.outputs ?? []).some((o) => o.output_type === "error"));
  if (failed >= 0) return `cell ${failed} failed`;
  if (statSync(executedFile).mtimeMs < coreMtime) return "src/ changed after it was executed";
  return null;
}

/**
 * Every notebooks/*.ipynb as an executed notebook. With `fromDir`, each must
 * be there (same file name) and executed; without it, stale copies in
 * output/notebooks/ are re-run first with the project's runner.
 */
export async function executedNotebooks(options: { fromDir?: string; log?: (line: string) => void } = {}): Promise<ExecutedNotebook[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const sources = listNotebooks();
  if (sources.length === 0) throw new Error(`site: no notebooks in ${join(repoRoot, "notebooks")}`);
  const dir = options.fromDir ?? DEFAULT_EXECUTED_DIR;
  if (options.fromDir !== undefined && !existsSync(dir)) throw new Error(`site: --from ${options.fromDir}: no such folder`);
  const coreMtime = newestCoreMtime();
  const out: ExecutedNotebook[] = [];
  for (const source of sources) {
    const name = basename(source, ".ipynb");
    const executedFile = join(dir, `${name}.ipynb`);
    if (options.fromDir !== undefined) {
      if (!existsSync(executedFile)) throw new Error(`site: --from ${options.fromDir}: missing ${name}.ipynb (every notebooks/*.ipynb must be there, executed)`);
      const nb = readNotebook(executedFile);
      const unexecuted = nb.cells.findIndex((c) => c.cell_type === "code" && cellSource(c).trim() !== "" && (c.execution_count === null || c.execution_count === undefined));
      if (unexecuted >= 0) throw new Error(`site: --from ${options.fromDir}: ${name}.ipynb is not executed (cell ${unexecuted} has no execution count)`);
      const why = staleness(source, executedFile, 0);
      if (why) log(`  warning: ${relative(process.cwd(), executedFile)}: ${why}`);
      out.push({ name, source, executedFile, notebook: nb });
      continue;
    }
    const why = staleness(source, executedFile, coreMtime);
    if (why) {
      log(`  ${name}: ${why}; executing it (tools/shared/notebook-runner.ts, a few minutes for the training notebooks)`);
      const result = await runNotebook(source, { outDir: dir, onLine: (line) => log(`    ${line}`) });
      if (!result.ok) throw new Error(`site: notebook ${name} failed, so its chapter cannot be built:\n${formatFailure(result)}`);
      log(`  ${name}: executed in ${result.seconds.toFixed(1)} s`);
    } else {
      log(`  ${name}: up-to-date executed copy ${relative(process.cwd(), executedFile)}`);
    }
    out.push({ name, source, executedFile, notebook: readNotebook(executedFile) });
  }
  return out;
}
