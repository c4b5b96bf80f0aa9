/**
 * Where the Deno binary is. The npm package `deno` (a devDependency, so
 * `npm ci` installs it from the npm registry, nothing else) ships it as
 * node_modules/deno/deno, placed there by its postinstall from the platform
 * package @deno/<platform>. Shared by the Deno kernel launcher, the
 * cross-runtime test and the bench.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "./cli";

const exe = process.platform === "win32" ? "deno.exe" : "deno";

/** The platform package the deno package takes its binary from (its install_api.cjs names them the same way). */
function platformPackage(): string {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  return process.platform === "linux" ? `@deno/linux-${arch}-glibc` : `@deno/${process.platform === "win32" ? "win32" : "darwin"}-${arch}`;
}

/** The project's deno binary, or undefined when the deno package is not installed for this platform. */
export function denoBinary(): string | undefined {
  for (const pkg of ["deno", platformPackage()]) {
    let dir: string;
    try {
      dir = dirname(require.resolve(`${pkg}/package.json`, { paths: [repoRoot] }));
    } catch {
      continue;
    }
    if (existsSync(join(dir, exe))) return join(dir, exe);
  }
  return undefined;
}

/**
 * The environment Deno runs in: no background check for a newer Deno (the
 * learner is offline; the version is the one package-lock.json pins) and
 * no interactive permission prompt.
 */
export function denoEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" };
}
