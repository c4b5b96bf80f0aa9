/**
 * `npm run bench`: times the article's training (2-25-50-25-2 sigmoid net,
 * per-sample SGD, lr 0.01, 1000 epochs = 1001 passes over 1400 samples,
 * history every 10 epochs) in TypeScript, in plain C (bench/train.c, cc -O2)
 * and in the article's NumPy code (bench/numpy_train.py, short run scaled to
 * the full run), all from the same data and the same initial weights; and,
 * when the deno binary is installed (npm devDependency), the same compiled
 * TypeScript on Deno.
 * Prints a Markdown table and writes output/bench.json.
 *
 *   npm run bench -- --runs 5 --epochs 1000 --no-numpy
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import {
  ARCH,
  DEFAULT_EPOCHS,
  DEFAULT_RUNS,
  LEARNING_RATE,
  RECORD_EVERY,
  flopsPerStep,
  median,
  repoRoot,
  weightChecksum,
  writeDataFile,
} from "./common";
import { articleData, articleNetwork } from "../src/index";
import { UsageError, intFlag, parseFlags } from "../tools/shared/cli";
import { denoBinary, denoEnv } from "../tools/shared/deno";

/** Passes-1 of the NumPy short run (5 passes), scaled to the full run. */
const NUMPY_EPOCHS = 4;
/** Epochs of the browser comparison: long enough to time, short enough that each round stays under a minute. */
const BROWSER_EPOCHS = 100;
/** How close C must be to TypeScript (final MSE, every recorded MSE) to count as "the same computation". */
const AGREE_TOLERANCE = 1e-9;

const USAGE = `usage: npm run bench -- [--runs N] [--epochs E] [--no-c] [--no-numpy] [--no-sweep] [--no-browser] [--help]
  --runs N     rounds; each round runs every implementation once, interleaved; medians reported
               (positive integer; default ${DEFAULT_RUNS})
  --epochs E   epochs per run, E + 1 passes over the 1400 training samples like the article
               (non-negative integer; default ${DEFAULT_EPOCHS})
  --no-c       skip the C version (bench/train.c, needs cc)
  --no-numpy   skip the article's NumPy code (bench/numpy_train.py, needs python3 + numpy)
  --no-sweep   skip timing sweep() on worker threads against one thread (bench/sweep-speedup.ts)
  --no-browser skip the browser lab's and the browser notebooks' training in headless Chromium against Node (site/bench-browser.ts, lite/;
               needs the built site, npm run site, and /usr/bin/chromium)
  --help       this text
Writes output/bench.json.`;

interface History {
  epochs: number[];
  mse: number[];
  accuracy: number[];
}

interface RunResult {
  impl: string;
  epochs: number;
  passes: number;
  nTrain: number;
  seconds: number;
  /** CPU time (user + system) of the training: less sensitive than wall time to other load. */
  cpuSeconds?: number;
  maxRssKB: number;
  initialChecksum?: number;
  finalChecksum: number;
  finalMse: number;
  finalAccuracy: number;
  history: History;
  predict?: { testRows: number; testMsPerCall: number; gridRows: number; gridMsPerCall: number };
  passSeconds?: number[];
  /** --live: frames built and their serialized size. */
  frames?: number;
  frameBytes?: number;
  /** --neurons: the neuron views' serialized size. */
  neuronBytes?: number;
  evalSeconds?: number[];
  numpy?: string;
  python?: string;
}

interface Summary {
  status: "ok" | "skipped" | "failed";
  note?: string;
  /** Medians over the runs. */
  seconds?: number;
  usPerStep?: number;
  gflops?: number;
  peakRssMB?: number;
  runs?: { seconds: number; usPerStep: number; gflops: number; peakRssMB: number }[];
  final?: { mse: number; accuracy: number; weightChecksum: number };
  check?: Record<string, unknown>;
}

function log(message: string): void {
  process.stderr.write(message + "\n");
}

/** Runs a command, returns stdout; throws with its stderr on failure. */
function run(command: string, args: string[], what: string, env?: NodeJS.ProcessEnv): string {
  const r = spawnSync(command, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 << 20, env });
  if (r.error) throw new Error(`${what}: could not start ${command}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what}: ${command} ${args.join(" ")} exited with ${r.status ?? r.signal}\n${r.stderr}`);
  if (r.stderr) process.stderr.write(r.stderr);
  return r.stdout;
}

function lastJsonLine<T>(stdout: string, what: string): T {
  const lines = stdout.trim().split("\n");
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`${what}: expected a JSON line on stdout, got:\n${stdout.slice(-2000)}`);
  }
}

/** The first line of `command --version`, or undefined when it cannot run. */
function versionOf(command: string, args: string[] = ["--version"]): string | undefined {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout || r.stderr).trim().split("\n")[0];
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1].trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function summarise(results: RunResult[], steps: number, flops: number, secondsOf: (r: RunResult) => number = (r) => r.seconds): Summary {
  const runs = results.map((r) => {
    const seconds = secondsOf(r);
    return { seconds, usPerStep: (seconds / steps) * 1e6, gflops: (flops * steps) / seconds / 1e9, peakRssMB: r.maxRssKB / 1024 };
  });
  const last = results[results.length - 1];
  return {
    status: "ok",
    seconds: median(runs.map((r) => r.seconds)),
    usPerStep: median(runs.map((r) => r.usPerStep)),
    gflops: median(runs.map((r) => r.gflops)),
    peakRssMB: median(runs.map((r) => r.peakRssMB)),
    runs,
    final: { mse: last.finalMse, accuracy: last.finalAccuracy, weightChecksum: last.finalChecksum },
  };
}

function maxAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** Does `other` compute what TypeScript computed? Same recorded epochs, MSEs within tolerance, same accuracies. */
function compareHistories(ts: History, other: History): Record<string, unknown> {
  const sameEpochs = ts.epochs.length === other.epochs.length && ts.epochs.every((e, k) => e === other.epochs[k]);
  const mseMaxAbsDiff = sameEpochs ? maxAbsDiff(ts.mse, other.mse) : Infinity;
  const accuracyMaxAbsDiff = sameEpochs ? maxAbsDiff(ts.accuracy, other.accuracy) : Infinity;
  return {
    recordsCompared: ts.epochs.length,
    mseMaxAbsDiff,
    accuracyMaxAbsDiff,
    agrees: sameEpochs && mseMaxAbsDiff <= AGREE_TOLERANCE && accuracyMaxAbsDiff === 0,
    tolerance: AGREE_TOLERANCE,
  };
}

function fmt(x: number | undefined, digits: number): string {
  return x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes("--help")) {
    console.log(USAGE);
    return;
  }
  const flags = parseFlags(argv, { runs: { type: "string" }, epochs: { type: "string" }, "no-c": { type: "boolean" }, "no-numpy": { type: "boolean" }, "no-sweep": { type: "boolean" }, "no-browser": { type: "boolean" }, help: { type: "boolean" } }, "bench");
  const runs = intFlag(flags.runs, "runs", 1, DEFAULT_RUNS);
  const epochs = intFlag(flags.epochs, "epochs", 0, DEFAULT_EPOCHS);

  const { split } = articleData();
  const nTrain = split.XTrain.rows;
  const passes = epochs + 1;
  const steps = passes * nTrain;
  const { total: flops, breakdown } = flopsPerStep(ARCH);

  const ccVersion = versionOf("cc");
  const machine = {
    cpu: cpuModel(),
    cores: os.cpus().length,
    node: process.version,
    cc: ccVersion ?? "none",
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
  log(`bench: ${runs} run(s) x ${epochs} epochs (${passes} passes x ${nTrain} samples = ${steps} steps, ${flops} FLOPs/step) on ${machine.cpu}, ${machine.cores} cores`);

  const tmp = mkdtempSync(join(os.tmpdir(), "backprop-bench-"));
  try {
    // The data and initial weights every implementation starts from.
    const nn = articleNetwork();
    const initialChecksum = weightChecksum(nn);
    const dataFile = join(tmp, "data.txt");
    writeDataFile(dataFile, split, nn);

    // --- TypeScript (library rules, learner-written hidden rule) and C -O2, interleaved ------
    // One round runs each implementation once, so a machine that drifts during
    // the benchmark slows all of them alike; the ratios are what to compare.
    const trainTs = join(__dirname, "train-ts.js");
    const exe = join(tmp, "train");
    let cNote: string | undefined;
    if (flags["no-c"]) cNote = "skipped (--no-c)";
    else if (!ccVersion) cNote = "skipped (no C compiler)";
    else {
      try {
        log(`compiling: cc -O2 -o ${exe} bench/train.c -lm`);
        run("cc", ["-O2", "-o", exe, "bench/train.c", "-lm"], "C compile");
      } catch (e) {
        log(String(e instanceof Error ? e.message : e));
        cNote = `failed: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`;
      }
    }
    const tsResults: RunResult[] = [];
    const learnerResults: RunResult[] = [];
    const stepResults: RunResult[] = [];
    const liveResults: RunResult[] = [];
    const neuronResults: RunResult[] = [];
    const cResults: RunResult[] = [];
    // Deno runs the very file Node runs (build/bench/train-ts.js, CommonJS): only the engine differs.
    const deno = denoBinary();
    const denoResults: RunResult[] = [];
    const tsRun = (extra: string[], what: string): RunResult => {
      const res = lastJsonLine<RunResult>(run(process.execPath, [trainTs, "--epochs", String(epochs), ...extra], what), what);
      if (res.initialChecksum !== initialChecksum) throw new Error(`${what}: initial weights differ from the data file's (${res.initialChecksum} vs ${initialChecksum})`);
      return res;
    };
    for (let r = 1; r <= runs; r++) {
      log(`round ${r}/${runs}: TypeScript ...`);
      tsResults.push(tsRun(["--predict"], "TypeScript run"));
      // Right after the plain run it is compared with: a drifting machine changes the pair least.
      log(`round ${r}/${runs}: TypeScript with the live figure's frames ...`);
      liveResults.push(tsRun(["--live"], "TypeScript live-figure run"));
      log(`round ${r}/${runs}: TypeScript with the live figure and the neuron view of layer 1 (50 neurons) ...`);
      neuronResults.push(tsRun(["--live", "--neurons", "1"], "TypeScript live-figure + neuron-view run"));
      log(`round ${r}/${runs}: TypeScript, learner-written hidden rule ...`);
      learnerResults.push(tsRun(["--learner-rule"], "TypeScript learner-rule run"));
      log(`round ${r}/${runs}: TypeScript, notebook 03's step as written ...`);
      stepResults.push(tsRun(["--learner-step"], "TypeScript learner-step run"));
      if (deno) {
        log(`round ${r}/${runs}: TypeScript on Deno ...`);
        const what = "TypeScript on Deno run";
        const res = lastJsonLine<RunResult>(run(deno, ["run", "--allow-all", "--quiet", "--unstable-detect-cjs", trainTs, "--epochs", String(epochs)], what, denoEnv()), what);
        // Deno's Math.log rounds a few weights differently (README, "Two kernels"): equal to rounding, not bit for bit.
        if (Math.abs(res.initialChecksum! - initialChecksum) > 1e-12 * Math.abs(initialChecksum)) throw new Error(`${what}: initial weights differ (${res.initialChecksum} vs ${initialChecksum})`);
        denoResults.push(res);
      }
      if (cNote === undefined) {
        log(`round ${r}/${runs}: C ...`);
        try {
          cResults.push(lastJsonLine<RunResult>(run(exe, [dataFile, String(epochs), String(RECORD_EVERY)], "C run"), "C run"));
        } catch (e) {
          log(String(e instanceof Error ? e.message : e));
          cNote = `failed: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`;
        }
      }
    }
    const ts = summarise(tsResults, steps, flops);
    const tsHistory = tsResults[0].history;
    const deterministic = tsResults.every((r) => r.finalChecksum === tsResults[0].finalChecksum && r.finalMse === tsResults[0].finalMse);
    ts.check = { runsBitIdentical: deterministic };
    const learner = summarise(learnerResults, steps, flops);
    learner.check = {
      sameBitsAsLibrary: learnerResults.every((r) => r.finalChecksum === tsResults[0].finalChecksum && r.finalMse === tsResults[0].finalMse),
    };
    const learnerStep = summarise(stepResults, steps, flops);
    learnerStep.check = { sameBitsAsLibrary: stepResults.every((r) => r.finalChecksum === tsResults[0].finalChecksum && r.finalMse === tsResults[0].finalMse) };
    const live = summarise(liveResults, steps, flops);
    live.check = {
      sameBitsAsLibrary: liveResults.every((r) => r.finalChecksum === tsResults[0].finalChecksum && r.finalMse === tsResults[0].finalMse),
      frames: median(liveResults.map((r) => r.frames ?? NaN)),
      kBPerFrame: median(liveResults.map((r) => (r.frameBytes ?? NaN) / (r.frames ?? NaN) / 1000)),
    };
    const neurons = summarise(neuronResults, steps, flops);
    neurons.check = {
      sameBitsAsLibrary: neuronResults.every((r) => r.finalChecksum === tsResults[0].finalChecksum && r.finalMse === tsResults[0].finalMse),
      frames: median(neuronResults.map((r) => r.frames ?? NaN)),
      kBPerNeuronView: median(neuronResults.map((r) => (r.neuronBytes ?? NaN) / (r.frames ?? NaN) / 1000)),
    };
    const predict = {
      testRows: tsResults[0].predict!.testRows,
      testMsPerCall: median(tsResults.map((r) => r.predict!.testMsPerCall)),
      gridRows: tsResults[0].predict!.gridRows,
      gridMsPerCall: median(tsResults.map((r) => r.predict!.gridMsPerCall)),
    };
    let denoSummary: Summary = { status: "skipped", note: "skipped (no deno binary: npm ci installs it)" };
    if (deno) {
      denoSummary = summarise(denoResults, steps, flops);
      denoSummary.check = { ...compareHistories(tsHistory, denoResults[0].history), bitIdenticalToNode: denoResults[0].finalMse === tsResults[0].finalMse };
      denoSummary.note = versionOf(deno)?.replace(/ \(.*/, "");
    }
    let c: Summary;
    if (cNote !== undefined) c = { status: cNote.startsWith("failed") ? "failed" : "skipped", note: cNote };
    else {
      c = summarise(cResults, steps, flops);
      c.check = {
        ...compareHistories(tsHistory, cResults[0].history),
        finalMseAbsDiff: Math.abs(cResults[0].finalMse - tsResults[0].finalMse),
        finalWeightChecksumAbsDiff: Math.abs(cResults[0].finalChecksum - tsResults[0].finalChecksum),
      };
    }
    /** Median over rounds of (this run's time / the same round's C time). */
    const perRoundRatio = (rs: RunResult[], cpu = false): number | null => {
      if (c.status !== "ok" || cResults.length !== rs.length) return null;
      const ratios = rs.map((r, k) => (cpu ? (r.cpuSeconds ?? NaN) / (cResults[k].cpuSeconds ?? NaN) : r.seconds / cResults[k].seconds));
      return ratios.every(Number.isFinite) ? median(ratios) : null;
    };

    // --- NumPy (the article's code): short run scaled to the full run -----------------------
    let np: Summary;
    let numpyInfo: Record<string, unknown> | undefined;
    const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import numpy"], { stdio: "ignore" }).status === 0);
    if (flags["no-numpy"]) np = { status: "skipped", note: "skipped (--no-numpy)" };
    else if (!python) np = { status: "skipped", note: "skipped (no python3 with numpy)" };
    else {
      try {
        const npResults: RunResult[] = [];
        for (let r = 1; r <= runs; r++) {
          log(`NumPy run ${r}/${runs} (${NUMPY_EPOCHS + 1} passes, scaled) ...`);
          // RECORD_EVERY 1: an evaluation after every short pass, to estimate one evaluation's cost.
          npResults.push(lastJsonLine<RunResult>(run(python, ["bench/numpy_train.py", dataFile, String(NUMPY_EPOCHS), "1"], "NumPy run"), "NumPy run"));
        }
        // Full run = mean pass time x (E + 1) passes + mean evaluation time x (E / 10 + 1) evaluations.
        const nEvals = Math.floor(epochs / RECORD_EVERY) + 1;
        const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
        const scaled = (r: RunResult): number => mean(r.passSeconds!) * passes + mean(r.evalSeconds!) * nEvals;
        np = summarise(npResults, steps, flops, scaled);
        // Same computation? Compare with TypeScript over the same short run, recorded every epoch.
        const reference = articleNetwork().train(split.XTrain, split.XTest, split.yTrain, split.yTest, LEARNING_RATE, NUMPY_EPOCHS, { recordEvery: 1 });
        np.check = compareHistories({ epochs: reference.epochs, mse: reference.mse, accuracy: reference.accuracy }, npResults[0].history);
        np.note = `scaled from ${NUMPY_EPOCHS + 1} passes (median measured ${fmt(median(npResults.map((r) => r.seconds)), 2)} s)`;
        numpyInfo = { python: `${python} (Python ${npResults[0].python})`, numpy: npResults[0].numpy, shortRunPasses: NUMPY_EPOCHS + 1 };
      } catch (e) {
        log(String(e instanceof Error ? e.message : e));
        np = { status: "failed", note: `failed: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}` };
      }
    }

    // --- sweep(): worker threads against one thread -------------------------------------------
    let sweepResult: { runs: number; epochs: number; workers: number; rounds: number; sequential: number[]; parallel: number[]; speedup: number; sameResults: boolean } | undefined;
    if (!flags["no-sweep"]) {
      log("sweep(): sequential vs worker threads ...");
      const what = "sweep speed-up";
      sweepResult = lastJsonLine(run(process.execPath, [join(__dirname, "sweep-speedup.js"), "--rounds", String(runs)], what), what);
    }

    // --- the notebooks in the browser: 04's training in the edition's kernel (lite/) against Node, interleaved ---
    let liteLine: string;
    if (flags["no-browser"]) liteLine = "skipped (--no-browser)";
    else if (!existsSync(join(repoRoot, "lite", "build", ".built")) || !existsSync(join(repoRoot, "lite", "build-test", "lite-test.js"))) liteLine = "skipped: the edition is not built (.ci/lite build)";
    else {
      log(`notebooks in the browser: 04's 1000-epoch training in the page's kernel and in Node, ${runs} round(s) ...`);
      const what = "browser-kernel bench";
      run(process.execPath, [join(repoRoot, "lite", "build-test", "lite-test.js"), "--no-notebooks", "--no-behaviour", "--bench", "--runs", String(runs)], what);
      const l = JSON.parse(readFileSync(join(repoRoot, "output", "lite", "bench.json"), "utf8")) as { summary: { bench?: string; ratio?: number; nodeSeconds?: number[]; pageSeconds?: number[] }[] };
      const row = l.summary.find((r) => r.bench !== undefined);
      liteLine = row?.ratio !== undefined ? `${row.ratio.toFixed(2)}x Node's time (page ${row.pageSeconds!.map((v) => fmt(v, 1)).join(", ")} s, Node ${row.nodeSeconds!.map((v) => fmt(v, 1)).join(", ")} s, interleaved)` : "failed: no bench row in output/lite/bench.json";
    }

    // --- the browser lab: Chromium's Web Worker against Node, interleaved in one process (site/bench-browser.ts) ---
    let browserLine: string;
    const siteWorker = join(repoRoot, "output", "site", "assets", "worker.js");
    if (flags["no-browser"]) browserLine = "skipped (--no-browser)";
    else if (!existsSync(siteWorker)) browserLine = "skipped: the site is not built (npm run site)";
    else {
      log(`browser lab: ${BROWSER_EPOCHS} epochs in Chromium's Web Worker and in Node, ${runs} round(s) ...`);
      const what = "browser bench";
      run(process.execPath, [join(repoRoot, "build", "site", "bench-browser.js"), "--epochs", String(BROWSER_EPOCHS), "--runs", String(runs)], what);
      const b = JSON.parse(readFileSync(join(repoRoot, "output", "bench-browser.json"), "utf8")) as { ratio: number; nodeSeconds: number; browserSeconds: number; chromium: string; labReadyMs: number; sameNumbers: string };
      browserLine = `${b.ratio.toFixed(2)}x Node's time (${BROWSER_EPOCHS} epochs: Chromium ${b.chromium} ${fmt(b.browserSeconds, 2)} s, Node ${fmt(b.nodeSeconds, 2)} s, medians of ${runs} interleaved round(s)); numbers: ${b.sameNumbers}; the lab usable ${b.labReadyMs.toFixed(0)} ms after opening`;
    }

    const ratios = {
      typescriptOverC: perRoundRatio(tsResults),
      learnerRuleOverC: perRoundRatio(learnerResults),
      learnerStepOverC: perRoundRatio(stepResults),
      learnerStepOverCCpu: perRoundRatio(stepResults, true),
      liveOverTypescript: median(liveResults.map((r, k) => r.seconds / tsResults[k].seconds)),
      liveOverTypescriptCpu: median(liveResults.map((r, k) => (r.cpuSeconds ?? NaN) / (tsResults[k].cpuSeconds ?? NaN))),
      neuronsOverTypescript: median(neuronResults.map((r, k) => r.seconds / tsResults[k].seconds)),
      neuronsOverTypescriptCpu: median(neuronResults.map((r, k) => (r.cpuSeconds ?? NaN) / (tsResults[k].cpuSeconds ?? NaN))),
      typescriptOverCCpu: perRoundRatio(tsResults, true),
      learnerRuleOverCCpu: perRoundRatio(learnerResults, true),
      numpyOverTypescript: np.status === "ok" ? np.seconds! / ts.seconds! : null,
      denoOverNode: denoResults.length === runs ? median(denoResults.map((r, k) => r.seconds / tsResults[k].seconds)) : null,
    };

    // --- report --------------------------------------------------------------------------
    const row = (name: string, s: Summary): string =>
      s.status === "ok"
        ? `| ${name} | ${fmt(s.seconds, 2)} | ${fmt(s.usPerStep, 2)} | ${fmt(s.gflops, 3)} | ${fmt(s.peakRssMB, 1)} |`
        : `| ${name} | ${s.note} | | | |`;
    const out: string[] = [];
    out.push(`## Training benchmark: ${epochs} epochs (${passes} passes x ${nTrain} samples = ${steps.toLocaleString("en-US")} SGD steps), median of ${runs} run(s)`);
    out.push("");
    out.push("| implementation | full run (s) | us/step | GFLOP/s | peak RSS (MB) |");
    out.push("|---|---:|---:|---:|---:|");
    out.push(row("TypeScript (the library's step, what `train` runs)", ts));
    out.push(row("TypeScript with a learner-written hidden rule (bench/learner-rule.ts)", learner));
    out.push(row("TypeScript with notebook 03's whole step as written (tools/shared/learner-step.ts)", learnerStep));
    out.push(row("TypeScript, library's step, with the live figure's frames (lab())", live));
    out.push(row("TypeScript, library's step, live figure + neuron view of layer 1 (50 maps) with every frame", neurons));
    if (deno) out.push(row(`TypeScript on ${denoSummary.note} (the same compiled code)`, denoSummary));
    out.push(row("C -O2", c));
    out.push(row(`NumPy (article code, scaled from ${NUMPY_EPOCHS + 1} passes)`, np));
    out.push("");
    const x = (v: number | null): string => (v === null ? "n/a" : v.toFixed(2) + "x");
    out.push(`- Time ratios (median over rounds of the same round's ratio): TypeScript / C ${x(ratios.typescriptOverC)}; learner-written rule / C ${x(ratios.learnerRuleOverC)}; NumPy / TypeScript ${x(ratios.numpyOverTypescript)}`);
    out.push(`- CPU-time ratios (user + system time of each training, the same way; steadier than wall time when other programs load the machine): TypeScript / C ${x(ratios.typescriptOverCCpu)}; learner-written rule / C ${x(ratios.learnerRuleOverCCpu)}`);
    out.push(`- The learner-written rule gives the library's bits: ${learner.check!.sameBitsAsLibrary}; 03's step as written: ${learnerStep.check!.sameBitsAsLibrary}, ${x(ratios.learnerStepOverC)} C's time (CPU time ${x(ratios.learnerStepOverCCpu)})`);
    out.push(`- The live figure (a frame at most every 0.4 s and at least 19 frame-times apart: the boundary on a 40x40 grid and the figure's MIME bundle as JSON, ${fmt(live.check!.frames as number, 0)} frames of ${fmt(live.check!.kBPerFrame as number, 1)} kB) costs ${x(ratios.liveOverTypescript)} the time of the same run without it (CPU time ${x(ratios.liveOverTypescriptCpu)}; median over rounds of the same round's ratio); same bits: ${live.check!.sameBitsAsLibrary}`);
    out.push(`- The neuron view of layer 1 (50 maps of 20x20 outputs, built and serialized with every frame; ${fmt(neurons.check!.frames as number, 0)} frames, ${fmt(neurons.check!.kBPerNeuronView as number, 1)} kB per view) with the live figure costs ${x(ratios.neuronsOverTypescript)} the time of the run without either (CPU time ${x(ratios.neuronsOverTypescriptCpu)}); same bits: ${neurons.check!.sameBitsAsLibrary}. The frames' 19x rule counts the view's time, so together they stay near 5 % of the run.`);
    if (deno) out.push(`- Deno / Node (median over rounds of the same round's ratio): ${x(ratios.denoOverNode)}; same history as Node within ${AGREE_TOLERANCE}: ${denoSummary.check!.agrees}, bit-identical: ${denoSummary.check!.bitIdenticalToNode}`);
    out.push(`- ${flops} FLOPs per step (${Object.entries(breakdown).map(([k, v]) => `${k} ${v}`).join(", ")}; exp = 1 FLOP, sigmoid = 3; see bench/common.ts). Times include the history evaluation every ${RECORD_EVERY} epochs, which is not counted in the FLOPs.`);
    out.push(`- Final (epoch ${tsHistory.epochs[tsHistory.epochs.length - 1]}): TypeScript MSE ${ts.final!.mse.toFixed(6)}, accuracy ${(ts.final!.accuracy * 100).toFixed(2)}%; runs bit-identical: ${deterministic}`);
    if (c.status === "ok") {
      const k = c.check!;
      out.push(`- C vs TypeScript (same data file and initial weights): agrees=${k.agrees}, final |dMSE| ${(k.finalMseAbsDiff as number).toExponential(1)}, max |dMSE| over ${k.recordsCompared} records ${(k.mseMaxAbsDiff as number).toExponential(1)}, accuracy diff ${k.accuracyMaxAbsDiff}, final weight-sum diff ${(k.finalWeightChecksumAbsDiff as number).toExponential(1)}`);
    }
    if (np.status === "ok") {
      const k = np.check!;
      out.push(`- NumPy vs TypeScript over the ${NUMPY_EPOCHS + 1}-pass run: agrees=${k.agrees}, max |dMSE| ${(k.mseMaxAbsDiff as number).toExponential(1)}; ${np.note}; peak RSS is the short run's (${numpyInfo!.python}, numpy ${numpyInfo!.numpy})`);
    }
    if (sweepResult) {
      out.push(`- sweep(): ${sweepResult.runs} trainings of ${sweepResult.epochs} epochs, one thread ${fmt(median(sweepResult.sequential), 2)} s, ${sweepResult.workers} worker threads ${fmt(median(sweepResult.parallel), 2)} s: ${sweepResult.speedup.toFixed(2)}x faster (median over ${sweepResult.rounds} alternating round(s)); same results: ${sweepResult.sameResults}`);
    }
    out.push(`- The browser lab (site/bench-browser.ts): ${browserLine}`);
    out.push(`- The notebooks in the browser (lite/, 04's 1000-epoch training in the page's kernel against Node): ${liteLine}`);
    out.push(`- Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.cc}, ${machine.platform}`);
    out.push("");
    out.push("| TypeScript predict() (trained net) | rows | median ms/call | us/row |");
    out.push("|---|---:|---:|---:|");
    out.push(`| test set | ${predict.testRows} | ${fmt(predict.testMsPerCall, 3)} | ${fmt((predict.testMsPerCall * 1000) / predict.testRows, 3)} |`);
    out.push(`| 200x200 decision grid | ${predict.gridRows} | ${fmt(predict.gridMsPerCall, 2)} | ${fmt((predict.gridMsPerCall * 1000) / predict.gridRows, 3)} |`);
    console.log(out.join("\n"));

    const json = {
      date: new Date().toISOString(),
      config: { runs, epochs, passes, nTrain, steps, learningRate: LEARNING_RATE, recordEvery: RECORD_EVERY, architecture: ARCH, activation: "sigmoid", seed: 1 },
      flopsPerStep: { total: flops, breakdown, convention: "+,-,*,/ = 1 FLOP (multiply-add = 2), exp = 1, sigmoid = 3; history evaluation not counted" },
      machine,
      results: { typescript: ts, typescriptLearnerRule: learner, typescriptLearnerStep: learnerStep, typescriptLive: live, typescriptNeuronView: neurons, deno: denoSummary, c, numpy: np, sweep: sweepResult ?? null },
      numpy: numpyInfo,
      ratios,
      predict,
    };
    const outDir = join(repoRoot, "output");
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "bench.json"), JSON.stringify(json, null, 2) + "\n");
    log(`wrote ${join(outDir, "bench.json")}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
