/**
 * `npm run kernel`: writes the project's kernelspec "tslab-backprop"
 * ("TypeScript (backprop-moons)"), which starts build/jupyter/tslab-kernel.js
 * (the project's own tslab, from the repository root).
 *
 *  - jupyter/kernels/tslab-backprop/kernel.json: relocatable copy inside the
 *    repository (paths relative to {resource_dir}); use it with
 *    `JUPYTER_PATH=$PWD/jupyter jupyter lab`.
 *  - the user's Jupyter: `jupyter kernelspec install --user` when a jupyter
 *    command works, else the file is written to the user data folder
 *    (~/.local/share/jupyter/kernels/tslab-backprop on Linux). This copy
 *    uses absolute paths (this node, this checkout).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseCommandLine, repoRoot } from "../scripts/cli";

export const KERNEL_NAME = "tslab-backprop";
export const KERNEL_DISPLAY_NAME = "TypeScript (backprop-moons)";

const launcher = join(repoRoot, "build", "jupyter", "tslab-kernel.js");

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
  metadata: Record<string, unknown>;
}

export function kernelSpec(node: string, launcherPath: string): KernelSpec {
  return {
    argv: [node, launcherPath, "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { debugger: false },
  };
}

function writeSpec(dir: string, spec: KernelSpec): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  writeFileSync(file, JSON.stringify(spec, null, 2) + "\n");
  return file;
}

/** The in-repo copy: relative to {resource_dir} = <repo>/jupyter/kernels/tslab-backprop. */
export function writeRepoSpec(): string {
  const dir = join(repoRoot, "jupyter", "kernels", KERNEL_NAME);
  const rel = relative(dir, launcher).split("\\").join("/");
  return writeSpec(dir, kernelSpec("node", `{resource_dir}/${rel}`));
}

/** Jupyter's user data folder (jupyter_core.paths.jupyter_data_dir). */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return resolve(process.env.JUPYTER_DATA_DIR);
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(process.env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  return join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** Installs for the current user; returns where and how. */
export function installUserSpec(jupyter = process.env.JUPYTER ?? "jupyter"): string {
  const spec = kernelSpec(process.execPath, launcher);
  const staging = mkdtempSync(join(tmpdir(), "tslab-backprop-spec-"));
  try {
    const stagedDir = join(staging, KERNEL_NAME);
    writeSpec(stagedDir, spec);
    const run = spawnSync(jupyter, ["kernelspec", "install", "--user", "--replace", "--name", KERNEL_NAME, stagedDir], { encoding: "utf8" });
    if (run.status === 0) return `${(run.stderr + run.stdout).trim() || `installed ${KERNEL_NAME}`} (jupyter kernelspec install --user)`;
    const why = run.error ? `${jupyter} not found` : `${jupyter} kernelspec install failed: ${(run.stderr || run.stdout).trim()}`;
    const file = writeSpec(join(userDataDir(), "kernels", KERNEL_NAME), spec);
    return `wrote ${file} (${why})`;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const USAGE = `Usage: npm run kernel [-- --repo-only]

Writes the kernelspec "${KERNEL_NAME}" (${KERNEL_DISPLAY_NAME}):
  jupyter/kernels/${KERNEL_NAME}/kernel.json   in the repository (JUPYTER_PATH=$PWD/jupyter)
  and, unless --repo-only, for your user's Jupyter (jupyter kernelspec install --user,
  or ~/.local/share/jupyter/kernels/${KERNEL_NAME}/ when there is no jupyter command).
Environment: JUPYTER (jupyter command to use), JUPYTER_DATA_DIR.`;

function main(): void {
  const { values } = parseCommandLine("install-kernel", USAGE, { options: { "repo-only": { type: "boolean" } } });
  if (!existsSync(launcher)) {
    console.error(`install-kernel: ${launcher} is missing; run npm run build first (npm run kernel does)`);
    process.exit(1);
  }
  console.log(`in-repo kernelspec: ${writeRepoSpec()}  (use with JUPYTER_PATH=${join(repoRoot, "jupyter")})`);
  if (!values["repo-only"]) console.log(`user kernelspec: ${installUserSpec()}`);
  console.log(`kernel "${KERNEL_DISPLAY_NAME}" starts: node ${relative(process.cwd(), launcher) || launcher} {connection_file}, cwd = ${repoRoot}`);
}

if (require.main === module) main();
