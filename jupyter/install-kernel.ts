/**
 * `npm run kernel`: writes the project's kernelspecs "tslab-backprop"
 * ("TypeScript (backprop-moons)"), which starts build/jupyter/tslab-kernel.js
 * (the project's own tslab, from the repository root), and "deno-backprop"
 * ("TypeScript on Deno (backprop-moons)"), which starts
 * build/jupyter/deno-kernel.js (Deno's kernel, from the repository root).
 *
 *  - jupyter/kernels/<name>/kernel.json: relocatable copy inside the
 *    repository (paths relative to {resource_dir}); use it with
 *    `JUPYTER_PATH=$PWD/jupyter jupyter lab`.
 *  - the user's Jupyter: `jupyter kernelspec install --user` when a jupyter
 *    command works, else the file is written to the user data folder
 *    (~/.local/share/jupyter/kernels/<name> on Linux). This copy
 *    uses absolute paths (this node, this checkout).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseCommandLine, repoRoot } from "../tools/shared/cli";

export const KERNEL_NAME = "tslab-backprop";
export const KERNEL_DISPLAY_NAME = "TypeScript (backprop-moons)";

const launcher = join(repoRoot, "build", "jupyter", "tslab-kernel.js");

export const DENO_KERNEL_NAME = "deno-backprop";
export const DENO_KERNEL_DISPLAY_NAME = "TypeScript on Deno (backprop-moons)";
const denoLauncher = join(repoRoot, "build", "jupyter", "deno-kernel.js");

/** Both kernels: name, display name, launcher. */
const KERNELS = [
  { name: KERNEL_NAME, displayName: KERNEL_DISPLAY_NAME, launcher },
  { name: DENO_KERNEL_NAME, displayName: DENO_KERNEL_DISPLAY_NAME, launcher: denoLauncher },
];

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal";
  metadata: Record<string, unknown>;
}

export function kernelSpec(node: string, launcherPath: string, displayName = KERNEL_DISPLAY_NAME): KernelSpec {
  return {
    argv: [node, launcherPath, "{connection_file}"],
    display_name: displayName,
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

/** The in-repo copy: relative to {resource_dir} = <repo>/jupyter/kernels/<name>. */
export function writeRepoSpec(kernel = KERNELS[0]): string {
  const dir = join(repoRoot, "jupyter", "kernels", kernel.name);
  const rel = relative(dir, kernel.launcher).split("\\").join("/");
  return writeSpec(dir, kernelSpec("node", `{resource_dir}/${rel}`, kernel.displayName));
}

/** Jupyter's user data folder (jupyter_core.paths.jupyter_data_dir). */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return resolve(process.env.JUPYTER_DATA_DIR);
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(process.env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  return join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** Installs for the current user; returns where and how. */
export function installUserSpec(jupyter = process.env.JUPYTER ?? "jupyter", kernel = KERNELS[0]): string {
  const spec = kernelSpec(process.execPath, kernel.launcher, kernel.displayName);
  const staging = mkdtempSync(join(tmpdir(), `${kernel.name}-spec-`));
  try {
    const stagedDir = join(staging, kernel.name);
    writeSpec(stagedDir, spec);
    const run = spawnSync(jupyter, ["kernelspec", "install", "--user", "--replace", "--name", kernel.name, stagedDir], { encoding: "utf8" });
    if (run.status === 0) return `${(run.stderr + run.stdout).trim() || `installed ${kernel.name}`} (jupyter kernelspec install --user)`;
    const why = run.error ? `${jupyter} not found` : `${jupyter} kernelspec install failed: ${(run.stderr || run.stdout).trim()}`;
    const file = writeSpec(join(userDataDir(), "kernels", kernel.name), spec);
    return `wrote ${file} (${why})`;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

const USAGE = `Usage: npm run kernel [-- --repo-only]

Writes the kernelspecs "${KERNEL_NAME}" (${KERNEL_DISPLAY_NAME}) and
"${DENO_KERNEL_NAME}" (${DENO_KERNEL_DISPLAY_NAME}):
  jupyter/kernels/<name>/kernel.json   in the repository (JUPYTER_PATH=$PWD/jupyter)
  and, unless --repo-only, for your user's Jupyter (jupyter kernelspec install --user,
  or ~/.local/share/jupyter/kernels/<name>/ when there is no jupyter command).
Environment: JUPYTER (jupyter command to use), JUPYTER_DATA_DIR.`;

function main(): void {
  const { values } = parseCommandLine("install-kernel", USAGE, { options: { "repo-only": { type: "boolean" } } });
  if (!existsSync(launcher)) {
    console.error(`install-kernel: ${launcher} is missing; run npm run build first (npm run kernel does)`);
    process.exit(1);
  }
  for (const kernel of KERNELS) {
    console.log(`in-repo kernelspec: ${writeRepoSpec(kernel)}  (use with JUPYTER_PATH=${join(repoRoot, "jupyter")})`);
    if (!values["repo-only"]) console.log(`user kernelspec: ${installUserSpec(undefined, kernel)}`);
    console.log(`kernel "${kernel.displayName}" starts: node ${relative(process.cwd(), kernel.launcher) || kernel.launcher} {connection_file}, cwd = ${repoRoot}`);
  }
}

if (require.main === module) main();
