import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Matrix,
  SeededRandom,
  TrainingHistory,
  accuracy,
  argmaxRow,
  defaultRandom,
  formatDuration,
  formatProgress,
  formatRecord,
  meanSquaredError,
  oneHot,
  setSeed,
} from "../src/index";
import { assertRejects } from "./assert-rejects";

// --- TrainingHistory ---------------------------------------------------------------

function history(): TrainingHistory {
  const h = new TrainingHistory();
  h.add({ epoch: 0, mse: 0.25, accuracy: 0.5 });
  h.add({ epoch: 10, mse: 0.0243351, accuracy: 0.9766666666666667 });
  return h;
}

function rejectsHistory(json: unknown, message: RegExp): void {
  assertRejects(() => TrainingHistory.fromJSON(json as string), "TrainingHistory.fromJSON", message);
}

test("TrainingHistory round-trips through toJSON, as text and as an object", () => {
  const h = history();
  assert.deepEqual(TrainingHistory.fromJSON(JSON.stringify(h)).records, h.records);
  assert.deepEqual(TrainingHistory.fromJSON(h.toJSON()).records, h.records);
  assert.deepEqual(TrainingHistory.fromJSON('{"records":[]}').records, []);
  assert.equal(formatRecord(h.records[1]), "Epoch: #10, MSE: 0.024335 Accuracy: 97.67%");
});

test("TrainingHistory.fromJSON accepts nothing but what toJSON writes", () => {
  const text = JSON.stringify(history());
  rejectsHistory({}, /json is missing the field records; expected exactly records/);
  rejectsHistory({ records: [], version: 1 }, /json has an unexpected field "version"; expected exactly records/);
  rejectsHistory({ records: {} }, /json\.records must be an array, got an object/);
  rejectsHistory([], /json must be an object with the fields records, got an array of length 0/);
  rejectsHistory(null, /got null/);
  rejectsHistory({ records: [{ epoch: 0, mse: 0.1 }] }, /json\.records\[0\] is missing the field accuracy; expected exactly epoch, mse, accuracy/);
  rejectsHistory({ records: [{ epoch: 0, mse: 0.1, accuracy: 0.5, loss: 1 }] }, /json\.records\[0\] has an unexpected field "loss"/);
  rejectsHistory({ records: [{ epoch: "0", mse: 0.1, accuracy: 0.5 }] }, /json\.records\[0\]\.epoch must be a finite number, got "0"/);
  rejectsHistory({ records: [{ epoch: 1.5, mse: 0.1, accuracy: 0.5 }] }, /json\.records\[0\]\.epoch must be a non-negative integer, got 1\.5/);
  rejectsHistory({ records: [{ epoch: -1, mse: 0.1, accuracy: 0.5 }] }, /epoch must be a non-negative integer, got -1/);
  rejectsHistory({ records: [{ epoch: 0, mse: NaN, accuracy: 0.5 }] }, /json\.records\[0\]\.mse must be a finite number, got NaN/);
  rejectsHistory({ records: [{ epoch: 0, mse: -0.1, accuracy: 0.5 }] }, /json\.records\[0\]\.mse must be a finite number >= 0, got -0\.1/);
  rejectsHistory({ records: [{ epoch: 0, mse: 0.1, accuracy: 97.5 }] }, /json\.records\[0\]\.accuracy must be a fraction in \[0, 1\], got 97\.5/);
  rejectsHistory({ records: [{ epoch: 0, mse: 0.1, accuracy: Infinity }] }, /accuracy must be a finite number, got Infinity/);
  // NaN saved as text becomes null: refused, not turned into another number.
  rejectsHistory(text.replace("0.25", "null"), /json\.records\[0\]\.mse must be a finite number, got null/);
  rejectsHistory(text.replace('"epoch":10', '"epoch":0'), /json\.records\[1\]\.epoch must come after the previous record's epoch 0, got 0/);
  rejectsHistory('{"records": [', /json is not valid JSON text: .*\(line 1, column 14, near "\{\\"records\\": \["\)/);
});

test("TrainingHistory.fromJSON is not affected by __proto__ keys", () => {
  rejectsHistory('{"records":[],"__proto__":{"records":[1]}}', /json has an unexpected field "__proto__"/);
  rejectsHistory('{"records":[{"epoch":0,"mse":0.1,"accuracy":0.5,"__proto__":{"x":1}}]}', /json\.records\[0\] has an unexpected field "__proto__"/);
  // Fields inherited through a prototype are not the object's own.
  rejectsHistory({ __proto__: { records: [] } }, /json must be an object with the fields records/);
  rejectsHistory(Object.create({ records: [] }), /json must be an object with the fields records/);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test("TrainingHistory.add and formatRecord check the same domain, before changing anything", () => {
  const h = history();
  assert.throws(() => h.add({ epoch: 10, mse: 0.1, accuracy: 0.5 }), /TrainingHistory\.add: record\.epoch must come after the previous record's epoch 10, got 10/);
  assert.throws(() => h.add({ epoch: 20, mse: NaN, accuracy: 0.5 }), /TrainingHistory\.add: record\.mse must be a finite number >= 0, got NaN/);
  assert.throws(() => h.add({ epoch: 20, mse: 0.1, accuracy: -0.5 }), /TrainingHistory\.add: record\.accuracy must be a fraction in \[0, 1\], got -0\.5/);
  assert.throws(() => h.add(null as never), /TrainingHistory\.add: record must be \{ epoch, mse, accuracy \}, got null/);
  assert.equal(h.records.length, 2);
  assert.throws(() => formatRecord({ epoch: 1, mse: Infinity, accuracy: 0.5 }), /formatRecord: record\.mse must be a finite number >= 0, got Infinity/);
  assert.throws(() => formatRecord(undefined as never), /formatRecord: record must be/);
});

// --- progress ----------------------------------------------------------------------

test("formatDuration and formatProgress: results, and the domain of every argument", () => {
  assert.equal(formatDuration(7.25), "7.3s");
  assert.equal(formatDuration(65), "1m 05s");
  assert.equal(formatDuration(NaN), "?");
  assert.equal(formatDuration(59.96), "1m 00s");
  assert.equal(formatDuration(119.7), "2m 00s");
  assert.equal(formatDuration(3725.2), "62m 05s");
  assert.equal(formatProgress(500, 1000, 7.1, 20), "[##########----------]  50% epoch 500/1000  elapsed 7.1s  ETA 7.1s");
  assert.equal(formatProgress(0, 10, 0, 4), "[----]   0% epoch 0/10  elapsed 0.0s  ETA ?");
  assert.throws(() => formatDuration(-1), /formatDuration: seconds must be a number >= 0 \(NaN or Infinity for "unknown"\), got -1/);
  assert.throws(() => formatDuration("5" as never), /formatDuration: seconds .* got "5"/);
  assert.throws(() => formatProgress(11, 10, 1), /formatProgress: done must be an integer in \[0, 10\], got 11/);
  assert.throws(() => formatProgress(1, 0, 1), /formatProgress: total must be an integer in \[1, /);
  assert.throws(() => formatProgress(1, 10, NaN), /formatProgress: elapsedSeconds must be a finite number in \[0, /);
  // A huge bar would be a huge string: refused.
  assert.throws(() => formatProgress(1, 10, 1, 1e9), /formatProgress: width must be an integer in \[1, 1000\], got 1000000000/);
});

// --- metrics -----------------------------------------------------------------------

test("metrics: results, and the domain of every argument", () => {
  assert.deepEqual(oneHot([1, 0], 2).toArray(), [[0, 1], [1, 0]]);
  assert.equal(argmaxRow(Matrix.from([[0.2, 0.8], [0.5, 0.5]]), 1), 0);
  assert.equal(accuracy([[0.2, 0.8], [0.9, 0.1]], [1, 1]), 0.5);
  assert.equal(meanSquaredError([[1, 0]], [[0, 0]]), 0.5);
  assert.throws(() => oneHot([0, 2], 2), /oneHot: labels must hold integer class labels in \[0, 1\] \(one per output neuron\), found 2 at index 1/);
  assert.throws(() => oneHot([0, 1], 0), /oneHot: nClasses must be an integer in \[1, 16777216\], got 0/);
  assert.throws(() => oneHot(new Int32Array(1e6), 1e3), /oneHot: 1000000 one-hot rows of 1000 would hold 1000000000 numbers, more than the limit/);
  assert.throws(() => argmaxRow(Matrix.from([[1, 2]]), 1), /argmaxRow: i must be an integer in \[0, 0\], got 1/);
  assert.throws(() => argmaxRow([[1, 2]] as never, 0), /argmaxRow: m must be a Matrix/);
  assert.throws(() => accuracy([[0.2, 0.8]], [2]), /accuracy: y must hold integer class labels in \[0, 1\] .* found 2 at index 0/);
  assert.throws(() => accuracy([[0.2, 0.8]], [0, 1]), /accuracy: predictions has 1 rows but y has 2 labels/);
  assert.throws(() => accuracy([[NaN, 0.8]], [0]), /accuracy: predictions must contain only finite numbers, found NaN at row 0, column 0/);
  assert.throws(() => accuracy([], []), /accuracy: predictions must be a non-empty array of rows/);
  assert.throws(() => meanSquaredError([[1, 0]], [[0, 0, 0]]), /meanSquaredError: outputs are 1 x 2 but targets are 1 x 3/);
  assert.throws(() => meanSquaredError([[1e200]], [[-1e200]]), /meanSquaredError: the squared differences overflow/);
});

// --- Matrix ------------------------------------------------------------------------

test("Matrix checks sizes, indices and values", () => {
  const m = Matrix.from([[1, 2], [3, 4]]);
  assert.equal(m.get(1, 0), 3);
  assert.throws(() => new Matrix(-1, 2), /Matrix: rows and cols must be non-negative integers, got -1 x 2/);
  assert.throws(() => new Matrix(1e5, 1e5), /Matrix: rows x cols = 100000 x 100000 would hold 10000000000 numbers, more than the limit of 16777216/);
  assert.throws(() => new Matrix(1, 2, [1, 2] as never), /Matrix: data must be a Float64Array, got an array of length 2/);
  assert.throws(() => m.get(2, 0), /Matrix\.get: i must be a row index in \[0, 1\], got 2/);
  assert.throws(() => m.get(0, -1), /Matrix\.get: j must be a column index in \[0, 1\], got -1/);
  assert.throws(() => m.set(0, 0, NaN), /Matrix\.set: value must be a finite number, got NaN/);
  assert.throws(() => m.row(0.5), /Matrix\.row: i must be a row index/);
  assert.throws(() => m.selectRows([0, 2]), /Matrix\.selectRows: indices\[1\] must be a row index in \[0, 1\], got 2/);
  assert.deepEqual(m.toArray(), [[1, 2], [3, 4]]);
  assert.throws(() => Matrix.from([[1, true]] as never), /Matrix\.from: input must contain only finite numbers, found true at row 0, column 1/);
  assert.throws(() => Matrix.from("ab" as never), /Matrix\.from: input must be a non-empty array of rows \(number\[\]\[\]\) or a Matrix, got "ab"/);
  assert.throws(() => Matrix.from([[]]), /Matrix\.from: input\[0\] must be a non-empty array of numbers, got an array of length 0/);
  assert.throws(() => Matrix.from([[1], "2"] as never), /Matrix\.from: input must be rectangular: row 0 has 1 values, row 1 is "2"/);
});

// --- random ------------------------------------------------------------------------

test("setSeed and SeededRandom refuse what is not a seed or a generator, and keep the old generator", () => {
  setSeed(3);
  const before = defaultRandom();
  for (const bad of [null, undefined, NaN, Infinity, true, {}, { random: () => 0.5 }, [1]]) {
    assert.throws(() => setSeed(bad as never), /^Error: setSeed: seed must be /);
    assert.equal(defaultRandom(), before);
  }
  assert.throws(() => new SeededRandom(NaN), /SeededRandom: seed must be a finite number or a string, got NaN/);
  assert.throws(() => new SeededRandom(null as never), /SeededRandom: seed must be a finite number or a string, got null/);
  assert.throws(() => new SeededRandom(Symbol("s") as never), /SeededRandom: seed must be a finite number or a string, got a symbol/);
  // A custom generator with both methods is taken as is.
  const custom = { random: () => 0.5, normal: () => 0 };
  setSeed(custom);
  assert.equal(defaultRandom(), custom);
  setSeed(1);
});
