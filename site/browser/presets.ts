/**
 * What the lab's editor can start from. Rules mode: notebook 04's rules (the
 * article's, written out), a blank hidden rule to write, and the broken rules
 * notebook 06 trains and checks. Step mode: notebook 03's whole step
 * (`backpropagationStep`), and a skeleton with the forward pass given.
 */
import type { EditorMode } from "./protocol";

export interface Preset {
  id: string;
  label: string;
  mode: EditorMode;
  code: string;
}

const HEADER = `// The two delta rules that training calls (notebook 04). Edit them, then Check or Train.
// Types: OutputDeltaRule = (layer, y) => void, HiddenDeltaRule = (layer, next) => void.
// layer.lastActivation is o, layer.activation.derivative(o) is f'(o), next.weights.row(j) is row j of W.
`;

const outputRule = (error: string): string => `const myOutputDelta: OutputDeltaRule = (layer, y) => {
  const o = layer.lastActivation;
  for (let k = 0; k < layer.nNeurons; k++) {
    ${error}
    layer.delta[k] = layer.error[k] * layer.activation.derivative(o[k]); // delta_k = error_k · f'(o_k)
  }
};
`;

const hiddenRule = (weights: string, delta: string): string => `const myHiddenDelta: HiddenDeltaRule = (layer, next) => {
  const o = layer.lastActivation;
  for (let j = 0; j < layer.nNeurons; j++) {
    const Wj = ${weights}
    let sum = 0;
    for (let k = 0; k < next.nNeurons; k++) sum += Wj[k] * next.delta[k]; // Σ_k W_jk delta_k
    layer.error[j] = sum;
    ${delta}
  }
};
`;

const OUTPUT_RULE = outputRule("layer.error[k] = y[k] - o[k];                                        // error_k = y_k - o_k");
const NEXT_ROW = "next.weights.row(j);  // row j of the NEXT layer's W";
const WITH_DERIVATIVE = "layer.delta[j] = sum * layer.activation.derivative(o[j]); // delta_j = error_j · f'(o_j)";

const BLANK_HIDDEN = `const myHiddenDelta: HiddenDeltaRule = (layer, next) => {
  // Write it: for every neuron j of this layer (j < layer.nNeurons),
  //   layer.error[j] = Σ_k W_jk · next.delta[k]   with W the NEXT layer's weights: next.weights.row(j)[k]   (-dL/do_j)
  //   layer.delta[j] = layer.error[j] · f'(o_j)   f'(o_j) is layer.activation.derivative(o[j])               (-dL/dz_j)
  // Check says which quantity of which layer is wrong first; Train trains it once you like it.
  const o = layer.lastActivation;
};
`;

/** Notebook 03's forward pass, as its step writes it (sigmoid layers), into each layer's own arrays. */
const FORWARD = `  // Each layer keeps its output o, its error and its delta (the article's last_activation, error and delta):
  // the step writes into those arrays instead of making new ones for every sample.
  // 1. forward pass: o^(l) = σ(o^(l-1) W^(l) + b^(l)), layer by layer
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    const input = l === 0 ? x : layers[l - 1].lastActivation;
    const o = layer.lastActivation;
    o.fill(0);
    for (let i = 0; i < layer.nInput; i++) {
      const Wi = layer.weights.row(i); // row i of W: input i's weights to every neuron j
      for (let j = 0; j < layer.nNeurons; j++) o[j] += input[i] * Wi[j]; // z_j = Σ_i input_i W_ij
    }
    for (let j = 0; j < layer.nNeurons; j++) o[j] = 1 / (1 + Math.exp(-(o[j] + layer.bias[j]))); // o_j = σ(z_j + b_j)
  }`;

const STEP_HEADER = `// The whole SGD step on one sample (notebook 03's backpropagationStep): forward pass, deltas, update.
// layers[l].weights.row(i) is row i of W (a view: writing it changes W), layers[l].bias is b.
// Return each layer's delta (-dL/dz): Check compares them, layer by layer, with the library's.
// Sigmoid layers, as in 03: with tanh or relu hidden layers, use layers[l].activation.fn(z) and .derivative(o).
`;

/** Notebook 03's backpropagationStep, as its cell has it (tools/shared/learner-step.ts holds the same function; the site check trains both). */
const LESSON_STEP = `${STEP_HEADER}
function backpropagationStep(layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number): Float64Array[] {
${FORWARD}
  // 2. output layer: error_k = y_k - o_k, delta_k = error_k · o_k (1 - o_k)
  const out = layers[layers.length - 1];
  for (let k = 0; k < out.nNeurons; k++) {
    const ok = out.lastActivation[k];
    out.error[k] = y[k] - ok;
    out.delta[k] = out.error[k] * (ok * (1 - ok));
  }
  // 3. hidden layers, from the back: error_j = Σ_k W_jk delta_k (W of the NEXT layer), delta_j = error_j · o_j (1 - o_j)
  for (let l = layers.length - 2; l >= 0; l--) {
    const layer = layers[l];
    const next = layers[l + 1];
    const o = layer.lastActivation;
    for (let j = 0; j < layer.nNeurons; j++) {
      const Wj = next.weights.row(j); // row j of the NEXT layer's W
      let sum = 0;
      for (let k = 0; k < next.nNeurons; k++) sum += Wj[k] * next.delta[k];
      layer.error[j] = sum;
      layer.delta[j] = sum * (o[j] * (1 - o[j]));
    }
  }
  // 4. only now change the weights: W_ij += delta_j · o_i · lr, with o_i the previous layer's output (x for layers[0])
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    const input = l === 0 ? x : layers[l - 1].lastActivation;
    for (let i = 0; i < layer.nInput; i++) {
      const Wi = layer.weights.row(i);
      for (let j = 0; j < layer.nNeurons; j++) Wi[j] += layer.delta[j] * input[i] * lr;
    }
  }
  return layers.map((layer) => layer.delta);
}
`;

const BLANK_STEP = `${STEP_HEADER}
function backpropagationStep(layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number): Float64Array[] {
${FORWARD}
  // Write the rest, into each layer's own arrays (layers[l].error, layers[l].delta), so Check can compare every quantity:
  // 2. output layer (the last one): error_k = y_k - o_k, delta_k = error_k · f'(o_k), with f'(o) = o (1 - o) for a sigmoid
  // 3. hidden layers, from the back (l = layers.length - 2 down to 0): error_j = Σ_k W_jk · delta_k of the NEXT layer,
  //    W the NEXT layer's weights: layers[l + 1].weights.row(j)[k]; delta_j = error_j · f'(o_j)
  // 4. only then the update: W_ij += delta_j · input_i · lr, input = x for layers[0], else layers[l - 1].lastActivation
  return layers.map((layer) => layer.delta);
}
`;

export const PRESETS: readonly Preset[] = [
  { id: "article", label: "the article's rules", mode: "rules", code: `${HEADER}\n${OUTPUT_RULE}\n${hiddenRule(NEXT_ROW, WITH_DERIVATIVE)}` },
  { id: "blank", label: "blank: write the hidden rule", mode: "rules", code: `${HEADER}\n${OUTPUT_RULE}\n${BLANK_HIDDEN}` },
  {
    id: "fprime",
    label: "hidden: f' forgotten (06, 5a)",
    mode: "rules",
    code: `${HEADER}\n${OUTPUT_RULE}\n${hiddenRule(NEXT_ROW, "layer.delta[j] = sum; // BUG: the f'(o_j) factor is missing")}`,
  },
  {
    id: "sign",
    label: "output: sign flipped (06, 5b)",
    mode: "rules",
    code: `${HEADER}\n${outputRule("layer.error[k] = o[k] - y[k]; // BUG: this is +dL/do, not -dL/do")}\n${hiddenRule(NEXT_ROW, WITH_DERIVATIVE)}`,
  },
  {
    id: "own-weights",
    label: "hidden: this layer's weights (06, 5c)",
    mode: "rules",
    code: `${HEADER}\n${OUTPUT_RULE}\n${hiddenRule("layer.weights.row(j); // BUG: this layer's W, not the next one's", WITH_DERIVATIVE)}`,
  },
  { id: "step", label: "03's whole step", mode: "step", code: LESSON_STEP },
  { id: "step-blank", label: "blank step: write the deltas and the update", mode: "step", code: BLANK_STEP },
];

/** The preset a mode starts from (the article's rules, 03's step). */
export const firstPreset = (mode: EditorMode): Preset => PRESETS.find((p) => p.mode === mode)!;

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
