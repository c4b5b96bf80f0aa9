/**
 * The project's Jupyter kernel: the project's own tslab (node_modules/tslab,
 * the same code as `node_modules/.bin/tslab kernel`) started from the
 * repository root, with four fixes. The kernelspec written by
 * `npm run kernel` runs
 *
 *     node <repo>/build/jupyter/tslab-kernel.js {connection_file}
 *
 * 1. cwd = repository root, whatever folder the notebook is in: tslab only
 *    compiles imports under its root (the kernel's cwd), so cells can
 *    `import { ... } from "./src/index"`.
 * 2. iopub never loses output. zeromq.js 6 sends at most 512 messages
 *    synchronously, defers the next one to the event loop and throws EBUSY
 *    for any send before that: inside a synchronous training loop the
 *    progress line froze and then output was silently dropped. With
 *    sendTimeout 0 every iopub send is handed to ZeroMQ's I/O thread at
 *    once (so live progress reaches the browser while a synchronous cell
 *    runs), the high-water mark is unlimited, and a send that still finds
 *    the socket busy is queued instead of thrown.
 * 3. A failing cell's execute_reply carries ename/evalue/traceback (tslab's
 *    stderr text), so `jupyter nbconvert --execute` and other clients show
 *    the error instead of an empty message.
 * 4. execute_input is published, so clients record execution counts.
 *
 * Fixes 2-4 live in jupyter/tslab-patches.ts.
 */
import { dirname, resolve } from "node:path";
import { repoRoot } from "../scripts/cli";
import { patchJupyter, patchZeromq, warn } from "./tslab-patches";

function main(): void {
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write("usage: node build/jupyter/tslab-kernel.js CONNECTION_FILE\n(Jupyter runs this through the kernelspec that `npm run kernel` writes.)\n");
    process.exit(2);
  }
  const connectionFile = resolve(configPath); // before chdir: Jupyter may pass a relative path
  const root = repoRoot;
  process.chdir(root); // fix 1; tslab takes its root from process.cwd()
  const tslabMain = require.resolve("tslab/dist/main.js", { paths: [root] });
  const tslabDist = dirname(tslabMain);
  for (const [name, patch] of [["iopub", patchZeromq], ["jupyter", patchJupyter]] as const) {
    try {
      patch(tslabDist);
    } catch (e) {
      warn(`${name} fix skipped: ${(e as Error).message}`);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tslab = require(tslabMain) as { startKernel(options: { configPath: string; enableFindLocal: boolean; jsKernel: boolean }): void };
  tslab.startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false });
}

if (require.main === module) main();
