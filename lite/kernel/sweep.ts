/**
 * `sweep` in the browser: runs (src/lab/sweep.ts) trained side by side on Web
 * Workers started by the kernel worker, one per core, with messages only (a
 * static site gets no SharedArrayBuffer: no COOP/COEP headers). The build
 * bundles this file in place of src/node/sweep-pool.ts, so
 * src/notebook/sweep-board.ts (startSweep, sweepWithProgress) and
 * src/notebook/lab-cell.ts (lab's reference run) run unchanged on it.
 *
 * Each worker (sweep-worker.ts) gets its runs when it starts (run i goes to
 * worker i mod n): Node's workers take the next run from a shared counter,
 * which needs shared memory; handing runs out by message would stall while
 * this thread trains (notebook 07 trains its baseline here meanwhile).
 * Results are bit-identical to `runExperiment` in this thread: the same code
 * on the same engine.
 */
import type { EpochRecord } from "../../src/core/history";
import { type SweepProgress, type SweepResult, type SweepRun, checkRuns, runExperiment, runLabel } from "../../src/lab/sweep";

export interface SweepOptions {
  workers?: number;
  onProgress?: (progress: SweepProgress) => void;
  onResult?: (result: SweepResult) => void;
  signal?: AbortSignal;
  shared?: SharedRecords;
}

/**
 * Records of several runs as the workers send them. Unlike Node's, it is
 * filled by messages, so this thread sees the records that arrived while it
 * was free: a reference run trained beside a synchronous training in a cell
 * shows up when that training ends (lab() then draws it whole).
 */
export class SharedRecords {
  private readonly records: EpochRecord[][];
  constructor(readonly runs: number, readonly capacity: number) {
    this.records = Array.from({ length: runs }, () => []);
  }
  static capacityFor(epochs: number, recordEvery: number): number {
    return Math.floor(epochs / recordEvery) + 2;
  }
  write(index: number, record: EpochRecord): void {
    if (this.records[index].length < this.capacity) this.records[index].push(record);
  }
  read(index: number): EpochRecord[] {
    return this.records[index].slice();
  }
}

/** What sweep() posts to a worker, and what a worker posts back. */
export interface SweepWorkerStart { runs: readonly SweepRun[]; indices: number[]; records: boolean }
export type SweepWorkerMessage =
  | { type: "start"; index: number }
  | { type: "progress"; index: number; epoch: number; epochs: number }
  | { type: "record"; index: number; record: EpochRecord }
  | { type: "result"; result: SweepResult }
  | { type: "error"; index: number; message: string };

/** Every worker a sweep started and has not ended: an interrupt ends them (worker.ts). */
const running = new Set<() => void>();
export function stopAllSweeps(): void {
  for (const stop of [...running]) stop();
}

function workerUrl(): string {
  return new URL("sweep-worker.js", (globalThis as unknown as { location: { href: string } }).location.href).href;
}

/** Trains every run, `options.workers` at a time on Web Workers (default one per core), results in the order of `runs`. */
export async function sweep(runs: readonly SweepRun[], options: SweepOptions = {}): Promise<SweepResult[]> {
  checkRuns(runs, "sweep");
  const cores = (globalThis as unknown as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
  const workers = options.workers ?? Math.min(cores, runs.length);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`sweep: options.workers must be a non-negative integer, got ${workers}`);
  const shared = options.shared;
  if (shared !== undefined && !(shared instanceof SharedRecords && shared.runs === runs.length)) {
    throw new Error(`sweep: options.shared must be a SharedRecords made for ${runs.length} run(s)`);
  }
  const results: SweepResult[] = new Array(runs.length);
  const finish = (result: SweepResult) => {
    results[result.index] = result;
    options.onResult?.(result);
  };
  const stopped = (): Error => new Error(`sweep: stopped${options.signal?.reason instanceof Error ? ` (${options.signal.reason.message})` : ""}`);
  if (options.signal?.aborted) throw stopped();

  if (workers === 0) {
    for (let i = 0; i < runs.length; i++) {
      if (options.signal?.aborted) throw stopped();
      const label = runLabel(runs[i]);
      finish(runExperiment(runs[i], i, (epoch, epochs) => options.onProgress?.({ index: i, label, epoch, epochs }), (r) => shared?.write(i, r)));
      await new Promise((r) => setTimeout(r, 0));
    }
    return results;
  }

  const lanes = Math.min(workers, runs.length);
  let onAbort = (): void => undefined;
  let stopThis = (): void => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const pool: Worker[] = [];
      let left = runs.length;
      let failed = false;
      const stop = (error: Error) => {
        if (failed) return;
        failed = true;
        for (const w of pool) w.terminate();
        reject(error);
      };
      stopThis = () => stop(new Error("sweep: stopped (the cell was interrupted)"));
      running.add(stopThis);
      onAbort = () => stop(stopped());
      options.signal?.addEventListener("abort", onAbort);
      for (let w = 0; w < lanes; w++) {
        const indices = runs.map((_, i) => i).filter((i) => i % lanes === w);
        const worker = new Worker(workerUrl());
        pool.push(worker);
        let current = -1;
        worker.onmessage = (event: MessageEvent<SweepWorkerMessage>) => {
          if (failed) return;
          const m = event.data;
          if (m.type === "start") current = m.index;
          else if (m.type === "progress") options.onProgress?.({ index: m.index, label: runLabel(runs[m.index]), epoch: m.epoch, epochs: m.epochs });
          else if (m.type === "record") shared?.write(m.index, m.record);
          else if (m.type === "result") {
            current = -1;
            finish(m.result);
            if (--left === 0) {
              for (const p of pool) p.terminate();
              resolve();
            }
          } else stop(new Error(`sweep: run ${m.index} (${runLabel(runs[m.index])}) failed: ${m.message}`));
        };
        worker.onerror = (e) => {
          e.preventDefault();
          stop(new Error(`sweep: ${current >= 0 ? `run ${current} (${runLabel(runs[current])})` : "a worker, before taking a run,"} failed: ${e.message}`));
        };
        const start: SweepWorkerStart = { runs, indices, records: shared !== undefined };
        worker.postMessage(start);
      }
    });
  } finally {
    running.delete(stopThis);
    options.signal?.removeEventListener("abort", onAbort);
  }
  const missing = results.findIndex((r) => r === undefined);
  if (missing !== -1) throw new Error(`sweep: run ${missing} (${runLabel(runs[missing])}) never reported a result`);
  return results;
}
