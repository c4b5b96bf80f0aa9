/**
 * Independent trainings of the article's network (seeds, learning rates,
 * activations, losses, your own hidden rule) run side by side on worker
 * threads, one per core. Each run is a plain description (`SweepRun`), so a
 * worker can rebuild exactly the network the main thread would have built;
 * the results are bit-identical to running `runExperiment` on each, one after
 * another (tested).
 *
 * The workers run the library as it is in src/ now: an edit to src/ reaches
 * them after a kernel restart, as it reaches `train`. A delta rule or a whole
 * step written in a notebook cell cannot travel to a thread as a function;
 * pass its source instead (`hiddenRule: myRule.toString()`,
 * `step: myStep.toString()`), which works when the function uses nothing but
 * its arguments and globals such as `Math` and `Float64Array`.
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { HiddenDeltaRule, OutputDeltaRule } from "./delta-rules";
import { ArticleNetworkOptions, articleData, articleNetwork } from "./experiment";
import { EpochRecord } from "./history";
import { NeuralNetwork, TrainingDivergedError, type TrainingStep, assertStep } from "./network";
import type { NetworkJSON } from "./network-json";

/** One training run: the article's network (seed, activations, loss, bias updates as in articleNetwork) and data, with these changes. */
export interface SweepRun extends ArticleNetworkOptions {
  /** A name for the run in progress lines and figures; default built from the settings. */
  label?: string;
  /** Default 0.01, the article's. */
  learningRate?: number;
  /** Default 1000, the article's. */
  epochs?: number;
  /** Default 10, the article's. */
  recordEvery?: number;
  /** Source text of a HiddenDeltaRule, e.g. `myRule.toString()`, used instead of the library's rule. */
  hiddenRule?: string;
  /** Source text of an OutputDeltaRule, used instead of the library's rule. */
  outputRule?: string;
  /** Source text of a whole TrainingStep (e.g. notebook 03's `backpropagationStep.toString()`), run for every sample instead of the library's step. */
  step?: string;
}

export interface SweepResult {
  index: number;
  run: SweepRun;
  label: string;
  records: EpochRecord[];
  /** The last record (for a diverged run: the last finite one, if any). */
  final: EpochRecord | undefined;
  /** When this run's training began (Date.now(), ms): runs overlap on the workers, and with whatever this thread does meanwhile. */
  startedAt: number;
  /** Wall-clock seconds of this run's training. */
  seconds: number;
  network: NetworkJSON;
  /** Set when the run diverged (TrainingDivergedError's message). */
  diverged?: string;
}

export interface SweepProgress {
  index: number;
  label: string;
  epoch: number;
  epochs: number;
}

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

const KEYS: readonly string[] = ["label", "seed", "numpySeed", "hidden", "output", "loss", "updateBias", "learningRate", "epochs", "recordEvery", "hiddenRule", "outputRule", "step"];

/** The label a run gets when it has none: its settings that differ from the article's. */
export function runLabel(run: SweepRun): string {
  if (run.label !== undefined) return run.label;
  const parts: string[] = [];
  if (run.numpySeed !== undefined) parts.push(`numpy seed ${run.numpySeed}`);
  else parts.push(`seed ${run.seed ?? 1}`);
  if (run.hidden !== undefined) parts.push(run.hidden);
  if (run.output !== undefined) parts.push(`output ${run.output}`);
  if (run.loss !== undefined) parts.push(run.loss);
  if (run.learningRate !== undefined) parts.push(`lr ${run.learningRate}`);
  if (run.updateBias) parts.push("bias updates");
  if (run.hiddenRule !== undefined) parts.push("own hidden rule");
  if (run.outputRule !== undefined) parts.push("own output rule");
  if (run.step !== undefined) parts.push("own step");
  return parts.join(", ");
}

function checkRun(run: SweepRun, name: string): void {
  if (run === null || typeof run !== "object" || Array.isArray(run)) throw new Error(`${name} must be an object like { seed: 3, learningRate: 0.01 }`);
  for (const key of Object.keys(run)) {
    if (!KEYS.includes(key)) throw new Error(`${name} has an unknown setting "${key}"; expected some of ${KEYS.join(", ")}`);
  }
  const positive = (v: unknown, what: string, integer: boolean, min: number) => {
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)))) {
      throw new Error(`${name}.${what} must be ${integer ? "an integer" : "a finite number"} >= ${min}${integer ? "" : " (and > 0)"}, got ${String(v)}`);
    }
  };
  positive(run.learningRate, "learningRate", false, Number.MIN_VALUE);
  positive(run.epochs, "epochs", true, 0);
  positive(run.recordEvery, "recordEvery", true, 1);
  if (run.label !== undefined && typeof run.label !== "string") throw new Error(`${name}.label must be a string`);
  for (const key of SOURCES) {
    if (run[key] !== undefined && typeof run[key] !== "string") {
      throw new Error(`${name}.${key} must be source text (myFunction.toString()), got ${typeof run[key]}`);
    }
  }
  try {
    installSources(articleNetwork(networkOptions(run)), run); // seeds, names, activations, loss, sources
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

function networkOptions(run: SweepRun): ArticleNetworkOptions {
  return { seed: run.seed, numpySeed: run.numpySeed, hidden: run.hidden, output: run.output, loss: run.loss, updateBias: run.updateBias };
}

/** The settings that carry a function as source text, and the arguments each function takes. */
const SOURCES = ["hiddenRule", "outputRule", "step"] as const;
const SIGNATURES: Record<(typeof SOURCES)[number], string> = { hiddenRule: "(layer, next)", outputRule: "(layer, target, loss)", step: "(layers, x, y, lr)" };

function compileSource(source: string, key: (typeof SOURCES)[number]): unknown {
  let fn: unknown;
  try {
    fn = new Function(`"use strict"; return (${source});`)();
  } catch (e) {
    throw new Error(`${key} does not compile as a function: ${(e as Error).message}`);
  }
  if (typeof fn !== "function") throw new Error(`${key} must be the source of a function ${SIGNATURES[key]} => { ... }`);
  return fn;
}

/** Puts the run's rules and step (given as source text) on the network; returns it. */
function installSources(nn: NeuralNetwork, run: SweepRun): NeuralNetwork {
  if (run.hiddenRule !== undefined) nn.deltaRules.hidden = compileSource(run.hiddenRule, "hiddenRule") as HiddenDeltaRule;
  if (run.outputRule !== undefined) nn.deltaRules.output = compileSource(run.outputRule, "outputRule") as OutputDeltaRule;
  if (run.step !== undefined) {
    const step = compileSource(run.step, "step");
    assertStep(step, "step");
    nn.step = step as TrainingStep;
  }
  return nn;
}

/**
 * One run, in this thread: build the network, train it, report. This is
 * what every worker runs too. `onEpoch` is called after every epoch.
 */
export function runExperiment(run: SweepRun, index = 0, onEpoch?: (epoch: number, epochs: number) => void, onRecord?: (record: EpochRecord) => void): SweepResult {
  checkRun(run, "runExperiment: run");
  const { split } = articleData();
  const nn = installSources(articleNetwork(networkOptions(run)), run);
  const epochs = run.epochs ?? 1000;
  const records: EpochRecord[] = [];
  let diverged: string | undefined;
  const t0 = Date.now();
  try {
    nn.train(split.XTrain, split.XTest, split.yTrain, split.yTest, run.learningRate ?? 0.01, epochs, {
      recordEvery: run.recordEvery ?? 10,
      onRecord: (r) => {
        records.push(r);
        onRecord?.(r);
      },
      onEpoch,
    });
  } catch (e) {
    if (!(e instanceof TrainingDivergedError)) throw e;
    diverged = e.message;
  }
  const seconds = (Date.now() - t0) / 1000;
  return { index, run, label: runLabel(run), records, final: records[records.length - 1], startedAt: t0, seconds, network: nn.toJSON(), diverged };
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
  const here = typeof __dirname === "string" ? __dirname : join(process.cwd(), "src");
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

/** Throws, naming the run and the setting, if any run is not a valid description; trains nothing. */
export function checkRuns(runs: readonly SweepRun[], where: string): void {
  if (!Array.isArray(runs) || runs.length === 0) throw new Error(`${where}: runs must be a non-empty array of runs like [{ seed: 1 }, { seed: 2 }]`);
  runs.forEach((run, i) => checkRun(run, `${where}: runs[${i}]`));
}

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
