/**
 * What every tool of the repository shares (the command-line tools in
 * scripts/, the Jupyter tooling in jupyter/, the benchmarks in bench/): where
 * the repository is, and one way to read
 * flags, Node's own util.parseArgs, so `--flag value`, `--flag=value`,
 * unknown flags and missing values behave the same in every tool, and a bad
 * command line always ends the same way: a message naming the flag, the
 * usage, exit code 2.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";

/**
 * The repository root: the nearest folder above this file that holds
 * package.json (tools run compiled from build/tools/shared/, or from source
 * under a TypeScript runner, at another depth).
 */
export const repoRoot = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`repoRoot: no package.json in ${start} or any folder above it`);
  }
}

export class UsageError extends Error {}

type Spec = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Parses `argv` strictly (unknown flags and stray arguments are errors). */
export function parseFlags<S extends Spec>(argv: string[], spec: S, program: string): { [K in keyof S]?: S[K]["type"] extends "boolean" ? boolean : string } {
  try {
    return parseArgs({ args: argv, options: spec, strict: true, allowPositionals: false }).values as { [K in keyof S]?: S[K]["type"] extends "boolean" ? boolean : string };
  } catch (e) {
    throw new UsageError(`${program}: ${(e as Error).message}`);
  }
}

/** An integer flag's value, or `fallback` when the flag is absent. */
export function intFlag(value: string | undefined, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** A positive number flag's value (e.g. a learning rate). */
export function positiveFlag(value: string, name: string): number {
  const x = Number(value);
  if (value.trim() === "" || !Number.isFinite(x) || x <= 0) throw new UsageError(`--${name} must be a finite number > 0, got "${value}"`);
  return x;
}

/** "0-9", "1,3,5" or "2": the integers listed (ranges inclusive), at most `max` of them. */
export function integerList(value: string, name: string, max = 1000): number[] {
  const out: number[] = [];
  for (const part of value.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UsageError(`--${name} must be integers and ranges like 0-9 or 1,3,5, got "${value}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UsageError(`--${name}: range ${part.trim()} goes backwards`);
    if (out.length + (to - from + 1) > max) throw new UsageError(`--${name} lists more than ${max} values`);
    for (let s = from; s <= to; s++) out.push(s);
  }
  return out;
}

/** Runs `main`; a UsageError prints its message and the usage and exits 2, anything else exits 1. */
export function runCli(program: string, usage: string, main: () => Promise<number | void> | number | void): void {
  const fail = (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message.startsWith(program) ? "" : program + ": "}${e.message}\n\n${usage}\n`);
      process.exit(2);
    }
    process.stderr.write(`${program}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  };
  try {
    Promise.resolve(main()).then((code) => process.exit(code ?? 0), fail);
  } catch (e) {
    fail(e);
  }
}

/**
 * Parses process.argv with util.parseArgs (strict: unknown flags are
 * errors). `--help`/`-h` prints `usage` and exits 0; a bad command line
 * prints `<command>: <why>` and the usage and exits 2.
 */
export function parseCommandLine<T extends ParseArgsConfig>(command: string, usage: string, config: T, argv: string[] = process.argv.slice(2)): ReturnType<typeof parseArgs<T>> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs<T>({ ...config, args: argv, strict: true });
  } catch (e) {
    console.error(`${command}: ${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

/** A flag's text as a number that passes `valid`, or an Error naming the flag. */
export function numberFlag(flag: string, text: string | undefined, fallback: number, valid: (x: number) => boolean, expected: string): number {
  if (text === undefined) return fallback;
  const x = Number(text);
  if (text.trim() === "" || !valid(x)) throw new Error(`--${flag} must be ${expected}, got ${JSON.stringify(text)}`);
  return x;
}
