import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { EpochRecord } from "../../src/index";
import { denoBinary, denoEnv } from "../../tools/shared/deno";
import { maxRelDiff, repoRoot } from "../helpers";

const deno = denoBinary();
const EPOCHS = 300;

function history(command: string, args: string[]): EpochRecord[] {
  const out = execFileSync(command, args, { cwd: repoRoot, env: denoEnv(), encoding: "utf8", maxBuffer: 1 << 26 });
  return (JSON.parse(out) as { records: EpochRecord[] }).records;
}

// Node 20 (V8 11.3) and Deno 2.9 (V8 15.0) round Math.cos/sin/log/exp differently for a few percent of
// arguments (README, "Two kernels"): the runs are not bit-identical, only equal to rounding.
test(
  `Node and Deno train the article's network to the same history (1e-12 relative) and the same accuracies (${EPOCHS} epochs)`,
  { skip: deno ? false : "no deno binary in node_modules: `npm ci` installs it (devDependency deno); CI must not skip this" },
  (t) => {
    const onNode = history(process.execPath, [join(repoRoot, "build", "test", "history-run.js"), String(EPOCHS)]);
    const onDeno = history(deno!, ["run", "--quiet", "--no-prompt", join(repoRoot, "test", "history-run.ts"), String(EPOCHS)]);
    assert.deepEqual(onDeno.map((r) => r.epoch), onNode.map((r) => r.epoch));
    assert.deepEqual(onDeno.map((r) => r.accuracy), onNode.map((r) => r.accuracy));
    const worst = maxRelDiff(onDeno.map((r) => r.mse), onNode.map((r) => r.mse));
    const differing = onNode.filter((r, i) => r.mse !== onDeno[i].mse).length;
    t.diagnostic(`MSE: ${differing} of ${onNode.length} records differ in the last bits, largest relative difference ${worst.toExponential(2)}; final ${onNode.at(-1)!.mse} (Node) vs ${onDeno.at(-1)!.mse} (Deno)`);
    assert.ok(worst <= 1e-12, `largest relative MSE difference ${worst}`);
  },
);
