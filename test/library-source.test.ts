/**
 * src/notebook/source.ts: librarySource(name), the TypeScript text of an
 * exported function as src/ has it (notebook 03 prints the two delta rules
 * with it; String(fn) would show the kernel's compiled JavaScript).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hiddenLayerDelta } from "../src/index";
import { librarySource } from "../src/notebook/source";
import { repoRoot } from "./helpers";

/** The text of src/<file> from `start` to the end of the first line after it that is exactly `last`. */
function slice(file: string, start: string, last: string): string {
  const text = readFileSync(join(repoRoot, "src", file), "utf8");
  const from = text.indexOf(start);
  assert.ok(from >= 0, `${file} has ${start}`);
  const end = text.indexOf(`\n${last}\n`, from);
  assert.ok(end > from, `${file}: ${start} ends with a line ${last}`);
  return text.slice(from, end + 1 + last.length);
}

test("librarySource gives the delta rules as src/core/delta-rules.ts writes them, not compiled JavaScript", () => {
  for (const name of ["hiddenLayerDelta", "outputLayerDelta"]) {
    const source = librarySource(name);
    assert.equal(source, slice("core/delta-rules.ts", `export const ${name}: `, "};"));
    assert.doesNotMatch(source, /linalg_1|\(0, /, `${name}: no trace of the compiled module`);
  }
  assert.match(librarySource("hiddenLayerDelta"), /matVec\(next\.weights\.data, layer\.nNeurons, next\.nNeurons, next\.delta, error\); \/\/ error_j = sum_k W_jk delta_k/);
  assert.notEqual(librarySource("hiddenLayerDelta"), String(hiddenLayerDelta), "String() of the compiled function is another text");
});

test("librarySource gives a function declaration whole, and a one-line constant", () => {
  assert.equal(librarySource("articleDeltaRules"), slice("core/delta-rules.ts", "export function articleDeltaRules(", "}"));
  assert.equal(librarySource("DEFAULT_SEED"), "export const DEFAULT_SEED = 1;");
});

test("librarySource finds src/ from its own folder, wherever the working directory is", () => {
  const elsewhere = mkdtempSync(join(tmpdir(), "library-source-"));
  const cwd = process.cwd();
  try {
    process.chdir(elsewhere);
    assert.match(librarySource("outputLayerDelta"), /^export const outputLayerDelta: OutputDeltaRule = \(layer, target, loss\) => \{/);
  } finally {
    process.chdir(cwd);
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("librarySource: an unknown name, or no name, is an error naming the function and the argument", () => {
  assert.throws(() => librarySource("noSuchFunction"), /^Error: librarySource: no file under .*src exports a function or constant named "noSuchFunction"$/);
  assert.throws(() => librarySource("hiddenLayer"), /named "hiddenLayer"$/, "a prefix of a name is not that name");
  for (const bad of ["", "hidden layer", "1x", undefined, 3]) {
    assert.throws(() => librarySource(bad as string), /^Error: librarySource: name must be the name of an exported function, e\.g\. "hiddenLayerDelta", got /, String(bad));
  }
});
