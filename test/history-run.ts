/**
 * Prints, as JSON, the history of the article's 2-25-50-25-2 network trained
 * with the default seed and lr 0.01 for EPOCHS epochs:
 *
 *     node build/test/history-run.js EPOCHS          (compiled)
 *     deno run test/history-run.ts EPOCHS            (this source, with deno.json)
 *
 * It imports only src/, so the same file runs on both runtimes:
 * test/notebooks/deno.test.ts compares them.
 */
import { DEFAULT_SEED, Layer, NeuralNetwork, makeMoons, setSeed, trainTestSplit } from "../src/index";

// Deno's process.argv also ends with the script's arguments.
const epochs = Number(process.argv[process.argv.length - 1]);
if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`history-run: EPOCHS must be an integer >= 0, got ${process.argv[process.argv.length - 1]}`);
const { X, y } = makeMoons();
const { XTrain, XTest, yTrain, yTest } = trainTestSplit(X, y);
setSeed(DEFAULT_SEED);
const nn = new NeuralNetwork();
for (const [nInput, nNeurons] of [[2, 25], [25, 50], [50, 25], [25, 2]]) nn.addLayer(new Layer(nInput, nNeurons, "sigmoid"));
process.stdout.write(JSON.stringify(nn.train(XTrain, XTest, yTrain, yTest, 0.01, epochs)) + "\n");
