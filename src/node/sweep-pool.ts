/**
 * `sweep`: independent runs (src/lab/sweep.ts describes one) trained side by
 * side on Node's worker threads, one per core, their records shared with
 * this thread as they come (SharedRecords). Node only: the browser side
 * trains a run with `runExperiment` in a Web Worker of its own.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { EpochRecord } from "../core/history";
import { type SweepProgress, type SweepResult, type SweepRun, checkRuns, runExperiment, runLabel } from "../lab/sweep";

export interface SweepOptions {
  /** Worker threads; default one per core (at most one per run). 0 runs everything in this thread, one after another. */
  workers?: number;
  /** Called as runs progress (a few times a second per run). */
  onProgress?: (progress: SweepProgress) => void;
  /** Called as each run finishes, in finishing order. */
  onResult?: (result: SweepResult) => void;
  /** Aborting it stops the sweep: no run starts after that, the workers end, and the promise rejects with the abort's reason. */
  signal?: AbortSignal;
  /**
   * Where every run writes each record as it is taken, readable at any time
   * from this thread, even while it is busy (a training in a notebook cell
   * draws a reference run that trains on a worker meanwhile).
   */
  shared?: SharedRecords;
}

/**
 * Records of several runs in shared memory: a worker writes them, this thread
 * reads them synchronously (no message, so no need for a free event loop).
 * Each run has room for `capacity` records; the count is written last.
 */
export class SharedRecords {
  readonly buffer: SharedArrayBuffer;
  private readonly counts: Int32Array;
  private readonly values: Float64Array;

  constructor(readonly runs: number, readonly capacity: number, buffer?: SharedArrayBuffer) {
    const countBytes = 8 * Math.ceil((4 * runs) / 8);
    this.buffer = buffer ?? new SharedArrayBuffer(countBytes + 8 * 3 * runs * capacity);
    this.counts = new Int32Array(this.buffer, 0, runs);
    this.values = new Float64Array(this.buffer, countBytes, 3 * runs * capacity);
  }

  /** How many records a run of `epochs` epochs takes, recorded every `recordEvery`. */
  static capacityFor(epochs: number, recordEvery: number): number {
    return Math.floor(epochs / recordEvery) + 2;
  }

  write(index: number, record: EpochRecord): void {
    const n = Atomics.load(this.counts, index);
    if (n >= this.capacity) return;
    this.values.set([record.epoch, record.mse, record.accuracy], 3 * (index * this.capacity + n));
    Atomics.store(this.counts, index, n + 1); // after the values: a reader that sees the count sees them
  }

  read(index: number): EpochRecord[] {
    const n = Atomics.load(this.counts, index);
    const out: EpochRecord[] = [];
    for (let k = 0; k < n; k++) {
      const at = 3 * (index * this.capacity + k);
      out.push({ epoch: this.values[at], mse: this.values[at + 1], accuracy: this.values[at + 2] });
    }
    return out;
  }
}

/**
 * The worker script: the compiled sweep-worker.js next to this file when
 * running from build/; a runtime that loads TypeScript itself (Deno, where
 * this file is an ES module without `require`) takes sweep-worker.ts as it
 * is; otherwise (tslab compiling src/*.ts in memory) a small loader compiles
 * src/*.ts with the TypeScript package as the worker requires them.
 */
function workerSource(): { filename: string; eval: boolean } {
  // An ES module has no __dirname; the kernels start at the repository root.
  const here = typeof __dirname === "string" ? __dirname : join(process.cwd(), "src", "node");
  const js = join(here, "sweep-worker.js");
  if (existsSync(js)) return { filename: js, eval: false };
  const ts = join(here, "sweep-worker.ts");
  if (!existsSync(ts)) throw new Error(`sweep: cannot find the worker script (${js} or ${ts})`);
  if (typeof require !== "function") return { filename: ts, eval: false };
  const loader = `
    const { createRequire } = require("node:module");
    const fs = require("node:fs");
    const req = createRequire(${JSON.stringify(ts)});
    const typescript = req("typescript");
    const options = { module: typescript.ModuleKind.CommonJS, target: typescript.ScriptTarget.ES2022, esModuleInterop: true };
    require.extensions[".ts"] = (module, filename) =>
      module._compile(typescript.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions: options, fileName: filename }).outputText, filename);
    req(${JSON.stringify(ts)});`;
  return { filename: loader, eval: true };
}

/** What sweep() gives each worker: every run, and the shared counter that hands them out. */
export interface SweepWorkerData {
  runs: readonly SweepRun[];
  /** next[0]: the index of the next run to take (Atomics.add), shared by all workers. */
  next: Int32Array;
  /** SweepOptions.shared, as its buffer and capacity. */
  shared?: { buffer: SharedArrayBuffer; capacity: number };
}

export type WorkerMessage =
  | { type: "start"; index: number }
  | { type: "progress"; index: number; epoch: number; epochs: number }
  | { type: "result"; result: SweepResult }
  | { type: "error"; index: number; message: string };

/**
 * Trains every run, `options.workers` at a time on worker threads (default:
 * one per core), and resolves with the results in the order of `runs`.
 * Results equal `runs.map(runExperiment)` bit for bit.
 */
export async function sweep(runs: readonly SweepRun[], options: SweepOptions = {}): Promise<SweepResult[]> {
  checkRuns(runs, "sweep");
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  const workers = options.workers ?? Math.min(cores, runs.length);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`sweep: options.workers must be a non-negative integer, got ${workers}`);
  const shared = options.shared;
  if (shared !== undefined && !(shared instanceof SharedRecords && shared.runs === runs.length)) {
    // The workers rebuild the store from its buffer with runs.length runs: another count would misread every record.
    throw new Error(`sweep: options.shared must be a SharedRecords made for ${runs.length} run(s) (new SharedRecords(runs.length, capacity)), got ${shared instanceof SharedRecords ? `one for ${shared.runs} run(s)` : typeof shared}`);
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
      finish(runExperiment(runs[i], i, (epoch, epochs) => options.onProgress?.({ index: i, label, epoch, epochs }), (r) => options.shared?.write(i, r)));
      await new Promise((resolve) => setImmediate(resolve)); // let a notebook show what finished
    }
    return results;
  }

  // One worker per lane, each taking run after run from a counter they
  // share, so a worker's start-up (and, in a notebook kernel, compiling src/)
  // is paid once, and a worker goes on to its next run without waiting for
  // this thread, which may be busy (notebook 07 trains its baseline here
  // while the workers train the other runs).
  const source = workerSource();
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workerData: SweepWorkerData = { runs, next, ...(options.shared ? { shared: { buffer: options.shared.buffer, capacity: options.shared.capacity } } : {}) };
  let onAbort = (): void => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const pool: Worker[] = [];
      let running = 0;
      let failed = false;
      const stop = (error: Error) => {
        if (failed) return;
        failed = true;
        Atomics.store(next, 0, runs.length); // no worker takes another run
        for (const w of pool) void w.terminate();
        reject(error);
      };
      const fail = (index: number, why: string) => {
        const what = index >= 0 ? `run ${index} (${runLabel(runs[index])})` : "a worker, before taking a run,";
        stop(new Error(`sweep: ${what} failed: ${why}`));
      };
      onAbort = () => stop(stopped());
      options.signal?.addEventListener("abort", onAbort);
      for (let w = 0; w < Math.min(workers, runs.length); w++) {
        const worker = new Worker(source.filename, { eval: source.eval, workerData });
        pool.push(worker);
        running++;
        let current = -1;
        worker.on("message", (message: WorkerMessage) => {
          if (failed) return;
          if (message.type === "start") current = message.index;
          else if (message.type === "progress") {
            options.onProgress?.({ index: message.index, label: runLabel(runs[message.index]), epoch: message.epoch, epochs: message.epochs });
          } else if (message.type === "result") {
            current = -1;
            finish(message.result);
          } else fail(message.index, message.message);
        });
        worker.on("error", (e) => fail(current, e.message));
        worker.on("exit", (code) => {
          if (current !== -1) fail(current, `the worker stopped (exit code ${code}) before reporting`);
          if (--running === 0 && !failed) resolve();
        });
      }
    });
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  const missing = results.findIndex((r) => r === undefined);
  if (missing !== -1) throw new Error(`sweep: run ${missing} (${runLabel(runs[missing])}) never reported a result`);
  return results;
}
