/**
 * The kernel launcher's fixes to tslab and zeromq, applied at runtime by
 * patching their prototypes (see jupyter/tslab-kernel.ts for the list).
 * Every fix checks that the internal it patches exists; if a future version
 * changes it, the kernel still starts (stock behaviour) and says which fix
 * was skipped on stderr (the Jupyter server's log).
 */
import { join } from "node:path";
import { kernelState } from "../src/display";
import { errorFields } from "./cell-errors";

type Send = (this: unknown, msg: unknown) => Promise<void>;
interface PublisherProto { send: Send; bind(this: PublisherLike, address: string): Promise<void> }
interface PublisherLike { sendTimeout: number; sendHighWaterMark: number }

export const warn = (text: string): void => { process.stderr.write(`tslab-kernel: ${text}\n`); };

/** Fix 2: see the header comment. */
export function patchZeromq(tslabDist: string): void {
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

/** Fixes 3 and 4: see the header comment. */
export function patchJupyter(tslabDist: string): void {
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
        kernelState().plotlySent = false;
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
