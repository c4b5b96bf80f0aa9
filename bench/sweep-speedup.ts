/**
 * How much faster `sweep` runs independent trainings on worker threads than
 * one after another in one thread: the same four runs of the article's
 * network (seeds 1-4), alternately with `workers: 0` and with one worker per
 * core, `--rounds` times. Prints one JSON line; `npm run bench` reports it.
 *
 *   node build/bench/sweep-speedup.js --rounds 2 --epochs 300
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { sweep } from "../src/node";
import { SweepRun } from "../src/index";
import { UsageError, intFlag, parseFlags } from "../tools/shared/cli";
import { median } from "./common";

const USAGE = `usage: node build/bench/sweep-speedup.js [--rounds R] [--epochs E] [--runs N]
  --rounds R   alternations of sequential and parallel (default 2)
  --epochs E   epochs per training (default 300)
  --runs N     trainings per sweep, seeds 1..N (default 4)`;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { rounds: { type: "string" }, epochs: { type: "string" }, runs: { type: "string" }, help: { type: "boolean" } }, "sweep-speedup");
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const rounds = intFlag(flags.rounds, "rounds", 1, 2);
  const epochs = intFlag(flags.epochs, "epochs", 0, 300);
  const n = intFlag(flags.runs, "runs", 1, 4);
  const workers = Math.min(n, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
  const runs: SweepRun[] = Array.from({ length: n }, (_, k) => ({ seed: k + 1, epochs }));
  const sequential: number[] = [];
  const parallel: number[] = [];
  let same = true;
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    const a = await sweep(runs, { workers: 0 });
    sequential.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const b = await sweep(runs, { workers });
    parallel.push((performance.now() - t0) / 1000);
    same &&= JSON.stringify(a.map((x) => x.records)) === JSON.stringify(b.map((x) => x.records));
    process.stderr.write(`sweep-speedup: round ${r + 1}/${rounds}: ${n} x ${epochs} epochs sequential ${sequential[r].toFixed(2)} s, ${workers} workers ${parallel[r].toFixed(2)} s\n`);
  }
  const speedups = sequential.map((s, k) => s / parallel[k]);
  process.stdout.write(JSON.stringify({ runs: n, epochs, workers, rounds, sequential, parallel, speedup: median(speedups), sameResults: same }) + "\n");
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}${e instanceof UsageError ? `\n${USAGE}` : ""}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
