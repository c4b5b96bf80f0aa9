/**
 * Property-based tests (fast-check) over the public API: for arbitrary
 * arguments (right and wrong shapes, NaN, infinities, empty and ragged arrays,
 * wrong types, sizes that would exhaust memory) every call either returns a
 * valid result (finite numbers, the right shapes) or throws an Error whose
 * message names the function and the argument; and a rejected call leaves
 * networks and random generators exactly as they were.
 *
 * The runs are reproducible: fast-check's seed is fixed (set FC_SEED to
 * explore others; a failure prints the seed and the shrunk counterexample).
 * NUM_RUNS keeps the whole file well under a minute on a 2-core machine.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Layer,
  Matrix,
  NetworkJSON,
  NeuralNetwork,
  RandomSource,
  RandomState,
  SeededRandom,
  TrainingHistory,
  accuracy,
  argmaxRow,
  defaultRandom,
  formatDuration,
  formatProgress,
  formatRecord,
  gradientCheck,
  makeMoons,
  meanSquaredError,
  oneHot,
  parseNetworkJSON,
  setSeed,
  sigmoid,
  trainTestSplit,
} from "../src/index";

fc.configureGlobal({ seed: process.env.FC_SEED === undefined ? 20261128 : Number(process.env.FC_SEED), numRuns: 300 });

// --- what a call may do ------------------------------------------------------------

/**
 * Runs `call`: either it returns and `valid` accepts the result, or it throws
 * an Error whose message starts with `fn:` and names one of `args`. Returns
 * whether it threw, so a property can then check that nothing changed.
 */
function returnsOrNamesArgument<T>(fn: string, args: readonly string[], call: () => T, valid: (result: T) => void): boolean {
  let result: T;
  try {
    result = call();
  } catch (e) {
    assert.ok(e instanceof Error, `${fn} threw a non-Error: ${String(e)}`);
    assert.ok(e.message.startsWith(`${fn}: `) || e.message.startsWith(`${fn}.`), `${fn} threw an error that does not name it: ${e.name}: ${e.message}`);
    assert.ok(
      args.some((a) => new RegExp(`\\b${a.replace(/[.$]/g, "\\$&")}\\b`).test(e.message)),
      `${fn}'s error names none of its arguments (${args.join(", ")}): ${e.message}`,
    );
    return true;
  }
  valid(result);
  return false;
}

const allFinite = (values: ArrayLike<number>): boolean => Array.from(values).every(Number.isFinite);

/** How often each value occurs (by identity): equal for an array and any reordering of it. */
const counts = (values: unknown[]): Map<unknown, number> => values.reduce((m: Map<unknown, number>, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<unknown, number>());

function assertMatrix(m: unknown, rows: number, cols: number): asserts m is Matrix {
  assert.ok(m instanceof Matrix);
  assert.deepEqual(m.shape, [rows, cols]);
  assert.ok(allFinite(m.data), "a result holds a non-finite number");
}

// --- arbitraries -------------------------------------------------------------------

/** Numbers at the edges: NaN, infinities, -0, fractions, integers past 2^31, 2^32, 2^53, sizes that would exhaust memory. */
const edgeNumber = fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, -1, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 1e9, 1e15, 1e308, -1e308, Number.MIN_VALUE);
/** Values of the wrong type. */
const wrongType = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
  fc.constantFrom("3", "0.2", "", "NaN"),
  fc.constant(Symbol("s")),
  fc.bigInt({ min: -5n, max: 5n }),
  // Fresh objects each time: a property may edit what it is given.
  fc.constantFrom("object", "array", "array of array", "function", "Float32Array", "Map").map((kind): unknown => {
    if (kind === "object") return {};
    if (kind === "array") return [];
    if (kind === "array of array") return [[]];
    if (kind === "function") return () => 1;
    return kind === "Map" ? new Map() : new Float32Array(2);
  }),
);
/** Any value at all, weighted towards numbers at the edges and wrong types. */
const chaos: fc.Arbitrary<unknown> = fc.oneof(edgeNumber, wrongType, fc.double(), fc.anything({ maxDepth: 2 }));
/** A finite number of everyday size. */
const moderate = fc.double({ min: -10, max: 10, noNaN: true });
/** A number a valid call might get, or anything else. */
const numberOr = (valid: fc.Arbitrary<number>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: chaos, weight: 2 });

/**
 * maxEpochs for train: mostly 0..2, else anything except an integer above 3,
 * which train accepts (up to 1e6) and would run: a long run is not a property to wait for.
 */
const epochsOr = numberOr(fc.integer({ min: 0, max: 2 })).filter((e) => !(typeof e === "number" && Number.isInteger(e) && e > 3));

/** rows x cols of moderate numbers. */
const rowsOf = (rows: number, cols: number, value: fc.Arbitrary<unknown> = moderate): fc.Arbitrary<unknown[][]> =>
  fc.array(fc.array(value, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

/**
 * Something passed where a batch of `width`-wide rows is expected: mostly
 * right, else one bad entry, another width, ragged or empty rows, a Matrix,
 * a flat vector, or anything.
 */
function batchOr(width: number): fc.Arbitrary<unknown> {
  const shaped = fc.integer({ min: 1, max: 5 }).chain((rows) => rowsOf(rows, width));
  return fc.oneof(
    { arbitrary: shaped, weight: 4 },
    { arbitrary: shaped.map((X) => Matrix.from(X as number[][])), weight: 1 },
    {
      arbitrary: fc.tuple(shaped, fc.nat(), fc.nat(), chaos).map(([X, i, j, bad]) => {
        const copy = X.map((r) => r.slice());
        copy[i % copy.length][j % width] = bad;
        return copy;
      }),
      weight: 2,
    },
    { arbitrary: fc.integer({ min: 1, max: 4 }).chain((rows) => rowsOf(rows, width + 1)), weight: 1 },
    { arbitrary: fc.array(fc.array(moderate, { maxLength: 4 }), { maxLength: 4 }), weight: 1 },
    { arbitrary: chaos, weight: 1 },
  );
}

/** Something passed where one sample of `width` numbers is expected. */
function vectorOr(width: number): fc.Arbitrary<unknown> {
  const shaped = fc.array(moderate, { minLength: width, maxLength: width });
  return fc.oneof(
    { arbitrary: shaped, weight: 4 },
    { arbitrary: shaped.map((v) => Float64Array.from(v)), weight: 1 },
    {
      arbitrary: fc.tuple(shaped, fc.nat(), chaos).map(([v, i, bad]) => {
        const copy: unknown[] = v.slice();
        copy[i % width] = bad;
        return copy;
      }),
      weight: 2,
    },
    { arbitrary: fc.array(moderate, { maxLength: 5 }), weight: 1 },
    { arbitrary: chaos, weight: 1 },
  );
}

/** Labels for `n` samples of `nClasses` classes, or something else. */
function labelsOr(n: number, nClasses: number): fc.Arbitrary<unknown> {
  const shaped = fc.array(fc.integer({ min: 0, max: nClasses - 1 }), { minLength: n, maxLength: n });
  return fc.oneof(
    { arbitrary: shaped, weight: 4 },
    { arbitrary: shaped.map((y) => Int32Array.from(y)), weight: 1 },
    {
      arbitrary: fc.tuple(shaped, fc.nat(), chaos).map(([y, i, bad]) => {
        const copy: unknown[] = y.slice();
        if (copy.length > 0) copy[i % copy.length] = bad;
        return copy;
      }),
      weight: 2,
    },
    { arbitrary: fc.array(fc.integer({ min: -1, max: nClasses }), { maxLength: n + 1 }), weight: 1 },
    { arbitrary: chaos, weight: 1 },
  );
}

/**
 * A saved object (toJSON output, as parsed JSON) with up to three random
 * edits: a field removed, a field added (also `__proto__` and `constructor`),
 * a value replaced by anything, or an array shortened or lengthened.
 */
function mutated(saved: () => unknown): fc.Arbitrary<{ json: unknown; edited: boolean }> {
  const edit = fc.record({ path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), kind: fc.nat({ max: 4 }), value: chaos, key: fc.constantFrom("__proto__", "constructor", "extra", "records", "layers", "weights") });
  return fc.array(edit, { maxLength: 3 }).map((edits) => {
    const json = JSON.parse(JSON.stringify(saved())) as unknown;
    let edited = false;
    for (const e of edits) {
      // Walk down `path` (each step picks a field or index modulo the count) to a container.
      let parent: Record<string, unknown> | unknown[] | undefined;
      let key: string | number | undefined;
      let node: unknown = json;
      for (const step of e.path) {
        // Only into what JSON.parse makes (plain objects and arrays), never into an inserted value.
        if (typeof node !== "object" || node === null || !(Array.isArray(node) || Object.getPrototypeOf(node) === Object.prototype)) break;
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        parent = node as Record<string, unknown>;
        key = Array.isArray(node) ? step % node.length : keys[step % keys.length];
        node = (node as Record<string, unknown>)[key];
      }
      if (parent === undefined || key === undefined) continue;
      edited = true;
      if (e.kind === 0) {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key as string];
      } else if (e.kind === 1 && !Array.isArray(parent)) {
        Object.defineProperty(parent, e.key, { value: e.value, enumerable: true, configurable: true, writable: true });
      } else if (e.kind === 2 && Array.isArray(parent)) {
        parent.push(parent[0]);
      } else {
        (parent as Record<string, unknown>)[key as string] = e.value;
      }
    }
    return { json, edited };
  });
}

/** The JSON text of a (mutated) saved object; a bigint, which JSON.stringify refuses, is written as a string. */
const asJSONText = (value: unknown): string => JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? "";

/** Plain JSON value of anything: what `JSON.stringify` then `JSON.parse` make of it. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

// --- generators and networks, before and after --------------------------------------

/** The next draws of a generator, enough to cover MT19937's 624-word state and a cached gaussian. */
function nextDraws(random: RandomSource): number[] {
  const out: number[] = [];
  for (let k = 0; k < 320; k++) out.push(random.random(), random.normal());
  return out;
}

/** Every number a network holds, in order: weights, biases and the per-sample buffers backpropagation uses. */
function networkState(nn: NeuralNetwork): number[] {
  return nn.layers.flatMap((l) => [...l.weights.data, ...l.bias, ...l.lastActivation, ...l.error, ...l.delta]);
}

function assertSameBits(after: number[], before: number[], what: string): void {
  assert.equal(after.length, before.length, `${what} changed size`);
  for (let k = 0; k < before.length; k++) assert.ok(Object.is(after[k], before[k]), `${what} changed at ${k}: ${before[k]} -> ${after[k]}`);
}

/** A 2-3-2 sigmoid network from its own generator (the global one is left alone). */
function smallNetwork(): NeuralNetwork {
  const random = new SeededRandom(11);
  const nn = new NeuralNetwork();
  nn.addLayer(new Layer(2, 3, "sigmoid", undefined, undefined, random));
  nn.addLayer(new Layer(3, 2, "sigmoid", undefined, undefined, random));
  return nn;
}

// --- data and generators ------------------------------------------------------------

test("makeMoons: sklearn-shaped data or a named rejection", () => {
  fc.assert(
    fc.property(numberOr(fc.integer({ min: 2, max: 40 })), numberOr(fc.double({ min: 0, max: 3, noNaN: true })), numberOr(fc.nat()), (n, noise, seed) => {
      returnsOrNamesArgument("makeMoons", ["nSamples", "noise", "randomState"], () => makeMoons(n as number, noise as number, seed as number), ({ X, y }) => {
        const size = n === undefined ? 2000 : (n as number); // undefined is the default argument
        assertMatrix(X, size, 2);
        assert.equal(y.length, size);
        assert.ok(y.every((c) => c === 0 || c === 1));
      });
    }),
  );
});

test("trainTestSplit: a partition of the rows or a named rejection", () => {
  const data = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(fc.constant(n), batchOr(2), labelsOr(n, 3)));
  fc.assert(
    fc.property(data, numberOr(fc.double({ min: 0.01, max: 0.99, noNaN: true })), numberOr(fc.nat()), ([, X, y, ], testSize, seed) => {
      returnsOrNamesArgument("trainTestSplit", ["X", "y", "testSize", "randomState"], () => trainTestSplit(X as number[][], y as number[], testSize as number, seed as number), (split) => {
        const source = Matrix.from(X as number[][]);
        assert.equal(split.XTrain.rows + split.XTest.rows, source.rows);
        assert.ok(split.XTrain.rows >= 1 && split.XTest.rows >= 1);
        assertMatrix(split.XTrain, split.yTrain.length, source.cols);
        assertMatrix(split.XTest, split.yTest.length, source.cols);
        // Every row keeps its label.
        const rows = source.toArray().map((r, i) => JSON.stringify([r, (y as ArrayLike<number>)[i]]));
        const kept = [...split.XTrain.toArray().map((r, i) => [r, split.yTrain[i]]), ...split.XTest.toArray().map((r, i) => [r, split.yTest[i]])];
        assert.deepEqual(kept.map((p) => JSON.stringify(p)).sort(), rows.sort());
      });
    }),
  );
});

test("RandomState: valid draws, or a named rejection that draws nothing", () => {
  const call = fc.oneof(
    fc.tuple(fc.constant("permutation" as const), numberOr(fc.integer({ min: 0, max: 30 }))),
    fc.tuple(fc.constant("interval" as const), numberOr(fc.nat())),
    fc.tuple(fc.constant("shuffle" as const), fc.oneof(fc.array(fc.integer()), fc.constant(new Int32Array([3, 1, 2])), chaos)),
  );
  fc.assert(
    fc.property(fc.nat(), call, (seed, [method, arg]) => {
      const rs = new RandomState(seed);
      const twin = new RandomState(seed);
      const rejected = returnsOrNamesArgument(`RandomState.${method}`, ["n", "max", "x"], () => {
        if (method === "permutation") return Array.from(rs.permutation(arg as number));
        if (method === "interval") return [rs.interval(arg as number)];
        const copy = Array.isArray(arg) ? arg.slice() : arg;
        rs.shuffle(copy as number[]);
        return Array.from(copy as number[]);
      }, (out) => {
        if (method === "permutation") assert.deepEqual(out.slice().sort((a, b) => a - b), Array.from({ length: arg as number }, (_, i) => i));
        if (method === "interval") assert.ok(Number.isInteger(out[0]) && out[0] >= 0 && out[0] <= (arg as number));
        if (method === "shuffle") assert.deepEqual(counts(out), counts(Array.from(arg as ArrayLike<number>)));
      });
      if (rejected) assertSameBits(nextDraws(rs), nextDraws(twin), "the generator");
    }),
  );
  fc.assert(
    fc.property(chaos, (seed) => {
      returnsOrNamesArgument("RandomState", ["seed"], () => new RandomState(seed as number), (rs) => assert.ok(allFinite(nextDraws(rs))));
    }),
  );
});

test("setSeed and SeededRandom: a working generator, or a named rejection that keeps the old one", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), moderate, chaos, fc.constant({ random: () => 0.5, normal: () => 0 })), (seed) => {
      setSeed(7);
      const before = defaultRandom();
      const rejected = returnsOrNamesArgument("setSeed", ["seed"], () => setSeed(seed as number), () => {
        const draws = nextDraws(defaultRandom());
        assert.ok(allFinite(draws));
      });
      if (rejected) {
        assert.equal(defaultRandom(), before);
        assertSameBits(nextDraws(defaultRandom()), nextDraws(new SeededRandom(7)), "the global generator");
      }
      returnsOrNamesArgument("SeededRandom", ["seed"], () => new SeededRandom(seed as number), (g) => assert.ok(nextDraws(g).every((v) => Number.isFinite(v))));
    }),
  );
  setSeed(1);
});

// --- Matrix and metrics -------------------------------------------------------------

test("Matrix: construction and access give checked values or a named rejection", () => {
  fc.assert(
    fc.property(numberOr(fc.integer({ min: 0, max: 6 })), numberOr(fc.integer({ min: 0, max: 6 })), numberOr(fc.integer({ min: -1, max: 6 })), numberOr(moderate), (rows, cols, i, value) => {
      const m = returnsOrNamesArgument("Matrix", ["rows", "cols"], () => new Matrix(rows as number, cols as number), (out) => assertMatrix(out, rows as number, cols as number));
      if (m) return;
      const matrix = new Matrix(rows as number, cols as number);
      returnsOrNamesArgument("Matrix.set", ["i", "j", "value"], () => matrix.set(i as number, i as number, value as number), () => assert.equal(matrix.get(i as number, i as number), value));
      returnsOrNamesArgument("Matrix.get", ["i", "j"], () => matrix.get(i as number, 0), (v) => assert.equal(v, matrix.data[(i as number) * (cols as number)]));
      returnsOrNamesArgument("Matrix.get", ["i", "j"], () => matrix.get(0, i as number), (v) => assert.equal(v, matrix.data[i as number]));
      returnsOrNamesArgument("Matrix.row", ["i"], () => matrix.row(i as number), (row) => assert.ok(row.length === cols && row === matrix.row(i as number)));
      returnsOrNamesArgument("Matrix.selectRows", ["indices"], () => matrix.selectRows([i as number, 0]), (out) => assertMatrix(out, 2, cols as number));
    }),
  );
  fc.assert(
    fc.property(batchOr(3), (input) => {
      returnsOrNamesArgument("Matrix.from", ["input"], () => Matrix.from(input as number[][]), (m) => {
        assert.ok(m.rows >= 1 && m.cols >= 1 && allFinite(m.data));
        if (!(input instanceof Matrix)) assert.deepEqual(m.toArray(), input);
      });
    }),
  );
});

test("metrics: finite results or a named rejection", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(batchOr(2), batchOr(2), labelsOr(n, 2), numberOr(fc.integer({ min: 1, max: 4 })), numberOr(fc.integer({ min: 0, max: 5 })))), ([P, T, y, nClasses, i]) => {
      returnsOrNamesArgument("oneHot", ["labels", "nClasses"], () => oneHot(y as number[], nClasses as number), (m) => {
        assertMatrix(m, (y as unknown[]).length, nClasses as number);
        assert.ok(m.toArray().every((row) => row.filter((v) => v === 1).length === 1 && row.every((v) => v === 0 || v === 1)));
      });
      returnsOrNamesArgument("accuracy", ["predictions", "y"], () => accuracy(P as number[][], y as number[]), (a) => assert.ok(a >= 0 && a <= 1));
      returnsOrNamesArgument("meanSquaredError", ["outputs", "targets"], () => meanSquaredError(P as number[][], T as number[][]), (e) => assert.ok(Number.isFinite(e) && e >= 0));
      const m = P instanceof Matrix ? P : (() => { try { return Matrix.from(P as number[][]); } catch { return P; } })();
      returnsOrNamesArgument("argmaxRow", ["m", "i"], () => argmaxRow(m as Matrix, i as number), (c) => assert.ok(Number.isInteger(c) && c >= 0 && c < (m as Matrix).cols));
    }),
  );
});

// --- saved files --------------------------------------------------------------------

function savedHistory(): unknown {
  const h = new TrainingHistory();
  h.add({ epoch: 0, mse: 0.25, accuracy: 0.5 });
  h.add({ epoch: 10, mse: 0.03, accuracy: 0.97 });
  return h.toJSON();
}

function savedNetwork(): NetworkJSON {
  return smallNetwork().toJSON() as NetworkJSON;
}

/**
 * The saved-file property: `load` either rejects a (possibly edited) saved
 * object or its text, naming `where` and json, or accepts it, and then what it
 * read, written back by `write`, is exactly the input (nothing added, dropped
 * or converted). `check` looks at what was read; no key reaches Object.prototype.
 */
function savedFileProperty<T>(where: string, saved: () => unknown, load: (json: unknown) => T, write: (loaded: T) => unknown, check: (loaded: T) => void = () => undefined): void {
  fc.assert(
    fc.property(mutated(saved), fc.boolean(), ({ json }, asText) => {
      const input = asText ? asJSONText(json) : json;
      returnsOrNamesArgument(where, ["json"], () => load(input), (loaded) => {
        assert.deepEqual(plain(write(loaded)), plain(asText ? JSON.parse(input as string) : json));
        check(loaded);
      });
      assert.deepEqual(Object.keys(Object.prototype), []);
    }),
  );
}

test("TrainingHistory.fromJSON accepts exactly what toJSON writes", () => {
  savedFileProperty("TrainingHistory.fromJSON", savedHistory, (json) => TrainingHistory.fromJSON(json as string), (h) => h.toJSON(), (h) => {
    assert.ok(h.records.every((r) => Number.isFinite(r.mse) && r.accuracy >= 0 && r.accuracy <= 1));
  });
});

test("parseNetworkJSON accepts exactly what toJSON writes", () => {
  savedFileProperty("NeuralNetwork.fromJSON", savedNetwork, (json) => parseNetworkJSON(json, "NeuralNetwork.fromJSON"), (saved) => saved, (saved) => {
    saved.layers.forEach((l, k) => {
      assert.equal(l.weights.length, l.nInput);
      assert.ok(l.weights.every((row) => row.length === l.nNeurons && allFinite(row)));
      assert.ok(l.bias.length === l.nNeurons && allFinite(l.bias));
      if (k > 0) assert.equal(l.nInput, saved.layers[k - 1].nNeurons);
    });
  });
});

// --- formatting -------------------------------------------------------------------

test("formatDuration, formatProgress and formatRecord: a string or a named rejection", () => {
  fc.assert(
    fc.property(numberOr(fc.double({ min: 0, max: 1e5, noNaN: true })), numberOr(fc.integer({ min: 0, max: 20 })), numberOr(fc.integer({ min: 1, max: 20 })), numberOr(fc.integer({ min: 1, max: 40 })), (seconds, done, total, width) => {
      returnsOrNamesArgument("formatDuration", ["seconds"], () => formatDuration(seconds as number), (s) => assert.match(s, /^(\?|\d\d?\.\ds|\d+(\.\d+)?(e\+\d+)?m [0-5]\ds)$/));
      returnsOrNamesArgument("formatProgress", ["done", "total", "elapsedSeconds", "width"], () => formatProgress(done as number, total as number, seconds as number, width as number), (s) => {
        assert.equal(s.indexOf("]"), (width === undefined ? 24 : (width as number)) + 1); // undefined is the default width
      });
      returnsOrNamesArgument("formatRecord", ["record"], () => formatRecord({ epoch: done as number, mse: seconds as number, accuracy: typeof total === "number" ? 1 / total : (total as number) }), (s) => assert.match(s, /^Epoch: #\d+, MSE: (\d+\.\d{6}|\d(\.\d+)?e\+\d+) Accuracy: \d+\.\d\d%$/));
    }),
  );
});

test("gradientCheck: a finite report or a named rejection that leaves the network as it was", () => {
  fc.assert(
    fc.property(vectorOr(2), vectorOr(2), fc.oneof(fc.constant(undefined), fc.record({ order: numberOr(fc.constantFrom(2, 4)), epsilon: numberOr(fc.double({ min: 1e-6, max: 1e-2, noNaN: true })) }, { requiredKeys: [] }), chaos), (x, y, options) => {
      const nn = smallNetwork();
      const before = networkState(nn);
      const rejected = returnsOrNamesArgument("gradientCheck", ["x", "yOneHot", "options", "options.order", "options.epsilon"], () => gradientCheck(nn, x as number[], y as number[], options as object), (r) => {
        assert.ok(r.layers.length === 2 && r.layers.every((l) => Number.isFinite(l.maxRelativeError)));
        assert.equal(typeof r.report(), "string");
      });
      if (rejected) assertSameBits(networkState(nn), before, "the network");
    }),
    { numRuns: 100 },
  );
});

// --- NeuralNetwork and Layer (the lead's files) ---------------------------------------

test("NeuralNetwork.feedForward and predict: finite outputs of the right shape or a named rejection", () => {
  fc.assert(
    fc.property(fc.oneof(vectorOr(2), batchOr(2)), (x) => {
      const nn = smallNetwork();
      const before = networkState(nn);
      const rejected = returnsOrNamesArgument("feedForward", ["x", "X"], () => nn.feedForward(x as number[]), (out: Float64Array | Matrix) => {
        if (out instanceof Float64Array) assert.ok(out.length === 2 && allFinite(out));
        else assertMatrix(out, (x as unknown[]).length ?? (x as Matrix).rows, 2);
      });
      if (rejected) assertSameBits(networkState(nn), before, "the network");
      const rejectedPredict = returnsOrNamesArgument("predict", ["X"], () => nn.predict(x as number[][]), (out) => assert.ok(out.cols === 2 && allFinite(out.data)));
      if (rejected && rejectedPredict) assertSameBits(networkState(nn), before, "the network");
    }),
  );
});

test("NeuralNetwork.backpropagation: finite weights after a step, or a named rejection that changes nothing", () => {
  fc.assert(
    fc.property(vectorOr(2), vectorOr(2), numberOr(fc.double({ min: 1e-4, max: 1, noNaN: true })), (x, y, lr) => {
      const nn = smallNetwork();
      const before = networkState(nn);
      const rejected = returnsOrNamesArgument("backpropagation", ["x", "yOneHot", "learningRate"], () => nn.backpropagation(x as number[], y as number[], lr as number), () => {
        assert.ok(allFinite(networkState(nn)), "a weight or buffer became non-finite");
      });
      if (rejected) assertSameBits(networkState(nn), before, "the network");
    }),
  );
});

test("NeuralNetwork.train: a finite history or a named rejection that changes nothing", () => {
  const options = fc.oneof(
    fc.constant(undefined),
    fc.record({ recordEvery: numberOr(fc.integer({ min: 1, max: 3 })), onRecord: fc.oneof(fc.constant(() => undefined), chaos), onEpoch: fc.oneof(fc.constant(() => undefined), chaos) }, { requiredKeys: [] }),
    chaos,
  );
  const data = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).chain(([nTrain, nTest]) =>
    fc.tuple(batchOr(2), batchOr(2), labelsOr(nTrain, 2), labelsOr(nTest, 2)),
  );
  fc.assert(
    fc.property(data, numberOr(fc.double({ min: 1e-4, max: 1, noNaN: true })), epochsOr, options, ([XTrain, XTest, yTrain, yTest], lr, epochs, opts) => {
      const nn = smallNetwork();
      const before = networkState(nn);
      const rejected = returnsOrNamesArgument(
        "train",
        ["XTrain", "XTest", "yTrain", "yTest", "learningRate", "maxEpochs", "options", "options.recordEvery", "options.onRecord", "options.onEpoch"],
        () => nn.train(XTrain as number[][], XTest as number[][], yTrain as number[], yTest as number[], lr as number, epochs as number, opts as object),
        (history) => {
          assert.ok(history.records.length >= 1);
          assert.ok(history.records.every((r) => Number.isFinite(r.mse) && r.accuracy >= 0 && r.accuracy <= 1));
          assert.ok(allFinite(networkState(nn)), "a weight became non-finite");
        },
      );
      if (rejected) assertSameBits(networkState(nn), before, "the network");
    }),
    { numRuns: 100 },
  );
});

test("NeuralNetwork.train on good data: bad options, rates and epoch counts are named and change nothing", () => {
  const options = fc.oneof(
    fc.record({ recordEvery: numberOr(fc.integer({ min: 1, max: 3 })), onRecord: fc.oneof(fc.constant(() => undefined), chaos), onEpoch: fc.oneof(fc.constant(() => undefined), chaos) }, { requiredKeys: [] }),
    fc.dictionary(fc.constantFrom("recordevery", "every", "__proto__", "epochs"), chaos, { maxKeys: 1 }),
    chaos,
  );
  fc.assert(
    fc.property(numberOr(fc.double({ min: 1e-4, max: 1, noNaN: true })), epochsOr, options, (lr, epochs, opts) => {
      const nn = smallNetwork();
      const before = networkState(nn);
      const X = [[0.1, 0.2], [0.3, -0.1]];
      const rejected = returnsOrNamesArgument(
        "train",
        ["learningRate", "maxEpochs", "options", "options.recordEvery", "options.onRecord", "options.onEpoch"],
        () => nn.train(X, X, [0, 1], [1, 0], lr as number, epochs as number, opts as object),
        (history) => assert.ok(history.records.length >= 1 && allFinite(networkState(nn))),
      );
      if (rejected) assertSameBits(networkState(nn), before, "the network");
    }),
    { numRuns: 100 },
  );
});

test("NeuralNetwork.fromJSON: exactly what toJSON writes, or a named rejection", () => {
  savedFileProperty("NeuralNetwork.fromJSON", savedNetwork, (json) => NeuralNetwork.fromJSON(json as string), (nn) => nn.toJSON());
});

test("Layer: finite weights of the right shape, or a named rejection that draws nothing", () => {
  const activation = fc.oneof(fc.constantFrom("sigmoid", "tanh", "relu", null, undefined, sigmoid), chaos);
  const shape = fc.tuple(numberOr(fc.integer({ min: 1, max: 4 })), numberOr(fc.integer({ min: 1, max: 4 })));
  fc.assert(
    fc.property(shape, activation, fc.nat({ max: 2 }), fc.nat({ max: 2 }), fc.boolean(), chaos, ([nInput, nNeurons], act, weightsMode, biasMode, giveRandom, bad) => {
      const n = typeof nInput === "number" && Number.isInteger(nInput) && nInput > 0 && nInput < 10 ? nInput : 2;
      const m = typeof nNeurons === "number" && Number.isInteger(nNeurons) && nNeurons > 0 && nNeurons < 10 ? nNeurons : 3;
      // Weights and bias: not given (0), given and right (1), or right-shaped with one bad entry (2).
      const weights = weightsMode === 0 ? undefined : Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => (weightsMode === 2 && i === 0 && j === 0 ? bad : 0.1 * (i + j))));
      const bias = biasMode === 0 ? undefined : Array.from({ length: m }, (_, j) => (biasMode === 2 && j === 0 ? bad : 0.01 * j));
      setSeed(5);
      const own = new SeededRandom(6);
      const rejected = returnsOrNamesArgument("Layer", ["nInput", "nNeurons", "activation", "weights", "bias", "random"], () =>
        new Layer(nInput as number, nNeurons as number, act as null, weights as number[][], bias as number[], giveRandom ? own : undefined),
        (layer) => {
          assertMatrix(layer.weights, nInput as number, nNeurons as number);
          assert.ok(layer.bias.length === nNeurons && allFinite(layer.bias));
        },
      );
      if (rejected) {
        assertSameBits(nextDraws(defaultRandom()), nextDraws(new SeededRandom(5)), "the global generator");
        assertSameBits(nextDraws(own), nextDraws(new SeededRandom(6)), "the layer's generator");
      }
    }),
  );
  setSeed(1);
});

/** Activations and 12 weights and biases of any finite size for a 2-2-2 network (built by extremeNetwork). */
const extremeWeights = fc.tuple(
  fc.constantFrom("sigmoid", "tanh", "relu", "none"),
  fc.constantFrom("sigmoid", "tanh", "relu", "none"),
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 12, maxLength: 12 }),
);

function extremeNetwork([hidden, output, w]: [string, string, number[]]): NeuralNetwork {
  const nn = new NeuralNetwork();
  nn.addLayer(new Layer(2, 2, hidden as "sigmoid", [[w[0], w[1]], [w[2], w[3]]], [w[4], w[5]]));
  nn.addLayer(new Layer(2, 2, output as "sigmoid", [[w[6], w[7]], [w[8], w[9]]], [w[10], w[11]]));
  return nn;
}

test("feedForward and train with extreme (finite) weights: finite results or a named rejection", () => {
  fc.assert(
    fc.property(extremeWeights, vectorOr(2), (weights, x) => {
      const nn = extremeNetwork(weights);
      const before = networkState(nn);
      const rejected = returnsOrNamesArgument("feedForward", ["x", "X", "weights"], () => nn.feedForward(x as number[]), (out: Float64Array | Matrix) => {
        assert.ok(allFinite(out instanceof Matrix ? out.data : out), "feedForward returned a non-finite output");
      });
      if (rejected) assertSameBits(networkState(nn), before, "the network");
      const X = [[0.5, -0.5], [1, 1]];
      returnsOrNamesArgument("train", ["learningRate", "XTrain", "weights"], () => extremeNetwork(weights).train(X, X, [0, 1], [1, 0], 0.01, 1), (history) => {
        assert.ok(history.records.every((r) => Number.isFinite(r.mse)));
      });
    }),
    { numRuns: 100 },
  );
});
