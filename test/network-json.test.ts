import { test } from "node:test";
import assert from "node:assert/strict";
import { Layer, NetworkJSON, NeuralNetwork, SeededRandom, parseNetworkJSON } from "../src/index";
import { assertRejects } from "./assert-rejects";

const WHERE = "NeuralNetwork.fromJSON";

/** A small saved network: 2-3-2, sigmoid then identity, from a fixed seed. */
function saved(): NetworkJSON {
  const random = new SeededRandom(5);
  const nn = new NeuralNetwork({ updateBias: true });
  nn.addLayer(new Layer(2, 3, "sigmoid", undefined, undefined, random));
  nn.addLayer(new Layer(3, 2, null, undefined, undefined, random));
  return nn.toJSON() as NetworkJSON;
}

/** A deep copy of `saved()` changed by `edit`. */
function edited(edit: (json: Record<string, any>) => void): unknown {
  const json = JSON.parse(JSON.stringify(saved()));
  edit(json);
  return json;
}

function rejects(json: unknown, message: RegExp): void {
  assertRejects(() => parseNetworkJSON(json, WHERE), WHERE, message);
}

test("parseNetworkJSON accepts exactly what toJSON writes, as an object or as text, and returns a copy", () => {
  const json = saved();
  const fromObject = parseNetworkJSON(json, WHERE);
  assert.deepEqual(fromObject, json);
  assert.deepEqual(parseNetworkJSON(JSON.stringify(json), WHERE), json);
  assert.deepEqual(parseNetworkJSON(JSON.stringify(json, null, 2), WHERE), json);
  // Nothing is shared with the input: editing the result leaves the input as it was.
  fromObject.layers[0].weights[0][0] = 123;
  fromObject.layers[0].bias[0] = 123;
  assert.notEqual(json.layers[0].weights[0][0], 123);
  assert.notEqual(json.layers[0].bias[0], 123);
  // Every bit of every double survives the text form.
  const bits = (j: NetworkJSON): number[] => j.layers.flatMap((l) => [...l.weights.flat(), ...l.bias]);
  assert.deepEqual(bits(parseNetworkJSON(JSON.stringify(json), WHERE)), bits(json));
});

test("missing and extra fields are named with their path", () => {
  for (const field of ["format", "version", "loss", "updateBias", "layers"]) {
    rejects(edited((j) => delete j[field]), new RegExp(`json is missing the field ${field}; expected exactly format, version, loss, updateBias, layers`));
  }
  for (const field of ["nInput", "nNeurons", "activation", "weights", "bias"]) {
    rejects(edited((j) => delete j.layers[1][field]), new RegExp(`json\\.layers\\[1\\] is missing the field ${field}`));
  }
  rejects(edited((j) => (j.comment = "hi")), /json has an unexpected field "comment"; expected exactly format, version, loss, updateBias, layers/);
  rejects(edited((j) => (j.layers[0].dropout = 0.5)), /json\.layers\[0\] has an unexpected field "dropout"/);
});

test("wrong types and values are rejected, never converted", () => {
  rejects(null, /json must be an object with the fields format, version, loss, updateBias, layers, got null/);
  rejects([], /json must be an object .* got an array of length 0/);
  rejects(42, /got 42/);
  rejects(new Map(), /got a Map/);
  rejects(edited((j) => (j.format = "keras")), /json\.format must be "backprop-moons\/network" .* got "keras"/);
  rejects(edited((j) => (j.version = 2)), /json\.version must be 1, got 2/);
  rejects(edited((j) => (j.version = "1")), /json\.version must be 1, got "1"/);
  rejects(edited((j) => (j.loss = "")), /json\.loss must be a non-empty name, got ""/);
  rejects(edited((j) => (j.loss = 3)), /json\.loss must be a non-empty name, got 3/);
  rejects(edited((j) => (j.updateBias = "yes")), /json\.updateBias must be true or false, got "yes"/);
  rejects(edited((j) => (j.updateBias = 1)), /json\.updateBias must be true or false, got 1/);
  rejects(edited((j) => (j.layers = [])), /json\.layers must hold at least one layer, got none/);
  rejects(edited((j) => (j.layers = { 0: j.layers[0] })), /json\.layers must be an array, got an object/);
  rejects(edited((j) => (j.layers[0] = "dense")), /json\.layers\[0\] must be an object .* got "dense"/);
  rejects(edited((j) => (j.layers[1].activation = null)), /json\.layers\[1\]\.activation must be a non-empty name, got null/);
  for (const bad of [0, -1, 2.5, "2", null, Infinity]) {
    rejects(edited((j) => (j.layers[0].nInput = bad)), /json\.layers\[0\]\.nInput must be an integer in \[1, 16777216\]/);
  }
  rejects(edited((j) => (j.layers[0].weights[1][2] = "0.5")), /json\.layers\[0\]\.weights\[1\]\[2\] must be a finite number, got "0.5"/);
  rejects(edited((j) => (j.layers[0].weights[1][2] = null)), /weights\[1\]\[2\] must be a finite number, got null/);
  rejects(edited((j) => (j.layers[0].weights[1][2] = true)), /weights\[1\]\[2\] must be a finite number, got true/);
  rejects(edited((j) => (j.layers[1].bias[0] = NaN)), /json\.layers\[1\]\.bias\[0\] must be a finite number, got NaN/);
  rejects(edited((j) => (j.layers[1].bias[1] = -Infinity)), /bias\[1\] must be a finite number, got -Infinity/);
  rejects(edited((j) => (j.layers[1].bias = new Float64Array(2))), /json\.layers\[1\]\.bias must be an array of 2 entries, got a Float64Array/);
  // NaN and Infinity have no JSON spelling: JSON.stringify writes null, which is refused.
  const text = JSON.stringify(edited((j) => (j.layers[0].bias[2] = NaN)));
  rejects(text, /json\.layers\[0\]\.bias\[2\] must be a finite number, got null/);
});

test("inconsistent shapes are rejected", () => {
  rejects(edited((j) => j.layers[0].weights.pop()), /json\.layers\[0\]\.weights must have 2 entries, got 1/);
  rejects(edited((j) => j.layers[0].weights[1].push(0)), /json\.layers\[0\]\.weights\[1\] must have 3 entries, got 4/);
  rejects(edited((j) => j.layers[1].bias.pop()), /json\.layers\[1\]\.bias must have 2 entries, got 1/);
  rejects(edited((j) => (j.layers[0].nNeurons = 4)), /json\.layers\[0\]\.weights\[0\] must have 4 entries, got 3/);
  rejects(
    edited((j) => (j.layers[1] = { nInput: 4, nNeurons: 1, activation: "sigmoid", weights: [[0], [0], [0], [0]], bias: [0] })),
    /json\.layers\[1\]\.nInput must equal the previous layer's nNeurons = 3, got 4/,
  );
  // A huge declared shape is refused from the numbers alone, before anything is read or allocated.
  rejects(edited((j) => ((j.layers[0].nInput = 1e7), (j.layers[0].nNeurons = 1e7))), /json\.layers\[0\]\.weights \(10000000 x 10000000\) would hold 100000000000000 numbers, more than the limit of 16777216/);
  const holey = edited((j) => (j.layers[1].bias = [0.5, , ].slice(0, 2)));
  rejects(holey, /json\.layers\[1\]\.bias\[1\] is missing \(a hole or a getter in the array\)/);
});

test("__proto__, constructor and getters have no effect", () => {
  // JSON.parse makes "__proto__" an own field: it is an unexpected field, and Object.prototype is untouched.
  const text = JSON.stringify(saved()).replace(/^\{/, '{"__proto__":{"polluted":true},');
  rejects(text, /json has an unexpected field "__proto__"/);
  const layerText = JSON.stringify(saved()).replace('"layers":[{', '"layers":[{"__proto__":{"nInput":9},');
  rejects(layerText, /json\.layers\[0\] has an unexpected field "__proto__"/);
  rejects(edited((j) => Object.assign(j, { constructor: { name: "x" } })), /json has an unexpected field "constructor"/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // An object literal's __proto__ sets the prototype instead: fields inherited through it do not count.
  const { layers, ...rest } = saved();
  rejects({ __proto__: { layers }, ...rest }, /json must be an object with the fields/);
  // A getter could answer differently on each read: refused.
  const withGetter = { ...saved() };
  Object.defineProperty(withGetter, "updateBias", { get: () => true, enumerable: true });
  rejects(withGetter, /json\.updateBias must be a plain value, not a getter/);
  // A null-prototype object (what some parsers produce) with the right fields is fine.
  const bare = Object.assign(Object.create(null) as object, saved());
  assert.deepEqual(parseNetworkJSON(bare, WHERE), saved());
});

test("JSON syntax errors say where, with the text around it", () => {
  rejects("", /json is not valid JSON text: Unexpected end of JSON input \(line 1, column 1, near ""\)/);
  const broken = JSON.stringify(saved(), null, 2).replace('"loss": "mse",', '"loss": "mse",,');
  rejects(broken, /json is not valid JSON text: .* \(line 4, column \d+, near ".*mse\\",,.*"\)/);
  rejects("{'format': 1}", /json is not valid JSON text/);
});
