/**
 * `npm run sweep`: many trainings of the article's network at once, one per
 * core, e.g. `npm run sweep -- --seeds 0-9`. Prints the article's final log
 * line per run and a summary, and writes a strip plot of the final accuracies.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { standaloneHtml, sweep } from "../src/node";
import { ActivationName, LossName, SweepRun, formatDuration, formatProgress, formatRecord, stripFigure } from "../src/index";
import { median } from "../src/lab/compare";
import { UsageError, integerList, intFlag, parseFlags, positiveFlag, runCli } from "../tools/shared/cli";

const USAGE = `Usage: npm run sweep -- [options]

Trains the article's network once per combination of the lists below, on
worker threads (one per core), and summarises the final test accuracies.

  --seeds LIST          seeds for the initial weights, e.g. 0-9 or 1,3,5 (default 1)
  --numpy-seeds LIST    instead of --seeds: the weights the Python lesson draws after np.random.seed(s)
  --lr LIST             learning rates, e.g. 0.01,0.1 (default 0.01)
  --activation LIST     hidden-layer activations: sigmoid, tanh, relu, none (default sigmoid)
  --loss NAME           mse (default) or softmax-cross-entropy (then the output layer is linear)
  --update-bias         also train the biases
  --epochs N            epochs per run (default 1000)
  --workers N           worker threads (default: one per core; 0 runs everything in this thread)
  --out FILE            the strip plot (default output/sweep.html)
  --help                this text`;

const ACTIVATIONS = ["sigmoid", "tanh", "relu", "none"];

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), {
    seeds: { type: "string" }, "numpy-seeds": { type: "string" }, lr: { type: "string" }, activation: { type: "string" },
    loss: { type: "string" }, "update-bias": { type: "boolean" }, epochs: { type: "string" }, workers: { type: "string" },
    out: { type: "string" }, help: { type: "boolean", short: "h" },
  }, "sweep");
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.seeds !== undefined && flags["numpy-seeds"] !== undefined) throw new UsageError("give --seeds or --numpy-seeds, not both");
  const numpy = flags["numpy-seeds"] !== undefined;
  const seeds = integerList(flags["numpy-seeds"] ?? flags.seeds ?? "1", numpy ? "numpy-seeds" : "seeds");
  const rates = (flags.lr ?? "0.01").split(",").map((v) => positiveFlag(v, "lr"));
  const activations = (flags.activation ?? "sigmoid").split(",").map((a) => {
    if (!ACTIVATIONS.includes(a.trim())) throw new UsageError(`--activation must be among ${ACTIVATIONS.join(", ")}, got "${a}"`);
    return a.trim() as ActivationName;
  });
  const loss = flags.loss;
  if (loss !== undefined && loss !== "mse" && loss !== "softmax-cross-entropy") throw new UsageError(`--loss must be mse or softmax-cross-entropy, got "${loss}"`);
  const epochs = intFlag(flags.epochs, "epochs", 0, 1000);
  const workers = flags.workers === undefined ? undefined : intFlag(flags.workers, "workers", 0, 0);
  const updateBias = flags["update-bias"] === true;

  const runs: SweepRun[] = [];
  for (const hidden of activations) {
    for (const learningRate of rates) {
      for (const s of seeds) {
        runs.push({
          ...(numpy ? { numpySeed: s } : { seed: s }),
          ...(activations.length > 1 || hidden !== "sigmoid" ? { hidden } : {}),
          ...(loss ? { loss: loss as LossName } : {}),
          ...(rates.length > 1 || learningRate !== 0.01 ? { learningRate } : {}),
          ...(updateBias ? { updateBias } : {}),
          epochs,
        });
      }
    }
  }

  const total = runs.length * (epochs + 1);
  const done = new Array<number>(runs.length).fill(0);
  const bar = process.stderr.isTTY === true;
  const start = Date.now();
  const showBar = () => bar && process.stderr.write(`\r\x1b[2K${formatProgress(done.reduce((a, b) => a + b, 0), total, (Date.now() - start) / 1000)}`.replace(/epoch (\d+)\/(\d+)/, "epochs $1/$2"));
  console.log(`${runs.length} run(s) of ${epochs} epochs, ${workers ?? "one per core,"} ${workers === undefined ? "" : "worker(s)"}`.replace(/\s+$/, "").replace(/,$/, ""));
  const results = await sweep(runs, {
    workers,
    onProgress: (p) => {
      done[p.index] = p.epoch + 1;
      showBar();
    },
    onResult: (r) => {
      done[r.index] = epochs + 1;
      if (bar) process.stderr.write("\r\x1b[2K");
      const line = r.final ? formatRecord(r.final) : "no record";
      console.log(`${r.label}: ${line}${r.diverged ? " (diverged: stopped there)" : ""}  [${formatDuration(r.seconds)}]`);
      showBar();
    },
  });
  if (bar) process.stderr.write("\r\x1b[2K");
  const wall = (Date.now() - start) / 1000;
  const cpu = results.reduce((s, r) => s + r.seconds, 0);

  const finals = results.filter((r) => r.final).map((r) => r.final!.accuracy);
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  if (finals.length > 0) {
    console.log(`test accuracy over ${finals.length} run(s): min ${pct(Math.min(...finals))}, median ${pct(median(finals))}, max ${pct(Math.max(...finals))}`);
  }
  const diverged = results.filter((r) => r.diverged).length;
  if (diverged > 0) console.log(`${diverged} run(s) diverged`);
  console.log(`wall clock ${formatDuration(wall)}; the runs alone add up to ${formatDuration(cpu)}`);

  const groups = new Map<string, number[]>();
  for (const r of results) {
    if (!r.final) continue;
    const key = [r.run.hidden ?? "sigmoid", r.run.learningRate !== undefined ? `lr ${r.run.learningRate}` : ""].filter(Boolean).join(", ");
    groups.set(key, [...(groups.get(key) ?? []), r.final.accuracy]);
  }
  if (groups.size > 0) {
    const file = resolve(flags.out ?? "output/sweep.html");
    mkdirSync(dirname(file), { recursive: true });
    const figure = stripFigure([...groups].map(([name, values]) => ({ name, values })), {
      title: `Final test accuracy, ${results.length} run(s) of ${epochs} epochs (${numpy ? "NumPy" : "seedrandom"} seeds ${flags["numpy-seeds"] ?? flags.seeds ?? "1"})`,
      yTitle: "Test accuracy",
      yFormat: ".1%",
    });
    writeFileSync(file, standaloneHtml([figure], "sweep"));
    console.log(`strip plot: ${file}`);
  }
  return 0;
}

runCli("sweep", USAGE, main);
