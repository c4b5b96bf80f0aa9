/**
 * What every command-line tool of the repository shares: where the
 * repository is, and one way to read flags (Node's own util.parseArgs, so
 * `--flag value`, `--flag=value`, unknown flags and missing values behave
 * the same in every tool).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";

/** The repository root. Tools run compiled from build/<folder>/, two levels below it. */
export const repoRoot = resolve(__dirname, "..", "..");

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
