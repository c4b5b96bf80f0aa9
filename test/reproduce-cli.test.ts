import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./helpers";

const script = join(repoRoot, "build", "scripts", "reproduce.js");
const run = (args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, encoding: "utf8" });

test("npm run reproduce: bad flags exit 2 naming the flag", () => {
  for (const [args, message] of [
    [["--epochs=-1"], /--epochs must be an integer >= 0, got "-1"/],
    [["--epochs", "-1"], /Option .--epochs. argument is ambiguous/],
    [["--lr", "0"], /--lr must be a finite number > 0, got "0"/],
    [["--seed"], /reproduce: Option '--seed <value>' argument missing/],
    [["--frobnicate"], /reproduce: Unknown option '--frobnicate'/],
  ] as [string[], RegExp][]) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Usage: npm run reproduce/);
  }
  assert.match(run(["--help"]).stdout, /--update-bias/);
});

test("npm run reproduce: article log, final accuracy, figures and model on disk", () => {
  const out = mkdtempSync(join(tmpdir(), "reproduce-"));
  try {
    const r = run(["--epochs", "10", "--out", out, "--seed", "1"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Epoch: #0, MSE: 0\.248991 Accuracy: 49\.50%$/m);
    assert.match(r.stdout, /^Epoch: #10, MSE: \d\.\d{6} Accuracy: \d+\.\d{2}%$/m);
    assert.match(r.stdout, /final test accuracy: \d+\.\d{2}%\s*$/);
    for (const name of ["dataset", "mse", "accuracy", "decision-boundary"]) {
      const html = readFileSync(join(out, "figures", `${name}.html`), "utf8");
      assert.match(html, /plotly\.js v\d/, `${name}.html inlines plotly.js`);
      assert.doesNotMatch(html, /<script[^>]+src=/, `${name}.html loads nothing from outside`);
    }
    const model = JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
    assert.equal(model.layers.length, 4);
    assert.ok(existsSync(join(out, "history.json")));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
