/**
 * Shared pieces of the benchmark: the article's network and data, the FLOP
 * count of one SGD step, the data file handed to the C and NumPy versions,
 * (The data and the network come from src/lab/experiment.ts, flags from tools/shared/cli.ts.)
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { NeuralNetwork, Split } from "../src/index";

/** The repository root, from build/bench/ where the compiled benchmark runs. */
export const repoRoot = join(__dirname, "..", "..");

/** The article's layer sizes (nInput, nNeurons), all sigmoid. */
export const ARCH: ReadonlyArray<readonly [number, number]> = [
  [2, 25],
  [25, 50],
  [50, 25],
  [25, 2],
];
export const LEARNING_RATE = 0.01;
export const RECORD_EVERY = 10;
export const DEFAULT_EPOCHS = 1000;
export const DEFAULT_RUNS = 3;

/**
 * FLOPs of ONE per-sample SGD step (forward + backward + weight update).
 * Counting convention: every +, -, *, / on a double is 1 FLOP (a multiply-add
 * is 2); Math.exp is counted as 1 FLOP, so a sigmoid 1/(1 + e^-z) is 3
 * (exp, add, divide; the negation is free). Biases are added in the forward
 * pass but never updated (the article does not update them). The history
 * evaluation every 10 epochs (MSE on 1400 train + accuracy on 600 test
 * samples) is NOT counted, although it is inside the timed run (~14% extra
 * forward passes, i.e. ~4% extra FLOPs), so GFLOP/s is slightly pessimistic.
 *
 * For 2-25-50-25-2 (W = 2*25 + 25*50 + 50*25 + 25*2 = 2600 weights, 102 neurons):
 *   forward multiply-adds        2 * 2600                  = 5200
 *   forward bias adds            102                       =  102
 *   sigmoids                     3 * 102                   =  306
 *   output error y - o           2                         =    2
 *   backward error sums          2 * (25*2 + 50*25 + 25*50)= 5100  (error_j = sum_k W_jk delta_k, 3 hidden layers)
 *   delta products               3 * 102                   =  306  (o * (1 - o): 2, times error: 1)
 *   weight update                3 * 2600                  = 7800  (W += delta * o * lr)
 *   total                                                  = 18816  (the "about 18,800")
 */
export function flopsPerStep(arch: ReadonlyArray<readonly [number, number]> = ARCH): { total: number; breakdown: Record<string, number> } {
  const weights = arch.reduce((s, [i, o]) => s + i * o, 0);
  const neurons = arch.reduce((s, [, o]) => s + o, 0);
  const outputs = arch[arch.length - 1][1];
  let backwardMacs = 0;
  for (let l = 0; l < arch.length - 1; l++) backwardMacs += arch[l][1] * arch[l + 1][1];
  const breakdown = {
    forwardMultiplyAdds: 2 * weights,
    forwardBiasAdds: neurons,
    sigmoids: 3 * neurons,
    outputError: outputs,
    backwardErrorSums: 2 * backwardMacs,
    deltaProducts: 3 * neurons,
    weightUpdate: 3 * weights,
  };
  const total = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return { total, breakdown };
}

/** Sum of every weight (layer by layer, row-major): a cheap fingerprint to compare implementations. */
export function weightChecksum(nn: NeuralNetwork): number {
  let sum = 0;
  for (const layer of nn.layers) for (let k = 0; k < layer.weights.data.length; k++) sum += layer.weights.data[k];
  return sum;
}

/**
 * The data file read by bench/train.c and bench/numpy_train.py: one comment
 * line, then whitespace-separated numbers (JS shortest round-trip text, so
 * strtod / float() read back the exact doubles):
 *   version(1) nLayers [nIn nOut]*nLayers nTrain nTest nFeatures nClasses learningRate
 *   XTrain (row-major) yTrain XTest yTest [W (nIn x nOut, row-major) b (nOut)]*nLayers
 */
export function writeDataFile(path: string, split: Split, nn: NeuralNetwork): void {
  const parts: string[] = [];
  const push = (values: ArrayLike<number>): void => {
    for (let k = 0; k < values.length; k++) parts.push(String(values[k]));
  };
  const layers = nn.layers;
  push([1, layers.length]);
  for (const layer of layers) push([layer.nInput, layer.nNeurons]);
  push([split.XTrain.rows, split.XTest.rows, split.XTrain.cols, nn.nOutputs, LEARNING_RATE]);
  push(split.XTrain.data);
  push(split.yTrain);
  push(split.XTest.data);
  push(split.yTest);
  for (const layer of layers) {
    push(layer.weights.data);
    push(layer.bias);
  }
  writeFileSync(path, "# backprop-moons bench data v1 (see bench/common.ts writeDataFile)\n" + parts.join("\n") + "\n");
}

export { median } from "../src/lab/compare";
