/**
 * One sweep run on a worker thread: `runExperiment` on the run it was given,
 * progress a few times a second, then the result. Started by sweep.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SweepRun, runExperiment } from "./sweep";

const { run, index } = workerData as { run: SweepRun; index: number };
const port = parentPort!;
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
