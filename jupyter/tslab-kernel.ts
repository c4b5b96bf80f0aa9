/**
 * The project's Jupyter kernel: the project's own tslab (node_modules/tslab,
 * the same code as `node_modules/.bin/tslab kernel`) started from the
 * repository root, with the fixes of jupyter/tslab-patches.ts. The kernelspec written by
 * `npm run kernel` runs
 *
 *     node <repo>/build/jupyter/tslab-kernel.js {connection_file}
 *
 * It runs tslab from the repository root, whatever folder the notebook is
 * in: tslab only compiles imports under its root (the kernel's cwd), so
 * cells can `import { ... } from "./src/index"`. Then it applies the fixes
 * of jupyter/tslab-patches.ts (each documented there, with the tslab and
 * zeromq versions it applies to) and starts tslab's kernel.
 */
import { dirname, resolve } from "node:path";
import { repoRoot } from "../tools/shared/cli";
import { applyPatches } from "./tslab-patches";

function main(): void {
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write("usage: node build/jupyter/tslab-kernel.js CONNECTION_FILE\n(Jupyter runs this through the kernelspec that `npm run kernel` writes.)\n");
    process.exit(2);
  }
  const connectionFile = resolve(configPath); // before chdir: Jupyter may pass a relative path
  const root = repoRoot;
  process.chdir(root); // tslab takes its root from process.cwd()
  const tslabMain = require.resolve("tslab/dist/main.js", { paths: [root] });
  const tslabDist = dirname(tslabMain);
  applyPatches(tslabDist);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tslab = require(tslabMain) as { startKernel(options: { configPath: string; enableFindLocal: boolean; jsKernel: boolean }): void };
  tslab.startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false });
}

if (require.main === module) main();
