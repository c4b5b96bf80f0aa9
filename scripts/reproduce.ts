/**
 * `npm run reproduce`: the article's experiment end to end. Builds the data
 * and the 2-25-50-25-2 sigmoid network, trains it with the article's
 * settings, prints the article's log, and writes the figures as offline HTML.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  DEFAULT_SEED, Layer, NeuralNetwork, accuracyFigure, datasetFigure, decisionBoundaryFigure,
  formatDuration, formatProgress, formatRecord, makeMoons, mseFigure, setSeed, standaloneHtml, trainTestSplit,
} from "../src/index";
import type { Figure } from "../src/index";
import { exportSvgsIfPossible } from "./export-svg";
import { runNotebooks } from "../jupyter/run-notebooks";

interface Options {
  epochs: number;
  learningRate: number;
  seed: number;
  updateBias: boolean;
  out: string;
  progress: boolean;
  notebooks: boolean;
}

const USAGE = `Usage: npm run reproduce -- [options]

Trains the article's 2-25-50-25-2 sigmoid network on make_moons and writes its figures.

  --epochs N        epochs to train (default 1000; the article runs N + 1 passes)
  --lr X            learning rate (default 0.01)
  --seed S          seed for the initial weights (default ${DEFAULT_SEED})
  --update-bias     also train the biases (the article never updates them)
  --out DIR         output folder (default output/)
  --no-progress     no progress bar, even on a terminal
  --no-notebooks    skip executing the notebooks (they take about 2.5 minutes)
  --help            this text`;

function parseArgs(argv: string[]): Options | "help" {
  const options: Options = { epochs: 1000, learningRate: 0.01, seed: DEFAULT_SEED, updateBias: false, out: "output", progress: true, notebooks: true };
  const value = (flag: string, i: number): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case "--help": case "-h": return "help";
      case "--epochs": {
        const n = Number(value(flag, i++));
        if (!Number.isInteger(n) || n < 0) throw new Error(`--epochs must be a non-negative integer, got ${argv[i]}`);
        options.epochs = n;
        break;
      }
      case "--lr": {
        const x = Number(value(flag, i++));
        if (!Number.isFinite(x) || x <= 0) throw new Error(`--lr must be a finite number > 0, got ${argv[i]}`);
        options.learningRate = x;
        break;
      }
      case "--seed": {
        const s = value(flag, i++);
        options.seed = Number.isFinite(Number(s)) ? Number(s) : NaN;
        if (Number.isNaN(options.seed)) throw new Error(`--seed must be a number, got ${s}`);
        break;
      }
      case "--update-bias": options.updateBias = true; break;
      case "--no-progress": options.progress = false; break;
      case "--no-notebooks": options.notebooks = false; break;
      case "--out": options.out = value(flag, i++); break;
      default: throw new Error(`unknown option ${flag} (see --help)`);
    }
  }
  return options;
}

function writeFigure(dir: string, name: string, figure: Figure): string {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, standaloneHtml([figure], String(figure.layout.title && typeof figure.layout.title === "object" ? figure.layout.title.text ?? name : name)));
  return file;
}

function main(): { options: Options; pages: string[]; final: number } | undefined {
  let parsed: Options | "help";
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`reproduce: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed === "help") {
    console.log(USAGE);
    return undefined;
  }
  const options = parsed;

  const { X, y } = makeMoons(2000, 0.2, 100);
  const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y, 0.3, 42);
  console.log(`X: ${X.rows} x ${X.cols}, y: ${y.length}; train ${XTrain.rows}, test ${XTest.rows}`);

  setSeed(options.seed);
  const nn = new NeuralNetwork({ updateBias: options.updateBias });
  nn.addLayer(new Layer(2, 25, "sigmoid")); // hidden layer 1, 2 => 25
  nn.addLayer(new Layer(25, 50, "sigmoid")); // hidden layer 2, 25 => 50
  nn.addLayer(new Layer(50, 25, "sigmoid")); // hidden layer 3, 50 => 25
  nn.addLayer(new Layer(25, 2, "sigmoid")); // output layer, 25 => 2
  console.log(`network 2-25-50-25-2 (sigmoid), lr ${options.learningRate}, ${options.epochs} epochs, seed ${options.seed}, biases ${options.updateBias ? "trained" : "fixed (as in the article)"}`);

  const bar = options.progress && process.stderr.isTTY === true;
  const clearBar = () => bar && process.stderr.write("\r\x1b[2K");
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  const history = nn.train(XTrain, XTest, yTrain, yTest, options.learningRate, options.epochs, {
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
  const final = nn.accuracy(nn.predict(XTest), yTest);
  console.log(`Accuracy: ${(final * 100).toFixed(2)}%`);
  console.log(`trained ${options.epochs + 1} passes x ${XTrain.rows} samples in ${formatDuration(seconds)}`);

  const out = resolve(options.out);
  const figures = join(out, "figures");
  mkdirSync(figures, { recursive: true });
  writeFileSync(join(out, "history.json"), JSON.stringify({ options, seconds, history }, null, 1));
  writeFileSync(join(out, "model.json"), JSON.stringify(nn));
  const written = [
    writeFigure(figures, "dataset", datasetFigure(X, y)),
    writeFigure(figures, "mse", mseFigure(history)),
    writeFigure(figures, "accuracy", accuracyFigure(history)),
    writeFigure(figures, "decision-boundary", decisionBoundaryFigure(nn, X, y)),
  ];
  console.log(`figures: ${written.join(", ")}`);
  return { options, pages: written, final };
}

/**
 * Then: SVG copies of the figures (where a Chromium is installed), and every
 * notebook executed without Jupyter into <out>/notebooks/; the first failing
 * cell stops the run with exit code 1 (notebook, cell and tslab's error text printed).
 */
async function svgsAndNotebooks(options: Options, pages: string[]): Promise<number> {
  const svgs = await exportSvgsIfPossible(pages);
  if (svgs.length > 0) console.log(`svg: ${svgs.join(", ")}`);
  if (!options.notebooks) return 0;
  const results = await runNotebooks({ outDir: join(resolve(options.out), "notebooks") });
  return results.some((r) => !r.ok) ? 1 : 0;
}

const done = main();
if (done) {
  svgsAndNotebooks(done.options, done.pages).then(
    (code) => {
      console.log(`\nfinal test accuracy: ${(done.final * 100).toFixed(2)}%`);
      process.exit(code);
    },
    (e) => {
      console.error(`reproduce: ${(e as Error).stack ?? String(e)}`);
      process.exit(1);
    },
  );
}
