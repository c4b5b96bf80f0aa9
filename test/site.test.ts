/*
 * The static site's Node side (rendering a notebook, deciding what is stale,
 * comparing histories) and the lab's learner code (Sucrase, errors at their
 * line, the presets against the library). The browser itself is exercised by
 * site/check.ts (.ci/site).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { articleNetwork } from "../src/lab/experiment";
import { labNetwork, labSettings } from "../src/lab/lab";
import { checkCandidate } from "../src/lab/lab-check";
import { Notebook, PLOTLY_MIME } from "../tools/shared/notebook-runner";
import { LearnerCodeError, compileRules } from "../site/browser/learner-code";
import { PRESETS } from "../site/browser/presets";
import { compareRecords } from "../site/check";
import { staleness } from "../site/notebooks";
import { mathCensus, renderNotebook } from "../site/render";

const figure = { data: [{ type: "scatter", x: [1, 2], y: [3, 4] }], layout: { title: { text: "t" }, width: 500 } };

const notebook = (code: string): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", metadata: {}, source: "# 9 · A title\n\nThe loss $L = \\tfrac12 (o - y)^2$ and\n\n$$\\delta_k = (o_k - y_k)\\,o_k(1-o_k)$$" },
    {
      cell_type: "code", metadata: {}, execution_count: 1, source: code,
      outputs: [
        { output_type: "stream", name: "stdout", text: "a < b\n" },
        { output_type: "display_data", metadata: {}, data: { [PLOTLY_MIME]: figure, "text/html": "<script>/* plotly.js v4.1.2, inlined */</script>", "text/plain": "<Plotly figure>" } },
      ],
    },
  ],
});

test("a chapter: maths typeset at build time, code highlighted, output escaped, figures from their Plotly JSON only", () => {
  const chapter = renderNotebook(notebook("const x: number = 1; // one"), "09-x");
  assert.equal(chapter.title, "9 · A title");
  assert.equal(chapter.figures, 1);
  assert.deepEqual(mathCensus(chapter.body), { math: 2, errors: 0 });
  assert.match(chapter.body, /<span class="tok-keyword">const<\/span>/);
  assert.match(chapter.body, /<span class="tok-comment">\/\/ one<\/span>/);
  assert.match(chapter.body, /a &lt; b/);
  assert.match(chapter.body, /<div class="figure" id="figure-1" style="max-width:500px"><\/div><script type="application\/json" data-figure="figure-1">/);
  assert.ok(!chapter.body.includes("plotly.js v4.1.2"), "the output's inlined HTML (which may carry plotly.js) is not copied");
  const json = /data-figure="figure-1">(.*?)<\/script>/.exec(chapter.body)![1];
  assert.deepEqual(JSON.parse(json), figure);
});

test("a math error is counted, not hidden", () => {
  const nb = notebook("1");
  nb.cells[0].source = "$\\frac{1}{$";
  assert.equal(mathCensus(renderNotebook(nb, "x").body).errors, 1);
});

test("staleness: an executed copy is used only when its code cells are the notebook's and it ran without error", () => {
  const dir = mkdtempSync(join(tmpdir(), "site-test-"));
  const source = join(dir, "source.ipynb");
  const executed = join(dir, "executed.ipynb");
  writeFileSync(source, JSON.stringify(notebook("const x = 1;")));
  assert.equal(staleness(source, join(dir, "missing.ipynb"), 0), "no executed copy");
  writeFileSync(executed, JSON.stringify(notebook("const x = 1;")));
  assert.equal(staleness(source, executed, 0), null);
  assert.match(staleness(source, executed, Date.now() + 60_000) ?? "", /src\/ changed/);
  writeFileSync(executed, JSON.stringify(notebook("const x = 2;")));
  assert.match(staleness(source, executed, 0) ?? "", /code cells differ/);
  const failed = notebook("const x = 1;");
  failed.cells[1].outputs = [{ output_type: "error", ename: "Error", evalue: "boom", traceback: [] }];
  writeFileSync(executed, JSON.stringify(failed));
  assert.match(staleness(source, executed, 0) ?? "", /cell 1 failed/);
});

test("compareRecords: same epochs, identical accuracies, MSE within the tolerance", () => {
  const node = [{ epoch: 0, mse: 0.25, accuracy: 0.5 }, { epoch: 10, mse: 0.1, accuracy: 0.9 }];
  assert.equal(compareRecords(node.map((r) => ({ ...r })), node), null);
  assert.equal(compareRecords([{ ...node[0] }, { ...node[1], mse: 0.1 * (1 + 1e-13) }], node), null);
  assert.match(compareRecords([{ ...node[0] }, { ...node[1], mse: 0.1 * (1 + 1e-11) }], node) ?? "", /epoch 10: MSE/);
  assert.match(compareRecords([{ ...node[0] }, { ...node[1], accuracy: 0.9 + 1e-16 }], node) ?? "", /epoch 10: accuracy/);
  assert.match(compareRecords([node[0]], node) ?? "", /1 records in the browser, 2 in Node/);
});

test("learner code: a syntax error carries its line, a runtime error the line of the learner's frame", () => {
  const lines = PRESETS[0].code.split("\n");
  const at = lines.findIndex((l) => l.includes("let sum = 0;"));
  const broken = [...lines];
  broken[at] = broken[at].replace("let sum = 0;", "let sum = 0 0;");
  assert.throws(() => compileRules(broken.join("\n")), (e: unknown) => e instanceof LearnerCodeError && e.error.phase === "syntax" && e.error.line !== undefined);

  const ownWeights = PRESETS.find((p) => p.id === "own-weights")!;
  const rules = compileRules(ownWeights.code);
  const nn = labNetwork(rules, labSettings());
  const expected = ownWeights.code.split("\n").findIndex((l) => l.includes("layer.weights.row(j)")) + 1;
  assert.throws(() => nn.backpropagation([0.5, 0.5], [1, 0], 0.01), (e: unknown) => {
    const stack = (e as Error).stack ?? "";
    return new RegExp(`learner\\.ts:${expected}:\\d+`).test(stack);
  });
  assert.throws(() => compileRules("const myOutputDelta = 1;"), (e: unknown) => e instanceof LearnerCodeError && e.error.phase === "definition" && /myOutputDelta/.test(e.error.message));
  assert.throws(() => compileRules("throw new Error('top');\n"), (e: unknown) => e instanceof LearnerCodeError && e.error.phase === "runtime" && e.error.line === 1);
});

test("presets: the article's rules are the library's bit for bit; f' forgotten is wrong in the hidden layers only", () => {
  const article = checkCandidate(compileRules(PRESETS.find((p) => p.id === "article")!.code), {}, { samples: [2] });
  assert.ok(article.layers.every((l) => l.gradient.exact && l.delta !== null && l.delta.exact));
  const fprime = checkCandidate(compileRules(PRESETS.find((p) => p.id === "fprime")!.code), {}, { samples: [2] });
  assert.deepEqual(fprime.gradientCheck.layers.map((l) => l.verdict), ["wrong", "wrong", "wrong", "good"]);
  assert.deepEqual(fprime.layers.map((l) => l.delta!.approximate), [false, false, false, true]);
  const sign = checkCandidate(compileRules(PRESETS.find((p) => p.id === "sign")!.code), {}, { samples: [2] });
  assert.ok(sign.gradientCheck.layers.every((l) => l.verdict === "wrong"));
});

test("lab settings: the hidden activation is a setting (the lesson's sigmoid when absent)", () => {
  assert.deepEqual(labNetwork({}, labSettings({ hidden: "tanh" })).layers.map((l) => l.activation.name), ["tanh", "tanh", "tanh", "sigmoid"]);
  assert.deepEqual(labNetwork({}, labSettings()).layers.map((l) => l.activation.name), articleNetwork().layers.map((l) => l.activation.name));
  assert.throws(() => labSettings({ hidden: "sigmod" as "sigmoid" }, "lab"), /lab: settings\.hidden must be "sigmoid", "tanh" or "relu", or one of them per hidden layer, got "sigmod"/);
});
