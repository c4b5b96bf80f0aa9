import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, RandomState, makeMoons, trainTestSplit } from "../src/index";
import { readFixture } from "./helpers";

interface MoonsFixture {
  X: number[][];
  y: number[];
  trainIndex: number[];
  testIndex: number[];
  XTrain: number[][];
  XTest: number[][];
  yTrain: number[];
  yTest: number[];
  extraCases: {
    kind: string;
    params: { n_samples?: number; noise?: number; random_state: number; n?: number; test_size?: number };
    X?: number[][];
    y?: number[];
    trainIndex?: number[];
    testIndex?: number[];
  }[];
  randomState: {
    seed: number;
    random_sample: number[];
    standard_normal: number[];
    permutation: number[];
    standard_normal_after: number[];
    raw32: { seed: number; values: number[] };
  };
}

const fixture = readFixture<MoonsFixture>("moons.json");

/** Largest |a - b| over two matrices of the same shape (fails on a shape mismatch). */
function maxAbsDiff(actual: Matrix, expected: number[][]): number {
  assert.deepEqual(actual.shape, [expected.length, expected[0].length]);
  let worst = 0;
  expected.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(actual.get(i, j) - v)))));
  return worst;
}

test("RandomState reproduces NumPy's legacy generator draw for draw", () => {
  const raw = new RandomState(fixture.randomState.raw32.seed);
  assert.deepEqual(fixture.randomState.raw32.values.map(() => raw.nextUint32()), fixture.randomState.raw32.values);

  const rs = new RandomState(fixture.randomState.seed);
  // Doubles are built from integers only, so they must be exact.
  assert.deepEqual(fixture.randomState.random_sample.map(() => rs.random()), fixture.randomState.random_sample);
  // Gaussians go through log and sqrt: allow the last bit.
  for (const expected of fixture.randomState.standard_normal) assert.ok(Math.abs(rs.normal() - expected) <= 1e-15 * Math.abs(expected));
  assert.deepEqual(Array.from(rs.permutation(10)), fixture.randomState.permutation);
  for (const expected of fixture.randomState.standard_normal_after) assert.ok(Math.abs(rs.normal() - expected) <= 1e-15 * Math.abs(expected));
});

test("makeMoons() gives scikit-learn's 2000 points, labels and order", () => {
  const { X, y } = makeMoons();
  assert.ok(maxAbsDiff(X, fixture.X) <= 1e-12, `max |dX| = ${maxAbsDiff(X, fixture.X)}`);
  assert.deepEqual(Array.from(y), fixture.y);
});

test("trainTestSplit() gives scikit-learn's 1400/600 split in the same order", () => {
  const { X, y } = makeMoons();
  const split = trainTestSplit(X, y);
  assert.equal(split.XTrain.rows, 1400);
  assert.equal(split.XTest.rows, 600);
  assert.ok(maxAbsDiff(split.XTrain, fixture.XTrain) <= 1e-12);
  assert.ok(maxAbsDiff(split.XTest, fixture.XTest) <= 1e-12);
  assert.deepEqual(Array.from(split.yTrain), fixture.yTrain);
  assert.deepEqual(Array.from(split.yTest), fixture.yTest);
});

test("every size from 2 to 10, odd sizes, other noise levels and seeds match scikit-learn too", () => {
  const cases = fixture.extraCases.filter((c) => c.kind === "make_moons");
  const sizes = new Set(cases.map((c) => c.params.n_samples));
  for (let n = 2; n <= 10; n++) assert.ok(sizes.has(n), `the fixture has no make_moons case with n_samples = ${n}`);
  for (const c of cases) {
    const { X, y } = makeMoons(c.params.n_samples, c.params.noise, c.params.random_state);
    assert.ok(maxAbsDiff(X, c.X!) <= 1e-12, JSON.stringify(c.params));
    assert.deepEqual(Array.from(y), c.y, JSON.stringify(c.params));
  }
  // The example, written out: make_moons(2, noise=0, random_state=1).
  assert.deepEqual(makeMoons(2, 0, 1).X.toArray(), [[1, 0], [0, 0.5]]);
});

test("trainTestSplit picks scikit-learn's rows for other sizes, fractions and seeds", () => {
  const cases = fixture.extraCases.filter((c) => c.kind === "train_test_split");
  assert.ok(cases.length >= 5);
  for (const c of cases) {
    const n = c.params.n!;
    const ids = Array.from({ length: n }, (_, i) => [i]);
    const split = trainTestSplit(ids, new Array(n).fill(0), c.params.test_size, c.params.random_state);
    const firstColumn = (m: Matrix): number[] => m.toArray().map((row) => row[0]);
    assert.deepEqual(firstColumn(split.XTrain), c.trainIndex, JSON.stringify(c.params));
    assert.deepEqual(firstColumn(split.XTest), c.testIndex, JSON.stringify(c.params));
  }
});

test("trainTestSplit accepts plain arrays and keeps rows with their labels", () => {
  const X = [[0, 0], [1, 1], [2, 2], [3, 3]];
  const split = trainTestSplit(X, [0, 1, 2, 3], 0.5, 0);
  split.XTrain.toArray().forEach((row, i) => assert.equal(row[0], split.yTrain[i]));
  split.XTest.toArray().forEach((row, i) => assert.equal(row[0], split.yTest[i]));
});

test("bad dataset arguments are rejected with the function, the argument and the domain", () => {
  assert.throws(() => makeMoons(1), /^Error: makeMoons: nSamples must be an integer in \[2, 8388608\], got 1$/);
  assert.throws(() => makeMoons(10.5), /makeMoons: nSamples/);
  assert.throws(() => makeMoons(2e9), /makeMoons: nSamples must be an integer in \[2, 8388608\], got 2000000000/);
  assert.throws(() => makeMoons("100" as unknown as number), /makeMoons: nSamples .* got "100"/);
  assert.throws(() => makeMoons(100, -0.1), /makeMoons: noise must be a finite number in \[0, 1000000\], got -0.1/);
  assert.throws(() => makeMoons(100, NaN), /makeMoons: noise .* got NaN/);
  assert.throws(() => makeMoons(100, 1e308), /makeMoons: noise/);
  assert.throws(() => makeMoons(100, 0.2, -1), /makeMoons: randomState must be an integer in \[0, 4294967295\], got -1/);
  assert.throws(() => makeMoons(100, 0.2, 2 ** 32), /makeMoons: randomState/);
  const X = [[0, 0], [1, 1], [2, 2]];
  assert.throws(() => trainTestSplit(X, [0, 1, 0], 0), /trainTestSplit: testSize must be a fraction in \(0, 1\), got 0/);
  assert.throws(() => trainTestSplit(X, [0, 1, 0], 1), /testSize/);
  assert.throws(() => trainTestSplit(X, [0, 1, 0], 1.5), /testSize/);
  assert.throws(() => trainTestSplit(X, [0, 1, 0], "0.3" as unknown as number), /testSize .* got "0.3"/);
  assert.throws(() => trainTestSplit(X, [0, 1, 0], 0.9), /leaves 0 training and 3 test samples/);
  assert.throws(() => trainTestSplit(X, [0, 1, 0], 0.3, 1.5), /trainTestSplit: randomState/);
  assert.throws(() => trainTestSplit(X, [0, 1], 0.3), /same number of samples, got 3 rows and 2 labels/);
  assert.throws(() => trainTestSplit(X, "abc" as unknown as number[], 0.3), /trainTestSplit: y must be an array of class labels, got "abc"/);
  // Labels come back as an Int32Array: 0.5, -1 or 2^31 would come back as other numbers, so they are refused.
  assert.throws(() => trainTestSplit(X, [0, 0.5, 1], 0.3), /trainTestSplit: y must hold integer class labels .* found 0.5 at index 1/);
  assert.throws(() => trainTestSplit(X, [0, -1, 1], 0.3), /found -1 at index 1/);
  assert.throws(() => trainTestSplit(X, [0, 2 ** 31, 1], 0.3), /found 2147483648 at index 1/);
  assert.throws(() => trainTestSplit(X, [0, "1", 1] as unknown as number[], 0.3), /found "1" at index 1/);
  assert.throws(() => trainTestSplit([], [], 0.3), /trainTestSplit: X must be a non-empty/);
  assert.throws(() => trainTestSplit([[0, 1], [NaN, 2]], [0, 1], 0.5), /trainTestSplit: X must contain only finite numbers, found NaN at row 1, column 0/);
  assert.throws(() => trainTestSplit([[0, 1], ["2", 2]] as unknown as number[][], [0, 1], 0.5), /found "2" at row 1, column 0/);
  assert.throws(() => trainTestSplit([[0, 1], [1]], [0, 1], 0.5), /rectangular/);
  assert.throws(() => new RandomState(-3), /RandomState: seed must be an integer/);
});

test("RandomState's public methods check their arguments before drawing", () => {
  const rs = new RandomState(3);
  const twin = new RandomState(3);
  assert.throws(() => rs.permutation(-1), /RandomState.permutation: n must be an integer in \[0, 16777216\], got -1/);
  assert.throws(() => rs.permutation(2 ** 31), /RandomState.permutation: n/);
  assert.throws(() => rs.interval(1.5), /RandomState.interval: max/);
  assert.throws(() => rs.interval(2 ** 32), /RandomState.interval: max/);
  assert.throws(() => rs.shuffle("abc" as unknown as number[]), /RandomState.shuffle: x must be an array/);
  // Nothing was drawn: both generators give the same next numbers.
  assert.deepEqual([rs.nextUint32(), rs.random(), rs.normal()], [twin.nextUint32(), twin.random(), twin.normal()]);
});
