/**
 * What the lab's editor can start from: notebook 04's rules (the article's,
 * written out), and the broken rules notebook 06 trains and checks.
 */
export interface Preset {
  id: string;
  label: string;
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

export const PRESETS: readonly Preset[] = [
  { id: "article", label: "the article's rules", code: `${HEADER}\n${OUTPUT_RULE}\n${hiddenRule(NEXT_ROW, WITH_DERIVATIVE)}` },
  {
    id: "fprime",
    label: "hidden: f' forgotten (06, 5a)",
    code: `${HEADER}\n${OUTPUT_RULE}\n${hiddenRule(NEXT_ROW, "layer.delta[j] = sum; // BUG: the f'(o_j) factor is missing")}`,
  },
  {
    id: "sign",
    label: "output: sign flipped (06, 5b)",
    code: `${HEADER}\n${outputRule("layer.error[k] = o[k] - y[k]; // BUG: this is +dL/do, not -dL/do")}\n${hiddenRule(NEXT_ROW, WITH_DERIVATIVE)}`,
  },
  {
    id: "own-weights",
    label: "hidden: this layer's weights (06, 5c)",
    code: `${HEADER}\n${OUTPUT_RULE}\n${hiddenRule("layer.weights.row(j); // BUG: this layer's W, not the next one's", WITH_DERIVATIVE)}`,
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
