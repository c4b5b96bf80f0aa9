/**
 * The learner's TypeScript turned into delta rules the network can call.
 * Sucrase strips the types (it keeps every line where it was, so an error's
 * line in the compiled code is its line in the editor); the result runs
 * through an indirect eval named learner.ts, so a runtime error's stack
 * points at that file, line and column.
 */
import { transform } from "sucrase";
import type { DeltaRules } from "../../src/core/delta-rules";
import type { TrainingStep } from "../../src/core/network";
import type { CodeError } from "./protocol";

export const LEARNER_FILE = "learner.ts";

/** A failure to report at a place in the learner's code. */
export class LearnerCodeError extends Error {
  constructor(readonly error: CodeError) {
    super(error.message);
  }
}

/** The first frame of `stack` in the learner's code: its line and column. */
export function learnerFrame(stack: string | undefined): { line: number; column: number } | undefined {
  const m = new RegExp(`${LEARNER_FILE.replace(".", "\\.")}:(\\d+):(\\d+)`).exec(stack ?? "");
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

/** A thrown value as a CodeError, placed at the learner's line when its stack passes through the learner's code. */
export function runtimeError(e: unknown): CodeError {
  if (e instanceof LearnerCodeError) return e.error;
  const err = e instanceof Error ? e : new Error(String(e));
  const at = learnerFrame(err.stack);
  return { phase: "runtime", message: `${err.name}: ${err.message}`, ...(at ?? {}) };
}

/** The learner's TypeScript as JavaScript evaluated in a function returning `names`' values (undefined where not defined). Throws a LearnerCodeError. */
function evaluate(code: string, names: readonly string[], where: string): Record<string, unknown> {
  if (typeof code !== "string") throw new LearnerCodeError({ phase: "definition", message: `${where}: code must be a string, got ${typeof code}` });
  let js: string;
  try {
    js = transform(code, { transforms: ["typescript"], disableESTransforms: true }).code;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const message = (e as Error).message.replace(/\s*\(\d+:\d+\)$/, "");
    throw new LearnerCodeError({ phase: "syntax", message: `SyntaxError: ${message}`, ...(loc ? { line: loc.line, column: loc.column + 1 } : {}) });
  }
  // Line 1 of the learner's code stays on line 1: the wrapper's head has no newline.
  const returned = names.map((n) => `${JSON.stringify(n)}: typeof ${n} === "undefined" ? undefined : ${n}`).join(", ");
  const source = `(function () { "use strict"; ${js}\n;return { ${returned} };\n})\n//# sourceURL=${LEARNER_FILE}`;
  let factory: () => Record<string, unknown>;
  try {
    factory = (0, eval)(source) as () => Record<string, unknown>;
  } catch (e) {
    throw new LearnerCodeError({ phase: "syntax", message: `${(e as Error).name}: ${(e as Error).message}` });
  }
  try {
    return factory();
  } catch (e) {
    throw new LearnerCodeError(runtimeError(e));
  }
}

/**
 * Compiles `code`, which must define `myOutputDelta` and `myHiddenDelta`
 * (as in notebook 04), and returns them. Throws a LearnerCodeError.
 */
export function compileRules(code: string): DeltaRules {
  const found = evaluate(code, ["myOutputDelta", "myHiddenDelta"], "compileRules");
  for (const name of ["myOutputDelta", "myHiddenDelta"] as const) {
    if (typeof found[name] !== "function") {
      throw new LearnerCodeError({ phase: "definition", message: `Define ${name} as a function: const ${name}: ${name === "myOutputDelta" ? "OutputDeltaRule = (layer, y) => { ... }" : "HiddenDeltaRule = (layer, next) => { ... }"} (got ${typeof found[name]})` });
    }
  }
  return { output: found.myOutputDelta as DeltaRules["output"], hidden: found.myHiddenDelta as DeltaRules["hidden"] };
}

/**
 * Compiles `code`, which must define `backpropagationStep(layers, x, y, lr)`
 * (notebook 03's whole step: forward pass, deltas, update), and returns it.
 * Throws a LearnerCodeError.
 */
export function compileStep(code: string): TrainingStep {
  const step = evaluate(code, ["backpropagationStep"], "compileStep").backpropagationStep;
  if (typeof step !== "function") {
    throw new LearnerCodeError({ phase: "definition", message: `Define backpropagationStep as a function: function backpropagationStep(layers: readonly Layer[], x: Float64Array, y: Float64Array, lr: number) { ... } (got ${typeof step})` });
  }
  if (step.length !== 4) {
    throw new LearnerCodeError({ phase: "definition", message: `backpropagationStep must take the 4 arguments (layers, x, y, lr); yours takes ${step.length}` });
  }
  return step as TrainingStep;
}
