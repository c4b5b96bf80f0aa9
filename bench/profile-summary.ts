/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`) by self time per function:
 *
 *   node --cpu-prof --cpu-prof-dir=output build/bench/train-ts.js --epochs 100
 *   node build/bench/profile-summary.js output/CPU.*.cpuprofile [--top N]
 *
 * Functions V8 inlined into a caller are charged to that caller (the profile
 * records the frame that was running), so read "forward" as "forward plus what
 * it inlined", e.g. the sigmoid closure and Math.exp.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { repoRoot } from "./common";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

function main(): void {
  const args = process.argv.slice(2);
  let top = 15;
  const files: string[] = [];
  for (let k = 0; k < args.length; k++) {
    if (args[k] === "--top") {
      top = Number(args[++k]);
      if (!Number.isInteger(top) || top < 1) throw new Error(`profile-summary: --top expects a positive integer, got "${args[k]}"`);
    } else files.push(args[k]);
  }
  if (files.length !== 1) {
    console.error("usage: node build/bench/profile-summary.js FILE.cpuprofile [--top N]");
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(files[0], "utf8")) as Profile;

  // Self time per node: sum of the time deltas of the samples that landed on it.
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let k = 0; k < samples.length; k++) {
    // timeDeltas[k] is the time since the previous sample; charge it to sample k - 1's node.
    const dt = k + 1 < deltas.length ? deltas[k + 1] : 0;
    selfUs.set(samples[k], (selfUs.get(samples[k]) ?? 0) + Math.max(dt, 0));
  }
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    total += us;
    const f = node.callFrame;
    const where = f.url ? `${relative(repoRoot, f.url.replace(/^file:\/\//, ""))}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"}${where ? "  " + where : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const rows = [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`total sampled ${(total / 1e6).toFixed(2)} s (${samples.length} samples)\n`);
  console.log("| self ms | self % | function  file:line |");
  console.log("|---:|---:|---|");
  for (const [key, us] of rows) console.log(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} | ${key} |`);
}

main();
