/**
 * `npm run reproduce`: the article's experiment end to end, in seconds plus
 * training. Builds the data and the 2-25-50-25-2 sigmoid network, trains it
 * with the article's settings, prints the article's log, and writes the
 * figures as offline HTML. (The notebooks run with `npm run notebooks`.)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { standaloneHtml } from "../src/node";
import { DEFAULT_SEED, accuracyFigure, articleData, articleNetwork, datasetFigure, decisionBoundaryFigure, formatDuration, formatProgress, formatRecord, mseFigure } from "../src/index";
import type { Figure } from "../src/index";
import { intFlag, parseFlags, positiveFlag, runCli } from "../tools/shared/cli";

const USAGE = `Usage: npm run reproduce -- [options]

Trains the article's 2-25-50-25-2 sigmoid network on make_moons and writes its figures.

  --epochs N        epochs to train (default 1000; the article runs N + 1 passes)
  --lr X            learning rate (default 0.01)
  --seed S          seed for the initial weights (default ${DEFAULT_SEED})
  --numpy-seed S    instead of --seed: the initial weights the Python lesson draws after np.random.seed(S)
  --update-bias     also train the biases (the article never updates them)
  --out DIR         output folder (default output/)
  --no-progress     no progress bar, even on a terminal
  --help            this text`;

function writeFigure(dir: string, name: string, figure: Figure): string {
  const file = join(dir, `${name}.html`);
  const title = figure.layout.title;
  writeFileSync(file, standaloneHtml([figure], typeof title === "object" && title?.text ? title.text : name));
  return file;
}

function main(): number {
  const flags = parseFlags(process.argv.slice(2), {
    epochs: { type: "string" }, lr: { type: "string" }, seed: { type: "string" }, "numpy-seed": { type: "string" },
    "update-bias": { type: "boolean" }, out: { type: "string" }, "no-progress": { type: "boolean" }, help: { type: "boolean", short: "h" },
  }, "reproduce");
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const epochs = intFlag(flags.epochs, "epochs", 0, 1000);
  const learningRate = flags.lr === undefined ? 0.01 : positiveFlag(flags.lr, "lr");
  const numpySeed = flags["numpy-seed"] === undefined ? undefined : intFlag(flags["numpy-seed"], "numpy-seed", 0, 0);
  const seed = numpySeed === undefined ? intFlag(flags.seed, "seed", 0, DEFAULT_SEED) : undefined;
  const updateBias = flags["update-bias"] === true;

  const { X, y, split } = articleData();
  const { XTrain, XTest, yTrain, yTest } = split;
  console.log(`X: ${X.rows} x ${X.cols}, y: ${y.length}; train ${XTrain.rows}, test ${XTest.rows}`);
  const nn = articleNetwork({ seed, numpySeed, updateBias });
  console.log(`network 2-25-50-25-2 (sigmoid), lr ${learningRate}, ${epochs} epochs, ${numpySeed === undefined ? `seed ${seed}` : `numpy seed ${numpySeed}`}, biases ${updateBias ? "trained" : "fixed (as in the article)"}`);

  const bar = flags["no-progress"] !== true && process.stderr.isTTY === true;
  const clearBar = () => bar && process.stderr.write("\r\x1b[2K");
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  const history = nn.train(XTrain, XTest, yTrain, yTest, learningRate, epochs, {
    onRecord: (record) => {
      clearBar();
      console.log(formatRecord(record));
    },
    onEpoch: (epoch, max) => {
      if (bar) process.stderr.write(`\r${formatProgress(epoch + 1, max + 1, elapsed())}`);
    },
  });
  clearBar();
  const seconds = elapsed();
  console.log(`trained ${epochs + 1} passes x ${XTrain.rows} samples in ${formatDuration(seconds)}`);

  const out = resolve(flags.out ?? "output");
  const figures = join(out, "figures");
  mkdirSync(figures, { recursive: true });
  writeFileSync(join(out, "history.json"), JSON.stringify({ options: { epochs, learningRate, seed, numpySeed, updateBias }, seconds, history }, null, 1));
  writeFileSync(join(out, "model.json"), JSON.stringify(nn));
  const written = [
    writeFigure(figures, "dataset", datasetFigure(X, y)),
    writeFigure(figures, "mse", mseFigure(history)),
    writeFigure(figures, "accuracy", accuracyFigure(history)),
    writeFigure(figures, "decision-boundary", decisionBoundaryFigure(nn, X, y)),
  ];
  console.log(`figures: ${written.join(", ")}`);
  console.log(`final test accuracy: ${(nn.accuracy(nn.predict(XTest), yTest) * 100).toFixed(2)}%`);
  return 0;
}

runCli("reproduce", USAGE, main);
