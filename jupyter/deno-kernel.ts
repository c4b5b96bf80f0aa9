/**
 * The kernel "TypeScript on Deno (backprop-moons)": Deno's own Jupyter
 * kernel (`deno jupyter --kernel`, Deno from the npm package), with two
 * things its kernelspec cannot say by itself. The kernelspec written by
 * `npm run kernel` runs
 *
 *     node <repo>/build/jupyter/deno-kernel.js {connection_file}
 *
 * 1. Deno starts at the repository root, whatever folder the notebook is in:
 *    cells import "./src/index" relative to the kernel's working directory
 *    (as on tslab), and Deno finds the project's deno.json there.
 * 2. Its IOPub channel goes through this process, which holds back each
 *    "idle" status until the cell's outputs have stopped arriving. Deno
 *    queues a cell's console output and displays on another task and sends
 *    "idle" 5 ms after the reply, whether or not they are out; Jupyter
 *    frontends and nbconvert take "idle" as the end of the cell's outputs and
 *    drop what comes after it. Measured here (2 shared cores): a figure
 *    carrying plotly.js (4.8 MB) arrived about 0.3 s after "idle", and a
 *    cell printing three lines lost its last ones in 5 of 40 runs.
 *    Deno's own code says so (cli/tools/jupyter/server.rs: "Let's sleep here
 *    for a few ms, so we give a chance to the task that is handling stdout
 *    and stderr streams to receive and flush the content").
 *
 * Everything else (shell, control, stdin, heartbeat) goes straight to Deno.
 * Interrupt: Deno's kernel handles none (its source: "Interrupt request
 * currently not supported"); measured with 2.9.6, the SIGINT Jupyter sends
 * ends it, and Jupyter starts a fresh kernel.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Publisher, Subscriber } from "zeromq";
import { repoRoot } from "../scripts/cli";
import { denoBinary, denoEnv } from "./deno";

/** How long "idle" waits for the cell's output to go quiet (ms); BACKPROP_DENO_IDLE_GRACE_MS overrides. */
export const IDLE_GRACE_MS = 400;

interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  iopub_port: number;
  [key: string]: unknown;
}

function address({ transport, ip }: ConnectionInfo, port: number): string {
  return transport === "ipc" ? `ipc://${ip}-${port}` : `tcp://${ip}:${port}`;
}

/** A port (tcp) or ipc suffix nothing uses, for Deno's own IOPub socket. */
async function freePort(info: ConnectionInfo): Promise<number> {
  if (info.transport === "ipc") {
    for (let port = info.iopub_port + 1; ; port++) if (!existsSync(`${info.ip}-${port}`)) return port;
  }
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, info.ip, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

/** The parts of a Jupyter wire message the relay looks at: [topic..., "<IDS|MSG>", hmac, header, parent, metadata, content, ...]. */
export function describe(frames: Buffer[]): { msgType?: string; parentId?: string; state?: string } {
  const d = frames.findIndex((f) => f.length === 9 && f.toString() === "<IDS|MSG>");
  if (d < 0 || frames.length < d + 6) return {};
  try {
    const msgType = (JSON.parse(frames[d + 2].toString()) as { msg_type?: string }).msg_type;
    const parentId = (JSON.parse(frames[d + 3].toString()) as { msg_id?: string }).msg_id;
    const state = msgType === "status" ? (JSON.parse(frames[d + 5].toString()) as { execution_state?: string }).execution_state : undefined;
    return { msgType, parentId, state };
  } catch {
    return {};
  }
}

/**
 * The ordering rule, apart from sockets and clocks: `forward` sends a
 * message on, `later(fn, ms)` schedules and returns a cancel function. An
 * "idle" is held until `graceMs` pass with no message of the same request;
 * a new "busy" (the next request started) releases every held "idle" first.
 */
export function idleHolder(forward: (frames: Buffer[]) => void, later: (fn: () => void, ms: number) => () => void, graceMs: number) {
  const held = new Map<string, { frames: Buffer[]; cancel: () => void }>();
  const release = (parentId: string): void => {
    const h = held.get(parentId);
    if (!h) return;
    h.cancel();
    held.delete(parentId);
    forward(h.frames);
  };
  const hold = (parentId: string, frames: Buffer[]): void => {
    held.set(parentId, { frames, cancel: later(() => release(parentId), graceMs) });
  };
  return {
    receive(frames: Buffer[]): void {
      const { parentId, state } = describe(frames);
      if (state === "busy") for (const id of [...held.keys()]) release(id);
      if (parentId && state === "idle") return hold(parentId, frames);
      forward(frames);
      const h = parentId ? held.get(parentId) : undefined;
      if (h && parentId) {
        h.cancel(); // output after "idle": the cell is still sending, wait again
        hold(parentId, h.frames);
      }
    },
    flush(): void {
      for (const id of [...held.keys()]) release(id);
    },
  };
}

async function main(): Promise<void> {
  const connectionFile = process.argv[2];
  if (!connectionFile) {
    process.stderr.write("usage: node build/jupyter/deno-kernel.js CONNECTION_FILE\n(Jupyter runs this through the kernelspec that `npm run kernel` writes.)\n");
    process.exit(2);
  }
  const deno = denoBinary();
  if (!deno) {
    process.stderr.write("deno-kernel: no deno binary in node_modules (the devDependency `deno`): run `npm ci` in the repository\n");
    process.exit(1);
  }
  const outer = JSON.parse(readFileSync(resolve(connectionFile), "utf8")) as ConnectionInfo;
  const inner: ConnectionInfo = { ...outer, iopub_port: await freePort(outer) };
  const dir = mkdtempSync(join(tmpdir(), "deno-backprop-"));
  const innerFile = join(dir, "connection.json");
  writeFileSync(innerFile, JSON.stringify(inner), { mode: 0o600 });
  chmodSync(innerFile, 0o600); // it holds the session key

  // High-water marks 0: never drop a message; one send at a time (zeromq 6 rejects overlapping sends).
  const pub = new Publisher({ sendHighWaterMark: 0 });
  await pub.bind(address(outer, outer.iopub_port));
  const sub = new Subscriber({ receiveHighWaterMark: 0 });
  sub.connect(address(inner, inner.iopub_port));
  sub.subscribe();
  let sending = Promise.resolve();
  const forward = (frames: Buffer[]): void => {
    sending = sending
      .then(() => pub.send(frames))
      .catch((e: unknown) => {
        process.stderr.write(`deno-kernel: iopub send failed: ${String(e)}\n`);
      });
  };
  const grace = Number(process.env.BACKPROP_DENO_IDLE_GRACE_MS ?? IDLE_GRACE_MS);
  const holder = idleHolder(forward, (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  }, Number.isFinite(grace) && grace >= 0 ? grace : IDLE_GRACE_MS);

  const child = spawn(deno, ["jupyter", "--kernel", "--conn", innerFile], { cwd: repoRoot, env: denoEnv(), stdio: "inherit" });
  // Jupyter signals the whole process group; a frontend that signals only this process still reaches Deno.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    holder.flush();
    void sending.finally(() => {
      sub.close();
      pub.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(code ?? (signal ? 1 : 0));
    });
  });
  // Copies: a message may wait (held "idle", or queued behind a send) while
  // later ones arrive, and a CI run once saw nbclient reject a relayed
  // message's signature ("Invalid Signature"); own bytes rule out zeromq
  // reusing a received frame's memory under it.
  for await (const frames of sub) holder.receive(frames.map((f) => Buffer.from(f)));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`deno-kernel: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
