import { assertElementCount, describe, isList } from "./validate";

/**
 * A dense row-major matrix on one Float64Array: row i is
 * `data[i * cols ... i * cols + cols - 1]`, the layout the hot loops walk.
 * The hot loops read `data` directly; the methods below check their indices.
 */
export class Matrix {
  readonly data: Float64Array;
  /** The views `row` hands out, made on first use (see `row`). */
  private rowViews: (Float64Array | undefined)[] | undefined = undefined;

  constructor(readonly rows: number, readonly cols: number, data?: Float64Array) {
    if (!isCount(rows) || !isCount(cols)) {
      throw new Error(`Matrix: rows and cols must be non-negative integers, got ${describe(rows)} x ${describe(cols)}`);
    }
    assertElementCount(rows * cols, `rows x cols = ${rows} x ${cols}`, "Matrix");
    if (data !== undefined && !(data instanceof Float64Array)) {
      throw new Error(`Matrix: data must be a Float64Array, got ${describe(data)}`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new Error(`Matrix: data must hold rows * cols = ${rows * cols} numbers, got ${data.length}`);
    }
    this.data = data ?? new Float64Array(rows * cols);
  }

  /**
   * W[i][j]. Learners call this in their own delta rules, inside the hot
   * loop: the check builds no message unless an index is out of range.
   */
  get(i: number, j: number): number {
    // (x >>> 0) === x: x is an integer in [0, 2^32), one comparison instead of three
    // (the typeof tests come first because >>> throws on a Symbol; they cost nothing once the JIT has seen numbers)
    if (!(typeof i === "number" && typeof j === "number" && (i >>> 0) === i && i < this.rows && (j >>> 0) === j && j < this.cols)) {
      this.assertIndex(i, j, "Matrix.get");
    }
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.assertIndex(i, j, "Matrix.set");
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`Matrix.set: value must be a finite number, got ${describe(value)}`);
    this.data[i * this.cols + j] = value;
  }

  /**
   * Row i as a view (no copy): writing to it writes to the matrix. The view
   * is made once per row and kept, so a delta rule can take `W.row(j)` for
   * every j of every sample without allocating. Reading `Wj[k]` from a kept
   * row in the inner loop is about twice as fast as `W.get(j, k)`, which
   * re-reads the matrix's fields and checks both indices at every call
   * (README, "Speed").
   */
  row(i: number): Float64Array {
    if (!(typeof i === "number" && (i >>> 0) === i && i < this.rows)) this.assertRow(i, "Matrix.row: i"); // as in get
    const views = (this.rowViews ??= []); // filled as rows are asked for (a matrix may have 0 columns and 2^50 rows)
    return (views[i] ??= this.rowView(i));
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.rowView(i)));
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** Copies `rows` (by index) into a new matrix, like NumPy's `X[indices]`. */
  selectRows(indices: ArrayLike<number>): Matrix {
    if (!isList(indices)) {
      throw new Error(`Matrix.selectRows: indices must be an array of row numbers, got ${describe(indices)}`);
    }
    for (let k = 0; k < indices.length; k++) this.assertRow(indices[k], `Matrix.selectRows: indices[${k}]`);
    const out = new Matrix(indices.length, this.cols);
    for (let k = 0; k < indices.length; k++) out.data.set(this.rowView(indices[k]), k * this.cols);
    return out;
  }

  /**
   * Accepts what a learner types (`number[][]`) or a Matrix; checks it is
   * rectangular, non-empty and holds only finite numbers (no strings, no
   * booleans: nothing is silently converted).
   */
  static from(input: MatrixLike, name = "Matrix.from: input"): Matrix {
    if (input instanceof Matrix) {
      if (input.rows === 0 || input.cols === 0) {
        throw new Error(`${name} must be non-empty, got a ${input.rows} x ${input.cols} matrix`);
      }
      assertFinite(input.data, name);
      return input;
    }
    if (!Array.isArray(input) || input.length === 0) {
      throw new Error(`${name} must be a non-empty array of rows (number[][]) or a Matrix, got ${describe(input)}`);
    }
    const first: unknown = input[0];
    if (!Array.isArray(first) || first.length === 0) throw new Error(`${name}[0] must be a non-empty array of numbers, got ${describe(first)}`);
    const cols = first.length;
    assertElementCount(input.length * cols, `a ${input.length} x ${cols} matrix`, name);
    const m = new Matrix(input.length, cols);
    for (let i = 0; i < input.length; i++) {
      const row: unknown = input[i];
      if (!Array.isArray(row) || row.length !== cols) {
        throw new Error(`${name} must be rectangular: row 0 has ${cols} values, row ${i} is ${describe(row)}`);
      }
      for (let j = 0; j < cols; j++) {
        const v: unknown = row[j];
        if (typeof v !== "number" || !Number.isFinite(v)) {
          throw new Error(`${name} must contain only finite numbers, found ${describe(v)} at row ${i}, column ${j}`);
        }
        m.data[i * cols + j] = v;
      }
    }
    return m;
  }

  /** A fresh view of row i (not kept: for one-off copies of many rows). */
  private rowView(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  private assertIndex(i: number, j: number, where: string): void {
    this.assertRow(i, `${where}: i`);
    if (!Number.isInteger(j) || j < 0 || j >= this.cols) {
      throw new Error(`${where}: j must be a column index in [0, ${this.cols - 1}], got ${describe(j)}`);
    }
  }

  private assertRow(i: unknown, name: string): void {
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= this.rows) {
      throw new Error(`${name} must be a row index in [0, ${this.rows - 1}], got ${describe(i)}`);
    }
  }
}

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 0;
}

export type MatrixLike = Matrix | readonly (readonly number[])[];
export type VectorLike = readonly number[] | Float64Array;

/** A copy of a vector (number[] or Float64Array) as Float64Array, checked to be non-empty and finite. */
export function toVector(input: VectorLike, name: string): Float64Array {
  if (!(input instanceof Float64Array) && !Array.isArray(input)) {
    throw new Error(`${name} must be an array of numbers (number[] or Float64Array), got ${describe(input)}`);
  }
  if (input.length === 0) throw new Error(`${name} must be non-empty`);
  assertElementCount(input.length, "the vector", name);
  assertFinite(input, name);
  return Float64Array.from(input);
}

/** Every entry is a finite number (a string, boolean or hole is an error, not converted). */
export function assertFinite(values: ArrayLike<unknown>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new Error(`${name} must contain only finite numbers, found ${describe(v)} at flat index ${i}`);
    }
  }
}

/** True when `input` is one sample (a flat vector) rather than a batch of rows. */
export function isVector(input: VectorLike | MatrixLike): input is VectorLike {
  return input instanceof Float64Array || (Array.isArray(input) && input.length > 0 && typeof input[0] === "number");
}
