/**
 * A dense row-major matrix on one Float64Array: row i is
 * `data[i * cols ... i * cols + cols - 1]`, the layout the hot loops walk.
 */
export class Matrix {
  readonly data: Float64Array;

  constructor(readonly rows: number, readonly cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new Error(`Matrix: rows and cols must be non-negative integers, got ${rows} x ${cols}`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new Error(`Matrix: data must hold rows * cols = ${rows * cols} numbers, got ${data.length}`);
    }
    this.data = data ?? new Float64Array(rows * cols);
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** Row i as a view (no copy). */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** Copies `rows` (by index) into a new matrix, like NumPy's `X[indices]`. */
  selectRows(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(indices.length, this.cols);
    for (let k = 0; k < indices.length; k++) out.data.set(this.row(indices[k]), k * this.cols);
    return out;
  }

  /** Accepts what a learner types (`number[][]`) or a Matrix; checks it is rectangular, finite and non-empty. */
  static from(input: MatrixLike, name: string): Matrix {
    if (input instanceof Matrix) {
      assertFinite(input.data, name);
      if (input.rows === 0 || input.cols === 0) {
        throw new Error(`${name} must be non-empty, got a ${input.rows} x ${input.cols} matrix`);
      }
      return input;
    }
    if (!Array.isArray(input) || input.length === 0) {
      throw new Error(`${name} must be a non-empty array of rows (number[][]) or a Matrix`);
    }
    const cols = Array.isArray(input[0]) ? input[0].length : -1;
    if (cols <= 0) throw new Error(`${name}[0] must be a non-empty array of numbers`);
    const m = new Matrix(input.length, cols);
    for (let i = 0; i < input.length; i++) {
      const row = input[i];
      if (!Array.isArray(row) || row.length !== cols) {
        throw new Error(`${name} must be rectangular: row 0 has ${cols} values, row ${i} has ${Array.isArray(row) ? row.length : "none"}`);
      }
      for (let j = 0; j < cols; j++) m.data[i * cols + j] = row[j];
    }
    assertFinite(m.data, name);
    return m;
  }
}

export type MatrixLike = Matrix | readonly (readonly number[])[];
export type VectorLike = readonly number[] | Float64Array;

/** A copy of a vector as Float64Array, checked to be non-empty and finite. */
export function toVector(input: VectorLike, name: string): Float64Array {
  if (!(input instanceof Float64Array) && !Array.isArray(input)) {
    throw new Error(`${name} must be an array of numbers`);
  }
  if (input.length === 0) throw new Error(`${name} must be non-empty`);
  const v = Float64Array.from(input);
  assertFinite(v, name);
  return v;
}

export function assertFinite(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`${name} must contain only finite numbers, found ${values[i]} at flat index ${i}`);
    }
  }
}

/** True when `input` is one sample (a flat vector) rather than a batch of rows. */
export function isVector(input: VectorLike | MatrixLike): input is VectorLike {
  return input instanceof Float64Array || (Array.isArray(input) && input.length > 0 && typeof input[0] === "number");
}
