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
 * 3. It reads Deno's IOPub as raw ZMTP over TCP and takes apart messages
 *    that Deno wrote into each other. Deno 2.9.6's kernel is JavaScript
 *    (ext:cli/40_jupyter.js inside the binary): its PubSocket writes a message
 *    with `await conn.write(rest)` until all of it is out, and two tasks
 *    publish with no lock between them, the output drainer (stream,
 *    display_data) and the shell handler (status busy/idle, execute_input,
 *    error). When a large message needs more than one write (the 4.8 MB
 *    plotly.js figure always does), a status written meanwhile lands inside
 *    it. A ZMTP library then cuts the stream at the declared frame lengths:
 *    the large message ends in the status's bytes (nbclient: "Invalid
 *    Signature") and its real tail is misread as further frames. Seen here on
 *    about 1 in 10 kernels that show such a figure, on any subscriber; with
 *    one reading 64 kB per 2 ms and a 20 MB display, every time, on Deno
 *    alone. Cut apart, both messages pass their signature checks.
 *
 * Everything else (shell, control, stdin, heartbeat) goes straight to Deno.
 * Interrupt: Deno's kernel handles none (its source: "Interrupt request
 * currently not supported"); measured with 2.9.6, the SIGINT Jupyter sends
 * ends it, and Jupyter starts a fresh kernel.
 */
import { spawn } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Publisher } from "zeromq";
import { repoRoot } from "../tools/shared/cli";
import { denoBinary, denoEnv } from "../tools/shared/deno";

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

/** How each of Deno's IOPub messages starts on the wire: a ZMTP frame header (more, 9 bytes) and "<IDS|MSG>" (Deno sends no topic). JSON frames cannot hold the bytes 0x01 0x09. */
const MESSAGE_START = Buffer.from("\x01\x09<IDS|MSG>", "latin1");

/**
 * The ZMTP message at `pos` in Deno's byte stream: its frames and end, or,
 * when `buf` stops first, how far it certainly reaches; `bad` when the bytes
 * are not shaped like Deno's messages (delimiter, 64-hex signature or none,
 * then four JSON objects), which happens when another message's bytes sit in
 * its frame headers.
 */
export function parseMessage(buf: Buffer, pos: number): { frames?: Buffer[]; reach: number; bad?: boolean } {
  const frames: Buffer[] = [];
  for (let p = pos; ; ) {
    if (p >= buf.length) return { reach: p + 1 };
    const flags = buf[p];
    const head = flags & 0x02 ? 9 : 2;
    if (p + head > buf.length) return { reach: p + head };
    // `reach` of a bad message: just past the byte that showed it, so that
    // whatever was written into it starts before that.
    if (flags & ~0x03 || (head === 9 && buf.readUInt32BE(p + 1) !== 0)) return { reach: p + head, bad: true }; // Deno writes 32-bit sizes
    const size = head === 9 ? buf.readUInt32BE(p + 5) : buf[p + 1];
    const k = frames.length;
    if ((k === 0 && size !== 9) || (k === 1 && size !== 64 && size !== 0) || (k >= 2 && k <= 5 && size === 0)) return { reach: p + head, bad: true };
    if (k >= 2 && k <= 5 && p + head < buf.length && buf[p + head] !== 0x7b) return { reach: p + head + 1, bad: true }; // JSON object
    const end = p + head + size;
    if (end > buf.length) return { reach: end };
    frames.push(buf.subarray(p + head, end));
    p = end;
    if (!(flags & 0x01)) return frames.length >= 6 ? { frames, reach: p } : { reach: p, bad: true };
  }
}

/**
 * Turns Deno's IOPub byte stream back into messages, each checked against
 * its HMAC-SHA256 (the connection file's key, over header, parent header,
 * metadata and content). A message start inside a message's extent is
 * another message Deno wrote while this one was half out: when it is whole
 * and its signature holds, it is cut out and sent after the one it
 * interrupted (which started first), and the rest is read again. What still
 * fails its signature is dropped with a line on stderr: forwarded, nbclient
 * would stop the whole notebook on it.
 */
export function iopubReader(key: string, emit: (frames: Buffer[]) => void, warn: (line: string) => void) {
  const signed = (f: Buffer[]): boolean => {
    if (!key) return true;
    const mac = createHmac("sha256", key);
    for (const part of f.slice(2, 6)) mac.update(part);
    const digest = Buffer.from(mac.digest("hex"));
    return f[1].length === digest.length && timingSafeEqual(f[1], digest);
  };
  let buf = Buffer.alloc(0);
  let chunks: Buffer[] = [];
  let queued = 0;
  let need = 0; // bytes wanted before parsing again (a 5 MB message arrives in many chunks)
  let interrupters: Buffer[][] = [];
  // Ends the message at the start of `buf` (sent when `frames` is given) and sends the ones cut out of it.
  const done = (frames: Buffer[] | undefined, next: number): void => {
    if (frames) emit(frames);
    for (const f of interrupters) emit(f);
    interrupters = [];
    buf = buf.subarray(next);
  };
  const drain = (): void => {
    for (;;) {
      const n = MESSAGE_START.length;
      if (buf.length < n) return void (need = n);
      const q = buf.indexOf(MESSAGE_START, 1);
      const inStart = q > 0 && q < n; // written into this message's very first bytes
      if (!buf.subarray(0, inStart ? q : n).equals(MESSAGE_START.subarray(0, inStart ? q : n))) {
        // Only after a message that could not be mended: skip to the next start.
        warn(`deno-kernel: iopub: skipped ${q < 0 ? buf.length : q} bytes that start no message`);
        done(undefined, q < 0 ? buf.length : q);
        continue;
      }
      const m: { frames?: Buffer[]; reach: number; bad?: boolean } = inStart ? { reach: Infinity } : parseMessage(buf, 0);
      if (q > 0 && q < m.reach) {
        const b = parseMessage(buf, q);
        if (!b.frames && !b.bad) return void (need = b.reach);
        const rest = Buffer.concat([buf.subarray(0, q), buf.subarray(b.reach)]);
        // The bound: Deno's shell task sends a few messages per cell; bytes
        // misread as a huge message must not hold back everything after them.
        if (b.frames && signed(b.frames) && interrupters.length < 64 && (!inStart || rest.subarray(0, n).equals(MESSAGE_START))) {
          interrupters.push(b.frames);
          buf = rest;
          continue;
        }
        warn(`deno-kernel: iopub: dropped a message that another one was written into ${q} bytes in, not in one piece`);
        done(undefined, q);
        continue;
      }
      if (!m.frames) {
        if (!m.bad) return void (need = m.reach);
        warn("deno-kernel: iopub: dropped bytes not shaped like a Jupyter message");
        done(undefined, 1);
        continue;
      }
      const ok = signed(m.frames);
      if (!ok) warn(`deno-kernel: iopub: dropped a ${m.reach}-byte message whose signature does not match`);
      done(ok ? m.frames : undefined, m.reach);
    }
  };
  return {
    push(chunk: Buffer): void {
      chunks.push(chunk);
      queued += chunk.length;
      if (buf.length + queued < need) return;
      buf = Buffer.concat([buf, ...chunks]);
      chunks = [];
      queued = 0;
      need = 0;
      drain();
    },
  };
}

/** The first bytes a ZMTP 3.0 SUB sends to Deno's PUB: greeting (NULL mechanism), READY command (Socket-Type SUB), a subscription to everything. */
export function subscriberHello(): Buffer {
  const greeting = Buffer.alloc(64);
  greeting[0] = 0xff;
  greeting[9] = 0x7f;
  greeting[10] = 3;
  greeting.write("NULL", 12, "latin1");
  const ready = Buffer.concat([Buffer.from([5]), Buffer.from("READY"), Buffer.from([11]), Buffer.from("Socket-Type"), Buffer.from([0, 0, 0, 3]), Buffer.from("SUB")]);
  return Buffer.concat([greeting, Buffer.from([0x04, ready.length]), ready, Buffer.from([0x00, 0x01, 0x01])]);
}

/**
 * Subscribes to Deno's IOPub over plain TCP and hands over the bytes after
 * Deno's greeting and READY command: a ZMTP library would have cut them into
 * frames at the wrong places already. Retries while Deno is not listening yet.
 */
export function subscribeRaw(port: number, host: string, onBytes: (chunk: Buffer) => void, warn: (line: string) => void): void {
  let connected = false;
  const attempt = (): void => {
    const socket = connect({ port, host });
    let hello: Buffer | undefined = Buffer.alloc(0);
    socket.on("connect", () => {
      connected = true;
      socket.write(subscriberHello());
    });
    socket.on("data", (chunk: Buffer) => {
      if (!hello) return onBytes(chunk);
      hello = Buffer.concat([hello, chunk]);
      // 64-byte greeting, then Deno's READY command frame (short or long size).
      if (hello.length < 66) return;
      const head = hello[64] & 0x02 ? 9 : 2;
      if (hello.length < 64 + head) return;
      const end = 64 + head + (head === 9 ? hello.readUInt32BE(64 + 5) : hello[65]);
      if (hello.length < end) return;
      const rest = hello.subarray(end);
      hello = undefined;
      if (rest.length) onBytes(rest);
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (!connected && e.code === "ECONNREFUSED") setTimeout(attempt, 50);
      else warn(`deno-kernel: iopub connection: ${String(e)}`);
    });
  };
  attempt();
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
      pub.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(code ?? (signal ? 1 : 0));
    });
  });
  // Deno's kernel listens on TCP whatever the transport says (Deno.listen with hostname and port).
  const warn = (line: string): void => void process.stderr.write(`${line}\n`);
  const reader = iopubReader(typeof outer.key === "string" ? outer.key : "", (frames) => holder.receive(frames), warn);
  subscribeRaw(inner.iopub_port, inner.ip, (chunk) => reader.push(chunk), warn);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`deno-kernel: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
