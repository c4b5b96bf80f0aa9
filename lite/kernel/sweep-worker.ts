/**
 * A sweep worker (a Web Worker started by the kernel worker, sweep.ts):
 * trains its runs with `runExperiment`, posting progress a few times a
 * second, each record when asked (lab's reference run), then the result.
 */
import { runExperiment } from "../../src/lab/sweep";
import type { SweepWorkerMessage, SweepWorkerStart } from "./sweep";

const scope = globalThis as unknown as { onmessage: ((e: { data: SweepWorkerStart }) => void) | null; postMessage(m: SweepWorkerMessage): void };
const post = (m: SweepWorkerMessage) => scope.postMessage(m);

scope.onmessage = ({ data }) => {
  scope.onmessage = null;
  for (const index of data.indices) {
    post({ type: "start", index });
    let last = 0;
    try {
      const result = runExperiment(data.runs[index], index, (epoch, epochs) => {
        const now = Date.now();
        if (now - last < 200 && epoch !== epochs) return;
        last = now;
        post({ type: "progress", index, epoch, epochs });
      }, data.records ? (record) => post({ type: "record", index, record }) : undefined);
      post({ type: "result", result });
    } catch (e) {
      post({ type: "error", index, message: e instanceof Error ? e.message : String(e) });
      break;
    }
  }
};
