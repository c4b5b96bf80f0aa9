/**
 * A sweep worker: runs `runExperiment` on each run the main thread sends,
 * posting progress a few times a second and then the result. Started by
 * sweep.ts, which ends it when no run is left.
 */
import { parentPort } from "node:worker_threads";
import { SweepRun, runExperiment } from "./sweep";

const port = parentPort!;
port.on("message", ({ run, index }: { run: SweepRun; index: number }) => {
  let last = 0;
  try {
    const result = runExperiment(run, index, (epoch, epochs) => {
      const now = Date.now();
      if (now - last < 200 && epoch !== epochs) return;
      last = now;
      port.postMessage({ type: "progress", epoch, epochs });
    });
    port.postMessage({ type: "result", result });
  } catch (e) {
    port.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
  }
});
