/**
 * The three products backpropagation is made of, the TypeScript stand-ins for
 * the article's `np.dot` calls. Everything else in the step (activations,
 * delta rules, the loss) is element by element and reads as its formula;
 * these three loops are where the time goes, so they are written for speed:
 *
 *   vecMat:   z_j    = sum_i o_i W_ij        (forward pass: o W)
 *   matVec:   e_j    = sum_k W_jk delta_k    (hidden error: W delta)
 *   addOuter: W_ij  += delta_j * o_i * lr    (weight update: o^T delta, times lr)
 *
 * W is row-major, nRows x nCols (a layer's nInput x nNeurons). Each output
 * is summed in index order (i = 0, 1, ... or k = 0, 1, ...) starting from 0,
 * exactly as a plain loop and NumPy's dot for these sizes do, so results are
 * bit-identical to the one-line loops in the comments. The speed comes from
 * working on several outputs at once: their sums are independent chains of
 * additions the CPU overlaps, and each loaded value is used several times.
 * Measured gains are in the README ("Speed").
 */

/**
 * z_j = sum_i o_i W_ij for j < nCols, o read from `o[oOffset ..]`, written to
 * `z[zOffset ..]`. Plain loop: for j { z = 0; for i: z += o[i] * W[i][j] }.
 * Eight columns at a time (then one), the running sums in locals.
 */
export function vecMat(o: Float64Array, oOffset: number, W: Float64Array, nRows: number, nCols: number, z: Float64Array, zOffset: number): void {
  let j = 0;
  for (; j + 8 <= nCols; j += 8) {
    let z0 = 0, z1 = 0, z2 = 0, z3 = 0, z4 = 0, z5 = 0, z6 = 0, z7 = 0;
    for (let i = 0, w = j; i < nRows; i++, w += nCols) {
      const oi = o[oOffset + i];
      z0 += oi * W[w];
      z1 += oi * W[w + 1];
      z2 += oi * W[w + 2];
      z3 += oi * W[w + 3];
      z4 += oi * W[w + 4];
      z5 += oi * W[w + 5];
      z6 += oi * W[w + 6];
      z7 += oi * W[w + 7];
    }
    z[zOffset + j] = z0;
    z[zOffset + j + 1] = z1;
    z[zOffset + j + 2] = z2;
    z[zOffset + j + 3] = z3;
    z[zOffset + j + 4] = z4;
    z[zOffset + j + 5] = z5;
    z[zOffset + j + 6] = z6;
    z[zOffset + j + 7] = z7;
  }
  for (; j < nCols; j++) {
    let zj = 0;
    for (let i = 0, w = j; i < nRows; i++, w += nCols) zj += o[oOffset + i] * W[w];
    z[zOffset + j] = zj;
  }
}

/**
 * e_j = sum_k W_jk v_k for j < nRows (v has nCols values).
 * Plain loop: for j { e = 0; for k: e += W[j][k] * v[k] }.
 * Four rows at a time (then one), each row's sum in a local.
 */
export function matVec(W: Float64Array, nRows: number, nCols: number, v: Float64Array, e: Float64Array): void {
  let j = 0;
  for (; j + 4 <= nRows; j += 4) {
    const r0 = j * nCols, r1 = r0 + nCols, r2 = r1 + nCols, r3 = r2 + nCols;
    let e0 = 0, e1 = 0, e2 = 0, e3 = 0;
    for (let k = 0; k < nCols; k++) {
      const vk = v[k];
      e0 += W[r0 + k] * vk;
      e1 += W[r1 + k] * vk;
      e2 += W[r2 + k] * vk;
      e3 += W[r3 + k] * vk;
    }
    e[j] = e0;
    e[j + 1] = e1;
    e[j + 2] = e2;
    e[j + 3] = e3;
  }
  for (; j < nRows; j++) {
    const r = j * nCols;
    let ej = 0;
    for (let k = 0; k < nCols; k++) ej += W[r + k] * v[k];
    e[j] = ej;
  }
}

/**
 * W_ij += delta_j * o_i * lr for i < nRows, j < nCols, o read from `o[oOffset ..]`.
 * Plain loop: for i { for j: W[i][j] += delta[j] * o[i] * lr }.
 * Four rows at a time (then one): each delta_j is loaded once for four rows.
 * The product is formed as (delta_j * o_i) * lr, the article's order.
 */
export function addOuter(W: Float64Array, nRows: number, nCols: number, o: Float64Array, oOffset: number, delta: Float64Array, lr: number): void {
  let i = 0;
  for (; i + 4 <= nRows; i += 4) {
    const o0 = o[oOffset + i], o1 = o[oOffset + i + 1], o2 = o[oOffset + i + 2], o3 = o[oOffset + i + 3];
    const r0 = i * nCols, r1 = r0 + nCols, r2 = r1 + nCols, r3 = r2 + nCols;
    for (let j = 0; j < nCols; j++) {
      const dj = delta[j];
      W[r0 + j] += dj * o0 * lr;
      W[r1 + j] += dj * o1 * lr;
      W[r2 + j] += dj * o2 * lr;
      W[r3 + j] += dj * o3 * lr;
    }
  }
  for (; i < nRows; i++) {
    const oi = o[oOffset + i];
    const r = i * nCols;
    for (let j = 0; j < nCols; j++) W[r + j] += delta[j] * oi * lr;
  }
}
