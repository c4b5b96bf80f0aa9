import { assertElementCount, describe, exactFields, parseJSONText, savedArray, savedNumbers, sizeArgument } from "./validate";

/** A saved network: architecture, activations, weights and biases, options (what `NeuralNetwork.toJSON` writes). */
export interface NetworkJSON {
  format: "backprop-moons/network";
  version: 1;
  loss: string;
  updateBias: boolean;
  layers: { nInput: number; nNeurons: number; activation: string; weights: number[][]; bias: number[] }[];
}

const NETWORK_FIELDS = ["format", "version", "loss", "updateBias", "layers"] as const;
const LAYER_FIELDS = ["nInput", "nNeurons", "activation", "weights", "bias"] as const;

/**
 * Checks that `json` is exactly a saved network and returns a fresh copy of
 * it (plain objects and arrays, nothing shared with the input). `json` is the
 * JSON text or the parsed object. Rejected, with the path of the offending
 * field: a missing or extra field (including a `__proto__` key), a wrong type,
 * a number that is not finite, a shape that does not add up (weights
 * nInput x nNeurons, bias nNeurons, each layer's nInput equal to the previous
 * layer's nNeurons). `where` starts every message, e.g. "NeuralNetwork.fromJSON".
 * Activation and loss names are only checked to be non-empty strings: which
 * names exist is for the caller to decide (custom ones are allowed).
 */
export function parseNetworkJSON(json: unknown, where: string): NetworkJSON {
  if (typeof where !== "string" || where === "") throw new Error(`parseNetworkJSON: where must be the name of the calling function, got ${describe(where)}`);
  const saved = exactFields(parseJSONText(json, where), NETWORK_FIELDS, "json", where);
  if (saved.format !== "backprop-moons/network") {
    throw new Error(`${where}: json.format must be "backprop-moons/network" (a network saved by toJSON), got ${describe(saved.format)}`);
  }
  if (saved.version !== 1) throw new Error(`${where}: json.version must be 1, got ${describe(saved.version)}`);
  const loss = name(saved.loss, "json.loss", where);
  if (typeof saved.updateBias !== "boolean") throw new Error(`${where}: json.updateBias must be true or false, got ${describe(saved.updateBias)}`);
  const layers = savedArray(saved.layers, "json.layers", where);
  if (layers.length === 0) throw new Error(`${where}: json.layers must hold at least one layer, got none`);

  let previous: number | undefined;
  const out = layers.map((value, l) => {
    const path = `json.layers[${l}]`;
    const layer = exactFields(value, LAYER_FIELDS, path, where);
    const nInput = sizeArgument(layer.nInput, `${path}.nInput`, where);
    const nNeurons = sizeArgument(layer.nNeurons, `${path}.nNeurons`, where);
    if (previous !== undefined && nInput !== previous) {
      throw new Error(`${where}: ${path}.nInput must equal the previous layer's nNeurons = ${previous}, got ${nInput}`);
    }
    previous = nNeurons;
    assertElementCount(nInput * nNeurons, `${path}.weights (${nInput} x ${nNeurons})`, where);
    const activation = name(layer.activation, `${path}.activation`, where);
    const weights = savedArray(layer.weights, `${path}.weights`, where, nInput).map((row, i) => savedNumbers(row, `${path}.weights[${i}]`, where, nNeurons));
    const bias = savedNumbers(layer.bias, `${path}.bias`, where, nNeurons);
    return { nInput, nNeurons, activation, weights, bias };
  });
  return { format: "backprop-moons/network", version: 1, loss, updateBias: saved.updateBias, layers: out };
}

function name(value: unknown, path: string, where: string): string {
  if (typeof value !== "string" || value.length === 0) throw new Error(`${where}: ${path} must be a non-empty name, got ${describe(value)}`);
  return value;
}
