/**
 * The project's Jupyter kernel: the project's own tslab (node_modules/tslab,
 * the same code as `node_modules/.bin/tslab kernel`) started from the
 * repository root, with four fixes. The kernelspec written by
 * `npm run kernel` runs
 *
 *     node <repo>/build/scripts/tslab-kernel.js {connection_file}
 *
 * 1. cwd = repository root, whatever folder the notebook is in: tslab only
 *    compiles imports under its root (the kernel's cwd), so cells can
 *    `import { ... } from "./src/index"`.
 * 2. iopub never loses output. zeromq.js 6 sends at most 512 messages
 *    synchronously, defers the next one to the event loop and throws EBUSY
 *    for any send before that: inside a synchronous training loop the
 *    progress line froze and then output was silently dropped. With
 *    sendTimeout 0 every iopub send is handed to ZeroMQ's I/O thread at
 *    once (so live progress reaches the browser while a synchronous cell
 *    runs), the high-water mark is unlimited, and a send that still finds
 *    the socket busy is queued instead of thrown.
 * 3. A failing cell's execute_reply carries ename/evalue/traceback (tslab's
 *    stderr text), so `jupyter nbconvert --execute` and other clients show
 *    the error instead of an empty message.
 * 4. execute_input is published, so clients record execution counts.
 *
 * Every fix checks that the tslab/zeromq internal it patches exists; if a
 * future version changes them, the kernel still starts (stock behaviour)
 * and says which fix was skipped on stderr (the Jupyter server's log).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The nearest folder at or above `start` that has node_modules/tslab. */
export function findRepoRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", "tslab", "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`tslab-kernel: no node_modules/tslab at or above ${start}; run npm ci in the repository first`);
  }
}

type Send = (this: unknown, msg: unknown) => Promise<void>;
interface PublisherProto { send: Send; bind(this: PublisherLike, address: string): Promise<void> }
interface PublisherLike { sendTimeout: number; sendHighWaterMark: number }

const warn = (text: string): void => { process.stderr.write(`tslab-kernel: ${text}\n`); };

/** Fix 2: see the header comment. */
function patchZeromq(tslabDist: string): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const zmq = require(require.resolve("zeromq", { paths: [tslabDist] })) as { Publisher?: { prototype: PublisherProto } };
  const proto = zmq.Publisher?.prototype;
  if (!proto || typeof proto.send !== "function" || typeof proto.bind !== "function") {
    warn("zeromq Publisher not found; iopub fix skipped");
    return;
  }
  const origSend = proto.send;
  const origBind = proto.bind;
  const isBusy = (e: unknown): boolean => {
    const err = e as { code?: string; message?: string } | null;
    return !!err && (err.code === "EBUSY" || /busy writing/i.test(String(err.message)));
  };
  const queues = new WeakMap<object, { q: unknown[]; flushing: boolean }>();
  async function flush(sock: object, st: { q: unknown[]; flushing: boolean }): Promise<void> {
    while (st.q.length > 0) {
      try {
        await origSend.call(sock, st.q[0]);
        st.q.shift();
      } catch (e) {
        if (isBusy(e)) await new Promise((r) => setImmediate(r));
        else st.q.shift();
      }
    }
    st.flushing = false;
  }
  function send(this: object, msg: unknown): Promise<void> {
    let st = queues.get(this);
    if (!st) queues.set(this, (st = { q: [], flushing: false }));
    if (!st.flushing) {
      try {
        return origSend.call(this, msg);
      } catch (e) {
        if (!isBusy(e)) throw e;
      }
    }
    st.q.push(msg);
    if (!st.flushing) {
      st.flushing = true;
      const state = st;
      setImmediate(() => void flush(this, state));
    }
    return Promise.resolve();
  }
  function bind(this: PublisherLike, address: string): Promise<void> {
    this.sendTimeout = 0; // never defer a send to the event loop (no 512-send limit)
    this.sendHighWaterMark = 0; // never drop a message
    return origBind.call(this, address);
  }
  // send/bind are read-only natives on Socket.prototype: define own properties on Publisher.prototype.
  Object.defineProperty(proto, "send", { value: send, writable: true, configurable: true });
  Object.defineProperty(proto, "bind", { value: bind, writable: true, configurable: true });
}

interface ExecuteReply { status: string; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] }
type WriteStream = (name: string, text: string) => void;
interface ZmqMessageLike {
  content: { code: string };
  header: { msg_type: string };
  createReply(): Omit<ZmqMessageLike, "content"> & { content: unknown };
  signAndSend(key: string, sock: unknown): void;
}
interface ServerLike { connInfo: { key: string }; iopub: unknown }
interface HandlerLike { execCount: number }
interface JupyterModule {
  ZmqServer: { prototype: { handleExecute(this: ServerLike, sock: unknown, msg: ZmqMessageLike): Promise<void> } };
  JupyterHandlerImpl: {
    prototype: {
      handleExecuteImpl(this: HandlerLike, req: object, ...rest: unknown[]): Promise<unknown>;
      handleExecute(this: HandlerLike, req: object, writeStream: WriteStream, writeDisplayData: unknown): Promise<ExecuteReply>;
    };
  };
}

/** tslab's stderr text of a failed cell -> the execute_reply error fields. */
export function errorFields(stderr: string): { ename: string; evalue: string; traceback: string[] } {
  const text = stderr.trim() || "cell failed (tslab wrote no error text)";
  const thrown = /^\s*((?:[A-Za-z_$][\w$]*)?(?:Error|Exception)): (.*)$/m.exec(text);
  const diagnostic = /^(?:\S+ )?\d+:\d+ - (.*)$/m.exec(text); // a TypeScript compile error: "2:7 - Type 'string' is not ..."
  return {
    ename: thrown ? thrown[1] : diagnostic ? "TypeScriptError" : "Error",
    evalue: thrown ? thrown[2] : diagnostic ? diagnostic[1] : text.split("\n").pop()!,
    traceback: text.split("\n"),
  };
}

/** Fixes 3 and 4: see the header comment. */
function patchJupyter(tslabDist: string): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jup = require(join(tslabDist, "jupyter.js")) as Partial<JupyterModule>;
  const server = jup.ZmqServer?.prototype;
  const handler = jup.JupyterHandlerImpl?.prototype;
  if (!server || !handler || typeof server.handleExecute !== "function" || typeof handler.handleExecuteImpl !== "function" || typeof handler.handleExecute !== "function") {
    warn("tslab's ZmqServer/JupyterHandlerImpl not found; execute_input and error-text fixes skipped");
    return;
  }
  const inputSenders = new WeakMap<object, (count: number) => void>();
  const origServerExecute = server.handleExecute;
  server.handleExecute = function (sock, msg) {
    inputSenders.set(msg.content, (count) => {
      const m = msg.createReply();
      m.header.msg_type = "execute_input";
      m.content = { code: msg.content.code, execution_count: count };
      m.signAndSend(this.connInfo.key, this.iopub);
    });
    return origServerExecute.call(this, sock, msg);
  };
  const origImpl = handler.handleExecuteImpl;
  handler.handleExecuteImpl = async function (req, ...rest) {
    // tslab starts the next queued cell in a microtask, before the previous
    // cell's execute_reply and idle status leave; one turn of the event loop
    // lets them out, so a long cell does not keep the one before it at In [*].
    await new Promise((r) => setImmediate(r));
    inputSenders.get(req)?.(this.execCount + 1); // tslab increments execCount right after this
    return origImpl.call(this, req, ...rest);
  };
  // A page that (re)connects asks for kernel_info and has no plotly.js yet:
  // let the next figure carry it again (see src/display.ts).
  const origShell = (server as unknown as { handleShellMessage?: (this: ServerLike, sock: unknown, ...args: Buffer[]) => Promise<void> }).handleShellMessage;
  if (typeof origShell === "function") {
    (server as unknown as { handleShellMessage: typeof origShell }).handleShellMessage = function (sock, ...args) {
      if (args.some((frame) => Buffer.isBuffer(frame) && frame.includes('"kernel_info_request"'))) {
        (globalThis as unknown as Record<symbol, boolean>)[Symbol.for("backprop-moons.plotlySent")] = false;
      }
      return origShell.call(this, sock, ...args);
    };
  } else {
    warn("tslab's ZmqServer.handleShellMessage not found; figures after a page reload may need Restart & Run All");
  }
  const origHandle = handler.handleExecute;
  handler.handleExecute = async function (req, writeStream, writeDisplayData) {
    let stderr = "";
    const tee: WriteStream = (name, text) => {
      if (name === "stderr") stderr += text;
      writeStream(name, text);
    };
    const reply = await origHandle.call(this, req, tee, writeDisplayData);
    if (reply.status === "error") Object.assign(reply, errorFields(stderr));
    return reply;
  };
}

function main(): void {
  const configPath = process.argv[2];
  if (!configPath) {
    process.stderr.write("usage: node build/scripts/tslab-kernel.js CONNECTION_FILE\n(Jupyter runs this through the kernelspec that `npm run kernel` writes.)\n");
    process.exit(2);
  }
  const connectionFile = resolve(configPath); // before chdir: Jupyter may pass a relative path
  const root = findRepoRoot(join(__dirname, ".."));
  process.chdir(root); // fix 1; tslab takes its root from process.cwd()
  const tslabMain = require.resolve("tslab/dist/main.js", { paths: [root] });
  const tslabDist = dirname(tslabMain);
  for (const [name, patch] of [["iopub", patchZeromq], ["jupyter", patchJupyter]] as const) {
    try {
      patch(tslabDist);
    } catch (e) {
      warn(`${name} fix skipped: ${(e as Error).message}`);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tslab = require(tslabMain) as { startKernel(options: { configPath: string; enableFindLocal: boolean; jsKernel: boolean }): void };
  tslab.startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false });
}

if (require.main === module) main();
