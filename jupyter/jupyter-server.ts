/**
 * A Jupyter server of the UI tests' own (the classic Notebook for
 * ui-test.ts, the JupyterLab page for lab-ui-test.ts): started on 127.0.0.1
 * with the project kernelspec and its config, data and runtime folders under
 * `out` (nothing of the user's Jupyter is read or written), its log in
 * `out/server.log`; and the REST call that ends a notebook's session.
 */
import { ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../tools/shared/cli";

/** Starts `command args` (plus --allow-root as root) and waits until /api/status answers with `token`. */
export async function startJupyterServer(what: string, command: string, args: string[], out: string, port: number, token: string): Promise<ChildProcess> {
  const env = {
    ...process.env,
    JUPYTER_PATH: join(repoRoot, "jupyter"), // the project kernelspec, as the README says
    JUPYTER_CONFIG_DIR: join(out, "jupyter-config"),
    JUPYTER_DATA_DIR: join(out, "jupyter-data"),
    JUPYTER_RUNTIME_DIR: join(out, "jupyter-runtime"),
  };
  const log = createWriteStream(join(out, "server.log"));
  const server = spawn(command, [...args, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])], { env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.pipe(log);
  server.stderr!.pipe(log);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`${what} exited with ${server.exitCode}; see ${join(out, "server.log")}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/status?token=${token}`)).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer on port ${port} within 60 s; see ${join(out, "server.log")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What Kernel > Shutdown (and the Running tab's Shutdown) does: ends the notebook's sessions, which shuts their kernels down. */
export async function shutDownSessions(port: number, token: string, path: string): Promise<void> {
  const api = `http://127.0.0.1:${port}/api/sessions`;
  const sessions = (await (await fetch(`${api}?token=${token}`)).json()) as { id: string; path: string }[];
  for (const s of sessions.filter((s) => s.path === path)) {
    const res = await fetch(`${api}/${s.id}?token=${token}`, { method: "DELETE" });
    if (!res.ok) throw new Error(`shutting down the session of ${path}: HTTP ${res.status}`);
  }
}
