import { describe } from "./validate";

/**
 * An activation function f and its derivative. As in the article, the
 * derivative is written in terms of the layer's OUTPUT o = f(z), not z:
 * backpropagation only keeps o, and for sigmoid f'(z) = o (1 - o) is cheaper
 * than recomputing f from z.
 */
export interface Activation {
  readonly name: string;
  /** o = f(z) */
  fn(z: number): number;
  /** f'(z) expressed through o = f(z) */
  derivative(output: number): number;
}

/** sigma(z) = 1 / (1 + e^-z), sigma' = o (1 - o) */
export const sigmoid: Activation = {
  name: "sigmoid",
  fn: (z) => 1 / (1 + Math.exp(-z)),
  derivative: (o) => o * (1 - o),
};

/** tanh(z), tanh' = 1 - o^2 */
export const tanh: Activation = {
  name: "tanh",
  fn: (z) => Math.tanh(z),
  derivative: (o) => 1 - o * o,
};

/** max(z, 0); derivative 1 where o > 0, else 0 (the article picks 0 at the kink) */
export const relu: Activation = {
  name: "relu",
  fn: (z) => (z > 0 ? z : 0),
  derivative: (o) => (o > 0 ? 1 : 0),
};

/** No activation (the article's `activation=None`): o = z, derivative 1. */
export const identity: Activation = {
  name: "none",
  fn: (z) => z,
  derivative: () => 1,
};

export const builtinActivations: Readonly<Record<string, Activation>> = { sigmoid, tanh, relu, none: identity };

export type ActivationName = "sigmoid" | "tanh" | "relu" | "none";
/** A built-in name, `null`/`undefined` for none (as in the article), or your own `{ name, fn, derivative }`. */
export type ActivationLike = ActivationName | Activation | null | undefined;

export function resolveActivation(activation: ActivationLike, where = "resolveActivation"): Activation {
  if (activation === null || activation === undefined) return identity;
  if (typeof activation === "string") {
    const found = Object.prototype.hasOwnProperty.call(builtinActivations, activation) ? builtinActivations[activation] : undefined;
    if (!found) {
      throw new Error(`${where}: activation must be one of ${Object.keys(builtinActivations).map((k) => `"${k}"`).join(", ")} or an object { name, fn, derivative }, got ${describe(activation)}`);
    }
    return found;
  }
  if (typeof activation !== "object" || typeof activation.fn !== "function" || typeof activation.derivative !== "function" || typeof activation.name !== "string") {
    throw new Error(`${where}: activation must be a name or an object { name: string, fn(z), derivative(output) }, got ${describe(activation)}`);
  }
  return activation;
}
