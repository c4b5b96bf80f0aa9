/**
 * A sweep worker: takes the next run from the counter it shares with the
 * other workers (see sweep-pool.ts), trains it with `runExperiment`, posting
 * progress a few times a second and then the result, and stops when no run
 * is left. It never waits for the main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runExperiment } from "../lab/sweep";
import { SharedRecords, type SweepWorkerData, type WorkerMessage } from "./sweep-pool";

const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);
const { runs, next, shared: sharedData } = workerData as SweepWorkerData;
const shared = sharedData && new SharedRecords(runs.length, sharedData.capacity, sharedData.buffer);

for (let index = Atomics.add(next, 0, 1); index < runs.length; index = Atomics.add(next, 0, 1)) {
  post({ type: "start", index });
  let last = 0;
  try {
    const result = runExperiment(runs[index], index, (epoch, epochs) => {
      const now = Date.now();
      if (now - last < 200 && epoch !== epochs) return;
      last = now;
      post({ type: "progress", index, epoch, epochs });
    }, (record) => shared?.write(index, record));
    post({ type: "result", result });
  } catch (e) {
    Atomics.store(next, 0, runs.length); // the other workers stop after their current run
    post({ type: "error", index, message: e instanceof Error ? e.message : String(e) });
    break;
  }
}
